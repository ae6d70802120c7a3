/*
 * import_key.c - line keys for the import (import_key.h): one SHA-256 per line, and a table of
 * the file's line digests with their counts (keyed by the digest itself: it is already a good
 * hash, so no hashing and no allocation per line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/import_key.h"
#include "core/digest.h"
#include "core/xmalloc.h"

struct imp_occ_ent {
	uint64_t	 d[2];		/* the line digest's first 16 bytes */
	uint64_t	 seen;		/* lines with it so far; 0: a free slot */
};

static void
occ_grow(struct imp_occ *o)
{
	struct imp_occ_ent	*old = o->tab;
	size_t			 oldcap = o->cap, i, j;

	o->cap = oldcap ? oldcap * 2 : 65536;
	o->tab = xzalloc_written(o->cap, sizeof(*o->tab));
	for (i = 0; i < oldcap; i++) {
		if (old[i].seen == 0)
			continue;
		for (j = old[i].d[0] & (o->cap - 1); o->tab[j].seen != 0; j = (j + 1) & (o->cap - 1))
			;
		o->tab[j] = old[i];
	}
	free(old);
}

/* How many lines with digest d came before this one (and counts this one). */
static uint64_t
occ_count(struct imp_occ *o, const uint8_t d[IMP_KEY_LEN])
{
	uint64_t	 k[2];
	size_t		 j;

	if (o->cap == 0 || (o->n + 1) * 2 > o->cap)
		occ_grow(o);
	memcpy(k, d, sizeof(k));
	for (j = k[0] & (o->cap - 1); o->tab[j].seen != 0; j = (j + 1) & (o->cap - 1))
		if (o->tab[j].d[0] == k[0] && o->tab[j].d[1] == k[1])
			return o->tab[j].seen++;
	o->tab[j].d[0] = k[0];
	o->tab[j].d[1] = k[1];
	o->tab[j].seen = 1;
	o->n++;
	return 0;
}

void
imp_key(struct imp_occ *o, const char *format, const char *line, size_t len,
    uint8_t key[IMP_KEY_LEN])
{
	uint8_t		 d[DIGEST_SHA256_LEN], d2[DIGEST_SHA256_LEN];
	char		 num[24];
	uint64_t	 seen;
	int		 n;

	digest_sha256_pair(format, strlen(format) + 1, line, len, d);
	if ((seen = occ_count(o, d)) == 0) {
		memcpy(key, d, IMP_KEY_LEN);
		return;
	}
	n = snprintf(num, sizeof(num), "#%llu", (unsigned long long)seen);
	digest_sha256_pair(d, sizeof(d), num, (size_t)n, d2);
	memcpy(key, d2, IMP_KEY_LEN);
}

void
imp_occ_free(struct imp_occ *o)
{
	free(o->tab);
	memset(o, 0, sizeof(*o));
}
