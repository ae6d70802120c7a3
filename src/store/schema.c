/* schema.c - the events table, its indexes, and versioned migrations (PRAGMA user_version). */
#include <stdio.h>

#include "store/schema.h"

/* migrations[i] takes the schema from version i to i + 1. Append only; never edit a shipped one. */
static const char *const migrations[] = {
	"CREATE TABLE events ("
	"  seq INTEGER PRIMARY KEY,"		/* local insertion order: tail follows it */
	"  id TEXT NOT NULL,"		/* ULID, unique by construction (no index: lookups go by ts) */
	"  ts INTEGER NOT NULL,"		/* µs since the epoch, UTC */
	"  sensor TEXT NOT NULL,"
	"  session TEXT NOT NULL,"
	"  proto TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  src_ip TEXT NOT NULL,"
	"  src_port INTEGER NOT NULL,"
	"  dst_ip TEXT NOT NULL,"
	"  dst_port INTEGER NOT NULL,"
	"  fields TEXT NOT NULL DEFAULT '{}',"	/* JSON object */
	"  payload BLOB,"			/* raw bytes, capped */
	"  payload_len INTEGER NOT NULL DEFAULT 0,"	/* bytes received */
	"  payload_sha256 TEXT,"		/* of the stored bytes; NULL since schema 7 */
	"  tags TEXT NOT NULL DEFAULT '[]'"	/* JSON array of signature ids */
	");"
	"CREATE INDEX events_ts ON events(ts);"
	"CREATE INDEX events_src ON events(src_ip, ts);",
	/* ASN ranges loaded by `hanipo geo import`: 16-byte addresses (IPv4 as ::ffff:a.b.c.d). */
	"CREATE TABLE asn_ranges ("
	"  first BLOB PRIMARY KEY,"
	"  last BLOB NOT NULL,"
	"  asn INTEGER NOT NULL,"
	"  org TEXT NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 3: import keys (a log line seen before adds nothing, hanipo import), and what the daily
	 * report reads instead of every event: the first time each source, path, signature and
	 * fingerprint was seen, and counts per UTC hour, sensor, dimension and value. Both are
	 * folded in from the events with seq > fold_mark.seq (analyze/rollup.c).
	 */
	"CREATE TABLE import_seen ("		/* time first: logs come in time order */
	"  ts INTEGER NOT NULL,"		/* the line's time */
	"  key INTEGER NOT NULL,"		/* 64 bits of its key */
	"  PRIMARY KEY (ts, key)"
	") WITHOUT ROWID;"
	"CREATE TABLE first_seen ("
	"  what TEXT NOT NULL,"		/* path, sig, fp, src */
	"  value TEXT NOT NULL,"
	"  ts INTEGER NOT NULL,"		/* earliest event's ts */
	"  PRIMARY KEY (what, value)"
	") WITHOUT ROWID;"
	"CREATE INDEX first_seen_ts ON first_seen(ts);"
	"CREATE TABLE rollup ("
	"  hour INTEGER NOT NULL,"		/* ts / 3600 s, UTC */
	"  sensor TEXT NOT NULL,"
	"  dim INTEGER NOT NULL,"		/* enum rollup_dim */
	"  value BLOB NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (hour, sensor, dim, value)"
	") WITHOUT ROWID;"
	"CREATE TABLE fold_mark (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);"
	"INSERT INTO fold_mark VALUES (1, 0);",
	/* abuse: contact lookups cached with an expiry; every report sent, one row per address. */
	"CREATE TABLE abuse_cache ("
	"  query TEXT PRIMARY KEY,"		/* the address, canonical text */
	"  fetched INTEGER NOT NULL,"		/* µs */
	"  expires INTEGER NOT NULL,"		/* µs */
	"  contact TEXT NOT NULL"		/* JSON (contact_to_json) */
	");"
	"CREATE TABLE abuse_reports ("
	"  seq INTEGER PRIMARY KEY,"
	"  report_id TEXT NOT NULL,"		/* UUID, one per mail */
	"  ts INTEGER NOT NULL,"		/* µs: when it was sent (or recorded) */
	"  contact TEXT NOT NULL,"		/* the recipient */
	"  ip TEXT NOT NULL,"			/* one reported address */
	"  first_ts INTEGER NOT NULL,"		/* its events covered: first and last */
	"  last_ts INTEGER NOT NULL,"
	"  events INTEGER NOT NULL,"
	"  message_id TEXT NOT NULL,"
	"  format TEXT NOT NULL,"
	"  digest TEXT NOT NULL DEFAULT ''"	/* chain digest quoted in the report */
	");"
	"CREATE INDEX abuse_reports_ip ON abuse_reports(ip, ts);",
	/* Tamper evidence: one hash-chain link per sensor per committed batch; signed day digests. */
	"CREATE TABLE chain ("
	"  seq INTEGER PRIMARY KEY,"
	"  sensor TEXT NOT NULL,"
	"  first_seq INTEGER NOT NULL,"		/* the sensor's events in this batch */
	"  last_seq INTEGER NOT NULL,"
	"  events INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"		/* µs, commit time */
	"  prev TEXT NOT NULL,"			/* hex SHA-256 of the sensor's previous link */
	"  hash TEXT NOT NULL,"			/* SHA-256(prev || leaves) */
	"  leaves BLOB NOT NULL"		/* each event's SHA-256, in seq order */
	");"
	"CREATE INDEX chain_sensor ON chain(sensor, seq);"
	"CREATE TABLE seals ("
	"  day TEXT PRIMARY KEY,"		/* YYYY-MM-DD, UTC */
	"  ts INTEGER NOT NULL,"		/* µs, when sealed */
	"  digest TEXT NOT NULL,"		/* chain_digest at the end of the day */
	"  sensors INTEGER NOT NULL,"
	"  signature TEXT NOT NULL,"		/* Ed25519 over the seal text, base64 */
	"  public_key TEXT NOT NULL"		/* hex, for reference: verify uses the key file */
	");",
	/*
	 * Events by source address: a row per address and run of its events in a committed batch
	 * (store/srcrange.h) instead of an index entry per event, which cost a third of each insert.
	 */
	"CREATE TABLE src_ranges ("
	"  ip TEXT NOT NULL,"			/* events.src_ip */
	"  lo INTEGER NOT NULL,"		/* its events' lowest and highest seq in the run */
	"  hi INTEGER NOT NULL,"
	"  min_ts INTEGER NOT NULL,"		/* and their earliest and latest ts */
	"  max_ts INTEGER NOT NULL,"
	"  PRIMARY KEY (ip, lo)"
	") WITHOUT ROWID;"
	/* Each address's events, split where more than 32 seqs lie between two (as the writer). */
	"INSERT INTO src_ranges SELECT src_ip, MIN(seq), MAX(seq), MIN(ts), MAX(ts) FROM ("
	"  SELECT src_ip, seq, ts, SUM(brk) OVER (PARTITION BY src_ip ORDER BY seq) AS grp FROM ("
	"    SELECT src_ip, seq, ts, CASE WHEN seq - LAG(seq) OVER (PARTITION BY src_ip ORDER BY"
	"      seq) <= 32 THEN 0 ELSE 1 END AS brk FROM events))"
	"  GROUP BY src_ip, grp;"
	"DROP INDEX events_src;",
	/*
	 * 7: events.payload_sha256 is no longer stored (NULL in new rows; rows written before keep
	 * theirs): readers compute it from the payload, the chain's leaves cover it as before.
	 * Nothing to change here; the version keeps an older hanipo, which would read NULL, out.
	 */
	"SELECT 1;",
	/*
	 * 8: events by time in ts_ranges, a row per run of up to 1,024 consecutive seqs (tsrange.h),
	 * instead of the events_ts index: its entry per event cost the daemon's commits about four
	 * pages each and ~2,400 instructions per event (docs/performance.md).
	 */
	"CREATE TABLE ts_ranges ("
	"  lo INTEGER PRIMARY KEY,"		/* the run's first and last seq */
	"  hi INTEGER NOT NULL,"
	"  min_ts INTEGER NOT NULL,"		/* its events' earliest and latest ts */
	"  max_ts INTEGER NOT NULL"
	");"
	"INSERT INTO ts_ranges SELECT MIN(seq), MAX(seq), MIN(ts), MAX(ts) FROM events"
	"  GROUP BY (seq - 1) / 1024;"
	"DROP INDEX events_ts;",
};

void
schema_page_size(sqlite3 *db)
{
	char	 sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA page_size = %d", SCHEMA_PAGE_SIZE);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int
schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 version = 0, i, n = (int)(sizeof(migrations) / sizeof(migrations[0]));
	char		*msg = NULL, sql[64];

	/*
	 * Every connection comes through here. The events table has no index but its rowid: joined
	 * with the runs of ts_ranges or src_ranges and filtered on another column (kind = ?),
	 * SQLite would build an automatic index over every event and probe it once per run, reading
	 * them all each time (11 minutes for `stats` over a million events). The runs are the index.
	 */
	sqlite3_exec(db, "PRAGMA automatic_index = OFF", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > n) {
		snprintf(err, errlen, "store schema version %d is newer than this hanipo (%d)",
		    version, n);
		return -1;
	}
	if (version == n)
		return 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	for (i = version; i < n; i++)
		if (sqlite3_exec(db, migrations[i], NULL, NULL, &msg) != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", n);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "store migration failed: %s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

sqlite3 *
schema_open_existing(const char *path, char *err, size_t errlen)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open store: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	if (schema_migrate(db, err, errlen) == -1) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}
