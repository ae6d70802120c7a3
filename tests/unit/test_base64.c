/*
 * test_base64.c - the base64 encoder (src/core/base64.c): RFC 4648's test vectors, and the same
 * bytes as OpenSSL's EVP_EncodeBlock (which it replaced) for every length up to 300.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "core/base64.h"

static void
test_rfc4648(void **state)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	uint8_t	 out[16];
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		n = base64_encode(out, (const uint8_t *)vec[i][0], strlen(vec[i][0]));
		assert_int_equal(n, strlen(vec[i][1]));
		assert_int_equal(n, BASE64_LEN(strlen(vec[i][0])));
		assert_memory_equal(out, vec[i][1], n);
	}
}

static void
test_same_as_openssl(void **state)
{
	uint8_t		 in[300], ours[BASE64_LEN(300)], theirs[BASE64_LEN(300) + 1];
	uint32_t	 x = 2463534242u;
	size_t		 len, i, n;

	(void)state;
	for (len = 0; len <= sizeof(in); len++) {
		for (i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			in[i] = (uint8_t)x;
		}
		n = base64_encode(ours, in, len);
		assert_int_equal(n, (size_t)EVP_EncodeBlock(theirs, in, (int)len));
		assert_memory_equal(ours, theirs, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648),
		cmocka_unit_test(test_same_as_openssl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
