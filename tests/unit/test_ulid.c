/*
 * test_ulid.c - ULIDs (src/core/ulid.c): ulid_decode gives back the time and the 80 bits given
 * to ulid_encode (the import finds its lines' keys in the events' ids this way), for all-zero,
 * all-one and mixed bits; text that is not a ULID (wrong length, letters outside Crockford's
 * alphabet, lower case, a first digit over 7) is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/ulid.h"

static void
round_trip(int64_t ts_us, const uint8_t rnd[10])
{
	char		 text[ULID_LEN + 1];
	uint8_t		 bin[16];
	uint64_t	 ms = 0;
	int		 i;

	ulid_encode(text, ts_us, rnd);
	assert_int_equal(strlen(text), ULID_LEN);
	assert_int_equal(ulid_decode(text, ULID_LEN, bin), 0);
	for (i = 0; i < 6; i++)
		ms = ms << 8 | bin[i];
	assert_int_equal(ms, (uint64_t)ts_us / 1000);
	assert_memory_equal(bin + 6, rnd, 10);
}

static void
test_round_trip(void **state)
{
	uint8_t		 zero[10] = { 0 }, ones[10], mixed[10];
	uint64_t	 x = 0x9e3779b97f4a7c15ULL;
	int		 i, k;

	(void)state;
	memset(ones, 0xff, sizeof(ones));
	round_trip(0, zero);
	round_trip(1795100400000000LL, ones);
	for (k = 0; k < 1000; k++) {
		for (i = 0; i < 10; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			mixed[i] = (uint8_t)x;
		}
		round_trip((int64_t)(x >> 20), mixed);
	}
}

static void
test_made_ids_decode(void **state)
{
	char	 a[ULID_LEN + 1], b[ULID_LEN + 1];
	uint8_t	 ba[16], bb[16];

	(void)state;
	ulid_make(a, 1795100400123456LL);
	ulid_make(b, 1795100400123456LL);
	assert_int_equal(ulid_decode(a, ULID_LEN, ba), 0);
	assert_int_equal(ulid_decode(b, ULID_LEN, bb), 0);
	assert_true(memcmp(ba, bb, 16) < 0);	/* increasing within a millisecond */
}

static void
test_refused(void **state)
{
	uint8_t	 bin[16];

	(void)state;
	assert_int_equal(ulid_decode("01M7T54PC0F576HZZVWFBWB2SQ", ULID_LEN, bin), 0);
	assert_int_equal(ulid_decode("01M7T54PC0F576HZZVWFBWB2S", ULID_LEN - 1, bin), -1);
	assert_int_equal(ulid_decode("01M7T54PC0F576HZZVWFBWB2SU", ULID_LEN, bin), -1);
	assert_int_equal(ulid_decode("01M7T54PC0F576HZZVWFBWB2SI", ULID_LEN, bin), -1);
	assert_int_equal(ulid_decode("01m7t54pc0f576hzzvwfbwb2sq", ULID_LEN, bin), -1);
	assert_int_equal(ulid_decode("81M7T54PC0F576HZZVWFBWB2SQ", ULID_LEN, bin), -1);
	assert_int_equal(ulid_decode("01M7T54PC0F576HZZVWFBWB2-Q", ULID_LEN, bin), -1);
	assert_int_equal(ulid_decode(NULL, ULID_LEN, bin), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_made_ids_decode),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
