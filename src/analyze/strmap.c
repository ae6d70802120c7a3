/* strmap.c - open addressing (linear probing) over a word-at-a-time hash; grows at 1/2 load. */
#include <stdlib.h>
#include <string.h>

#include "analyze/strmap.h"
#include "core/xmalloc.h"

uint64_t
strmap_hash(const void *key, size_t len)
{
	const uint8_t	*p = key;
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ len, w;

	/* Eight bytes a step (a byte-wise FNV was a tenth of an import's reader thread). */
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static void
strmap_grow(struct strmap *m)
{
	struct strmap_ent	*old = m->tab;
	size_t			 oldcap = m->cap, i, j;

	m->cap = oldcap ? oldcap * 2 : 64;
	m->tab = xzalloc_written(m->cap, sizeof(*m->tab));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = old[i].hash & (m->cap - 1); m->tab[j].key != NULL; j = (j + 1) & (m->cap - 1))
			;
		m->tab[j] = old[i];
	}
	free(old);
}

struct strmap_ent *
strmap_find(const struct strmap *m, const void *key, size_t len)
{
	uint64_t	 h;
	size_t		 j;

	if (m->cap == 0)
		return NULL;
	h = strmap_hash(key, len);
	for (j = h & (m->cap - 1); m->tab[j].key != NULL; j = (j + 1) & (m->cap - 1))
		if (m->tab[j].hash == h && m->tab[j].len == len &&
		    memcmp(m->tab[j].key, key, len) == 0)
			return &m->tab[j];
	return NULL;
}

struct strmap_ent *
strmap_get(struct strmap *m, const void *key, size_t len)
{
	struct strmap_ent	*e;
	uint64_t		 h;
	size_t			 j;

	if (m->cap == 0 || (m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	h = strmap_hash(key, len);
	for (j = h & (m->cap - 1); m->tab[j].key != NULL; j = (j + 1) & (m->cap - 1))
		if (m->tab[j].hash == h && m->tab[j].len == len &&
		    memcmp(m->tab[j].key, key, len) == 0)
			return &m->tab[j];
	e = &m->tab[j];
	e->key = xmalloc(len + 1);
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->len = len;
	e->hash = h;
	e->count = 0;
	e->aux = 0;
	m->n++;
	return e;
}

static int
strmap_keycmp(const struct strmap_ent *a, const struct strmap_ent *b)
{
	size_t	 n = a->len < b->len ? a->len : b->len;
	int	 c = memcmp(a->key, b->key, n);

	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
strmap_cmp_count(const void *x, const void *y)
{
	const struct strmap_ent	*a = *(struct strmap_ent *const *)x;
	const struct strmap_ent	*b = *(struct strmap_ent *const *)y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strmap_keycmp(a, b);
}

static int
strmap_cmp_key(const void *x, const void *y)
{
	return strmap_keycmp(*(struct strmap_ent *const *)x, *(struct strmap_ent *const *)y);
}

static struct strmap_ent **
strmap_list(const struct strmap *m, size_t *n, int (*cmp)(const void *, const void *))
{
	struct strmap_ent	**v = xcalloc(m->n + 1, sizeof(*v));
	size_t			  i, k = 0;

	for (i = 0; i < m->cap; i++)
		if (m->tab[i].key != NULL)
			v[k++] = &m->tab[i];
	qsort(v, k, sizeof(*v), cmp);
	*n = k;
	return v;
}

struct strmap_ent **
strmap_sorted(const struct strmap *m, size_t *n)
{
	return strmap_list(m, n, strmap_cmp_count);
}

struct strmap_ent **
strmap_sorted_keys(const struct strmap *m, size_t *n)
{
	return strmap_list(m, n, strmap_cmp_key);
}

void
strmap_free(struct strmap *m)
{
	size_t	 i;

	for (i = 0; i < m->cap; i++)
		free(m->tab[i].key);
	free(m->tab);
	memset(m, 0, sizeof(*m));
}
