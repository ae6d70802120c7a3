/*
 * tsrange.h - the store's index of events by time, a row per run of consecutive seqs rather than
 * an index entry per event (a block-range index, as PostgreSQL's BRIN; srcrange.h does the same by
 * source address): ts_ranges(lo, hi, min_ts, max_ts) says the events with seq lo..hi all have
 * min_ts <= ts <= max_ts. Every event is in exactly one run. A run grows while its events are
 * consecutive, at most TSRANGE_EVENTS of them over at most TSRANGE_SPAN_US; the last run is
 * rewritten as each batch extends it. A query for a time window reads the runs that overlap it,
 * then each seq range of the events table (TSRANGE_JOIN).
 */
#ifndef HNP_TSRANGE_H
#define HNP_TSRANGE_H

#include <stdint.h>

#include <sqlite3.h>

#define TSRANGE_EVENTS	1024			/* events in one run at most */
#define TSRANGE_SPAN_US	(3600LL * 1000000)	/* max_ts - min_ts of one run at most */

/* The events of the runs that overlap a window: " FROM " TSRANGE_JOIN " WHERE " TSRANGE_OVERLAP. */
#define TSRANGE_JOIN	"ts_ranges CROSS JOIN events ON events.seq BETWEEN ts_ranges.lo AND ts_ranges.hi"

/*
 * The events with a <= ts < b (SQL expressions, evaluated twice): "FROM " TSRANGE_WINDOW("?1",
 * "?2"), then " AND ..." for more conditions.
 */
#define TSRANGE_WINDOW(a, b) TSRANGE_JOIN " AND ts_ranges.max_ts >= " a " AND ts_ranges.min_ts < " \
	b " WHERE ts >= " a " AND ts < " b

struct tsranges;	/* the run being extended, as committed and as in the open batch */

/* Picks up the last run in db (the one new events may extend). NULL with err. */
struct tsranges *tsranges_open(sqlite3 *db, char *err, size_t errlen);
void	tsranges_free(struct tsranges *r);
/* Starts a batch: forgets what a batch that was not committed added. */
void	tsranges_begin(struct tsranges *r);
/* Adds one event of the batch (seqs increase). 0, or -1 when a run it closes cannot be written. */
int	tsranges_add(struct tsranges *r, int64_t seq, int64_t ts);
/* Writes the open run (inside the batch's transaction). 0, or -1. */
int	tsranges_write(struct tsranges *r);
/* The batch was committed: its runs are the ones to extend. */
void	tsranges_committed(struct tsranges *r);

/*
 * A time that bounds the newest (newest != 0) or the oldest m events, read off the runs: every one
 * of the newest m has ts >= *bound, every one of the oldest m has ts < *bound. 1 with *bound; 0 when
 * the store holds fewer than m events (nothing to narrow); -1 on error.
 */
int	tsranges_bound(sqlite3 *db, int newest, int64_t m, int64_t *bound);

#endif
