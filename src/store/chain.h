/*
 * chain.h - tamper-evident events: each sensor's events form a hash chain, one link per committed
 * batch (SHA-256 over the previous link and the batch's event hashes), written in the same
 * transaction as the events; verification recomputes it from the rows.
 */
#ifndef HNP_CHAIN_H
#define HNP_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/limits.h"

#define CHAIN_HASH_LEN	32
#define CHAIN_HEX_LEN	(2 * CHAIN_HASH_LEN + 1)

/*
 * One event row as stored (the writer's bound values, or a row read back). Every column but the
 * tags, which `hanipo classify` may rewrite: they are analysis, not evidence.
 */
struct chain_row {
	int64_t		 seq;
	const char	*id;
	int64_t		 ts;
	const char	*sensor, *session, *proto, *kind, *src_ip, *dst_ip;
	int64_t		 src_port, dst_port;
	const void	*fields;
	size_t		 fields_len;
	const void	*payload;	/* NULL: SQL NULL */
	size_t		 payload_len;
	int64_t		 payload_total;
	const char	*payload_sha256;	/* NULL: SQL NULL */
};

struct chain;		/* the writer's state: each sensor's last link */

/* Loads each sensor's last link from db. NULL on a database error (err set). */
struct chain *chain_open(sqlite3 *db, char *err, size_t errlen);
void	chain_free(struct chain *c);
/* Starts a batch (forgets a batch that was not committed). */
void	chain_begin(struct chain *c);
/* Adds one inserted event to its sensor's link of the batch. */
void	chain_add(struct chain *c, const struct chain_row *r);
/* Inserts the batch's links (inside the batch's transaction). 0, or -1. */
int	chain_write(struct chain *c, sqlite3 *db, int64_t now_us);
/* After COMMIT: the batch's links become each sensor's last. */
void	chain_committed(struct chain *c);

/* The hash of one row (SHA-256 over a length-prefixed encoding of its columns but tags). */
void	chain_leaf(const struct chain_row *r, uint8_t out[CHAIN_HASH_LEN]);
/*
 * The same with the caller's buffer for the encoding (buf_init'd with CHAIN_ENC_MAX, reused), so
 * another thread can hash rows ahead of the writer (the import's reader).
 */
#define CHAIN_ENC_MAX	(2 * HNP_MAX_FIELDS_JSON + 4096)
struct buf;
void	chain_leaf_enc(struct buf *enc, const struct chain_row *r, uint8_t out[CHAIN_HASH_LEN]);
/* Adds one inserted event whose leaf h (chain_leaf) is known already, as chain_add does. */
void	chain_add_leaf(struct chain *c, const char *sensor, int64_t seq,
	    const uint8_t h[CHAIN_HASH_LEN]);

struct chain_report {
	int64_t		 events, links, sensors;
	int64_t		 unchained;	/* events stored before the chain began */
	int		 broken;
	int64_t		 broken_seq;
	char		 broken_id[32];
	char		 why[256];
};

/*
 * Recomputes every sensor's chain from the rows: each event's hash, each link's hash and its
 * predecessor, that every event after a sensor's first link is in exactly one link and that each
 * payload matches its payload_sha256. Fills rep (the first broken event by seq). 0, or -1 on a
 * database error (err).
 */
int	chain_verify(sqlite3 *db, struct chain_report *rep, char *err, size_t errlen);

/*
 * The digest of the chains as of until_us (exclusive: the last link of each sensor committed
 * before it): SHA-256 over "sensor\0hash\n" lines in sensor order, as hex; *nlinks the number of
 * sensors. 0, or -1 on a database error.
 */
int	chain_digest(sqlite3 *db, int64_t until_us, char out[CHAIN_HEX_LEN], int64_t *nsensors,
	    char *err, size_t errlen);

#endif
