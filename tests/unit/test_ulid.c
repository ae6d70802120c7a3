/*
 * test_ulid.c - ULIDs (src/core/ulid.c): ulid_decode gives back the time and the 80 bits given
 * to ulid_encode (the import finds its lines' keys in the events' ids this way), for all-zero,
 * all-one and mixed bits; text that is not a ULID (wrong length, letters outside Crockford's
 * alphabet, lower case, a first digit over 7) is refused. ulid_make counts in base 32 on the
 * text of its last id: each id within a millisecond is the one before plus one (carries
 * included), a later millisecond or an earlier clock still gives a greater id, and threads
 * making ids at once get distinct, increasing ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
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

/* The 80 random bits of a made id, checked to re-encode to the same text. */
static void
made_bits(const char *text, uint64_t *ms, uint64_t *hi, uint64_t *lo)
{
	char	 again[ULID_LEN + 1];
	uint8_t	 bin[16];
	int	 i;

	assert_int_equal(strlen(text), ULID_LEN);
	assert_int_equal(ulid_decode(text, ULID_LEN, bin), 0);
	*ms = *hi = *lo = 0;
	for (i = 0; i < 6; i++)
		*ms = *ms << 8 | bin[i];
	for (i = 6; i < 8; i++)
		*hi = *hi << 8 | bin[i];
	for (i = 8; i < 16; i++)
		*lo = *lo << 8 | bin[i];
	ulid_encode(again, (int64_t)*ms * 1000, bin + 6);
	assert_string_equal(again, text);
}

/* Within one millisecond every id is the last plus one, across carries of several digits. */
static void
test_count_within_ms(void **state)
{
	char		 a[ULID_LEN + 1], b[ULID_LEN + 1];
	uint64_t	 ms, hi, lo, ms2, hi2, lo2;
	int		 k;

	(void)state;
	ulid_make(a, 1895100400000000LL);
	made_bits(a, &ms, &hi, &lo);
	assert_int_equal(ms, 1895100400000ULL);
	assert_true(a[10] <= 'F');	/* a new millisecond's top random bit is 0 */
	for (k = 0; k < 200000; k++) {
		ulid_make(b, 1895100400000999LL);
		made_bits(b, &ms2, &hi2, &lo2);
		assert_int_equal(ms2, ms);
		assert_true(strcmp(a, b) < 0);
		assert_int_equal(lo2, lo + 1);
		assert_int_equal(hi2, hi + (lo2 == 0));
		memcpy(a, b, sizeof(a));
		hi = hi2;
		lo = lo2;
	}
}

/* A new millisecond starts fresh random bits; a clock that went back keeps counting. */
static void
test_ms_boundary(void **state)
{
	char		 a[ULID_LEN + 1], b[ULID_LEN + 1], c[ULID_LEN + 1];
	uint64_t	 ms, hi, lo, hi2, lo2;
	int		 k;

	(void)state;
	for (k = 0; k < 1000; k++) {
		ulid_make(a, 1995100400000000LL + k * 1000LL);
		ulid_make(b, 1995100400000000LL + (k + 1) * 1000LL);
		assert_true(strcmp(a, b) < 0);
		made_bits(b, &ms, &hi, &lo);
		assert_int_equal(ms, 1995100400000ULL + (uint64_t)k + 1);
		assert_true(b[10] <= 'F');
		ulid_make(c, 1995100400000000LL);	/* earlier: the last id's time, plus one */
		assert_true(strcmp(b, c) < 0);
		made_bits(c, &ms, &hi2, &lo2);
		assert_int_equal(ms, 1995100400000ULL + (uint64_t)k + 1);
		assert_int_equal(lo2, lo + 1);
		assert_int_equal(hi2, hi + (lo2 == 0));
	}
}

#define THREAD_IDS	20000
#define THREADS		4

static void *
make_ids(void *arg)
{
	char	(*ids)[ULID_LEN + 1] = arg;
	int	 k;

	for (k = 0; k < THREAD_IDS; k++)
		ulid_make(ids[k], 2095100400000000LL + k / 50 * 1000);
	return NULL;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Threads making ids at once (the loop and the store's or import's threads) never share one. */
static void
test_threads(void **state)
{
	static char	 ids[THREADS][THREAD_IDS][ULID_LEN + 1];
	char		(*all)[ULID_LEN + 1] = ids[0];	/* the THREADS lists as one */
	pthread_t	 t[THREADS];
	int		 i, k;

	(void)state;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, make_ids, ids[i]), 0);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (i = 0; i < THREADS; i++)
		for (k = 1; k < THREAD_IDS; k++)
			assert_true(strcmp(ids[i][k - 1], ids[i][k]) < 0);
	qsort(all, (size_t)THREADS * THREAD_IDS, ULID_LEN + 1, cmp_id);
	for (k = 1; k < THREADS * THREAD_IDS; k++)
		assert_true(strcmp(all[k - 1], all[k]) < 0);
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
		cmocka_unit_test(test_count_within_ms),
		cmocka_unit_test(test_ms_boundary),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
