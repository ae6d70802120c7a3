/* test_tls_fp.c - unit tests for the ClientHello/ServerHello parsers and JA3, JA3S, JA4. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "fp/tls_hello.h"

/* A hand-built ClientHello. */
struct hb {
	uint8_t	 b[4096];
	size_t	 n;
};

static void
put8(struct hb *h, unsigned v)
{
	h->b[h->n++] = (uint8_t)v;
}

static void
put16(struct hb *h, unsigned v)
{
	put8(h, v >> 8);
	put8(h, v & 0xff);
}

static void
put16_at(struct hb *h, size_t at, size_t v)
{
	h->b[at] = (uint8_t)(v >> 8);
	h->b[at + 1] = (uint8_t)v;
}

/* An extension whose body is a 2-byte-length list of 2-byte values. */
static void
ext_list16(struct hb *h, unsigned type, const uint16_t *v, size_t n, int lenbytes)
{
	size_t	 i;

	put16(h, type);
	put16(h, n * 2 + (size_t)lenbytes);
	if (lenbytes == 2)
		put16(h, n * 2);
	else
		put8(h, n * 2);
	for (i = 0; i < n; i++)
		put16(h, v[i]);
}

static void
ext_raw(struct hb *h, unsigned type, const void *body, size_t len)
{
	put16(h, type);
	put16(h, len);
	memcpy(h->b + h->n, body, len);
	h->n += len;
}

/* The JA4 spec's worked example (plus GREASE, which must not count), with the ALPN given. */
static void
build_example(struct hb *h, const uint8_t *alpn, size_t alpn_len)
{
	static const uint16_t ciphers[] = { 0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
	    0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035 };
	static const uint16_t sig[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
	    0x0806, 0x0601 };
	static const uint16_t groups[] = { 0x3a3a, 0x001d, 0x0017, 0x0018 };
	static const uint16_t vers[] = { 0x4a4a, 0x0304, 0x0303 };
	static const uint16_t plain[] = { 0x0005, 0x0012, 0x0015, 0x001b, 0x0023, 0x002d,
	    0x0033, 0x4469, 0xff01 };
	size_t	 i, len_at, ext_at;
	uint8_t	 sni[] = { 0, 14, 0, 0, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm' };
	uint8_t	 alpnbody[64];

	h->n = 0;
	put8(h, 1);
	len_at = h->n;
	put8(h, 0);
	put16(h, 0);
	put16(h, 0x0303);
	for (i = 0; i < 32; i++)
		put8(h, i);
	put8(h, 0);
	put16(h, sizeof(ciphers));
	for (i = 0; i < sizeof(ciphers) / 2; i++)
		put16(h, ciphers[i]);
	put8(h, 1);
	put8(h, 0);
	ext_at = h->n;
	put16(h, 0);
	put16(h, 0xdada);	/* GREASE extension, empty */
	put16(h, 0);
	ext_raw(h, 0x0000, sni, sizeof(sni));
	ext_list16(h, 0x000a, groups, 4, 2);
	ext_raw(h, 0x000b, "\x01\x00", 2);
	ext_list16(h, 0x000d, sig, 8, 2);
	alpnbody[0] = 0;
	alpnbody[1] = (uint8_t)(alpn_len + 1 + 9);
	alpnbody[2] = (uint8_t)alpn_len;
	memcpy(alpnbody + 3, alpn, alpn_len);
	memcpy(alpnbody + 3 + alpn_len, "\x08http/1.1", 9);
	ext_raw(h, 0x0010, alpnbody, 3 + alpn_len + 9);
	ext_list16(h, 0x002b, vers, 3, 1);
	for (i = 0; i < sizeof(plain) / 2; i++)
		ext_raw(h, plain[i], "", 0);
	ext_raw(h, 0x0017, "", 0);
	put16_at(h, ext_at, h->n - ext_at - 2);
	h->b[len_at] = 0;
	put16_at(h, len_at + 1, h->n - 4);
}

static void
test_ja4_spec_example(void **state)
{
	struct hb			 h;
	struct tls_client_hello		 ch;
	char				 ja4[FP_JA4_LEN + 1];

	build_example(&h, (const uint8_t *)"h2", 2);
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), 0);
	assert_int_equal(fp_ja4(&ch, ja4), 0);
	assert_string_equal(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	assert_int_equal(ch.sni.len, 11);
	assert_memory_equal(ch.sni.p, "example.com", 11);
}

static void
test_ja4_alpn_cases(void **state)
{
	struct hb			 h;
	struct tls_client_hello		 ch;
	char				 ja4[FP_JA4_LEN + 1];

	build_example(&h, (const uint8_t *)"\xba\xad", 2);
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), 0);
	fp_ja4(&ch, ja4);
	assert_memory_equal(ja4, "t13d1516bd_", 11);
	build_example(&h, (const uint8_t *)"a", 1);
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), 0);
	fp_ja4(&ch, ja4);
	assert_memory_equal(ja4, "t13d1516aa_", 11);
	build_example(&h, (const uint8_t *)"http/1.1", 8);
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), 0);
	fp_ja4(&ch, ja4);
	assert_memory_equal(ja4, "t13d1516h1_", 11);
}

static void
test_ja3_string(void **state)
{
	struct hb			 h;
	struct tls_client_hello		 ch;
	struct buf			 b;
	char				 md5[FP_MD5_HEX_LEN + 1];

	build_example(&h, (const uint8_t *)"h2", 2);
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), 0);
	buf_init(&b, 4096);
	assert_int_equal(fp_ja3(&ch, &b), 0);
	buf_append(&b, "", 1);
	assert_string_equal((const char *)b.data,
	    "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
	    "0-10-11-13-16-43-5-18-21-27-35-45-51-17513-65281-23,29-23-24,0");
	buf_free(&b);
	/* The salesforce README's example. */
	fp_md5_hex("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0", 68,
	    md5);
	assert_string_equal(md5, "ada70206e40642a3e4461f35503241d5");
}

static void
test_no_extensions(void **state)
{
	/* A TLS 1.0 hello without extensions: JA3 ends ",,,", JA4 part c zeros. */
	static const uint8_t	 m[] = {
	    1, 0, 0, 43, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 5, 1, 0 };
	struct tls_client_hello	 ch;
	struct buf		 b;
	char			 ja4[FP_JA4_LEN + 1];

	assert_int_equal(tls_client_hello_parse(m, sizeof(m), &ch), 0);
	buf_init(&b, 256);
	fp_ja3(&ch, &b);
	buf_append(&b, "", 1);
	assert_string_equal((const char *)b.data, "769,4-5,,,");
	buf_free(&b);
	fp_ja4(&ch, ja4);
	assert_string_equal(ja4, "t10i020000_6e254592683c_000000000000");
}

static void
test_malformed(void **state)
{
	struct hb			 h;
	struct tls_client_hello		 ch;
	struct tls_server_hello		 sh;
	size_t				 cut;

	build_example(&h, (const uint8_t *)"h2", 2);
	for (cut = 0; cut < h.n; cut++)
		assert_int_equal(tls_client_hello_parse(h.b, cut, &ch), -1);
	h.b[0] = 2;
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), -1);
	assert_int_equal(tls_server_hello_parse((const uint8_t *)"\x02\x00\x00\x01\x03", 5, &sh),
	    -1);
	/* An extension longer than its block. */
	build_example(&h, (const uint8_t *)"h2", 2);
	h.b[4 + 2 + 32 + 1 + 2 + 32 + 2 + 2 + 3] = 0xff;
	assert_int_equal(tls_client_hello_parse(h.b, h.n, &ch), -1);
}

static void
test_ja3s(void **state)
{
	static const uint8_t	 m[] = {
	    2, 0, 0, 46, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 2, 0, 0, 6, 0, 43, 0, 2, 3, 4 };
	struct tls_server_hello	 sh;
	struct buf		 b;

	assert_int_equal(tls_server_hello_parse(m, sizeof(m), &sh), 0);
	buf_init(&b, 256);
	fp_ja3s(&sh, &b);
	buf_append(&b, "", 1);
	assert_string_equal((const char *)b.data, "771,4866,43");
	buf_free(&b);
}

static void
test_grease(void **state)
{
	unsigned	 v, n = 0;

	for (v = 0; v < 65536; v++)
		n += (unsigned)tls_is_grease((uint16_t)v);
	assert_int_equal(n, 16);
	assert_true(tls_is_grease(0x0a0a));
	assert_true(tls_is_grease(0xfafa));
	assert_false(tls_is_grease(0x0a1a));
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_ja4_spec_example),
		cmocka_unit_test(test_ja4_alpn_cases),
		cmocka_unit_test(test_ja3_string),
		cmocka_unit_test(test_no_extensions),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_ja3s),
		cmocka_unit_test(test_grease),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
