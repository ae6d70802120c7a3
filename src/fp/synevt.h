/* synevt.h - the connect event's SYN fields and tool tags, and the [fingerprints] config keys. */
#ifndef HNP_FP_SYNEVT_H
#define HNP_FP_SYNEVT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/config.h"

struct jsonw;
struct fpdb;

extern const struct config_key fp_config_keys[];

/*
 * Writes the syn_* members of the saved SYN syn[0..len) into the open object w (names from db,
 * which may be NULL). Returns a new array of tool tags, or NULL when no tool's mark is on it.
 * The session's hook (session_env.syn_fields; arg is the fpdb).
 */
json_t	*fp_syn_fields(void *db, const uint8_t *syn, size_t len, struct jsonw *w);
/*
 * Loads the databases the configuration names ([fingerprints] local first, then database).
 * A missing database at its default path is no error (*warn tells); anything else wrong gives
 * NULL with err naming file:line.
 */
struct fpdb *fp_load_config(const struct config *cfg, char *warn, size_t warnlen, char *err,
	    size_t errlen);

#endif
