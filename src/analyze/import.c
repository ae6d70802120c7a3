/*
 * import.c - the import driver: a reader thread reads files through zlib (plain or gzip alike),
 * splits lines, parses each with the format's parser, keys and classifies it into a slot of a
 * small ring; the calling thread takes the slots in order and inserts new events in large
 * transactions with two prepared statements (SQLite on one thread, the rest on the other).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "core/hex.h"
#include "analyze/import.h"
#include "analyze/rollup.h"
#include "analyze/sig.h"
#include "analyze/strmap.h"
#include "core/limits.h"
#include "core/ulid.h"
#include "core/xmalloc.h"

#define IMP_MAX_LINE	(8 * 1024 * 1024)	/* longer lines are reported and skipped */
#define IMP_READ	(1024 * 1024)
#define IMP_TXN_ROWS	100000
#define IMP_RING	64			/* parsed lines waiting for their insert */
#define IMP_RING_BYTES	(32 * 1024 * 1024)	/* their fields and payloads together */
#define IMP_SLOT_KEEP	(64 * 1024)		/* a slot's buffers larger than this are freed */

/* One parsed line on its way from the reader to the inserter. */
struct imp_slot {
	struct imp_rec	 rec;
	uint8_t		 key[16];
	struct buf	 tags;		/* the classified event's tags as JSON text */
};

struct importer {
	sqlite3		*db;
	sqlite3_stmt	*ins_key, *ins_evt, *begin, *commit;
	const char	*format;
	const char	*sensor;
	struct sigdb	*sigs;		/* reader thread only */
	imp_parse_fn	 parse;
	char *const	*files;
	size_t		 nfiles;
	/* the ring: slot[tail .. head) are parsed, waiting for the inserter */
	pthread_mutex_t	 mtx;
	pthread_cond_t	 more, room;
	struct imp_slot	 slot[IMP_RING];
	size_t		 head, tail;
	size_t		 inflight;	/* bytes of fields and payload in the ring */
	int		 done;		/* the reader has finished */
	int		 abort;		/* the inserter failed: the reader stops */
	struct imp_rec	 tscache;	/* the last time text parsed (reader) */
	struct strmap	 occ;		/* per file: line digest -> lines seen */
	EVP_MD_CTX	*md;		/* reused for the line keys */
	FILE		*errfp;
	struct import_stats *st;
	int64_t		 in_txn;
	struct rollup	*ru;		/* the report's counts of this transaction's events */
	int		 owned;		/* every earlier event is folded: ru may be flushed */
	const char	*path;
	int64_t		 lineno;
};

static void
imp_sha256(const void *p, size_t len, uint8_t out[32])
{
	unsigned int	 n = 32;

	EVP_Digest(p, len, out, &n, EVP_sha256(), NULL);
}

static void
imp_bad(struct importer *im, const char *why)
{
	im->st->malformed++;
	fprintf(im->errfp, "%s:%lld: %s\n", im->path, (long long)im->lineno, why);
}

/* The line's key: digest of format and line, and of how many identical lines came before. */
static void
imp_key(struct importer *im, const char *line, size_t len, uint8_t key[16])
{
	struct strmap_ent	*e;
	EVP_MD_CTX		*ctx = im->md;
	uint8_t			 d[32], d2[32];
	unsigned int		 n = 32;
	char			 num[24];
	int64_t			 seen;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, im->format, strlen(im->format) + 1);
	EVP_DigestUpdate(ctx, line, len);
	EVP_DigestFinal_ex(ctx, d, &n);
	e = strmap_get(&im->occ, d, 16);
	seen = e->count++;
	if (seen == 0) {
		memcpy(key, d, 16);
		return;
	}
	memcpy(d2, d, 32);
	n = (unsigned int)snprintf(num, sizeof(num), "#%lld", (long long)seen);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, d2, 32);
	EVP_DigestUpdate(ctx, num, n);
	n = 32;
	EVP_DigestFinal_ex(ctx, d, &n);
	memcpy(key, d, 16);
}

static int
imp_db_err(struct importer *im)
{
	fprintf(im->errfp, "hanipo import: %s\n", sqlite3_errmsg(im->db));
	return -1;
}

static int
imp_step(struct importer *im, sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : imp_db_err(im);
}

static int64_t
imp_scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Starts a transaction. When every event before it is folded (the mark is the highest seq),
 * this transaction's events are counted as they are inserted and their counts committed with
 * them; otherwise a later fold counts them.
 */
static int
imp_begin(struct importer *im)
{
	int64_t	 mark;

	if (imp_step(im, im->begin) == -1)
		return -1;
	mark = rollup_mark(im->db);
	im->owned = mark >= 0 && mark == imp_scalar(im->db,
	    "SELECT COALESCE(MAX(seq), 0) FROM events");
	rollup_free(im->ru);
	im->ru = im->owned ? rollup_new() : NULL;
	return 0;
}

static int
imp_commit(struct importer *im)
{
	if (im->owned && im->in_txn > 0 &&
	    rollup_flush(im->db, im->ru, sqlite3_last_insert_rowid(im->db)) == -1)
		return imp_db_err(im);
	im->in_txn = 0;
	return imp_step(im, im->commit);
}

/* The tags the signatures give the event, as JSON text in the slot (reader thread). */
static void
imp_classify(struct importer *im, struct imp_slot *sl)
{
	struct imp_rec	*r = &sl->rec;
	const char	*sensor = r->sensor[0] ? r->sensor : im->sensor;
	struct evt	*ev;

	sl->tags.len = 0;
	if (im->sigs != NULL) {
		ev = evt_new_text(sensor, r->proto, r->kind, r->fields.len ?
		    (const char *)r->fields.data : "{}", r->fields.len ? r->fields.len : 2);
		ev->ts = r->ts;
		snprintf(ev->src_ip, sizeof(ev->src_ip), "%s", r->src_ip);
		snprintf(ev->dst_ip, sizeof(ev->dst_ip), "%s", r->dst_ip);
		ev->src_port = (uint16_t)r->src_port;
		ev->dst_port = (uint16_t)r->dst_port;
		if (r->payload.len > 0)
			evt_set_payload(ev, r->payload.data, r->payload.len, r->payload_total);
		if (sigdb_classify(im->sigs, ev) > 0 && ev->tags != NULL)
			evt_json_dump(ev->tags, &sl->tags);
		evt_free(ev);
	}
	if (sl->tags.len == 0)
		buf_append(&sl->tags, "[]", 2);
}

/* Inserts a slot's event unless its key is known (inserter thread). */
static int
imp_insert(struct importer *im, struct imp_slot *sl)
{
	struct imp_rec	*r = &sl->rec;
	const uint8_t	*key = sl->key;
	sqlite3_stmt	*st = im->ins_evt;
	int64_t		 k;
	char		 id[ULID_LEN + 1], session[ULID_LEN + 1], sha[65];
	uint8_t		 d[32];
	const char	*sensor = r->sensor[0] ? r->sensor : im->sensor;

	memcpy(&k, key, sizeof(k));
	sqlite3_bind_int64(im->ins_key, 1, r->ts);
	sqlite3_bind_int64(im->ins_key, 2, k);
	if (imp_step(im, im->ins_key) == -1)
		return -1;
	if (sqlite3_changes(im->db) == 0) {
		im->st->present++;
		return 0;
	}
	ulid_encode(id, r->ts, key);
	if (r->session_key[0] != '\0') {
		char	 sk[200];
		int	 n = snprintf(sk, sizeof(sk), "%s\n%s", sensor, r->session_key);

		imp_sha256(sk, (size_t)n, d);
		ulid_encode(session, 0, d);
	} else
		ulid_encode(session, r->ts, key + 6);
	sqlite3_bind_text(st, 1, id, ULID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->ts);
	sqlite3_bind_text(st, 3, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, session, ULID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->proto, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->src_ip, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, r->src_port);
	sqlite3_bind_text(st, 9, r->dst_ip, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, r->dst_port);
	if (r->fields.len > 0)
		sqlite3_bind_text(st, 11, (const char *)r->fields.data, (int)r->fields.len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 11, "{}", 2, SQLITE_STATIC);
	if (r->payload.len > 0) {
		imp_sha256(r->payload.data, r->payload.len, d);
		hex_encode(d, 32, sha);
		sqlite3_bind_blob(st, 12, r->payload.data, (int)r->payload.len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 13, (int64_t)(r->payload_total > r->payload.len ?
		    r->payload_total : r->payload.len));
		sqlite3_bind_text(st, 14, sha, 64, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 12);
		sqlite3_bind_int64(st, 13, 0);
		sqlite3_bind_null(st, 14);
	}
	sqlite3_bind_text(st, 15, (const char *)sl->tags.data, (int)sl->tags.len, SQLITE_STATIC);
	if (imp_step(im, st) == -1)
		return -1;
	im->st->imported++;
	if (im->owned)
		rollup_add(im->ru, r->ts, sensor, r->proto, r->kind, r->src_ip, r->dst_port,
		    r->fields.len ? (const char *)r->fields.data : "{}",
		    r->fields.len ? r->fields.len : 2, (const char *)sl->tags.data, sl->tags.len);
	if (++im->in_txn >= IMP_TXN_ROWS && (imp_commit(im) == -1 || imp_begin(im) == -1))
		return -1;
	return 0;
}

/* A free slot for the reader, or NULL when the inserter gave up. */
static struct imp_slot *
imp_slot_get(struct importer *im)
{
	struct imp_slot	*sl = NULL;

	pthread_mutex_lock(&im->mtx);
	while (!im->abort && (im->head - im->tail == IMP_RING ||
	    (im->inflight > IMP_RING_BYTES && im->head != im->tail)))
		pthread_cond_wait(&im->room, &im->mtx);
	if (!im->abort)
		sl = &im->slot[im->head % IMP_RING];
	pthread_mutex_unlock(&im->mtx);
	return sl;
}

static void
imp_slot_put(struct importer *im, struct imp_slot *sl)
{
	pthread_mutex_lock(&im->mtx);
	im->inflight += sl->rec.fields.len + sl->rec.payload.len;
	im->head++;
	pthread_cond_signal(&im->more);
	pthread_mutex_unlock(&im->mtx);
}

/* Parses, keys and classifies one line into the ring (reader thread). -1: stop. */
static int
imp_line(struct importer *im, char *line, size_t len)
{
	struct imp_slot	*sl;
	struct imp_rec	*r;
	const char	*why = NULL;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	if ((sl = imp_slot_get(im)) == NULL)
		return -1;
	r = &sl->rec;
	r->fields.len = 0;
	r->payload.len = 0;
	r->payload_total = 0;
	r->sensor[0] = '\0';
	r->session_key[0] = '\0';
	r->src_port = r->dst_port = 0;
	r->dst_ip[0] = '\0';
	memcpy(r->last_ts_text, im->tscache.last_ts_text, sizeof(r->last_ts_text));
	r->last_ts_cache = im->tscache.last_ts_cache;
	if (im->parse(line, len, r, &why) == -1) {
		imp_bad(im, why ? why : "malformed line");
		return 0;
	}
	memcpy(im->tscache.last_ts_text, r->last_ts_text, sizeof(r->last_ts_text));
	im->tscache.last_ts_cache = r->last_ts_cache;
	imp_key(im, line, len, sl->key);
	imp_classify(im, sl);
	imp_slot_put(im, sl);
	return 0;
}

/* Streams one file's lines into imp_line. -1 on a database error (stops everything). */
static int
imp_file(struct importer *im, const char *path)
{
	gzFile		 gz;
	char		*buf;
	size_t		 cap = IMP_READ * 2, have = 0, start, i;
	int		 n, errnum, skipping = 0, rc = 0;

	im->path = path;
	im->lineno = 0;
	strmap_free(&im->occ);
	if ((gz = gzopen(path, "rb")) == NULL) {
		fprintf(im->errfp, "%s: %s\n", path, errno ? strerror(errno) : "cannot open");
		im->st->file_errors++;
		return 0;
	}
	gzbuffer(gz, 256 * 1024);
	buf = xmalloc(cap);
	for (;;) {
		if (cap - have < IMP_READ) {
			if (cap >= IMP_MAX_LINE + IMP_READ) {
				/* One line fills the buffer: report it and drop bytes to its end. */
				if (!skipping) {
					im->lineno++;
					imp_bad(im, "line too long");
				}
				skipping = 1;
				have = 0;
			} else {
				cap *= 2;
				buf = xreallocarray(buf, cap, 1);
			}
		}
		n = gzread(gz, buf + have, IMP_READ);
		if (n < 0) {
			fprintf(im->errfp, "%s: %s\n", path, gzerror(gz, &errnum));
			im->st->file_errors++;
			break;
		}
		if (n == 0) {
			if (have > 0 && !skipping) {
				im->lineno++;
				rc = imp_line(im, buf, have);
			}
			break;
		}
		start = 0;
		for (i = have; i < have + (size_t)n; i++) {
			if (buf[i] != '\n')
				continue;
			if (skipping)
				skipping = 0;
			else {
				im->lineno++;
				if ((rc = imp_line(im, buf + start, i - start)) == -1)
					goto out;
			}
			start = i + 1;
		}
		have += (size_t)n;
		if (skipping)
			have = 0;
		else if (start > 0) {
			memmove(buf, buf + start, have - start);
			have -= start;
		}
	}
out:
	free(buf);
	gzclose(gz);
	return rc;
}

static void *
imp_reader(void *arg)
{
	struct importer	*im = arg;
	size_t		 i;

	for (i = 0; i < im->nfiles; i++)
		if (imp_file(im, im->files[i]) == -1)
			break;
	pthread_mutex_lock(&im->mtx);
	im->done = 1;
	pthread_cond_signal(&im->more);
	pthread_mutex_unlock(&im->mtx);
	return NULL;
}

/* Takes the ring's slots in order and inserts them (calling thread). -1 on a database error. */
static int
imp_inserter(struct importer *im)
{
	struct imp_slot	*sl;
	size_t		 bytes;
	int		 rc = 0;

	for (;;) {
		pthread_mutex_lock(&im->mtx);
		while (im->head == im->tail && !im->done)
			pthread_cond_wait(&im->more, &im->mtx);
		if (im->head == im->tail) {
			pthread_mutex_unlock(&im->mtx);
			return 0;
		}
		sl = &im->slot[im->tail % IMP_RING];
		pthread_mutex_unlock(&im->mtx);
		rc = imp_insert(im, sl);
		bytes = sl->rec.fields.len + sl->rec.payload.len;
		if (sl->rec.fields.cap > IMP_SLOT_KEEP)
			buf_free(&sl->rec.fields);
		if (sl->rec.payload.cap > IMP_SLOT_KEEP)
			buf_free(&sl->rec.payload);
		if (sl->tags.cap > IMP_SLOT_KEEP)
			buf_free(&sl->tags);
		pthread_mutex_lock(&im->mtx);
		im->inflight -= bytes;
		im->tail++;
		if (rc == -1)
			im->abort = 1;
		pthread_cond_signal(&im->room);
		pthread_mutex_unlock(&im->mtx);
		if (rc == -1)
			return -1;
	}
}

int
import_files(sqlite3 *db, const char *format, const char *sensor, struct sigdb *sigs,
    char *const *files, size_t nfiles, FILE *errfp, struct import_stats *st, char *err,
    size_t errlen)
{
	struct importer	*im;
	pthread_t	 reader;
	size_t		 i;
	int		 rc = 0;

	memset(st, 0, sizeof(*st));
	im = xcalloc(1, sizeof(*im));
	if (strcmp(format, "wowhoneypot") == 0)
		im->parse = imp_parse_wowhoneypot;
	else if (strcmp(format, "cowrie") == 0)
		im->parse = imp_parse_cowrie;
	else {
		snprintf(err, errlen, "unknown format \"%s\" (wowhoneypot or cowrie)", format);
		free(im);
		return -1;
	}
	im->db = db;
	im->format = format;
	im->sensor = sensor;
	im->sigs = sigs;
	im->files = files;
	im->nfiles = nfiles;
	im->md = EVP_MD_CTX_new();
	im->errfp = errfp;
	im->st = st;
	pthread_mutex_init(&im->mtx, NULL);
	pthread_cond_init(&im->more, NULL);
	pthread_cond_init(&im->room, NULL);
	for (i = 0; i < IMP_RING; i++) {
		buf_init(&im->slot[i].rec.fields, HNP_MAX_FIELDS_JSON);
		buf_init(&im->slot[i].rec.payload, HNP_MAX_PAYLOAD_BYTES);
		buf_init(&im->slot[i].tags, 1 << 20);
	}
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO import_seen (ts, key) VALUES (?, ?)", -1,
	    &im->ins_key, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO events (id, ts, sensor, session, proto, kind, "
	    "src_ip, src_port, dst_ip, dst_port, fields, payload, payload_len, payload_sha256, tags) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &im->ins_evt, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &im->begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &im->commit, NULL) != SQLITE_OK ||
	    imp_begin(im) == -1) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		rc = -1;
		goto out;
	}
	if (pthread_create(&reader, NULL, imp_reader, im) != 0) {
		snprintf(err, errlen, "cannot start the reader thread");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
		goto out;
	}
	rc = imp_inserter(im);
	pthread_join(reader, NULL);
	if (rc == 0 && imp_commit(im) == -1)
		rc = -1;
	if (rc == -1) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	rollup_free(im->ru);
	EVP_MD_CTX_free(im->md);
	strmap_free(&im->occ);
	for (i = 0; i < IMP_RING; i++) {
		buf_free(&im->slot[i].rec.fields);
		buf_free(&im->slot[i].rec.payload);
		buf_free(&im->slot[i].tags);
	}
	sqlite3_finalize(im->ins_key);
	sqlite3_finalize(im->ins_evt);
	sqlite3_finalize(im->begin);
	sqlite3_finalize(im->commit);
	pthread_mutex_destroy(&im->mtx);
	pthread_cond_destroy(&im->more);
	pthread_cond_destroy(&im->room);
	free(im);
	return rc;
}
