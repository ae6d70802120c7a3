/*
 * test_srcrange.c - one batch's ranges by source address (src/store/srcrange.c): with hundreds of
 * addresses interleaved (the table grows several times), each address gets one row whose seq and
 * ts bounds are its own events' extremes; a second batch after srcranges_begin starts afresh; a
 * batch that was never written leaves nothing behind.
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

#define NADDR	500

static sqlite3 *
open_store(void)
{
	sqlite3	*db;
	char	 err[256];

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(schema_migrate(db, err, sizeof(err)), 0);
	return db;
}

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
	/* Three rounds over every address: seqs interleave, times go back and forth. */
	for (round = 0; round < 3; round++)
		for (i = 0; i < NADDR; i++) {
			addr(ip, sizeof(ip), i);
			srcranges_add(r, ip, seq++, round == 1 ? 10 * i : 10 * i + 5);
		}
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(srcranges_write(r, db), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges", NULL), NADDR);
	for (i = 0; i < NADDR; i += 37) {
		addr(ip, sizeof(ip), i);
		assert_int_equal(scalar(db, "SELECT lo FROM src_ranges WHERE ip = ?", ip), 1000 + i);
		assert_int_equal(scalar(db, "SELECT hi FROM src_ranges WHERE ip = ?", ip),
		    1000 + 2 * NADDR + i);
		assert_int_equal(scalar(db, "SELECT min_ts FROM src_ranges WHERE ip = ?", ip),
		    10 * i);
		assert_int_equal(scalar(db, "SELECT max_ts FROM src_ranges WHERE ip = ?", ip),
		    10 * i + 5);
	}

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
	assert_int_equal(scalar(db, "SELECT count(*) FROM src_ranges", NULL), NADDR + 2);
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
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
