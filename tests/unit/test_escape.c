/* test_escape.c - unit tests for terminal escaping, display widths and column truncation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "share/escape.h"

#define IN(s)	.in = (s), .inlen = sizeof(s) - 1

/* esc_term: input bytes -> exact output. */
struct tcase {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	const char	*out;
};

static const struct tcase tcases[] = {
	{ "plain ASCII", IN("GET /index.html"), "GET /index.html" },
	{ "empty", IN(""), "" },
	{ "backslash doubled", IN("a\\b\\\\"), "a\\\\b\\\\\\\\" },
	{ "ESC colour sequence", IN("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m" },
	{ "tab CR LF", IN("a\tb\r\n"), "a\\x09b\\x0d\\x0a" },
	{ "NUL inside", IN("a\0b"), "a\\x00b" },
	{ "BEL and BS", IN("\a\b"), "\\x07\\x08" },
	{ "DEL", IN("x\x7fy"), "x\\x7fy" },
	{ "C1 CSI as UTF-8", IN("\xc2\x9b" "31m"), "\\xc2\\x9b31m" },
	{ "C1 NEL and APC", IN("\xc2\x85\xc2\x9f"), "\\xc2\\x85\\xc2\\x9f" },
	{ "raw C1 byte", IN("\x9b" "2J"), "\\x9b2J" },
	{ "NBSP kept", IN("a\xc2\xa0" "b"), "a\xc2\xa0" "b" },
	{ "Latin-1 letter kept", IN("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ "Japanese kept", IN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" },
	{ "emoji kept", IN("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80" },
	{ "HTML kept", IN("<script>alert(1)</script>"), "<script>alert(1)</script>" },
	{ "invalid bytes", IN("\xff\xfe"), "\\xff\\xfe" },
	{ "overlong slash", IN("\xc0\xaf"), "\\xc0\\xaf" },
	{ "overlong 3-byte", IN("\xe0\x80\xaf"), "\\xe0\\x80\\xaf" },
	{ "surrogate", IN("\xed\xa0\x80"), "\\xed\\xa0\\x80" },
	{ "past U+10FFFF", IN("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80" },
	{ "cut sequence at end", IN("ok\xe6\x97"), "ok\\xe6\\x97" },
	{ "cut sequence then ASCII", IN("\xe6" "A"), "\\xe6A" },
	{ "lone continuation", IN("\x80" "a"), "\\x80a" },
	{ "RLO bidi override", IN("a\xe2\x80\xae" "b"), "a\\xe2\\x80\\xaeb" },
	{ "zero-width space", IN("\xe2\x80\x8b"), "\\xe2\\x80\\x8b" },
	{ "BOM", IN("\xef\xbb\xbf" "x"), "\\xef\\xbb\\xbfx" },
	{ "line separator", IN("\xe2\x80\xa8"), "\\xe2\\x80\\xa8" },
	{ "U+FFFD kept", IN("\xef\xbf\xbd"), "\xef\xbf\xbd" },
	{ "OSC title", IN("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07" },
};

static void
test_term_case(void **state)
{
	const struct tcase	*c = *state;
	char			 out[512];
	size_t			 n;

	n = esc_term(out, sizeof(out), c->in, c->inlen);
	assert_string_equal(out, c->out);
	assert_int_equal(n, strlen(c->out));
}

/* esc_cell: input, column budget and dst size -> exact output and columns. */
struct ccase {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	size_t		 cols;
	size_t		 dstlen;	/* 0: 256 */
	const char	*out;
	size_t		 width;
};

#define ELL	"\xe2\x80\xa6"

static const struct ccase ccases[] = {
	{ "cell fits", IN("abcd"), 4, 0, "abcd", 4 },
	{ "cell cut", IN("abcde"), 4, 0, "abc" ELL, 4 },
	{ "cell unlimited", IN("abcdefgh"), 0, 0, "abcdefgh", 8 },
	{ "cell empty", IN(""), 3, 0, "", 0 },
	{ "cell one column", IN("ab"), 1, 0, ELL, 1 },
	{ "cell one column fits", IN("a"), 1, 0, "a", 1 },
	{ "cell wide cut", IN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 4, 0,
	    "\xe6\x97\xa5" ELL, 3 },
	{ "cell wide fits", IN("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 6, 0,
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6 },
	{ "cell escape not split", IN("\x1b\x1b"), 6, 0, "\\x1b" ELL, 5 },
	{ "cell escape then text", IN("\x1b[31m"), 6, 0, "\\x1b[" ELL, 6 },
	{ "cell escape exact", IN("\x1b"), 4, 0, "\\x1b", 4 },
	{ "cell backslash pair", IN("a\\"), 2, 0, "a" ELL, 2 },
	{ "cell combining mark", IN("e\xcc\x81" "x"), 2, 0, "e\xcc\x81" "x", 2 },
	{ "cell byte limit", IN("abcdefghij"), 0, 8, "abcd" ELL, 5 },
	{ "cell byte limit exact", IN("abcdefg"), 0, 8, "abcdefg", 7 },
	{ "cell dst too small for ellipsis", IN("abcdef"), 0, 3, "ab", 2 },
	{ "cell C1 escaped and cut", IN("\xc2\x9b" "abc"), 6, 0, "\\xc2" ELL, 5 },
};

static void
test_cell_case(void **state)
{
	const struct ccase	*c = *state;
	char			 out[256];
	size_t			 w;

	w = esc_cell(out, c->dstlen ? c->dstlen : sizeof(out), c->in, c->inlen, c->cols);
	assert_string_equal(out, c->out);
	assert_int_equal(w, c->width);
	assert_int_equal(esc_width(out), c->width);
}

static void
test_term_small_dst(void **state)
{
	char	 out[8];

	(void)state;
	/* Never splits an escape: "\x1b" is 4 bytes, the second does not fit in 5. */
	assert_int_equal(esc_term(out, 6, "\x1b\x1b", 2), 4);
	assert_string_equal(out, "\\x1b");
	assert_int_equal(esc_term(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(esc_term(out, 0, "abc", 3), 0);
	/* A multi-byte character is not split either. */
	assert_int_equal(esc_term(out, 5, "ab\xe6\x97\xa5", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(esc_term(out, sizeof(out), "ab\xe6\x97\xa5", 5), 5);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(esc_width(""), 0);
	assert_int_equal(esc_width("abc"), 3);
	assert_int_equal(esc_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	assert_int_equal(esc_width("e\xcc\x81"), 1);
	assert_int_equal(esc_width("\xef\xbc\xa1"), 2);		/* full-width A */
	assert_int_equal(esc_width("\xef\xbd\xb1"), 1);		/* half-width katakana */
	assert_int_equal(esc_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(esc_width("\xff"), 1);
	assert_int_equal(esc_width(ELL), 1);
}

static void
test_trunc(void **state)
{
	char	 out[64];

	(void)state;
	assert_int_equal(esc_trunc(out, sizeof(out), "hello world", 5), 5);
	assert_string_equal(out, "hell" ELL);
	assert_int_equal(esc_trunc(out, sizeof(out), "hello", 5), 5);
	assert_string_equal(out, "hello");
	/* Already escaped text is kept as it is (no doubling); unsafe bytes become '?'. */
	esc_trunc(out, sizeof(out), "\\x1b", 0);
	assert_string_equal(out, "\\x1b");
	esc_trunc(out, sizeof(out), "\x1b[2J\xc2\x9b", 0);
	assert_string_equal(out, "?[2J?");
}

static void
test_buf(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(esc_term_buf(&b, "a\x1b\\", 3), 0);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "a\\x1b\\\\", 7);
	buf_free(&b);

	buf_init(&b, 6);
	assert_int_equal(esc_term_buf(&b, "\x1b\x1b", 2), -1);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "\\x1b", 4);
	buf_free(&b);
}

static void
test_pad(void **state)
{
	char	 out[64];
	FILE	*fp;

	(void)state;
	memset(out, 0, sizeof(out));
	fp = fmemopen(out, sizeof(out), "w");
	assert_non_null(fp);
	assert_int_equal(esc_fput_pad(fp, "\xe6\x97\xa5", 4, 0), 0);
	assert_int_equal(esc_fput_pad(fp, "|", 0, 0), 0);
	assert_int_equal(esc_fput_pad(fp, "12", 4, 1), 0);
	assert_int_equal(esc_fput_pad(fp, "toolong", 3, 0), 0);
	fclose(fp);
	assert_string_equal(out, "\xe6\x97\xa5  |  12toolong");
}

/* Every byte value alone: the output is free of control bytes and round-trips by width. */
static void
test_all_bytes(void **state)
{
	char		 out[16];
	unsigned char	 c;
	int		 i;

	(void)state;
	for (i = 0; i < 256; i++) {
		c = (unsigned char)i;
		esc_term(out, sizeof(out), &c, 1);
		if (i >= 0x20 && i < 0x7f && i != '\\')
			assert_true(out[0] == (char)c && out[1] == '\0');
		else if (i == '\\')
			assert_string_equal(out, "\\\\");
		else {
			char	 want[8];

			snprintf(want, sizeof(want), "\\x%02x", i);
			assert_string_equal(out, want);
		}
	}
}

int
main(void)
{
	size_t			 nt = sizeof(tcases) / sizeof(tcases[0]);
	size_t			 nc = sizeof(ccases) / sizeof(ccases[0]);
	struct CMUnitTest	*t = calloc(nt + nc + 16, sizeof(*t));
	size_t			 n = 0, i;
	int			 rc;

	if (t == NULL)
		return 1;
	for (i = 0; i < nt; i++) {
		t[n].name = tcases[i].name;
		t[n].test_func = test_term_case;
		t[n++].initial_state = (void *)(uintptr_t)&tcases[i];
	}
	for (i = 0; i < nc; i++) {
		t[n].name = ccases[i].name;
		t[n].test_func = test_cell_case;
		t[n++].initial_state = (void *)(uintptr_t)&ccases[i];
	}
#define ADD(f)	do { t[n].name = #f; t[n++].test_func = f; } while (0)
	ADD(test_term_small_dst);
	ADD(test_width);
	ADD(test_trunc);
	ADD(test_buf);
	ADD(test_pad);
	ADD(test_all_bytes);
#undef ADD
	rc = _cmocka_run_group_tests("escape", t, n, NULL, NULL);
	free(t);
	return rc;
}
