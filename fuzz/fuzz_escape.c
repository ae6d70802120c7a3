/* fuzz_escape.c - libFuzzer target: terminal escaping is safe, reversible and within its limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share/escape.h"

#include "fuzz_check.h"

/* Output is valid UTF-8 with no C0, DEL or C1 control character. */
static void
check_safe(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i = 0, n, k;

	CHECK(strlen(s) == len);
	while (i < len) {
		uint8_t	 c = p[i];

		CHECK(c >= 0x20 && c != 0x7f);
		if (c < 0x80) {
			i++;
			continue;
		}
		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		CHECK(c >= 0xc2 && c <= 0xf4 && i + n <= len);
		for (k = 1; k < n; k++)
			CHECK((p[i + k] & 0xc0) == 0x80);
		CHECK(!(c == 0xc2 && p[i + 1] < 0xa0));		/* U+0080..U+009F */
		i += n;
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undoes esc_term: "\\\\" -> '\\', "\xHH" -> the byte. Returns the length. */
static size_t
unescape(const char *s, size_t len, uint8_t *out)
{
	size_t	 i = 0, o = 0;

	while (i < len) {
		if (s[i] != '\\') {
			out[o++] = (uint8_t)s[i++];
			continue;
		}
		CHECK(i + 1 < len);
		if (s[i + 1] == '\\') {
			out[o++] = '\\';
			i += 2;
			continue;
		}
		CHECK(s[i + 1] == 'x' && i + 3 < len);
		CHECK(hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0);
		out[o++] = (uint8_t)(hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
		i += 4;
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		 cap = ESC_TERM_MAX(size) + 1, n, m, w, cols, dl;
	char		*out = malloc(cap), small[64];
	uint8_t		*back = malloc(size + 1);
	struct buf	 b;

	CHECK(out != NULL && back != NULL);

	/* Whole escape: safe and exactly reversible. */
	n = esc_term(out, cap, data, size);
	check_safe(out, n);
	m = unescape(out, n, back);
	CHECK(m == size && memcmp(back, data, size) == 0);

	/* The buffer form gives the same bytes. */
	buf_init(&b, cap);
	CHECK(esc_term_buf(&b, data, size) == 0);
	CHECK(b.len == n && memcmp(b.data, out, n) == 0);
	buf_free(&b);

	/* A short destination: a safe prefix of the whole escape. */
	dl = size > 0 ? data[0] % sizeof(small) : 7;
	m = esc_term(small, dl, data, size);
	if (dl > 0) {
		check_safe(small, m);
		CHECK(m < dl && m <= n && memcmp(small, out, m) == 0);
	}

	/* Cells: within the column and byte budgets, widths agree, safe. */
	for (cols = 0; cols < 12; cols += 3) {
		size_t	 c = cols == 0 ? 0 : cols + (size > 1 ? data[1] % 40 : 0);

		w = esc_cell(small, sizeof(small), data, size, c);
		check_safe(small, strlen(small));
		CHECK(c == 0 || w <= c);
		CHECK(w == esc_width(small));
		w = esc_trunc(small, sizeof(small), out, c);
		check_safe(small, strlen(small));
		CHECK(c == 0 || w <= c);
	}
	free(out);
	free(back);
	return 0;
}
