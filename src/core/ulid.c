/*
 * ulid.c - monotonic ULID generation (48-bit ms time + 80 random bits, incremented within a ms).
 * The random bits come from a xoshiro256** generator seeded once from getrandom(): ids need to be
 * unique, not secret, and a system call per id was a measurable cost at thousands of ids a second.
 * The last id is kept as text: within a millisecond the next one is its 16 random digits plus
 * one, counted in base 32 on the text (26 digits re-encoded from 128 bits cost ~400 instructions
 * an id; the increment, ~10).
 */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include "core/ulid.h"

#define ULID_TIME_DIGITS	10	/* 48 bits of ms in 50; the 80 random bits are 16 digits */

static const char	 ulid_b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static pthread_mutex_t	 ulid_mtx = PTHREAD_MUTEX_INITIALIZER;
static uint64_t		 ulid_last_ms;
static char		 ulid_last[ULID_LEN];	/* the last id made */

static uint64_t	 ulid_rng[4];
static int	 ulid_seeded;

static uint64_t
ulid_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
ulid_next(void)
{
	uint64_t	 r = ulid_rotl(ulid_rng[1] * 5, 7) * 9, t = ulid_rng[1] << 17;

	ulid_rng[2] ^= ulid_rng[0];
	ulid_rng[3] ^= ulid_rng[1];
	ulid_rng[1] ^= ulid_rng[2];
	ulid_rng[0] ^= ulid_rng[3];
	ulid_rng[2] ^= t;
	ulid_rng[3] = ulid_rotl(ulid_rng[3], 45);
	return r;
}

/* Digits 10..25 of a new millisecond's first id: 79 random bits (the top one 0: room to count). */
static void
ulid_random(char *out)
{
	uint64_t	 a, b;
	int		 i;

	if (!ulid_seeded) {
		size_t	 got = 0;
		ssize_t	 r;

		while (got < sizeof(ulid_rng)) {
			r = getrandom((uint8_t *)ulid_rng + got, sizeof(ulid_rng) - got, 0);
			if (r > 0)
				got += (size_t)r;
		}
		ulid_rng[0] |= 1;	/* never the all-zero state */
		ulid_seeded = 1;
	}
	a = ulid_next();
	b = ulid_next();
	out[0] = ulid_b32[a & 15];
	a >>= 4;
	for (i = 1; i <= 12; i++, a >>= 5)
		out[i] = ulid_b32[a & 31];
	for (; i < 16; i++, b >>= 5)
		out[i] = ulid_b32[b & 31];
}

/* 128 bits as 26 base-32 digits (the first carries the top 3 bits), 5 bits at a time. */
static void
ulid_text(char out[ULID_LEN + 1], const uint8_t bin[16])
{
	uint64_t	 hi = 0, lo = 0;
	int		 i;

	for (i = 0; i < 8; i++) {
		hi = (hi << 8) | bin[i];
		lo = (lo << 8) | bin[8 + i];
	}
	for (i = ULID_LEN - 1; i >= 0; i--) {
		out[i] = ulid_b32[lo & 31];
		lo = (lo >> 5) | (hi << 59);
		hi >>= 5;
	}
	out[ULID_LEN] = '\0';
}

/* Adds one to the random digits of ulid_last (2^79 ids a millisecond before they could wrap). */
static void
ulid_increment(void)
{
	const char	*d;
	int		 i;

	for (i = ULID_LEN - 1; i >= ULID_TIME_DIGITS; i--) {
		/* Always found: the digits are ours. The next digit of the alphabet, or a carry. */
		d = memchr(ulid_b32, ulid_last[i], sizeof(ulid_b32) - 1);
		if (d == ulid_b32 + sizeof(ulid_b32) - 2) {
			ulid_last[i] = '0';
			continue;
		}
		ulid_last[i] = d[1];
		return;
	}
}

void
ulid_make(char out[ULID_LEN + 1], int64_t ts_us)
{
	uint64_t	 ms = ts_us > 0 ? (uint64_t)ts_us / 1000 : 0, t;
	int		 i;

	pthread_mutex_lock(&ulid_mtx);
	if (ms <= ulid_last_ms && ulid_last[0] != '\0')
		ulid_increment();
	else {
		ulid_last_ms = ms;
		for (i = ULID_TIME_DIGITS - 1, t = ms & 0xffffffffffffULL; i >= 0; i--, t >>= 5)
			ulid_last[i] = ulid_b32[t & 31];
		ulid_random(ulid_last + ULID_TIME_DIGITS);
	}
	memcpy(out, ulid_last, ULID_LEN);
	pthread_mutex_unlock(&ulid_mtx);
	out[ULID_LEN] = '\0';
}

void
ulid_encode(char out[ULID_LEN + 1], int64_t ts_us, const uint8_t rnd[10])
{
	uint8_t		 bin[16];
	uint64_t	 ms = ts_us > 0 ? (uint64_t)ts_us / 1000 : 0;
	int		 i;

	for (i = 0; i < 6; i++)
		bin[i] = (uint8_t)(ms >> (8 * (5 - i)));
	memcpy(bin + 6, rnd, 10);
	ulid_text(out, bin);
}

int
ulid_decode(const char *text, size_t len, uint8_t bin[16])
{
	uint64_t	 hi = 0, lo = 0;
	size_t		 i;
	int		 v;
	char		 c;

	if (text == NULL || len != ULID_LEN || (text[0] < '0' || text[0] > '7'))
		return -1;
	for (i = 0; i < ULID_LEN; i++) {
		c = text[i];
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U')
			v = 10 + (c - 'A') - (c > 'I') - (c > 'L') - (c > 'O') - (c > 'U');
		else
			return -1;
		hi = (hi << 5) | (lo >> 59);
		lo = (lo << 5) | (uint64_t)v;
	}
	for (i = 0; i < 8; i++) {
		bin[7 - i] = (uint8_t)(hi >> (8 * i));
		bin[15 - i] = (uint8_t)(lo >> (8 * i));
	}
	return 0;
}
