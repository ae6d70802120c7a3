/*
 * test_srcrange.c - one batch's ranges by source address (src/store/srcrange.c): addresses
 * interleaved closely get one row each whose seq and ts bounds are their events' extremes, with
 * hundreds of addresses (the table grows several times); more than 32 seqs between two events of
 * an address split its range; a second batch after srcranges_begin starts afresh; a batch that
 * was never written leaves nothing behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store/schema.h"
#include "store/srcrange.h"
#include "store_test.h"

#define NADDR	500

static int64_t
scalar(sqlite3 *db, const char *sql, const char *ip)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (ip != NULL)
		sqlite3_bind_text(st, 1, ip, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
addr(char *b, size_t len, int i)
{
	snprintf(b, len, "198.51.%d.%d", i / 250, i % 250);
}

static void
test_interleaved_batch(void **state)
{
	sqlite3			*db = open_store();
	struct srcranges	*r = srcranges_new();
	char			 ip[64];
	int64_t			 seq = 1000;
	int			 round, i;

	srcranges_begin(r);
	/* Three rounds over 20 addresses (gaps of 20 seqs): one range each. */
	for (round = 0; round < 3; round++)
		for (i = 0; i < 20; i++) {
			addr(ip, sizeof(ip), i);
			srcranges_add(r, ip, seq++, round == 1 ? 10 * i : 10 * i + 5);
		}
	/* Then NADDR more addresses once each: the table grows several times. */
	for (i = 20; i < 20 + NADDR; i++) {
		addr(ip, sizeof(ip), i);
		srcranges_add(r, ip, seq++, i);
	}
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(srcranges_write(r, db), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges", NULL), 20 + NADDR);
	for (i = 0; i < 20; i += 3) {
		addr(ip, sizeof(ip), i);
		assert_int_equal(scalar(db, "SELECT lo FROM src_ranges WHERE ip = ?", ip), 1000 + i);
		assert_int_equal(scalar(db, "SELECT hi FROM src_ranges WHERE ip = ?", ip),
		    1000 + 40 + i);
		assert_int_equal(scalar(db, "SELECT min_ts FROM src_ranges WHERE ip = ?", ip),
		    10 * i);
		assert_int_equal(scalar(db, "SELECT max_ts FROM src_ranges WHERE ip = ?", ip),
		    10 * i + 5);
	}
	addr(ip, sizeof(ip), 20 + NADDR - 1);
	assert_int_equal(scalar(db, "SELECT hi - lo FROM src_ranges WHERE ip = ?", ip), 0);

	/* A batch that failed before its write is forgotten by the next begin. */
	srcranges_begin(r);
	srcranges_add(r, "192.0.2.1", 5000, 1);
	srcranges_begin(r);
	srcranges_add(r, "192.0.2.2", 5001, 2);
	srcranges_add(r, "192.0.2.2", 5003, 3);
	assert_int_equal(srcranges_write(r, db), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges WHERE ip = ?", "192.0.2.1"),
	    0);
	assert_int_equal(scalar(db, "SELECT hi - lo FROM src_ranges WHERE ip = ?", "192.0.2.2"),
	    2);
	/* The same address in a later batch: a second, disjoint row. */
	srcranges_begin(r);
	srcranges_add(r, "192.0.2.2", 6000, 9);
	assert_int_equal(srcranges_write(r, db), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges WHERE ip = ?", "192.0.2.2"),
	    2);
	/* An empty batch writes nothing. */
	srcranges_begin(r);
	assert_int_equal(srcranges_write(r, db), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges", NULL), 20 + NADDR + 2);
	srcranges_free(r);
	sqlite3_close(db);
	(void)state;
}

/* More than 32 seqs after an address's last event: a new range (a query reads few others). */
static void
test_gap_splits(void **state)
{
	static const int64_t	 seqs[] = { 1, 2, 34, 35, 68, 200 };
	sqlite3			*db = open_store();
	struct srcranges	*r = srcranges_new();
	size_t			 i;

	srcranges_begin(r);
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		srcranges_add(r, "203.0.113.9", seqs[i], 100 + seqs[i]);
	srcranges_add(r, "203.0.113.10", 3, 7);
	assert_int_equal(srcranges_write(r, db), 0);
	/* 1-35 (a gap of exactly 32 stays), 68, 200. */
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges WHERE ip = ?",
	    "203.0.113.9"), 3);
	assert_int_equal(scalar(db, "SELECT hi FROM src_ranges WHERE ip = ? AND lo = 1",
	    "203.0.113.9"), 35);
	assert_int_equal(scalar(db, "SELECT max_ts FROM src_ranges WHERE ip = ? AND lo = 1",
	    "203.0.113.9"), 135);
	assert_int_equal(scalar(db, "SELECT hi FROM src_ranges WHERE ip = ? AND lo = 68",
	    "203.0.113.9"), 68);
	assert_int_equal(scalar(db, "SELECT min_ts FROM src_ranges WHERE ip = ? AND lo = 200",
	    "203.0.113.9"), 300);
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges", NULL), 4);
	srcranges_free(r);
	sqlite3_close(db);
	(void)state;
}

/* A write into a database without the table fails (the caller's batch then fails). */
static void
test_write_error(void **state)
{
	struct srcranges	*r = srcranges_new();
	sqlite3			*db;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	srcranges_begin(r);
	srcranges_add(r, "192.0.2.1", 1, 1);
	assert_int_equal(srcranges_write(r, db), -1);
	srcranges_free(r);
	sqlite3_close(db);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleaved_batch),
		cmocka_unit_test(test_gap_splits),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
