/* strmap.h - a hash map from byte strings to a count and an auxiliary integer (rankings, first-seen). */
#ifndef HNP_STRMAP_H
#define HNP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_ent {
	char		*key;		/* NUL-terminated copy (may hold NUL bytes: use len) */
	size_t		 len;
	uint64_t	 hash;
	int64_t		 count;
	int64_t		 aux;		/* the caller's: a first time, a second count, ... */
};

struct strmap {
	struct strmap_ent	*tab;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
};

/* The entry for key[0..len), added with count 0 and aux 0 when absent. Never NULL. */
struct strmap_ent *strmap_get(struct strmap *m, const void *key, size_t len);
/* The entry for key, or NULL. */
struct strmap_ent *strmap_find(const struct strmap *m, const void *key, size_t len);
/*
 * The entries ordered by count descending, ties by key ascending (bytewise): a malloc'd array of
 * pointers into m (valid until m changes) and its length in *n.
 */
struct strmap_ent **strmap_sorted(const struct strmap *m, size_t *n);
/* Ordered by key ascending. */
struct strmap_ent **strmap_sorted_keys(const struct strmap *m, size_t *n);
void	strmap_free(struct strmap *m);
/* The map's hash of key[0..len) (word at a time; for other tables keyed by bytes). */
uint64_t strmap_hash(const void *key, size_t len);

#endif
