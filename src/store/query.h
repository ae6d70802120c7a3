/* query.h - the read side of the store: event filters, an event iterator, counts and rankings. */
#ifndef HNP_QUERY_H
#define HNP_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/evt.h"

enum query_order {
	QUERY_ASC,	/* oldest first: ts, then seq */
	QUERY_DESC,	/* newest first */
	QUERY_LAST,	/* the newest `limit` events, returned oldest first */
	QUERY_SEQ,	/* store arrival order (seq ascending): for following new events */
};

/*
 * Which events: every set member narrows the selection (AND). Strings are matched exactly and
 * always bound as SQL parameters. A zeroed filter selects everything, oldest first.
 */
struct query_filter {
	int64_t		 since;		/* ts >= since (µs); 0: no bound */
	int64_t		 until;		/* ts < until (µs); 0: no bound */
	const char	*ip;		/* src_ip; NULL: any */
	const char	*kind;
	const char	*proto;
	const char	*sensor;
	const char	*session;
	int64_t		 after_seq;	/* seq > after_seq; 0: no bound */
	int64_t		 max_seq;	/* seq <= max_seq; 0: no bound */
	int64_t		 limit;		/* at most this many rows; 0: no limit */
	enum query_order order;
};

struct query_iter;

/*
 * Opens the store at path for queries (schema_open_existing). A missing file gives NULL with
 * err = "PATH: no store (has hanipo run been started?)"; other failures NULL with their err.
 */
sqlite3	*query_open_store(const char *path, char *err, size_t errlen);

/*
 * Starts a query over db. Returns an iterator, or NULL with err (a bad filter: negative limit,
 * a statement that would not prepare). Close it with query_close.
 */
struct query_iter *query_open(sqlite3 *db, const struct query_filter *f, char *err, size_t errlen);
/*
 * The next event as a new struct evt with seq set (free it with evt_free): fields and tags from
 * their JSON columns (a column that is not valid JSON gives {"_invalid": its text} / []), the
 * stored payload bytes copied exactly (payload_len) with payload_total the bytes received.
 * Returns 1 with *out, 0 at the end, -1 on a database error (query_errmsg tells).
 */
int	query_next(struct query_iter *it, struct evt **out);
const char *query_errmsg(const struct query_iter *it);
/* Ends the query and releases its read transaction. NULL is fine. */
void	query_close(struct query_iter *it);

/*
 * Counts the events matching f (limit and order ignored): all rows, or the distinct non-NULL
 * values of a column when distinct_col is one of query_top's column keys. Returns 0 with *out,
 * or -1 with err.
 */
int	query_count(sqlite3 *db, const struct query_filter *f, const char *distinct_col,
	    int64_t *out, char *err, size_t errlen);
/* The highest seq in the store (0 when empty), or -1 with err. */
int64_t	query_max_seq(sqlite3 *db, char *err, size_t errlen);

#define QUERY_RANK_MAX_KEYS	4

/* One ranked value: the key values (NULL for SQL NULL; may hold NUL bytes: use len) and count. */
struct query_rank {
	char		*val[QUERY_RANK_MAX_KEYS];
	size_t		 len[QUERY_RANK_MAX_KEYS];
	int64_t		 count;
};

/*
 * Top-n ranking over the events matching f (its limit and order are ignored): groups by the
 * values of nkeys keys, counts, and orders by count descending, ties by the key values
 * ascending. A key is a JSON path into fields starting with "$." (bound as a parameter: any
 * path is safe) or one of the columns src_ip, dst_ip, src_port, dst_port, proto, kind, sensor,
 * session, id, or "tag": each element of the tags array (an event counts once per tag). Events whose first key is NULL (field absent) are not counted. n == 0: all values.
 * Returns 0 with a malloc'd array in *out (free with query_rank_free) and its length in *nout,
 * or -1 with err (also for an unknown column key).
 */
int	query_top(sqlite3 *db, const struct query_filter *f, const char *const *keys,
	    size_t nkeys, size_t n, struct query_rank **out, size_t *nout, char *err,
	    size_t errlen);
void	query_rank_free(struct query_rank *r, size_t n);

#endif
