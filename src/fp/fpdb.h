/*
 * fpdb.h - the fingerprint database: JA3 hashes, JA4 strings and SYN signature patterns mapped to
 * a client name and family (format: docs/fingerprints.md). Pure lookup; loaded once at start.
 */
#ifndef HNP_FP_FPDB_H
#define HNP_FP_FPDB_H

#include <stddef.h>

enum fp_kind {
	FP_JA3,		/* MD5 of the JA3 string, 32 lowercase hex digits */
	FP_JA4,		/* JA4 (TLS client) */
	FP_SYN,		/* syn_sig pattern: fields may be "*", the window "mss*N" */
};
#define FP_NKINDS	3

struct fpdb_entry {
	enum fp_kind	 kind;
	const char	*value;
	const char	*client;
	const char	*family;
	const char	*origin;	/* "file:line" */
};

struct fpdb;

struct fpdb *fpdb_new(void);
void	fpdb_free(struct fpdb *db);
/*
 * Adds the entries of a file; earlier entries win over later ones, so load the user's own file
 * first. Returns 0, or -1 with err = "path:line: message" (nothing of that file is kept).
 */
int	fpdb_load(struct fpdb *db, const char *path, char *err, size_t errlen);
/* The same over text (origin names it in messages). */
int	fpdb_load_text(struct fpdb *db, const char *origin, const char *text, size_t len,
	    char *err, size_t errlen);
size_t	fpdb_count(const struct fpdb *db);
/* The first entry of kind that matches value, or NULL. */
const struct fpdb_entry *fpdb_lookup(const struct fpdb *db, enum fp_kind kind, const char *value);
/* "ja3", "ja4", "syn" -> its kind; -1 for anything else. */
int	fpdb_kind(const char *name);
/* Whether a SYN signature pattern matches an observed signature (both as syn_sig writes them). */
int	fpdb_syn_match(const char *pattern, const char *sig);

#endif
