/* synevt.h - the connect event's SYN fields and tool tags, and the [fingerprints] config keys. */
#ifndef HNP_FP_SYNEVT_H
#define HNP_FP_SYNEVT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/config.h"

struct jsonw;
struct fpdb;
struct fp_syn_cache;

extern const struct config_key fp_config_keys[];

/*
 * Writes the syn_* members of the saved SYN syn[0..len) into the open object w (names from db,
 * which may be NULL). Returns a new array of tool tags, or NULL when no tool's mark is on it.
 * The session's hook (session_env.syn_fields; arg is the fpdb).
 */
json_t	*fp_syn_fields(void *db, const uint8_t *syn, size_t len, struct jsonw *w);
/*
 * A bounded cache of the text fp_syn_fields writes for SYNs of one shape (TTL, window, options,
 * quirks; not IP ID, ports, sequence or timestamps), names from db (may be NULL; must outlive
 * the cache). For one thread. Free with fp_syn_cache_free.
 */
struct fp_syn_cache *fp_syn_cache_new(const struct fpdb *db);
void	fp_syn_cache_free(struct fp_syn_cache *c);
/* fp_syn_fields through the cache: the same text, byte for byte. The session's hook. */
json_t	*fp_syn_fields_cached(void *cache, const uint8_t *syn, size_t len, struct jsonw *w);
/*
 * Loads the databases the configuration names ([fingerprints] local first, then database).
 * A missing database at its default path is no error (*warn tells); anything else wrong gives
 * NULL with err naming file:line.
 */
struct fpdb *fp_load_config(const struct config *cfg, char *warn, size_t warnlen, char *err,
	    size_t errlen);

#endif
