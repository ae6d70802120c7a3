/*
 * test_walbuf.c - the WAL write-combining VFS shim (src/store/walbuf.c): a commit through it is
 * visible to another connection (plain VFS) the moment it returns, in small commits, in one
 * transaction larger than the buffer, and when a tiny page cache spills pages to the WAL before
 * the commit and reads them back; the file passes integrity_check and survives a checkpoint.
 * The bulk variant (database file writes buffered too), in rollback-journal mode as the import
 * uses it: large transactions, spills read back, a rollback, and a process that dies in the
 * middle of a transaction whose pages it had begun writing: the next opener rolls the hot
 * journal back to the last commit. In WAL mode its checkpoints leave a file a reader agrees with.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store/walbuf.h"
#include "store_test.h"

struct fx {
	char		 path[64];
	sqlite3		*w;	/* through the shim */
	sqlite3		*r;	/* plain unix VFS, as `hanipo events` reads */
};

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err != NULL ? err : "?");
}

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	const char	*vfs = walbuf_vfs_name();
	int		 fd;

	assert_non_null(vfs);
	snprintf(f->path, sizeof(f->path), "/tmp/hnp-walbuf-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd != -1);
	close(fd);
	assert_int_equal(sqlite3_open_v2(f->path, &f->w, SQLITE_OPEN_READWRITE, vfs), SQLITE_OK);
	exec_ok(f->w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	    "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL); CREATE INDEX t_v ON t(v);");
	sqlite3_wal_autocheckpoint(f->w, 0);
	assert_int_equal(sqlite3_open_v2(f->path, &f->r, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 p[80];

	sqlite3_close(f->r);
	sqlite3_close(f->w);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

/* Inserts n rows of size bytes (random, so the index pages scatter) in one transaction. */
static void
insert(sqlite3 *db, int n, int size)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "INSERT INTO t (v) SELECT randomblob(%d) FROM "
	    "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d) "
	    "SELECT i FROM c)", size, n);
	exec_ok(db, "BEGIN");
	exec_ok(db, sql);
	exec_ok(db, "COMMIT");
}

static void
check_integrity(sqlite3 *db)
{
	sqlite3_stmt	*st;

	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

static void
test_small_commits_visible_at_once(void **state)
{
	struct fx	*f = *state;
	int		 i;

	for (i = 1; i <= 300; i++) {
		insert(f->w, 3, 300);
		assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 3 * i);
	}
	check_integrity(f->r);
}

static void
test_transaction_larger_than_buffer(void **state)
{
	struct fx	*f = *state;

	insert(f->w, 2000, 1000);	/* ~2 MB of frames through a 64 KB buffer */
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 2000);
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t WHERE length(v) = 1000"), 2000);
	check_integrity(f->r);
}

static void
test_spilled_pages_read_back(void **state)
{
	struct fx	*f = *state;

	/* A cache of 10 pages: the transaction writes pages to the WAL and reads them back. */
	exec_ok(f->w, "PRAGMA cache_size=10; PRAGMA cache_spill=1");
	exec_ok(f->w, "BEGIN; INSERT INTO t (v) SELECT randomblob(500) FROM (WITH RECURSIVE "
	    "c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) SELECT i FROM c);"
	    "UPDATE t SET v = randomblob(400) WHERE k % 7 = 0; COMMIT");
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 3000);
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t WHERE length(v) = 400"),
	    3000 / 7);
	check_integrity(f->r);
	check_integrity(f->w);
}

static void
test_checkpoint_then_more(void **state)
{
	struct fx	*f = *state;

	insert(f->w, 500, 200);
	assert_int_equal(sqlite3_wal_checkpoint_v2(f->r, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
	    NULL), SQLITE_OK);
	insert(f->w, 500, 200);		/* the WAL restarts from its start: writes at offset 0 */
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 1000);
	sqlite3_close(f->w);		/* the last close checkpoints through the shim */
	f->w = NULL;
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 1000);
	check_integrity(f->r);
}

/* ---- the bulk variant ---- */

static int
setup_bulk(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	const char	*vfs = walbuf_bulk_vfs_name();
	int		 fd;

	assert_non_null(vfs);
	snprintf(f->path, sizeof(f->path), "/tmp/hnp-bulk-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd != -1);
	close(fd);
	assert_int_equal(sqlite3_open_v2(f->path, &f->w, SQLITE_OPEN_READWRITE, vfs), SQLITE_OK);
	exec_ok(f->w, "PRAGMA page_size=8192; PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
	    "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL); CREATE INDEX t_v ON t(v);");
	assert_int_equal(sqlite3_open_v2(f->path, &f->r, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	*state = f;
	return 0;
}

static void
test_bulk_large_transactions(void **state)
{
	struct fx	*f = *state;
	int		 i;

	for (i = 1; i <= 3; i++) {
		insert(f->w, 4000, 1000);	/* ~8 MB: hundreds of buffered writes */
		assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 4000 * i);
		check_integrity(f->r);
	}
	exec_ok(f->w, "BEGIN; DELETE FROM t WHERE k % 3 = 0; UPDATE t SET v = zeroblob(10) "
	    "WHERE k % 5 = 0; ROLLBACK");
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t WHERE length(v) = 1000"), 12000);
	check_integrity(f->r);
}

static void
test_bulk_spills_read_back(void **state)
{
	struct fx	*f = *state;

	insert(f->w, 1000, 300);
	exec_ok(f->w, "PRAGMA cache_size=10; PRAGMA cache_spill=1");
	exec_ok(f->w, "BEGIN; INSERT INTO t (v) SELECT randomblob(500) FROM (WITH RECURSIVE "
	    "c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) SELECT i FROM c);"
	    "UPDATE t SET v = randomblob(400) WHERE k % 7 = 0; COMMIT");
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 4000);
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t WHERE length(v) = 400"),
	    4000 / 7);
	check_integrity(f->r);
	check_integrity(f->w);
}

static void
test_bulk_death_mid_transaction_rolls_back(void **state)
{
	struct fx	*f = *state;
	pid_t		 pid;
	int		 status;
	sqlite3		*db;

	insert(f->w, 2000, 500);
	sqlite3_close(f->w);
	f->w = NULL;
	if ((pid = fork()) == 0) {
		/* Pages spill into the file (cache of 10) and into the buffer; then death. */
		if (sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, walbuf_bulk_vfs_name()) !=
		    SQLITE_OK)
			_exit(2);
		sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA cache_size=10; BEGIN;"
		    "UPDATE t SET v = zeroblob(500); INSERT INTO t (v) SELECT randomblob(700) FROM "
		    "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) "
		    "SELECT i FROM c)", NULL, NULL, NULL);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sqlite3_close(f->r);
	/* A writable opener rolls the hot journal back. */
	assert_int_equal(sqlite3_open_v2(f->path, &f->r, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 2000);
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t WHERE v = zeroblob(500)"), 0);
	check_integrity(f->r);
}

static void
test_bulk_in_wal_mode_checkpoints(void **state)
{
	struct fx	*f = *state;

	exec_ok(f->w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
	insert(f->w, 3000, 800);
	assert_int_equal(sqlite3_wal_checkpoint_v2(f->w, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	    NULL), SQLITE_OK);
	insert(f->w, 1000, 800);
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 4000);
	sqlite3_close(f->w);		/* checkpoints the rest through the shim */
	f->w = NULL;
	assert_int_equal(sql_int(f->r, "SELECT count(*) FROM t"), 4000);
	check_integrity(f->r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_commits_visible_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_larger_than_buffer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_spilled_pages_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_then_more, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_large_transactions, setup_bulk, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_spills_read_back, setup_bulk, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_death_mid_transaction_rolls_back,
		    setup_bulk, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_in_wal_mode_checkpoints, setup_bulk,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
