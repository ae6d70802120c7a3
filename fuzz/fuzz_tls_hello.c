/*
 * fuzz_tls_hello.c - libFuzzer target: the ClientHello and ServerHello parsers and the JA3, JA3S
 * and JA4 builders over any bytes, with invariants: spans inside the input, determinism, JA4's
 * shape, the JA3 string's alphabet.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "fp/tls_hello.h"

#include "fuzz_check.h"

static void
check_span(struct fp_span s, const uint8_t *base, size_t lim)
{
	if (s.p == NULL) {
		CHECK(s.len == 0);
		return;
	}
	CHECK(s.p >= base && s.len <= lim && (size_t)(s.p - base) <= lim - s.len);
}

static void
check_client(const uint8_t *data, size_t size)
{
	struct tls_client_hello	 h;
	struct buf		 b;
	char			 ja4[FP_JA4_LEN + 1], again[FP_JA4_LEN + 1];
	size_t			 i;

	if (tls_client_hello_parse(data, size, &h) == -1)
		return;
	check_span(h.ciphers, data, size);
	check_span(h.exts, data, size);
	check_span(h.groups, data, size);
	check_span(h.point_formats, data, size);
	check_span(h.sigalgs, data, size);
	check_span(h.versions, data, size);
	check_span(h.alpn, data, size);
	check_span(h.sni, data, size);
	CHECK(fp_ja4(&h, ja4) == 0);
	CHECK(strlen(ja4) == FP_JA4_LEN && ja4[0] == 't' && ja4[10] == '_' && ja4[23] == '_');
	CHECK(fp_ja4(&h, again) == 0 && strcmp(ja4, again) == 0);
	buf_init(&b, 8 * size + 64);
	CHECK(fp_ja3(&h, &b) == 0);
	for (i = 0; i < b.len; i++)
		CHECK((b.data[i] >= '0' && b.data[i] <= '9') || b.data[i] == ',' || b.data[i] == '-');
	buf_free(&b);
}

static void
check_server(const uint8_t *data, size_t size)
{
	struct tls_server_hello	 h;
	struct buf		 b;

	if (tls_server_hello_parse(data, size, &h) == -1)
		return;
	check_span(h.exts, data, size);
	buf_init(&b, 8 * size + 64);
	CHECK(fp_ja3s(&h, &b) == 0);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_client(data, size);
	check_server(data, size);
	return 0;
}
