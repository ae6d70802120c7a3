/*
 * rollup.h - what the daily report reads instead of every event: the first time each source,
 * request path, signature and fingerprint was ever seen (first_seen), and event counts per UTC
 * hour, sensor, dimension and value (rollup). Events are folded in incrementally, those with seq
 * above fold_mark; an import adds the counts of the lines it inserts as it goes.
 */
#ifndef HNP_ROLLUP_H
#define HNP_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/buf.h"

#define ROLLUP_HOUR_US	(3600LL * 1000000)
#define ROLLUP_STR_MAX	512	/* bytes of a value kept (longer ones are cut) */
#define ROLLUP_CRED_MAX	200	/* bytes of a user name or password in a credential pair */

/* What is counted; stored as integers: append only. */
enum rollup_dim {
	RD_PROTO, RD_KIND, RD_SRC, RD_PORT, RD_REQLINE, RD_PATH, RD_UA, RD_CRED, RD_CMD, RD_URL,
	RD_SIG, RD_FP, RD_NDIMS
};

/* Field names holding client fingerprints (the "fp" values), NULL-terminated; at most 8. */
extern const char *const rollup_fp_fields[];

/* Scratch space for rollup_values. */
struct rollup_scratch {
	struct buf	 v[8];
	struct buf	 tmp;
};

void	rollup_scratch_init(struct rollup_scratch *s);
void	rollup_scratch_free(struct rollup_scratch *s);

/*
 * Calls fn once for every (dimension, value) an event contributes: its proto, kind, source,
 * destination port, and by kind: request line ("METHOD URI"), path and user agent of a request;
 * "user\0password" of a login; a command; a download URL; each tag; each fingerprint field.
 * Values are cut to ROLLUP_STR_MAX bytes.
 */
void	rollup_values(struct rollup_scratch *s, const char *proto, const char *kind,
	    const char *src_ip, int dst_port, const char *fields, size_t flen, const char *tags,
	    size_t tlen, void (*fn)(void *arg, int dim, const void *v, size_t len), void *arg);

struct rollup;

struct rollup *rollup_new(void);
/* Adds one event. */
void	rollup_add(struct rollup *r, int64_t ts, const char *sensor, const char *proto,
	    const char *kind, const char *src_ip, int dst_port, const char *fields, size_t flen,
	    const char *tags, size_t tlen);
/*
 * The same, split: n events of one hour (ts the earliest) alike in everything rollup_values reads
 * but the source, each of whose sources is then added with rollup_add_src.
 */
void	rollup_add_many(struct rollup *r, int64_t ts, int64_t n, const char *sensor,
	    const char *proto, const char *kind, int dst_port, const char *fields, size_t flen,
	    const char *tags, size_t tlen);
void	rollup_add_src(struct rollup *r, int64_t ts, const char *sensor, const char *src_ip);
/*
 * Writes r into the tables (adding counts, keeping the earliest first-seen times) and sets the
 * fold mark to mark, inside the caller's transaction. 0, or -1 (sqlite3_errmsg tells).
 */
int	rollup_flush(sqlite3 *db, struct rollup *r, int64_t mark);
/*
 * Takes minus's counts out of r: minus holds events added to r that were not stored after all
 * (an import counts every line ahead and learns later which were already present). Their
 * first-seen times stay: a present line's values were folded when it was first stored.
 */
void	rollup_subtract(struct rollup *r, const struct rollup *minus);
/*
 * Drops from r the first-seen values that flushed already holds at the same or an earlier time,
 * and records the others in flushed (value -> time): a flush would leave those rows unchanged.
 * An import flushes one rollup per transaction, and its lines come in time order, so after the
 * first most of its sources and paths are known.
 */
struct strmap;
void	rollup_first_prune(struct rollup *r, struct strmap *flushed);
void	rollup_free(struct rollup *r);

/* The fold mark: events with seq <= it are in the tables. -1 on error. */
int64_t	rollup_mark(sqlite3 *db);
/* Folds the events past the mark into the tables, in one transaction. 0, or -1 with err. */
int	rollup_fold(sqlite3 *db, char *err, size_t errlen);

/*
 * Recounts the signatures of every folded event (after `hanipo classify` changed tags): drops
 * the signature counts and first-seen signatures and rebuilds them from the events' tags. 0, or
 * -1 with err.
 */
int	rollup_resig(sqlite3 *db, char *err, size_t errlen);

#endif
