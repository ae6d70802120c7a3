/*
 * import_key.h - the key of an imported line: the first 16 bytes of SHA-256(format NUL line),
 * or, for the n-th repeat of an identical line in the same file (n >= 1), of
 * SHA-256(that digest || "#n"). A key already in the store adds nothing.
 */
#ifndef HNP_IMPORT_KEY_H
#define HNP_IMPORT_KEY_H

#include <stddef.h>
#include <stdint.h>

#define IMP_KEY_LEN	16

/* One file's line digests and how often each was seen (open addressing, no allocation per line). */
struct imp_occ {
	struct imp_occ_ent	*tab;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
};

/* The key of line[0..len) of format, counting it in o. */
void	imp_key(struct imp_occ *o, const char *format, const char *line, size_t len,
	    uint8_t key[IMP_KEY_LEN]);
/* Forgets every line (a new file starts). */
void	imp_occ_free(struct imp_occ *o);

#endif
