/* seal.h - signed day digests of the event chains (Ed25519, OpenSSL), key kept in the state dir. */
#ifndef HNP_SEAL_H
#define HNP_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/config.h"

/* [seal] key. */
extern const struct config_key seal_config_keys[];

/*
 * Seals day ("YYYY-MM-DD", UTC): the chains' digest as of the end of that day (or now, for
 * today) signed with the Ed25519 key at key_path (created, mode 0600, with key_path.pub, when
 * missing). A past day already sealed with another digest is refused. Prints nothing; fills
 * digest_out. 0, or -1 with err.
 */
int	seal_day(sqlite3 *db, const char *key_path, const char *day, int64_t now_us,
	    char digest_out[65], char *err, size_t errlen);
/*
 * Verifies the seals (of day, or all when NULL): digest recomputed from the chain, signature
 * checked with the public key at key_path.pub (else derived from key_path). Prints one line per
 * seal to stdout. Returns the number of bad seals, or -1 with err.
 */
int	seal_verify(sqlite3 *db, const char *key_path, const char *day, char *err, size_t errlen);
/* The seal digest of day, if sealed: 1 with digest_out, 0 when not, -1 on error. */
int	seal_get(sqlite3 *db, const char *day, char digest_out[65]);
/* Parses "YYYY-MM-DD" into the µs of its midnight UTC. 0, or -1. */
int	seal_parse_day(const char *day, int64_t *start_us);

#endif
