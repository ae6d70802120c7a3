/*
 * tsrange.c - the store's index by time (ts_ranges, see tsrange.h): the run the writer extends,
 * and the bounds a query for the newest or oldest few events narrows its window with.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/xmalloc.h"
#include "store/tsrange.h"

struct tsrun {
	int	 valid;		/* 0: no run to extend */
	int	 dirty;		/* differs from its row (to write in this batch) */
	int64_t	 lo, hi, min_ts, max_ts;
};

struct tsranges {
	sqlite3		*db;
	sqlite3_stmt	*put;
	struct tsrun	 committed, work;
};

struct tsranges *
tsranges_open(sqlite3 *db, char *err, size_t errlen)
{
	struct tsranges	*r = xcalloc(1, sizeof(*r));
	sqlite3_stmt	*st = NULL;
	int		 rc;

	r->db = db;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ts_ranges (lo, hi, min_ts, max_ts) "
	    "VALUES (?1, ?2, ?3, ?4)", -1, &r->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT lo, hi, min_ts, max_ts FROM ts_ranges ORDER BY lo DESC "
	    "LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->committed.valid = 1;
		r->committed.lo = sqlite3_column_int64(st, 0);
		r->committed.hi = sqlite3_column_int64(st, 1);
		r->committed.min_ts = sqlite3_column_int64(st, 2);
		r->committed.max_ts = sqlite3_column_int64(st, 3);
	} else if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	r->work = r->committed;
	return r;
fail:
	snprintf(err, errlen, "ts_ranges: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	tsranges_free(r);
	return NULL;
}

void
tsranges_free(struct tsranges *r)
{
	if (r == NULL)
		return;
	sqlite3_finalize(r->put);
	free(r);
}

void
tsranges_begin(struct tsranges *r)
{
	r->work = r->committed;
}

int
tsranges_write(struct tsranges *r)
{
	struct tsrun	*w = &r->work;
	int		 rc;

	if (!w->valid || !w->dirty)
		return 0;
	sqlite3_bind_int64(r->put, 1, w->lo);
	sqlite3_bind_int64(r->put, 2, w->hi);
	sqlite3_bind_int64(r->put, 3, w->min_ts);
	sqlite3_bind_int64(r->put, 4, w->max_ts);
	rc = sqlite3_step(r->put);
	sqlite3_reset(r->put);
	if (rc != SQLITE_DONE)
		return -1;
	w->dirty = 0;
	return 0;
}

int
tsranges_add(struct tsranges *r, int64_t seq, int64_t ts)
{
	struct tsrun	*w = &r->work;
	int64_t		 lo_ts, hi_ts;

	if (w->valid && seq == w->hi + 1 && seq - w->lo < TSRANGE_EVENTS) {
		lo_ts = ts < w->min_ts ? ts : w->min_ts;
		hi_ts = ts > w->max_ts ? ts : w->max_ts;
		if (hi_ts - lo_ts <= TSRANGE_SPAN_US) {
			w->hi = seq;
			w->min_ts = lo_ts;
			w->max_ts = hi_ts;
			w->dirty = 1;
			return 0;
		}
	}
	/* A new run: the one it follows is written as it stands. */
	if (tsranges_write(r) == -1)
		return -1;
	w->valid = w->dirty = 1;
	w->lo = w->hi = seq;
	w->min_ts = w->max_ts = ts;
	return 0;
}

void
tsranges_committed(struct tsranges *r)
{
	r->committed = r->work;
	r->committed.dirty = 0;
}

int
tsranges_bound(sqlite3 *db, int newest, int64_t m, int64_t *bound)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0, b = 0;
	int		 rc = SQLITE_DONE;

	if (m <= 0)
		return 0;
	if (sqlite3_prepare_v2(db, newest ?
	    "SELECT hi - lo + 1, min_ts FROM ts_ranges ORDER BY max_ts DESC" :
	    "SELECT hi - lo + 1, max_ts FROM ts_ranges ORDER BY min_ts", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (n < m && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t	 t = sqlite3_column_int64(st, 1);

		if (n == 0 || (newest ? t < b : t > b))
			b = t;
		n += sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (n < m)
		return rc == SQLITE_DONE ? 0 : -1;
	*bound = newest ? b : b + 1;
	return 1;
}
