/*
 * test_tsrange.c - the store's index by time (src/store/tsrange.c) and the queries that read it
 * (src/store/query.c): a run grows over consecutive seqs and is split by its event count, its time
 * span and a gap in seqs; a batch that was not committed is forgotten; a reopened store extends its
 * last run; the newest and oldest bounds; and "the newest N matching events" of a large store
 * equal what a scan of every event says, whether the matches are dense or sparse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store/query.h"
#include "store/schema.h"
#include "store/tsrange.h"
#include "store_test.h"

/* One batch of events seq first..last at times ts0 + k * step, committed. */
static void
batch(sqlite3 *db, struct tsranges *r, int64_t first, int64_t last, int64_t ts0, int64_t step)
{
	int64_t	 seq;

	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	tsranges_begin(r);
	for (seq = first; seq <= last; seq++)
		assert_int_equal(tsranges_add(r, seq, ts0 + (seq - first) * step), 0);
	assert_int_equal(tsranges_write(r), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	tsranges_committed(r);
}

static void
test_runs(void **state)
{
	sqlite3		*db = open_store();
	struct tsranges	*r;
	char		 err[256];

	(void)state;
	assert_non_null(r = tsranges_open(db, err, sizeof(err)));
	/* Batches that follow each other extend one run. */
	batch(db, r, 1, 10, 1000, 1);
	batch(db, r, 11, 20, 2000, 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges"), 1);
	assert_int_equal(sql_int(db, "SELECT hi FROM ts_ranges WHERE lo = 1"), 20);
	assert_int_equal(sql_int(db, "SELECT min_ts FROM ts_ranges WHERE lo = 1"), 1000);
	assert_int_equal(sql_int(db, "SELECT max_ts FROM ts_ranges WHERE lo = 1"), 2009);
	/* A run holds TSRANGE_EVENTS events at most. */
	batch(db, r, 21, TSRANGE_EVENTS + 5, 3000, 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges"), 2);
	assert_int_equal(sql_int(db, "SELECT hi FROM ts_ranges WHERE lo = 1"), TSRANGE_EVENTS);
	assert_int_equal(sql_int(db, "SELECT hi FROM ts_ranges ORDER BY lo DESC"), TSRANGE_EVENTS + 5);
	/* An event further in time than TSRANGE_SPAN_US from the run's start starts another. */
	batch(db, r, TSRANGE_EVENTS + 6, TSRANGE_EVENTS + 7, 9000 + TSRANGE_SPAN_US + 1, 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges"), 3);
	/* So does a gap in seqs. */
	batch(db, r, TSRANGE_EVENTS + 100, TSRANGE_EVENTS + 101, 9000 + TSRANGE_SPAN_US + 5, 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges"), 4);
	/* A batch that was rolled back leaves its run as it was committed. */
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	tsranges_begin(r);
	assert_int_equal(tsranges_add(r, TSRANGE_EVENTS + 102, 1), 0);
	assert_int_equal(tsranges_write(r), 0);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	batch(db, r, TSRANGE_EVENTS + 102, TSRANGE_EVENTS + 102, 9000 + TSRANGE_SPAN_US + 9, 1);
	assert_int_equal(sql_int(db, "SELECT min_ts FROM ts_ranges ORDER BY lo DESC"),
	    9000 + TSRANGE_SPAN_US + 5);
	assert_int_equal(sql_int(db, "SELECT hi FROM ts_ranges ORDER BY lo DESC"), TSRANGE_EVENTS + 102);
	tsranges_free(r);
	/* Reopened, the writer goes on with the last run. */
	assert_non_null(r = tsranges_open(db, err, sizeof(err)));
	batch(db, r, TSRANGE_EVENTS + 103, TSRANGE_EVENTS + 104, 9000 + TSRANGE_SPAN_US + 10, 1);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges"), 4);
	assert_int_equal(sql_int(db, "SELECT hi FROM ts_ranges ORDER BY lo DESC"), TSRANGE_EVENTS + 104);
	/* Runs never overlap: every seq is in one run at most. */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges a JOIN ts_ranges b ON "
	    "a.lo < b.lo AND a.hi >= b.lo"), 0);
	tsranges_free(r);
	sqlite3_close(db);
}

static void
test_bound(void **state)
{
	sqlite3		*db = open_store();
	struct tsranges	*r;
	char		 err[256];
	int64_t		 b = -1;

	(void)state;
	assert_non_null(r = tsranges_open(db, err, sizeof(err)));
	assert_int_equal(tsranges_bound(db, 1, 10, &b), 0);		/* an empty store */
	/* Three runs of 1,024 events, the middle one the newest in time. */
	batch(db, r, 1, TSRANGE_EVENTS, 1000000, 10);
	batch(db, r, TSRANGE_EVENTS + 2, 2 * TSRANGE_EVENTS + 1, 9000000, 10);
	batch(db, r, 2 * TSRANGE_EVENTS + 3, 3 * TSRANGE_EVENTS + 2, 5000000, 10);
	assert_int_equal(tsranges_bound(db, 1, 10, &b), 1);
	assert_int_equal(b, 9000000);
	assert_int_equal(tsranges_bound(db, 1, TSRANGE_EVENTS + 1, &b), 1);
	assert_int_equal(b, 5000000);
	assert_int_equal(tsranges_bound(db, 0, 10, &b), 1);
	assert_int_equal(b, 1000000 + 10 * (TSRANGE_EVENTS - 1) + 1);
	assert_int_equal(tsranges_bound(db, 0, 3 * TSRANGE_EVENTS + 1, &b), 0);
	tsranges_free(r);
	sqlite3_close(db);
}

/* Stores n events (seq 1..n) of kind "a", or "b" for every every-th; times shuffled in runs. */
static void
fill(sqlite3 *db, int n, int every)
{
	struct tsranges	*r;
	sqlite3_stmt	*st;
	char		 err[256];
	int		 i;

	assert_non_null(r = tsranges_open(db, err, sizeof(err)));
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO events (seq, id, ts, sensor, session, "
	    "proto, kind, src_ip, src_port, dst_ip, dst_port) VALUES (?1, 'i', ?2, 's', 'x', 'tcp', "
	    "?3, '192.0.2.1', 1, '192.0.2.2', 2)", -1, &st, NULL), SQLITE_OK);
	tsranges_begin(r);
	for (i = 1; i <= n; i++) {
		/* Time goes forward by blocks, backwards inside each block of 700. */
		int64_t	 ts = 1000000000LL + (int64_t)(i / 700) * 700000 + (700 - i % 700) * 1000;

		sqlite3_bind_int64(st, 1, i);
		sqlite3_bind_int64(st, 2, ts);
		sqlite3_bind_text(st, 3, i % every == 0 ? "b" : "a", -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
		assert_int_equal(tsranges_add(r, i, ts), 0);
	}
	sqlite3_finalize(st);
	assert_int_equal(tsranges_write(r), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	tsranges_free(r);
}

/* The seqs a query gives, against the same order computed by SQL over every event. */
static void
same_as_scan(sqlite3 *db, struct query_filter *f, const char *scan)
{
	struct query_iter	*it;
	struct evt		*ev;
	sqlite3_stmt		*st;
	char			 err[256];
	int			 n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, scan, -1, &st, NULL), SQLITE_OK);
	assert_non_null(it = query_open(db, f, err, sizeof(err)));
	while (query_next(it, &ev) == 1) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(ev->seq, sqlite3_column_int64(st, 0));
		evt_free(ev);
		n++;
	}
	assert_int_not_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(n > 0);
	query_close(it);
	sqlite3_finalize(st);
}

static void
test_newest_and_oldest(void **state)
{
	sqlite3			*db = open_store();
	struct query_filter	 f;

	(void)state;
	fill(db, 20000, 997);
	memset(&f, 0, sizeof(f));
	f.order = QUERY_LAST;
	f.limit = 50;
	same_as_scan(db, &f, "SELECT seq FROM (SELECT seq, ts FROM events ORDER BY ts DESC, seq "
	    "DESC LIMIT 50) ORDER BY ts, seq");
	/* Sparse matches: the window has to grow several times. */
	f.kind = "b";
	f.limit = 15;
	same_as_scan(db, &f, "SELECT seq FROM (SELECT seq, ts FROM events WHERE kind = 'b' ORDER BY "
	    "ts DESC, seq DESC LIMIT 15) ORDER BY ts, seq");
	f.order = QUERY_DESC;
	same_as_scan(db, &f, "SELECT seq FROM events WHERE kind = 'b' ORDER BY ts DESC, seq DESC "
	    "LIMIT 15");
	f.order = QUERY_ASC;
	same_as_scan(db, &f, "SELECT seq FROM events WHERE kind = 'b' ORDER BY ts, seq LIMIT 15");
	/* More than there are: all of them. */
	f.limit = 1000;
	same_as_scan(db, &f, "SELECT seq FROM events WHERE kind = 'b' ORDER BY ts, seq");
	/* With a window of its own. */
	f.kind = NULL;
	f.limit = 30;
	f.since = 1000000000LL + 5000000;
	f.until = 1000000000LL + 9000000;
	f.order = QUERY_LAST;
	same_as_scan(db, &f, "SELECT seq FROM (SELECT seq, ts FROM events WHERE ts >= 1005000000 AND "
	    "ts < 1009000000 ORDER BY ts DESC, seq DESC LIMIT 30) ORDER BY ts, seq");
	f.order = QUERY_ASC;
	same_as_scan(db, &f, "SELECT seq FROM events WHERE ts >= 1005000000 AND ts < 1009000000 "
	    "ORDER BY ts, seq LIMIT 30");
	sqlite3_close(db);
}

/*
 * A window joined with a filter on another column reads the runs' seq ranges: no automatic
 * index over every event, probed once per run (schema_migrate turns them off).
 */
static void
test_no_automatic_index(void **state)
{
	sqlite3		*db = open_store();
	sqlite3_stmt	*st;
	int		 automatic = 0, rows = 0;

	(void)state;
	fill(db, 5000, 7);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT count(*) FROM "
	    TSRANGE_WINDOW("?1", "?2") " AND kind = ?3", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char	*d = (const char *)sqlite3_column_text(st, 3);

		rows++;
		if (d != NULL && strstr(d, "AUTOMATIC") != NULL)
			automatic++;
	}
	sqlite3_finalize(st);
	assert_true(rows >= 2);
	assert_int_equal(automatic, 0);
	sqlite3_close(db);
}

/* A store from before ts_ranges: its events are split into runs of 1,024 seqs on open. */
static void
test_migration(void **state)
{
	sqlite3	*db;
	char	 err[256], sql[256];
	int	 i;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE events (seq INTEGER PRIMARY KEY, ts INTEGER)",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (i = 1; i <= 2500; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO events VALUES (%d, %d)", i, 5000 - i);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	/* Version 7, with the events_ts index it had. */
	assert_int_equal(sqlite3_exec(db, "CREATE INDEX events_ts ON events(ts); "
	    "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE src_ranges (x)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(schema_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM ts_ranges"), 3);
	assert_int_equal(sql_int(db, "SELECT hi FROM ts_ranges WHERE lo = 1025"), 2048);
	assert_int_equal(sql_int(db, "SELECT min_ts FROM ts_ranges WHERE lo = 2049"), 5000 - 2500);
	assert_int_equal(sql_int(db, "SELECT max_ts FROM ts_ranges WHERE lo = 1"), 4999);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_ts'"), 0);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_newest_and_oldest),
		cmocka_unit_test(test_no_automatic_index),
		cmocka_unit_test(test_migration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
