/*
 * import_sql.c - the import's SQL side, per block of lines. Which lines are present already: an
 * imported event's id is its line's time and key (imp_pack: ulid_encode(ts, key)), so one range
 * read of the events over the block's times (the ts_ranges runs that overlap them) gives the keys
 * stored there, which are
 * compared in memory; import_seen, where earlier versions kept the keys, is read the same way.
 * A block whose range holds too many stored events (logs imported out of order, or a daemon's
 * events of the same hours) looks its lines up one by one. Then the new events go in many rows
 * per INSERT, which spares SQLite most of its per-statement work (cursors opened and closed,
 * halt). The INSERTs say OR FAIL: a statement that fails keeps its earlier rows (the import then
 * rolls the transaction back), so SQLite keeps no statement journal (with ABORT it copied every
 * page a statement touched into a temporary file first: twelve times the writes of the rows).
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/import_impl.h"
#include "core/xmalloc.h"
#include "store/tsrange.h"

#define IMP_EVT_ROWS	16	/* events per INSERT (15 parameters each) */
#define IMP_EVT_COLS	15
#define IMP_SCAN_MAX	(2 * IMP_BLOCK_LINES)	/* stored keys read per block, at most */
#define IMP_SET_SLOTS	32768	/* a power of two, > 2 * (IMP_BLOCK_LINES + IMP_SCAN_MAX) */

struct imp_seen {
	int64_t		 ts, key;
	uint32_t	 gen;		/* the slot is used when gen is the set's */
};

/*
 * What a row slot of an events statement holds from the last time (bindings outlive a reset):
 * values that do not change from row to row (the sensor, proto, kind, ports) are not bound again.
 * Only static strings are compared by address; text in a block is bound every time (the block is
 * reused).
 */
struct imp_slot {
	const char	*sensor, *proto, *kind;
	int		 src_port, dst_port;
};

struct imp_sql {
	sqlite3		*db;
	const char	*sensor;
	int		 sensor_len;
	sqlite3_stmt	*scan_ids, *scan_keys;	/* stored event ids, keys in a time range */
	sqlite3_stmt	*has_id, *has_key;	/* ... and at one time */
	sqlite3_stmt	*evt1, *evtn;
	struct imp_slot	 slot1, slotn[IMP_EVT_ROWS];
	struct imp_seen	*set;
	uint32_t	 gen;
};

static char *
sql_values(const char *head, int cols, int rows)
{
	size_t	 hl = strlen(head), cap = hl + (size_t)rows * ((size_t)cols * 2 + 3) + 1;
	char	*s = xmalloc(cap), *p;
	int	 r, c;

	memcpy(s, head, hl);
	p = s + hl;
	for (r = 0; r < rows; r++) {
		*p++ = r ? ',' : ' ';
		*p++ = '(';
		for (c = 0; c < cols; c++) {
			*p++ = '?';
			*p++ = c + 1 < cols ? ',' : ')';
		}
	}
	*p = '\0';
	return s;
}

static int
sql_prep(sqlite3 *db, const char *head, int cols, int rows, sqlite3_stmt **st)
{
	char	*sql = sql_values(head, cols, rows);
	int	 rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	free(sql);
	return rc == SQLITE_OK ? 0 : -1;
}

#define SQL_EVTS	"INSERT OR FAIL INTO events (id, ts, sensor, session, proto, kind, src_ip, " \
			"src_port, dst_ip, dst_port, fields, payload, payload_len, " \
			"payload_sha256, tags) VALUES"

/* Every slot as never bound. */
static void
sql_slots_clear(struct imp_sql *q)
{
	size_t	 i;

	memset(&q->slot1, 0, sizeof(q->slot1));
	memset(q->slotn, 0, sizeof(q->slotn));
	q->slot1.src_port = q->slot1.dst_port = -1;
	for (i = 0; i < IMP_EVT_ROWS; i++)
		q->slotn[i].src_port = q->slotn[i].dst_port = -1;
}

struct imp_sql *
imp_sql_new(sqlite3 *db, const char *sensor)
{
	struct imp_sql	*q = xcalloc(1, sizeof(*q));

	q->db = db;
	q->sensor = sensor;
	q->sensor_len = (int)strlen(sensor);
	if (sqlite3_prepare_v2(db, "SELECT ts, id FROM " TSRANGE_JOIN " AND ts_ranges.max_ts >= ?1 AND "
	    "ts_ranges.min_ts <= ?2 WHERE ts BETWEEN ?1 AND ?2 LIMIT ?3",
	    -1, &q->scan_ids, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT ts, key FROM import_seen WHERE ts BETWEEN ?1 AND ?2 "
	    "LIMIT ?3", -1, &q->scan_keys, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT 1 FROM " TSRANGE_JOIN " AND ts_ranges.max_ts >= ?1 AND "
	    "ts_ranges.min_ts <= ?1 WHERE ts = ?1 AND id = ?2", -1,
	    &q->has_id, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT 1 FROM import_seen WHERE ts = ?1 AND key = ?2", -1,
	    &q->has_key, NULL) != SQLITE_OK ||
	    sql_prep(db, SQL_EVTS, IMP_EVT_COLS, 1, &q->evt1) == -1 ||
	    sql_prep(db, SQL_EVTS, IMP_EVT_COLS, IMP_EVT_ROWS, &q->evtn) == -1) {
		imp_sql_free(q);
		return NULL;
	}
	q->set = xcalloc(IMP_SET_SLOTS, sizeof(*q->set));
	sql_slots_clear(q);
	return q;
}

void
imp_sql_free(struct imp_sql *q)
{
	if (q == NULL)
		return;
	sqlite3_finalize(q->scan_ids);
	sqlite3_finalize(q->scan_keys);
	sqlite3_finalize(q->has_id);
	sqlite3_finalize(q->has_key);
	sqlite3_finalize(q->evt1);
	sqlite3_finalize(q->evtn);
	free(q->set);
	free(q);
}

const char *
imp_item_sensor(const struct imp_sql *q, const struct imp_block *b, const struct imp_item *it)
{
	return it->sensor == IMP_NO_OFF ? q->sensor : (const char *)b->bytes.data + it->sensor;
}

static int
sql_step(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Adds (ts, key) to the set; 1 if it was there already. */
static int
set_add(struct imp_sql *q, int64_t ts, int64_t key)
{
	uint64_t	 h = ((uint64_t)key ^ (uint64_t)ts * 0x9e3779b97f4a7c15ULL);
	size_t		 j;

	for (j = (h ^ h >> 29) & (IMP_SET_SLOTS - 1); q->set[j].gen == q->gen;
	    j = (j + 1) & (IMP_SET_SLOTS - 1))
		if (q->set[j].ts == ts && q->set[j].key == key)
			return 1;
	q->set[j].ts = ts;
	q->set[j].key = key;
	q->set[j].gen = q->gen;
	return 0;
}

/* The 64-bit key in an imported event's id (imp_pack); 0 for an id that is not a ULID. */
static int64_t
sql_id_key(const unsigned char *id, int len)
{
	uint8_t	 bin[16];
	int64_t	 key;

	if (ulid_decode((const char *)id, (size_t)len, bin) == -1)
		return 0;
	memcpy(&key, bin + 6, sizeof(key));
	return key;
}

/* 1 if st (ts, then an id or a key) finds a row. -1 on a database error. */
static int
sql_has(sqlite3_stmt *st, const struct imp_item *it, int by_id)
{
	int	 rc;

	sqlite3_bind_int64(st, 1, it->ts);
	if (by_id)
		sqlite3_bind_text(st, 2, it->id, ULID_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, it->key);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Line by line: the set (what was read, the block's lines so far), then the store. */
static int
sql_present_rows(struct imp_sql *q, const struct imp_block *b, uint8_t *present)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < b->n; i++) {
		if (set_add(q, b->it[i].ts, b->it[i].key)) {
			present[i] = 1;
			continue;
		}
		if ((rc = sql_has(q->has_id, &b->it[i], 1)) == 0)
			rc = sql_has(q->has_key, &b->it[i], 0);
		if (rc == -1)
			return -1;
		present[i] = (uint8_t)rc;
	}
	return 0;
}

/*
 * Reads the keys stored in b's time range into the set: of the events' ids (by_id), else of
 * import_seen. n counts the rows read by both; 1 if there were too many.
 */
static int
sql_scan(struct imp_sql *q, sqlite3_stmt *st, int by_id, int64_t lo, int64_t hi, int64_t *n)
{
	int	 rc;

	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	sqlite3_bind_int64(st, 3, IMP_SCAN_MAX + 1 - *n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++*n > IMP_SCAN_MAX)
			break;
		set_add(q, sqlite3_column_int64(st, 0), by_id ? sql_id_key(sqlite3_column_text(st,
		    1), sqlite3_column_bytes(st, 1)) : sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return *n > IMP_SCAN_MAX;
}

int
imp_sql_present(struct imp_sql *q, const struct imp_block *b, uint8_t *present)
{
	int64_t	 lo = INT64_MAX, hi = INT64_MIN, n = 0;
	size_t	 i;
	int	 rc;

	if (b->n == 0)
		return 0;
	if (++q->gen == 0) {
		memset(q->set, 0, IMP_SET_SLOTS * sizeof(*q->set));
		q->gen = 1;
	}
	for (i = 0; i < b->n; i++) {
		if (b->it[i].ts < lo)
			lo = b->it[i].ts;
		if (b->it[i].ts > hi)
			hi = b->it[i].ts;
	}
	if ((rc = sql_scan(q, q->scan_ids, 1, lo, hi, &n)) == 0)
		rc = sql_scan(q, q->scan_keys, 0, lo, hi, &n);
	if (rc == -1)
		return -1;
	if (rc == 1)
		return sql_present_rows(q, b, present);
	for (i = 0; i < b->n; i++)
		present[i] = (uint8_t)set_add(q, b->it[i].ts, b->it[i].key);
	return 0;
}

/* Binds it's event as row r of st, whose slot is sl. */
static void
sql_bind_event(struct imp_sql *q, const struct imp_block *b, const struct imp_item *it,
    sqlite3_stmt *st, int r, struct imp_slot *sl)
{
	const char	*base = (const char *)b->bytes.data;
	int		 c = r * IMP_EVT_COLS;

	sqlite3_bind_text(st, c + 1, it->id, ULID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, c + 2, it->ts);
	if (it->sensor != IMP_NO_OFF) {
		sqlite3_bind_text(st, c + 3, base + it->sensor, -1, SQLITE_STATIC);
		sl->sensor = NULL;
	} else if (sl->sensor != q->sensor) {
		sqlite3_bind_text(st, c + 3, q->sensor, q->sensor_len, SQLITE_STATIC);
		sl->sensor = q->sensor;
	}
	sqlite3_bind_text(st, c + 4, it->session, ULID_LEN, SQLITE_STATIC);
	if (sl->proto != it->proto)
		sqlite3_bind_text(st, c + 5, sl->proto = it->proto, -1, SQLITE_STATIC);
	if (sl->kind != it->kind)
		sqlite3_bind_text(st, c + 6, sl->kind = it->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, c + 7, it->src_ip, -1, SQLITE_STATIC);
	if (sl->src_port != it->src_port)
		sqlite3_bind_int(st, c + 8, sl->src_port = it->src_port);
	sqlite3_bind_text(st, c + 9, it->dst_ip, -1, SQLITE_STATIC);
	if (sl->dst_port != it->dst_port)
		sqlite3_bind_int(st, c + 10, sl->dst_port = it->dst_port);
	sqlite3_bind_text(st, c + 11, base + it->fields, (int)it->flen, SQLITE_STATIC);
	if (it->plen > 0) {
		sqlite3_bind_blob(st, c + 12, base + it->payload, (int)it->plen, SQLITE_STATIC);
		sqlite3_bind_int64(st, c + 13, (int64_t)it->payload_total);
	} else {
		sqlite3_bind_null(st, c + 12);
		sqlite3_bind_int64(st, c + 13, 0);
	}
	/* payload_sha256 (c + 14) stays NULL: readers compute it (schema 7). */
	sqlite3_bind_text(st, c + 15, base + it->tags, (int)it->tlen, SQLITE_STATIC);
}

int
imp_sql_events(struct imp_sql *q, const struct imp_block *b, const uint8_t *present)
{
	sqlite3_stmt	*st;
	size_t		 i, k, rows, want;

	for (i = 0; i < b->n;) {
		for (k = i, rows = 0; k < b->n && rows < IMP_EVT_ROWS; k++)
			rows += !present[k];
		st = rows == IMP_EVT_ROWS ? q->evtn : q->evt1;
		want = st == q->evtn ? IMP_EVT_ROWS : 1;
		for (rows = 0; i < b->n && rows < want; i++) {
			if (present[i])
				continue;
			sql_bind_event(q, b, &b->it[i], st, (int)rows,
			    st == q->evtn ? &q->slotn[rows] : &q->slot1);
			rows++;
		}
		if (rows > 0 && sql_step(st) == -1)
			return -1;
	}
	return 0;
}
