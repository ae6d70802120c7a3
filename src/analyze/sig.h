/*
 * sig.h - the signature database (data/signatures/, format in docs/signatures.md): load it,
 * look a signature id up (name, CVEs, category, OWASP IoT Top 10 2018, AbuseIPDB categories), and
 * classify events (their tags become the ids of the signatures they match).
 */
#ifndef HNP_SIG_H
#define HNP_SIG_H

#include <stddef.h>

#include "core/config.h"

struct evt;

/* One signature's record. Every pointer is owned by the database and lives as long as it does. */
struct sig {
	const char		*id;		/* [a-z0-9][a-z0-9._-]*, unique in the database */
	const char		*name;		/* one line for people */
	const char *const	*cves;		/* "CVE-2018-10561", ...; ncves may be 0 */
	size_t			 ncves;
	const char		*category;	/* one word: exploit, recon, bruteforce, ... */
	const char *const	*owasp;		/* OWASP IoT Top 10 (2018) codes "I1" .. "I10" */
	size_t			 nowasp;
	const int		*abuseipdb;	/* AbuseIPDB category numbers 1 .. 23 */
	size_t			 nabuseipdb;
	const char		*note;		/* longer description, or "" */
	const char		*file;		/* where it was defined */
	unsigned		 line;
};

struct sigdb;

/*
 * Loads every *.sig file of a directory (in name order; a later file may not redefine an id) or
 * one file. Returns NULL with err = "file:line: message" on the first error.
 */
struct sigdb *sigdb_load(const char *path, char *err, size_t errlen);
/* The same from memory (name is used in messages). For tests and the fuzzer. */
struct sigdb *sigdb_load_mem(const char *name, const char *text, size_t len, char *err,
	    size_t errlen);
/*
 * Loads the database the configuration names ([signatures] path); err names the config origin.
 * No signatures (an empty path, or the default path absent) gives NULL with err "".
 */
struct sigdb *sigdb_load_config(const struct config *cfg, char *err, size_t errlen);
void	sigdb_free(struct sigdb *db);

size_t	sigdb_count(const struct sigdb *db);
/* The i-th signature in file order (i < sigdb_count). */
const struct sig *sigdb_at(const struct sigdb *db, size_t i);
/* The signature with this id, or NULL. */
const struct sig *sigdb_find(const struct sigdb *db, const char *id);

/*
 * Classifies ev: removes from its tags every id of this database, then appends the id of every
 * signature that matches (in file order; a signature may test tags set by earlier ones). Tags that
 * are not signature ids (e.g. set by a sensor) are kept. Returns how many signatures matched.
 * Not thread-safe for one db: one thread classifies with a given db at a time.
 */
int	sigdb_classify(struct sigdb *db, struct evt *ev);
/*
 * Whether a signature for events of (proto, kind) tests the client (src_ip, src_port): when none
 * does, two such events that differ only in client and time get the same tags.
 */
int	sigdb_reads_client(struct sigdb *db, const char *proto, const char *kind);

struct store;
/*
 * Makes the store's writer classify every event with db before storing it (db NULL: stop), and
 * free db when it is replaced or the store closes.
 */
void	sigdb_attach(struct store *s, struct sigdb *db);

/* OWASP IoT Top 10 (2018) title of a code ("I1" -> "Weak, Guessable, or Hardcoded Passwords"), or NULL. */
const char *sig_owasp_title(const char *code);
/* AbuseIPDB category name (18 -> "Brute-Force"), or NULL outside 1 .. 23. */
const char *sig_abuseipdb_name(int category);

/* [signatures] configuration keys. */
extern const struct config_key sig_config_keys[];

#endif
