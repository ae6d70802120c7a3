/* import.c - `hanipo import --format wowhoneypot|cowrie FILE...`: existing logs into the store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/rollup.h"
#include "analyze/import.h"
#include "analyze/sig.h"
#include "cmd/cmd.h"
#include "store/schema.h"
#include "store/walbuf.h"
#include "store/writelock.h"

static const char import_usage[] =
    "usage: hanipo import --format wowhoneypot|cowrie [--sensor NAME] FILE...\n"
    "Imports WOWHoneypot access_log or Cowrie JSON logs (plain or gzip) into the store.\n"
    "Importing the same file again adds nothing; malformed lines are reported as\n"
    "file:line: reason and skipped. Stop hanipo run on the same store first: its writer\n"
    "numbers events itself and would collide with imported ones.\n"
    "\n"
    "  --format FORMAT   wowhoneypot (access_log) or cowrie (cowrie.json)\n"
    "  --sensor NAME     sensor name for lines that carry none (default: [sensor] name)\n";

enum { IMPORT_OPT_FORMAT = 300 };

/*
 * WAL pages between checkpoints (4 KiB each): index pages touched again and again by a bulk
 * insert are then copied into the database once per 80 MiB of log instead of once per 4 MiB.
 */
#define IMPORT_CKPT_PAGES	"20000"
/*
 * SQLite's page cache for the import (KiB, negative as PRAGMA cache_size takes it): the pages
 * it goes back to are the ends of the B-trees it appends to and the small tables (rollup,
 * src_ranges); 128 MiB was no faster than 32 and only took memory.
 */
#define IMPORT_CACHE_KIB	"-32768"
#define IMPORT_BUSY_MS		10000

/* Opens (creating and migrating) the store for writing. NULL after printing why. */
static sqlite3 *
import_open(const char *path)
{
	sqlite3	*db = NULL;
	char	 err[1024];

	/*
	 * SQLite's memory statistics take a global mutex on every allocation, and an import makes
	 * millions (8% of the inserting thread); nothing here reads them. Settable only before
	 * SQLite starts, which is here in this process (else it stays on: harmless).
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, walbuf_bulk_vfs_name()) != SQLITE_OK) {
		fprintf(stderr, "hanipo import: %s: cannot open store: %s\n", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, IMPORT_BUSY_MS);
	schema_page_size(db);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA cache_size=" IMPORT_CACHE_KIB, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA wal_autocheckpoint=" IMPORT_CKPT_PAGES, NULL, NULL, NULL) !=
	    SQLITE_OK ||
	    schema_migrate(db, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo import: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int
import_pragma_cb(void *arg, int n, char **vals, char **names)
{
	(void)names;
	if (n > 0 && vals[0] != NULL)
		snprintf(arg, 16, "%s", vals[0]);
	return 0;
}

/*
 * The import writes through a rollback journal when no other connection has the store open (it
 * holds the writer lock, so no daemon can): pages it appends need no journal, so each byte is
 * written once, where WAL writes it twice (the log, then the checkpoint). A crash leaves a hot
 * journal that the next opener rolls back. With a reader present it stays in WAL. 1 if switched.
 */
static int
import_journal_delete(sqlite3 *db)
{
	char	 mode[16] = "";

	sqlite3_busy_timeout(db, 0);
	sqlite3_exec(db, "PRAGMA journal_mode=DELETE", import_pragma_cb, mode, NULL);
	sqlite3_busy_timeout(db, IMPORT_BUSY_MS);
	if (strcmp(mode, "delete") != 0)
		return 0;
	/* FULL: in rollback mode NORMAL may corrupt on power loss; a few syncs per import. */
	sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	return 1;
}

/* Back to WAL for the daemon and the readers (the daemon also sets it when it opens). */
static void
import_journal_wal(sqlite3 *db, const char *path)
{
	char	 mode[16] = "";

	sqlite3_exec(db, "PRAGMA journal_mode=WAL", import_pragma_cb, mode, NULL);
	if (strcmp(mode, "wal") != 0)
		fprintf(stderr, "hanipo import: %s: could not set WAL mode again (%s): hanipo run "
		    "sets it when it opens the store\n", path, sqlite3_errmsg(db));
	sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, IMPORT_OPT_FORMAT },
		{ "sensor", required_argument, NULL, CMD_OPT_SENSOR },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct import_stats		 st;
	struct config			*cfg = NULL;
	struct sigdb			*sigs = NULL;
	sqlite3				*db = NULL;
	int				 lockfd = -1, journal = 0;
	const char			*format = NULL, *sensor = NULL;
	char				 err[1024], host[256] = "";
	int				 ch, r, status = CMD_EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		switch (ch) {
		case 'h':
			cmd_usage(import_usage, 0);
			return CMD_EXIT_OK;
		case IMPORT_OPT_FORMAT:
			format = optarg;
			break;
		case CMD_OPT_SENSOR:
			sensor = optarg;
			break;
		default:
			cmd_bad_option("import", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (format == NULL || (strcmp(format, "wowhoneypot") != 0 &&
	    strcmp(format, "cowrie") != 0)) {
		fprintf(stderr, "hanipo import: --format: expected wowhoneypot or cowrie%s%s%s\n",
		    format ? ", got \"" : "", format ? format : "", format ? "\"" : "");
		return CMD_EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "hanipo import: no FILE given\n");
		return CMD_EXIT_USAGE;
	}
	if ((cfg = cmd_load_config(&cc)) == NULL)
		goto out;
	if (sensor == NULL)
		sensor = config_get(cfg, "sensor", "name");
	if ((sensor == NULL || *sensor == '\0') && gethostname(host, sizeof(host) - 1) == 0)
		sensor = host;
	if (sensor == NULL || *sensor == '\0')
		sensor = "import";
	/* One writer of events per store: a running daemon (or another import) keeps it. */
	if ((lockfd = writelock_take(config_get(cfg, "store", "path"), err, sizeof(err))) == -1) {
		fprintf(stderr, "hanipo import: %s\n", err);
		goto out;
	}
	if ((db = import_open(config_get(cfg, "store", "path"))) == NULL)
		goto out;
	journal = import_journal_delete(db);
	sigs = sigdb_load_config(cfg, err, sizeof(err));
	if (sigs == NULL && *err != '\0') {
		fprintf(stderr, "hanipo import: %s\n", err);
		goto out;
	}
	if (import_files(db, format, sensor, sigs, argv + optind, (size_t)(argc - optind), stderr, &st,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo import: %s\n", err);
		status = CMD_EXIT_FAIL;
		goto out;
	}
	if (rollup_fold(db, err, sizeof(err)) == -1)
		fprintf(stderr, "hanipo import: %s\n", err);
	fprintf(stderr, "hanipo import: %lld imported, %lld already present, %lld malformed "
	    "line%s\n", (long long)st.imported, (long long)st.present, (long long)st.malformed,
	    st.malformed == 1 ? "" : "s");
	if (st.imported > 0 || (st.malformed == 0 && st.file_errors == 0))
		status = CMD_EXIT_OK;
	else
		status = CMD_EXIT_FAIL;
out:
	sigdb_free(sigs);
	if (journal)
		import_journal_wal(db, config_get(cfg, "store", "path"));
	sqlite3_close(db);
	writelock_release(lockfd);
	config_free(cfg);
	return status;
}
