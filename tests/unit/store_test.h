/* store_test.h - what the store's unit tests share: a migrated in-memory store, an integer from SQL. */
#ifndef HNP_STORE_TEST_H
#define HNP_STORE_TEST_H

#include <stdint.h>

#include <sqlite3.h>

#include "store/schema.h"

/* An in-memory store at the latest schema (cmocka must be included before). */
static inline sqlite3 *
open_store(void)
{
	sqlite3	*db;
	char	 err[256];

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(schema_migrate(db, err, sizeof(err)), 0);
	return db;
}

/* The first column of the first row of sql, or -1 when there is none. */
static inline int64_t
sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
