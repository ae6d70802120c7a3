/*
 * import_impl.h - inside the importer: a block of parsed lines as the reader thread hands it to
 * the inserter (import.c), and the inserter's SQL side (import_sql.c).
 */
#ifndef HNP_IMPORT_IMPL_H
#define HNP_IMPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "core/digest.h"
#include "core/evt.h"
#include "core/ulid.h"
#include "store/chain.h"

#define IMP_BLOCK_LINES	4096
#define IMP_NO_OFF	SIZE_MAX

/* One parsed line, ready to bind; its variable parts are in its block's bytes. */
struct imp_item {
	int64_t		 ts;
	int64_t		 key;			/* 64 bits of the line key (also in id) */
	const char	*proto, *kind;		/* static strings */
	char		 src_ip[EVT_IP_LEN];
	char		 dst_ip[EVT_IP_LEN];
	int		 src_port, dst_port;
	char		 id[ULID_LEN + 1];
	char		 session[ULID_LEN + 1];
	char		 sha[2 * DIGEST_SHA256_LEN + 1];	/* of the payload; "": none */
	uint64_t	 payload_total;
	size_t		 sensor;		/* offsets in the bytes; IMP_NO_OFF: default sensor */
	size_t		 fields, flen;
	size_t		 payload, plen;
	size_t		 tags, tlen;
	uint8_t		 leaf[CHAIN_HASH_LEN];	/* its chain leaf with seq spec_seq + index */
	uint64_t	 rep;			/* lines with the same rep (not 0) are alike but for
						   time and client (import_cache.h) */
};

struct rollup;

/* Lines on their way from the reader to the inserter. */
struct imp_block {
	struct imp_item	*it;			/* IMP_BLOCK_LINES */
	size_t		 n;
	struct buf	 bytes;
	int64_t		 spec_seq;		/* the seq the reader expects its first line to get */
	int		 commit;		/* the transaction ends after this block */
	int		 last;			/* ... and the import */
	struct rollup	*ru;			/* with commit: the transaction's counts (owned) */
};

struct imp_sql;

/* Prepares the statements on db. NULL on a database error (sqlite3_errmsg tells). */
struct imp_sql	*imp_sql_new(sqlite3 *db, const char *sensor);
void		 imp_sql_free(struct imp_sql *q);
/*
 * Which lines of b are already in the store, or repeat an earlier line of b (present[i] = 1).
 * 0, or -1 on a database error.
 */
int		 imp_sql_present(struct imp_sql *q, const struct imp_block *b, uint8_t *present);
/* Inserts the events of b's lines not present, in order. 0, or -1 on a database error. */
int		 imp_sql_events(struct imp_sql *q, const struct imp_block *b,
		    const uint8_t *present);
/* The sensor name of a line. */
const char	*imp_item_sensor(const struct imp_sql *q, const struct imp_block *b,
		    const struct imp_item *it);

#endif
