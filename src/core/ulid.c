/*
 * ulid.c - monotonic ULID generation (48-bit ms time + 80 random bits, incremented within a ms).
 * The random bits come from a xoshiro256** generator seeded once from getrandom(): ids need to be
 * unique, not secret, and a system call per id was a measurable cost at thousands of ids a second.
 */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include "core/ulid.h"

static pthread_mutex_t	 ulid_mtx = PTHREAD_MUTEX_INITIALIZER;
static uint64_t		 ulid_last_ms;
static uint8_t		 ulid_last_rand[10];

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

static void
ulid_random(uint8_t *p, size_t n)
{
	size_t		 i;
	uint64_t	 v = 0;

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
	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			v = ulid_next();
		p[i] = (uint8_t)(v >> (8 * (i % 8)));
	}
}

/* 128 bits as 26 base-32 digits (the first carries the top 3 bits), 5 bits at a time. */
static void
ulid_text(char out[ULID_LEN + 1], const uint8_t bin[16])
{
	static const char	 b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t		 hi = 0, lo = 0;
	int			 i;

	for (i = 0; i < 8; i++) {
		hi = (hi << 8) | bin[i];
		lo = (lo << 8) | bin[8 + i];
	}
	for (i = ULID_LEN - 1; i >= 0; i--) {
		out[i] = b32[lo & 31];
		lo = (lo >> 5) | (hi << 59);
		hi >>= 5;
	}
	out[ULID_LEN] = '\0';
}

void
ulid_make(char out[ULID_LEN + 1], int64_t ts_us)
{
	uint8_t		 bin[16];
	uint64_t	 ms = ts_us > 0 ? (uint64_t)ts_us / 1000 : 0;
	int		 i;

	pthread_mutex_lock(&ulid_mtx);
	if (ms <= ulid_last_ms) {
		ms = ulid_last_ms;
		for (i = 9; i >= 0; i--)
			if (++ulid_last_rand[i] != 0)
				break;
	} else {
		ulid_last_ms = ms;
		ulid_random(ulid_last_rand, sizeof(ulid_last_rand));
		ulid_last_rand[0] &= 0x7f;	/* room to increment */
	}
	for (i = 0; i < 6; i++)
		bin[i] = (uint8_t)(ms >> (8 * (5 - i)));
	memcpy(bin + 6, ulid_last_rand, 10);
	pthread_mutex_unlock(&ulid_mtx);
	ulid_text(out, bin);
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
