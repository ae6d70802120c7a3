/*
 * import.c - the import driver: a reader thread reads files through zlib (plain or gzip alike),
 * splits lines, parses each with the format's parser, keys and classifies it, makes its ids,
 * payload digest and chain leaf, and packs it into a block of a few thousand lines; the calling
 * thread takes the blocks in order and only binds and steps (import_sql.c), in large
 * transactions, while a counter thread counts the same blocks into the transaction's rollup,
 * which the inserter flushes at the commit, less the lines it found present. One lock and one
 * wake-up per block and stage.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "analyze/import.h"
#include "analyze/import_cache.h"
#include "analyze/import_impl.h"
#include "analyze/import_key.h"
#include "analyze/rollup.h"
#include "analyze/sig.h"
#include "analyze/strmap.h"
#include "core/digest.h"
#include "core/hex.h"
#include "core/limits.h"
#include "core/ulid.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/chain.h"
#include "store/srcrange.h"
#include "store/tsrange.h"

#define IMP_MAX_LINE	(8 * 1024 * 1024)	/* longer lines are reported and skipped */
#define IMP_READ	(1024 * 1024)
#define IMP_TXN_LINES	100000			/* lines per transaction (at a block's end) */
#define IMP_NBLOCKS	12			/* blocks filled, queued or being inserted: the reader
					   goes on while a commit writes the pages */
#define IMP_BLOCK_BYTES	(4 * 1024 * 1024)	/* a block is handed over past this */
#define IMP_TAGS_MAX	(1 << 20)
/* The largest line's bytes on top of a full block: sensor, fields, payload, tags. */
#define IMP_BLOCK_MAX	(IMP_BLOCK_BYTES + 4096 + HNP_MAX_FIELDS_JSON + \
			 HNP_MAX_PAYLOAD_BYTES + IMP_TAGS_MAX)
#define IMP_BLOCK_KEEP	(2 * IMP_BLOCK_BYTES)	/* a block's bytes larger than this are freed */

/* Lines of one rep (import_cache.h) in one hour, counted into the rollup once, at the commit. */
struct imp_memo_ent {
	uint64_t	 rep;		/* 0: a free slot */
	int64_t		 hour, ts, n;	/* ts: the earliest line's */
	const char	*proto, *kind;
	int		 dst_port;
	size_t		 fields, flen, tags, tlen;	/* in the memo's bytes */
};

struct imp_memo {
	struct imp_memo_ent *tab;
	size_t		 cap, n;	/* cap: a power of two */
	struct buf	 bytes;
};

struct importer {
	sqlite3		*db;
	struct imp_sql	*q;
	sqlite3_stmt	*begin, *commit;
	const char	*format;
	const char	*sensor;
	imp_parse_fn	 parse;
	char *const	*files;
	size_t		 nfiles;
	FILE		*errfp;
	struct import_stats *st;
	int		 owned;		/* every earlier event is folded: this import counts its own */
	/* the ring: blk[tail .. head) are full, waiting for the inserter */
	pthread_mutex_t	 mtx;
	pthread_cond_t	 more, room, counted;
	struct imp_block blk[IMP_NBLOCKS];
	size_t		 head, tail;
	size_t		 ctail;		/* the counter's next block (with owned; else unused) */
	int		 done;		/* the reader has finished */
	int		 abort;		/* the inserter failed: the reader stops */
	int64_t		 present_seen;	/* lines the inserter found present so far */
	/* reader thread */
	struct sigdb	*sigs;
	struct imp_rec	 rec;		/* the line being parsed (and the time text cache) */
	struct buf	 tags;
	struct imp_occ	 occ;		/* per file: line digest -> lines seen */
	struct imp_cache *cache;	/* WOWHoneypot repeats (NULL: not used) */
	struct imp_block *cur;		/* the block being filled */
	int64_t		 txn_lines;
	int64_t		 seq0;		/* the seq of the import's first event */
	int64_t		 packed;	/* lines packed so far */
	int64_t		 spec_next;	/* the seq the next packed line gets if all are new */
	struct buf	 enc;		/* a row's chain encoding */
	const char	*path;
	int64_t		 lineno;
	/* counter thread */
	struct imp_memo	 memo;		/* this transaction's repeated lines, counted once per hour */
	struct rollup	*ru;		/* the counts of this transaction's lines (owned) */
	struct strmap	 flushed;	/* first-seen values handed to a flush, earliest time */
	/* inserter thread */
	struct rollup	*minus;		/* this transaction's lines found present (owned) */
	struct chain	*chain;		/* each sensor's hash chain: a link per transaction */
	struct srcranges *ranges;	/* the block's events by source address */
	struct tsranges	*times;		/* the events by time: the run being extended */
	unsigned long	 pause_ms;	/* HANIPO_IMPORT_PAUSE_MS: a pause before each commit */
	int		 ncommits;	/* but the first (a test's window for a kill) */
	int64_t		 next_seq;	/* the seq SQLite gives the next inserted event */
	uint8_t		 present[IMP_BLOCK_LINES];
	int64_t		 in_txn;	/* events inserted in this transaction */
	int		 store_fd;	/* the store file (-1: none), whose pages each commit
					   drops from the page cache (imp_commit) */
};

static void
imp_bad(struct importer *im, const char *why)
{
	im->st->malformed++;
	fprintf(im->errfp, "%s:%lld: %s\n", im->path, (long long)im->lineno, why);
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

/* ---- the reader thread ---- */

/* The tags the signatures give the event, as JSON text in im->tags. */
static void
imp_classify(struct importer *im, const struct imp_rec *r, const char *sensor)
{
	struct evt	*ev;

	im->tags.len = 0;
	if (im->sigs != NULL) {
		ev = evt_new_text(sensor, r->proto, r->kind, r->fields.len ?
		    (const char *)r->fields.data : "{}", r->fields.len ? r->fields.len : 2);
		ev->ts = r->ts;
		memcpy(ev->src_ip, r->src_ip, sizeof(ev->src_ip));	/* both EVT_IP_LEN */
		memcpy(ev->dst_ip, r->dst_ip, sizeof(ev->dst_ip));
		ev->src_port = (uint16_t)r->src_port;
		ev->dst_port = (uint16_t)r->dst_port;
		if (r->payload.len > 0)
			evt_set_payload(ev, r->payload.data, r->payload.len, r->payload_total);
		if (sigdb_classify(im->sigs, ev) > 0 && ev->tags != NULL)
			evt_json_dump(ev->tags, &im->tags);
		evt_free(ev);
	}
	if (im->tags.len == 0)
		buf_append(&im->tags, "[]", 2);
}

/* Appends p[0..n) to the block's bytes (sized for any line: only ENOMEM fails); its offset. */
static size_t
imp_put(struct imp_block *b, const void *p, size_t n)
{
	size_t	 off = b->bytes.len;

	if (buf_append(&b->bytes, p, n) == -1) {
		fprintf(stderr, "hanipo import: out of memory\n");
		abort();
	}
	return off;
}

/* The oldest block still in use by the inserter or the counter (under mtx). */
static size_t
imp_oldest(const struct importer *im)
{
	return im->owned && im->ctail < im->tail ? im->ctail : im->tail;
}

/* Hands the block being filled to the inserter and takes the next free one. -1: stop. */
static int
imp_push(struct importer *im, int last)
{
	struct imp_block	*b = im->cur;

	if (last || im->txn_lines >= IMP_TXN_LINES) {
		b->commit = 1;
		b->last = last;
		im->txn_lines = 0;
	}
	pthread_mutex_lock(&im->mtx);
	im->head++;
	pthread_cond_broadcast(&im->more);
	while (!im->abort && !last && im->head - imp_oldest(im) == IMP_NBLOCKS)
		pthread_cond_wait(&im->room, &im->mtx);
	im->cur = im->abort || last ? NULL : &im->blk[im->head % IMP_NBLOCKS];
	/* Lines found present take no seq: the inserter has told how many so far. */
	im->spec_next = im->seq0 + im->packed - im->present_seen;
	pthread_mutex_unlock(&im->mtx);
	if (im->cur == NULL)
		return last ? 0 : -1;
	b = im->cur;
	b->n = 0;
	b->spec_seq = im->spec_next;
	b->commit = b->last = 0;
	b->ru = NULL;
	if (b->bytes.cap > IMP_BLOCK_KEEP)
		buf_free(&b->bytes);
	b->bytes.len = 0;
	return 0;
}

/* The chain's view of the block's line it, inserted as seq. */
static void
imp_chain_row(const struct importer *im, const struct imp_block *b, const struct imp_item *it,
    int64_t seq, struct chain_row *r)
{
	const char	*base = (const char *)b->bytes.data;

	r->seq = seq;
	r->id = it->id;
	r->ts = it->ts;
	r->sensor = imp_item_sensor(im->q, b, it);
	r->session = it->session;
	r->proto = it->proto;
	r->kind = it->kind;
	r->src_ip = it->src_ip;
	r->src_port = it->src_port;
	r->dst_ip = it->dst_ip;
	r->dst_port = it->dst_port;
	r->fields = base + it->fields;
	r->fields_len = it->flen;
	r->payload = it->plen > 0 ? base + it->payload : NULL;
	r->payload_len = it->plen;
	r->payload_total = it->plen > 0 ? (int64_t)it->payload_total : 0;
	r->payload_sha256 = it->plen > 0 ? it->sha : NULL;
}

/*
 * Keys and classifies the parsed line into the block being filled; with c (a repeat) its fields,
 * payload, payload digest and tags are c's, copied from the cache into the block. -1: stop.
 */
static int
imp_pack(struct importer *im, const char *line, size_t len, const struct imp_cached *c)
{
	struct imp_rec		*r = &im->rec;
	struct imp_block	*b = im->cur;
	struct imp_item		*it;
	struct chain_row	 row;
	const char		*sensor = r->sensor[0] ? r->sensor : im->sensor;
	const void		*fields = c ? c->fields : r->fields.data;
	const void		*payload = c ? c->payload : r->payload.data;
	size_t			 flen = c ? c->flen : r->fields.len;
	size_t			 plen = c ? c->plen : r->payload.len;
	uint8_t			 key[IMP_KEY_LEN], d[DIGEST_SHA256_LEN];

	if ((b->n == IMP_BLOCK_LINES || b->bytes.len >= IMP_BLOCK_BYTES) && imp_push(im, 0) == -1)
		return -1;
	b = im->cur;
	it = &b->it[b->n++];
	im->txn_lines++;
	imp_key(&im->occ, im->format, line, len, key);
	it->ts = r->ts;
	memcpy(&it->key, key, sizeof(it->key));
	it->proto = r->proto;
	it->kind = r->kind;
	it->rep = 0;
	memcpy(it->src_ip, r->src_ip, sizeof(it->src_ip));
	memcpy(it->dst_ip, r->dst_ip, sizeof(it->dst_ip));
	it->src_port = r->src_port;
	it->dst_port = r->dst_port;
	ulid_encode(it->id, r->ts, key);
	if (r->session_key[0] != '\0') {
		char	 sk[200];
		int	 n = snprintf(sk, sizeof(sk), "%s\n%s", sensor, r->session_key);

		digest_sha256(sk, (size_t)n < sizeof(sk) ? (size_t)n : sizeof(sk) - 1, d);
		ulid_encode(it->session, 0, d);
	} else
		ulid_encode(it->session, r->ts, key + 6);
	it->sensor = r->sensor[0] ? imp_put(b, r->sensor, strlen(r->sensor) + 1) : IMP_NO_OFF;
	if (flen > 0) {
		it->fields = imp_put(b, fields, flen);
		it->flen = flen;
	} else {
		it->fields = imp_put(b, "{}", 2);
		it->flen = 2;
	}
	it->sha[0] = '\0';
	it->plen = plen;
	it->payload_total = r->payload_total > plen ? r->payload_total : plen;
	if (plen > 0) {
		it->payload = imp_put(b, payload, plen);
		if (c == NULL) {
			digest_sha256(payload, plen, d);
			hex_encode(d, sizeof(d), it->sha);
		} else
			memcpy(it->sha, c->sha, sizeof(it->sha));
	}
	if (c == NULL) {
		imp_classify(im, r, sensor);
		it->tags = imp_put(b, im->tags.data, im->tags.len);
		it->tlen = im->tags.len;
	} else {
		it->tags = imp_put(b, c->tags, c->tlen);
		it->tlen = c->tlen;
	}
	/* Its chain leaf, with the seq it gets if no line before it is present (imp_chain_add). */
	imp_chain_row(im, b, it, im->spec_next++, &row);
	chain_leaf_enc(&im->enc, &row, it->leaf);
	im->packed++;
	return 0;
}

/* The line just packed shares its event's rollup values with the other lines of rep. */
static void
imp_set_rep(struct importer *im, uint64_t rep)
{
	struct imp_item	*it = &im->cur->it[im->cur->n - 1];

	if (it->sensor == IMP_NO_OFF)
		it->rep = rep;
}

/* A repeated request: the event from the cache, with this line's time and client. -1: stop. */
static int
imp_line_cached(struct importer *im, const char *line, size_t len, const struct imp_cached *c)
{
	struct imp_rec	*r = &im->rec;

	r->proto = c->proto;
	r->kind = c->kind;
	memcpy(r->dst_ip, c->dst_ip, sizeof(r->dst_ip));
	r->dst_port = c->dst_port;
	r->payload_total = c->payload_total;
	if (imp_pack(im, line, len, c) == -1)
		return -1;
	imp_set_rep(im, c->serial);
	return 0;
}

/* Parses one line into the block being filled. -1: stop. */
static int
imp_line(struct importer *im, char *line, size_t len)
{
	struct imp_rec		*r = &im->rec;
	const struct imp_cached	*c;
	const struct imp_block	*b;
	const char		*why = NULL;
	size_t			 tail = 0;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	r->fields.len = 0;
	r->payload.len = 0;
	r->payload_total = 0;
	r->sensor[0] = '\0';
	r->session_key[0] = '\0';
	r->src_port = r->dst_port = 0;
	r->dst_ip[0] = '\0';
	if (im->cache != NULL) {
		if (imp_parse_wow_head(line, len, r, &why, &tail) == -1) {
			imp_bad(im, why ? why : "malformed line");
			return 0;
		}
		if ((c = imp_cache_get(im->cache, line + tail, len - tail)) != NULL)
			return imp_line_cached(im, line, len, c);
	}
	if (im->parse(line, len, r, &why) == -1) {
		imp_bad(im, why ? why : "malformed line");
		return 0;
	}
	if (imp_pack(im, line, len, NULL) == -1)
		return -1;
	if (im->cache != NULL) {
		b = im->cur;
		imp_set_rep(im, imp_cache_put(im->cache, line + tail, len - tail, r,
		    b->it[b->n - 1].sha, im->tags.data, im->tags.len));
	}
	return 0;
}

/* Streams one file's lines into imp_line. -1 when the inserter failed (stops everything). */
static int
imp_file(struct importer *im, const char *path)
{
	gzFile		 gz;
	char		*buf, *nl;
	size_t		 cap = IMP_READ * 2, have = 0, start, end;
	int		 n, errnum, skipping = 0, rc = 0;

	im->path = path;
	im->lineno = 0;
	imp_occ_free(&im->occ);
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
		end = have + (size_t)n;
		while ((nl = memchr(buf + (start > have ? start : have), '\n',
		    end - (start > have ? start : have))) != NULL) {
			if (skipping)
				skipping = 0;
			else {
				im->lineno++;
				if ((rc = imp_line(im, buf + start, (size_t)(nl - buf) - start)) == -1)
					goto out;
			}
			start = (size_t)(nl - buf) + 1;
		}
		have = end;
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
	if (im->cur != NULL)
		imp_push(im, 1);
	pthread_mutex_lock(&im->mtx);
	im->done = 1;
	pthread_cond_broadcast(&im->more);
	pthread_mutex_unlock(&im->mtx);
	return NULL;
}

/* ---- the counter thread (when the import owns the rollup) ---- */

static void
imp_memo_grow(struct imp_memo *m)
{
	struct imp_memo_ent	*old = m->tab;
	size_t			 oldcap = m->cap, i, j;

	m->cap = oldcap ? oldcap * 2 : 4096;
	m->tab = xzalloc_written(m->cap, sizeof(*m->tab));
	for (i = 0; i < oldcap; i++) {
		if (old[i].rep == 0)
			continue;
		for (j = (old[i].rep * 0x9e3779b97f4a7c15ULL ^ (uint64_t)old[i].hour) &
		    (m->cap - 1); m->tab[j].rep != 0; j = (j + 1) & (m->cap - 1))
			;
		m->tab[j] = old[i];
	}
	free(old);
}

/* The memo's entry of it's rep in its hour, made (with copies of its values) when absent. */
static struct imp_memo_ent *
imp_memo_get(struct imp_memo *m, const struct imp_block *b, const struct imp_item *it,
    int64_t hour)
{
	struct imp_memo_ent	*e;
	size_t			 j;

	if ((m->n + 1) * 2 > m->cap)
		imp_memo_grow(m);
	for (j = (it->rep * 0x9e3779b97f4a7c15ULL ^ (uint64_t)hour) & (m->cap - 1);
	    m->tab[j].rep != 0; j = (j + 1) & (m->cap - 1))
		if (m->tab[j].rep == it->rep && m->tab[j].hour == hour)
			return &m->tab[j];
	e = &m->tab[j];
	e->rep = it->rep;
	e->hour = hour;
	e->n = 0;
	e->proto = it->proto;
	e->kind = it->kind;
	e->dst_port = it->dst_port;
	e->fields = m->bytes.len;
	e->flen = it->flen;
	e->tags = m->bytes.len + it->flen;
	e->tlen = it->tlen;
	if (buf_append(&m->bytes, b->bytes.data + it->fields, it->flen) == -1 ||
	    buf_append(&m->bytes, b->bytes.data + it->tags, it->tlen) == -1) {
		fprintf(stderr, "hanipo import: out of memory\n");
		abort();
	}
	m->n++;
	return e;
}

/* Adds the memo's lines to ru and empties it. */
static void
imp_memo_flush(struct importer *im, struct rollup *ru)
{
	struct imp_memo		*m = &im->memo;
	const struct imp_memo_ent *e;
	const char		*base = (const char *)m->bytes.data;
	size_t			 i;

	for (i = 0; i < m->cap; i++) {
		e = &m->tab[i];
		if (e->rep != 0)
			rollup_add_many(ru, e->ts, e->n, im->sensor, e->proto, e->kind, e->dst_port,
			    base + e->fields, e->flen, base + e->tags, e->tlen);
	}
	if (m->n > 0)
		memset(m->tab, 0, m->cap * sizeof(*m->tab));
	m->n = 0;
	m->bytes.len = 0;
}

/*
 * A line alike another (the same rep) but for time and client counts only its source; its other
 * values are counted once per rep and hour, at the commit, instead of parsing its fields again.
 */
static void
imp_count(struct importer *im, struct rollup *ru, const struct imp_block *b)
{
	const char	*base = (const char *)b->bytes.data;
	const struct imp_item *it;
	struct imp_memo_ent *e;
	int64_t		 ts;
	size_t		 i;

	for (i = 0; i < b->n; i++) {
		it = &b->it[i];
		if (it->rep == 0) {
			rollup_add(ru, it->ts, imp_item_sensor(im->q, b, it), it->proto, it->kind,
			    it->src_ip, it->dst_port, base + it->fields, it->flen, base + it->tags,
			    it->tlen);
			continue;
		}
		ts = it->ts < 0 ? 0 : it->ts;
		e = imp_memo_get(&im->memo, b, it, ts / ROLLUP_HOUR_US);
		if (e->n++ == 0 || ts < e->ts)
			e->ts = ts;
		rollup_add_src(ru, ts, im->sensor, it->src_ip);
	}
}

/* Counts every block into its transaction's rollup, which goes with the transaction's last. */
static void *
imp_counter(void *arg)
{
	struct importer		*im = arg;
	struct imp_block	*b;

	for (;;) {
		pthread_mutex_lock(&im->mtx);
		while (im->ctail == im->head && !im->done && !im->abort)
			pthread_cond_wait(&im->more, &im->mtx);
		if (im->abort || im->ctail == im->head) {
			pthread_mutex_unlock(&im->mtx);
			return NULL;
		}
		b = &im->blk[im->ctail % IMP_NBLOCKS];
		pthread_mutex_unlock(&im->mtx);
		if (im->ru == NULL)
			im->ru = rollup_new();
		imp_count(im, im->ru, b);
		if (b->commit)
			imp_memo_flush(im, im->ru);
		pthread_mutex_lock(&im->mtx);
		if (b->commit) {
			rollup_first_prune(im->ru, &im->flushed);
			b->ru = im->ru;		/* the inserter takes it */
			im->ru = NULL;
		}
		im->ctail++;
		pthread_cond_broadcast(&im->counted);
		pthread_cond_signal(&im->room);
		pthread_mutex_unlock(&im->mtx);
	}
}

/* ---- the inserter (calling thread) ---- */

/*
 * Ends the transaction: its events' counts (ru, less the lines found present) are committed
 * with them when this import owns the rollup; a later fold counts them otherwise. Then starts
 * the next one unless last.
 */
static int
imp_commit(struct importer *im, struct rollup *ru, int last)
{
	if (im->owned && im->in_txn > 0 && ru != NULL) {
		if (im->minus != NULL)
			rollup_subtract(ru, im->minus);
		/* The fold mark: the last event (the chain's link is the last row inserted). */
		if (rollup_flush(im->db, ru, im->next_seq - 1) == -1)
			return imp_db_err(im);
	}
	rollup_free(im->minus);
	im->minus = NULL;
	im->in_txn = 0;
	if (im->pause_ms > 0 && im->ncommits > 0) {
		/* Tests only: a window in which a kill leaves a transaction half written. */
		fprintf(im->errfp, "hanipo import: pausing before commit %d\n", im->ncommits + 1);
		fflush(im->errfp);
		nanosleep(&(struct timespec){ (time_t)(im->pause_ms / 1000),
		    (long)(im->pause_ms % 1000) * 1000000 }, NULL);
	}
	if (imp_step(im, im->commit) == -1)
		return -1;
	im->ncommits++;
	/*
	 * The committed pages are on disk (synchronous=FULL): out of the page cache with them, so a
	 * bulk load of hundreds of MB does not push the machine's working set out (a 512 MB VPS)
	 * and the next transaction's pages reuse their memory. Only clean pages are dropped: in
	 * WAL mode (a reader present) the file's pages wait for the checkpoint and stay cached.
	 */
	if (im->store_fd != -1)
		(void)posix_fadvise(im->store_fd, 0, 0, POSIX_FADV_DONTNEED);
	return last ? 0 : imp_step(im, im->begin);
}

/*
 * Chains the block's inserted events, with the seqs SQLite gave them: a link per sensor and block
 * (as the daemon's writer makes one per batch), in the block's transaction. If the transaction
 * fails the import stops, so links kept in memory ahead of the file are never used.
 */
#if IMP_BLOCK_LINES > HNP_MAX_BATCH_EVENTS
#error "a chain link holds at most HNP_MAX_BATCH_EVENTS events"
#endif
static int
imp_chain_add(struct importer *im, const struct imp_block *b)
{
	const struct imp_item	*it;
	struct chain_row	 r;
	size_t			 i;
	int64_t			 first = im->next_seq, seq;
	int			 ahead = b->spec_seq == im->next_seq;

	/* The reader's leaves hold when the seqs it expected are those the rows got. */
	for (i = 0; i < b->n && ahead; i++)
		ahead = !im->present[i];
	for (i = 0; i < b->n; i++) {
		if (im->present[i])
			continue;
		it = &b->it[i];
		srcranges_add(im->ranges, it->src_ip, im->next_seq, it->ts);
		if (ahead) {
			chain_add_leaf(im->chain, imp_item_sensor(im->q, b, it), im->next_seq++,
			    it->leaf);
			continue;
		}
		imp_chain_row(im, b, it, im->next_seq++, &r);
		chain_add(im->chain, &r);
	}
	/* Rows get max(seq) + 1 in order: anything else would chain the wrong rows. */
	if (im->next_seq > first && sqlite3_last_insert_rowid(im->db) != im->next_seq - 1) {
		fprintf(im->errfp, "hanipo import: event numbers out of step (seq %lld, expected "
		    "%lld)\n", (long long)sqlite3_last_insert_rowid(im->db),
		    (long long)(im->next_seq - 1));
		return -1;
	}
	/* After that check: a run written here is an insert too (last_insert_rowid). */
	for (i = 0, seq = first; i < b->n; i++)
		if (!im->present[i] && tsranges_add(im->times, seq++, b->it[i].ts) == -1)
			return imp_db_err(im);
	if (chain_write(im->chain, im->db, time_now_us()) == -1 ||
	    srcranges_write(im->ranges, im->db) == -1 || tsranges_write(im->times) == -1)
		return imp_db_err(im);
	chain_committed(im->chain);
	chain_begin(im->chain);
	srcranges_begin(im->ranges);
	tsranges_committed(im->times);
	return 0;
}

/* Inserts the block's new lines, counts the present ones out of the rollup, commits if due. */
static int
imp_block_insert(struct importer *im, struct imp_block *b)
{
	const struct imp_item	*it;
	const char		*base = (const char *)b->bytes.data;
	size_t			 i;
	int			 rc = 0;

	if (imp_sql_present(im->q, b, im->present) == -1 ||
	    imp_sql_events(im->q, b, im->present) == -1)
		rc = imp_db_err(im);
	else if (imp_chain_add(im, b) == -1)
		rc = -1;
	for (i = 0; i < b->n && rc == 0; i++) {
		it = &b->it[i];
		if (!im->present[i]) {
			im->st->imported++;
			im->in_txn++;
			continue;
		}
		im->st->present++;
		if (!im->owned)
			continue;
		if (im->minus == NULL)
			im->minus = rollup_new();
		rollup_add(im->minus, it->ts, imp_item_sensor(im->q, b, it), it->proto, it->kind,
		    it->src_ip, it->dst_port, base + it->fields, it->flen, base + it->tags,
		    it->tlen);
	}
	if (rc == 0 && b->commit) {
		/* The counter's rollup of this transaction: wait until it has counted this block. */
		pthread_mutex_lock(&im->mtx);
		while (im->owned && im->ctail <= im->tail && !im->abort)
			pthread_cond_wait(&im->counted, &im->mtx);
		pthread_mutex_unlock(&im->mtx);
		rc = imp_commit(im, b->ru, b->last);
	}
	rollup_free(b->ru);
	b->ru = NULL;
	return rc;
}

/* Takes the blocks in order and inserts them. -1 on a database error. */
static int
imp_inserter(struct importer *im)
{
	struct imp_block	*b;
	int			 rc, last;

	for (;;) {
		pthread_mutex_lock(&im->mtx);
		while (im->head == im->tail && !im->done)
			pthread_cond_wait(&im->more, &im->mtx);
		if (im->head == im->tail) {
			pthread_mutex_unlock(&im->mtx);
			return 0;
		}
		b = &im->blk[im->tail % IMP_NBLOCKS];
		pthread_mutex_unlock(&im->mtx);
		last = b->last;
		rc = imp_block_insert(im, b);
		pthread_mutex_lock(&im->mtx);
		im->tail++;
		im->present_seen = im->st->present;
		if (rc == -1) {
			im->abort = 1;
			pthread_cond_broadcast(&im->more);
		}
		pthread_cond_signal(&im->room);
		pthread_mutex_unlock(&im->mtx);
		if (rc == -1 || last)
			return rc;
	}
}

static int
imp_prepare(struct importer *im)
{
	sqlite3	*db = im->db;
	int64_t	 mark;
	char	 err[256];
	const char *pause;

	if ((im->q = imp_sql_new(db, im->sensor)) == NULL ||
	    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &im->begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &im->commit, NULL) != SQLITE_OK ||
	    imp_step(im, im->begin) == -1 || (im->chain = chain_open(db, err, sizeof(err))) == NULL)
		return -1;
	im->next_seq = imp_scalar(db, "SELECT COALESCE(MAX(seq), 0) FROM events") + 1;
	im->seq0 = im->spec_next = im->blk[0].spec_seq = im->next_seq;
	chain_begin(im->chain);
	im->ranges = srcranges_new();
	/* Tests only: see imp_commit. */
	if ((pause = getenv("HANIPO_IMPORT_PAUSE_MS")) != NULL)
		im->pause_ms = strtoul(pause, NULL, 10) % 60000;
	if ((im->times = tsranges_open(db, err, sizeof(err))) == NULL)
		return -1;
	/*
	 * When every event before the import is folded (the mark is the highest seq), the
	 * import counts its events as it inserts them and commits the counts with them; a later
	 * fold counts them otherwise. Each flush moves the mark to the last event: this holds for
	 * the whole import.
	 */
	mark = rollup_mark(db);
	im->owned = mark >= 0 && mark == imp_scalar(db, "SELECT COALESCE(MAX(seq), 0) FROM events");
	return 0;
}

int
import_files(sqlite3 *db, const char *format, const char *sensor, struct sigdb *sigs,
    char *const *files, size_t nfiles, FILE *errfp, struct import_stats *st, char *err,
    size_t errlen)
{
	struct importer	*im;
	pthread_t	 reader, counter;
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
	im->store_fd = open(sqlite3_db_filename(db, "main"), O_RDONLY | O_CLOEXEC);
	im->format = format;
	im->sensor = sensor;
	im->sigs = sigs;
	im->files = files;
	im->nfiles = nfiles;
	im->errfp = errfp;
	im->st = st;
	pthread_mutex_init(&im->mtx, NULL);
	pthread_cond_init(&im->more, NULL);
	pthread_cond_init(&im->room, NULL);
	pthread_cond_init(&im->counted, NULL);
	buf_init(&im->rec.fields, HNP_MAX_FIELDS_JSON);
	buf_init(&im->rec.payload, HNP_MAX_PAYLOAD_BYTES);
	buf_init(&im->tags, IMP_TAGS_MAX);
	buf_init(&im->enc, CHAIN_ENC_MAX);
	buf_init(&im->memo.bytes, SIZE_MAX);
	for (i = 0; i < IMP_NBLOCKS; i++) {
		im->blk[i].it = xcalloc(IMP_BLOCK_LINES, sizeof(*im->blk[i].it));
		buf_init(&im->blk[i].bytes, IMP_BLOCK_MAX);
	}
	im->cur = &im->blk[0];
	/* Repeated requests reuse their event when no signature tests the client (import_cache.h). */
	if (im->parse == imp_parse_wowhoneypot &&
	    (sigs == NULL || !sigdb_reads_client(sigs, "http", "request")))
		im->cache = imp_cache_new();
	if (imp_prepare(im) == -1) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		rc = -1;
		goto out;
	}
	if (im->owned && pthread_create(&counter, NULL, imp_counter, im) != 0)
		im->owned = 0;		/* then a fold counts the events after the import */
	if (pthread_create(&reader, NULL, imp_reader, im) != 0) {
		snprintf(err, errlen, "cannot start the reader thread");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		pthread_mutex_lock(&im->mtx);
		im->abort = 1;
		pthread_cond_broadcast(&im->more);
		pthread_mutex_unlock(&im->mtx);
		if (im->owned)
			pthread_join(counter, NULL);
		rc = -1;
		goto out;
	}
	rc = imp_inserter(im);
	pthread_join(reader, NULL);
	if (im->owned)
		pthread_join(counter, NULL);
	if (rc == 0 && !sqlite3_get_autocommit(db))
		rc = imp_commit(im, NULL, 1);	/* not reached: the last block commits */
	if (rc == -1) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	rollup_free(im->ru);
	strmap_free(&im->flushed);
	rollup_free(im->minus);
	imp_occ_free(&im->occ);
	imp_cache_free(im->cache);
	buf_free(&im->rec.fields);
	buf_free(&im->rec.payload);
	buf_free(&im->tags);
	buf_free(&im->enc);
	free(im->memo.tab);
	buf_free(&im->memo.bytes);
	for (i = 0; i < IMP_NBLOCKS; i++) {
		rollup_free(im->blk[i].ru);
		free(im->blk[i].it);
		buf_free(&im->blk[i].bytes);
	}
	imp_sql_free(im->q);
	chain_free(im->chain);
	srcranges_free(im->ranges);
	tsranges_free(im->times);
	sqlite3_finalize(im->begin);
	sqlite3_finalize(im->commit);
	pthread_mutex_destroy(&im->mtx);
	pthread_cond_destroy(&im->more);
	pthread_cond_destroy(&im->room);
	pthread_cond_destroy(&im->counted);
	if (im->store_fd != -1)
		close(im->store_fd);
	free(im);
	return rc;
}
