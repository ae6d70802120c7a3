/*
 * store.c - group commit: events queue up from the event loop and are committed to SQLite in one
 * transaction per batch (WAL), then handed to the other sinks; the loop learns how far the store
 * got, so gated replies can go out.
 *
 * When a batch is due: at the end of a loop turn in which a reply started waiting for one of its
 * events, or HNP_LAZY_COMMIT_MS after the first event no reply waits for (connect, close, ...), or
 * once HNP_LAZY_COMMIT_EVENTS are pending. Who commits it: the loop thread itself, at the end of
 * its turn, when the writer thread is idle and [store] sync is normal (writing to the WAL is then
 * a few pwrite()s to the page cache, and fsyncs belong to the checkpointer), as Redis writes its
 * AOF before the loop sleeps; else, or when that commit would have to wait for a lock (another
 * process writing the store), the writer thread, which retries and never stalls the loop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/chain.h"
#include "store/srcrange.h"
#include "store/tsrange.h"
#include "store/schema.h"
#include "store/sink.h"
#include "store/store.h"
#include "store/walbuf.h"
#include "store/writelock.h"

static int
store_check_sync(const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "normal") == 0 || strcmp(v, "full") == 0)
		return 0;
	snprintf(why, whylen, "expected normal or full, got \"%s\"", v);
	return -1;
}

static int
store_check_level(const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "error") == 0 || strcmp(v, "warn") == 0 || strcmp(v, "info") == 0 ||
	    strcmp(v, "debug") == 0)
		return 0;
	snprintf(why, whylen, "expected error, warn, info or debug, got \"%s\"", v);
	return -1;
}

static int
store_check_tz(const char *v, char *why, size_t whylen)
{
	int	 off;

	if (time_parse_offset(v, &off) == 0)
		return 0;
	snprintf(why, whylen, "expected +HHMM, +HH:MM, UTC or local, got \"%s\"", v);
	return -1;
}

const struct config_key store_config_keys[] = {
	{ "store", "path", CFG_STR, 0, 0, "var/hanipo.db", "SQLite event store" },
	{ "store", "sync", CFG_STR, 0, 0, "normal",
	    "normal: durable across a crash of hanipo; full: also across power loss",
	    store_check_sync },
	{ "log", "file", CFG_STR, 0, 0, "", "diagnostic log file (empty: stderr)" },
	{ "log", "level", CFG_STR, 0, 0, "info", "error, warn, info or debug", store_check_level },
	{ "log", "access_log", CFG_STR, 0, 0, "var/access_log",
	    "WOWHoneypot-format access log (empty: off)" },
	{ "log", "hunting_log", CFG_STR, 0, 0, "var/hunting.log",
	    "WOWHoneypot-format hunting log of download URLs (empty: off)" },
	{ "log", "timezone", CFG_STR, 0, 0, "+0900",
	    "offset of access_log/hunting_log times: +0900 (WOWHoneypot's JST), UTC, local",
	    store_check_tz },
	{ "log", "separator", CFG_STR, 0, 0, " ", "access_log field separator" },
	{ "log", "ip_masking", CFG_BOOL, 0, 0, "false", "write 0.0.0.0 for clients in access_log" },
	{ "log", "jsonl", CFG_STR, 0, 0, "", "JSON-lines event log (empty: off)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct sink_ops *const store_sinks[] = { &sink_accesslog, &sink_jsonl };
#define NSINKS	(sizeof(store_sinks) / sizeof(store_sinks[0]))
#define STORE_BUSY_MS	10000	/* the writer waits this long for another process's write lock */
#define STORE_CKPT_BUSY_MS	1000	/* the checkpointer's passive pass waits for its lock */
#define STORE_RESTART_BUSY_MS	10	/* ... its restart pass for the write lock and readers */
#define STORE_RESTART_FRAMES	4096	/* a WAL this long (16 MiB) after a passive pass restarts */
#define STORE_WAL_LIMIT_BYTES	(64 * 1024 * 1024)	/* a restarted WAL is cut back to this */

#define STORE_INS_COLS	16	/* parameters of one event */
#define STORE_INS_SIZES	6	/* INSERTs of 1, 2, 4 ... 32 events */
#define STORE_INS_ROWS	(1 << (STORE_INS_SIZES - 1))	/* the most events in one INSERT */

struct store {
	sqlite3			*db;
	sqlite3_stmt		*begin, *commit;	/* prepared once: sqlite3_exec prepares each time */
	struct chain		*chain;		/* tamper evidence: each sensor's hash chain */
	struct srcranges	*ranges;	/* the batch's events by source address */
	struct tsranges		*times;		/* the events by time: the run being extended */
	sqlite3_stmt		*ins[STORE_INS_SIZES];	/* ins[i]: 1 << i events in one INSERT */
	struct buf		 scratch_fields[STORE_INS_ROWS], scratch_tags[STORE_INS_ROWS];
	void			*sink_state[NSINKS];

	pthread_t		 thread;
	int			 writer_busy;	/* under mtx: a thread owns the db for a batch */
	int			 inline_ok;	/* the loop may commit itself (sync normal) */
	pthread_t		 ckpt_thread;	/* checkpoints the WAL off the commit path */
	sqlite3			*ckpt_db;
	int64_t			 busy_since;	/* store_busy: when the current wait began */
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;		/* writer waits for work */
	pthread_cond_t		 progress;	/* flushers wait for progress */
	struct evt		*done;		/* handled events for the loop thread to free */
	pthread_cond_t		 ckpt_cond;	/* wakes the checkpointer to stop */
	struct evt	*head, *tail;
	size_t			 queued;
	size_t			 queued_bytes;	/* payload bytes of the queued events */
	int64_t			 next_seq;	/* loop thread only */
	int64_t			 last_handled;	/* seq handled (committed or failed) */
	int			 stop;
	atomic_int		 reopen;
	int			 lockfd;	/* the store's writer lock (writelock.c) */
	_Atomic int64_t		 committed;

	struct evt		*local_head, *local_tail;	/* loop thread: not yet handed over */
	size_t			 local_n;
	struct event		*handoff_ev;	/* lowest priority: runs at the end of a loop turn */
	struct event		*lazy_ev;	/* commits what no reply waits for, a little later */
	int			 lazy_armed;
	struct event		*wait_ev;	/* highest priority: a busy loop's replies wait no longer */
	int			 wait_armed;
	int64_t			 want;		/* loop thread: the highest seq a reply waits for */
	/*
	 * The writer thread wakes the loop through an eventfd, the only way it touches the loop:
	 * libevent then needs no locks (evthread cost ~13 lock pairs per connection).
	 */
	int			 notify_fd;
	struct event		*notify_ev;
	store_notify_cb		 notify_cb;
	void			*notify_arg;

	/* Classifier: set by any thread under mtx, used by the writer for a whole batch. */
	store_classify_cb	 cls_fn;
	void			*cls_arg;
	void			(*cls_free)(void *);
	void			*old_arg[8];	/* replaced classifiers the writer frees */
	void			(*old_free[8])(void *);
	size_t			 nold;
};

/* "INSERT INTO events (...) VALUES (?, ...)" with rows rows of STORE_INS_COLS parameters. */
static void
store_insert_sql(char *sql, size_t len, int rows)
{
	int	 k;

	/*
	 * OR FAIL: a failing statement keeps the rows it wrote, so SQLite needs no statement
	 * journal. A plain INSERT of several rows must be undone alone, and every statement of a
	 * batch after the first journaled the events' last page again (a 64 KB chunk and a 4 KB
	 * copy). A failure rolls the whole transaction back anyway (store_commit).
	 */
	snprintf(sql, len, "INSERT OR FAIL INTO events (seq, id, ts, sensor, session, proto, kind, "
	    "src_ip, src_port, dst_ip, dst_port, fields, payload, payload_len, payload_sha256, tags) "
	    "VALUES ");
	for (k = 0; k < rows; k++)
		snprintf(sql + strlen(sql), len - strlen(sql), "%s(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		    k > 0 ? "," : "");
}

/* The row exactly as bound, into this batch's link of the event's sensor. */
static void
store_chain_add(struct store *s, const struct evt *ev, const char *fields, size_t flen)
{
	struct chain_row	 r;

	r.seq = ev->seq;
	r.id = ev->id;
	r.ts = ev->ts;
	r.sensor = ev->sensor;
	r.session = ev->session;
	r.proto = ev->proto;
	r.kind = ev->kind;
	r.src_ip = ev->src_ip;
	r.src_port = ev->src_port;
	r.dst_ip = ev->dst_ip;
	r.dst_port = ev->dst_port;
	r.fields = fields;
	r.fields_len = flen;
	r.payload = ev->payload;
	r.payload_len = ev->payload_len;
	r.payload_total = ev->payload != NULL ? (int64_t)ev->payload_total : 0;
	r.payload_sha256 = ev->payload != NULL ? ev->payload_sha256 : NULL;
	chain_add(s->chain, &r);
}

/* The fields and tags text of an event as bound: its own text, or JSON written into scratch. */
struct store_text {
	const char	*fields, *tags;
	int		 flen, tlen;
};

/* Binds ev's sixteen columns from parameter base + 1 on; text (row k's scratch) stays valid. */
static void
store_bind(struct store *s, sqlite3_stmt *st, int base, int k, struct evt *ev,
    struct store_text *t)
{
	struct buf	*fb = &s->scratch_fields[k], *tb = &s->scratch_tags[k];

	evt_hash(ev);
	t->fields = "{}";
	t->flen = 2;
	t->tags = "[]";
	t->tlen = 2;
	if (ev->fields_text != NULL) {
		t->fields = ev->fields_text;	/* written by the producer: bound as is */
		t->flen = (int)ev->fields_len;
	} else if (json_object_size(ev->fields) > 0) {
		fb->len = 0;
		if (evt_json_dump(ev->fields, fb) == 0) {
			t->fields = (const char *)fb->data;
			t->flen = (int)fb->len;
		}
	}
	if (json_array_size(ev->tags) > 0) {
		tb->len = 0;
		if (evt_json_dump(ev->tags, tb) == 0) {
			t->tags = (const char *)tb->data;
			t->tlen = (int)tb->len;
		}
	}
	sqlite3_bind_int64(st, base + 1, ev->seq);
	/* Lengths given: SQLite would count them a byte at a time (~3 instructions a byte). */
	sqlite3_bind_text(st, base + 2, ev->id, (int)strlen(ev->id), SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 3, ev->ts);
	sqlite3_bind_text(st, base + 4, ev->sensor, (int)strlen(ev->sensor), SQLITE_STATIC);
	sqlite3_bind_text(st, base + 5, ev->session, (int)strlen(ev->session), SQLITE_STATIC);
	sqlite3_bind_text(st, base + 6, ev->proto, (int)strlen(ev->proto), SQLITE_STATIC);
	sqlite3_bind_text(st, base + 7, ev->kind, (int)strlen(ev->kind), SQLITE_STATIC);
	sqlite3_bind_text(st, base + 8, ev->src_ip, (int)strlen(ev->src_ip), SQLITE_STATIC);
	sqlite3_bind_int(st, base + 9, ev->src_port);
	sqlite3_bind_text(st, base + 10, ev->dst_ip, (int)strlen(ev->dst_ip), SQLITE_STATIC);
	sqlite3_bind_int(st, base + 11, ev->dst_port);
	sqlite3_bind_text(st, base + 12, t->fields, t->flen, SQLITE_STATIC);
	if (ev->payload != NULL) {
		sqlite3_bind_blob(st, base + 13, ev->payload, (int)ev->payload_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, base + 14, (sqlite3_int64)ev->payload_total);
	} else {
		sqlite3_bind_null(st, base + 13);
		sqlite3_bind_int64(st, base + 14, 0);
	}
	/* payload_sha256: not stored since schema 7, readers compute it (the chain leaf has it). */
	sqlite3_bind_null(st, base + 15);
	sqlite3_bind_text(st, base + 16, t->tags, t->tlen, SQLITE_STATIC);
}

/*
 * Inserts 1 << size events with one statement (SQLite opens its cursors and runs the statement's
 * prologue once for all of them), then chains and indexes them by source.
 */
static int
store_insert(struct store *s, struct evt **evs, int size)
{
	sqlite3_stmt		*st = s->ins[size];
	int			 n = 1 << size;
	struct store_text	 t[STORE_INS_ROWS];
	int			 k, rc;

	for (k = 0; k < n; k++)
		store_bind(s, st, k * STORE_INS_COLS, k, evs[k], &t[k]);
	rc = sqlite3_step(st);
	/*
	 * No sqlite3_clear_bindings (~330 instructions a row): every parameter is bound again before
	 * the next step, so the stale SQLITE_STATIC pointers into ev are never read.
	 */
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (k = 0; k < n; k++) {
		store_chain_add(s, evs[k], t[k].fields, (size_t)t[k].flen);
		srcranges_add(s->ranges, evs[k]->src_ip, evs[k]->seq, evs[k]->ts);
		if (tsranges_add(s->times, evs[k]->seq, evs[k]->ts) == -1)
			return -1;
	}
	return 0;
}

/* Runs a prepared statement without results (BEGIN, COMMIT): 0, or -1. */
static int
store_run(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Inserts every event of batch, STORE_INS_ROWS at a time, then the rest in as few statements as
 * the powers of two allow (at most STORE_INS_SIZES - 1 more).
 */
static int
store_insert_batch(struct store *s, struct evt *batch)
{
	struct evt	*ev, *evs[STORE_INS_ROWS];
	int		 n = 0, k = 0, size;

	for (ev = batch; ev != NULL; ev = ev->next) {
		evs[n++] = ev;
		if (n == STORE_INS_ROWS) {
			if (store_insert(s, evs, STORE_INS_SIZES - 1) == -1)
				return -1;
			n = 0;
		}
	}
	for (size = STORE_INS_SIZES - 2; size >= 0; size--)
		if (n & (1 << size)) {
			if (store_insert(s, &evs[k], size) == -1)
				return -1;
			k += 1 << size;
		}
	return 0;
}

/* Commits one batch; on failure retries (at most max times) until it works. */
static int
store_commit(struct store *s, struct evt *batch, int max)
{
	int			 tries;

	for (tries = 0;; tries++) {
		if (store_run(s->begin) == 0) {
			chain_begin(s->chain);
			srcranges_begin(s->ranges);
			tsranges_begin(s->times);
			if (store_insert_batch(s, batch) == 0 &&
			    chain_write(s->chain, s->db, time_now_us()) == 0 &&
			    srcranges_write(s->ranges, s->db) == 0 && tsranges_write(s->times) == 0 &&
			    store_run(s->commit) == 0) {
				chain_committed(s->chain);
				tsranges_committed(s->times);
				return 0;
			}
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		}
		if (tries + 1 >= max)
			return -1;
		log_error("store: commit failed: %s (try %d)", sqlite3_errmsg(s->db), tries + 1);
		usleep(100000);
	}
}

static void store_sinks_append(struct store *, struct evt *, size_t);

/* Frees a list of events linked by next. */
static void
store_free_list(struct evt *ev)
{
	struct evt	*next;

	for (; ev != NULL; ev = next) {
		next = ev->next;
		evt_free(ev);
	}
}

/* The classifier for one batch, and the replaced ones to free, taken under mtx. */
struct store_cls {
	store_classify_cb	 fn;
	void			*arg;
	void			*old_arg[8];
	void			(*old_free[8])(void *);
	size_t			 nold;
};

/* Takes the classifier and the replaced ones (the caller holds mtx). */
static void
store_cls_take(struct store *s, struct store_cls *c)
{
	c->fn = s->cls_fn;
	c->arg = s->cls_arg;
	c->nold = s->nold;
	memcpy(c->old_arg, s->old_arg, c->nold * sizeof(c->old_arg[0]));
	memcpy(c->old_free, s->old_free, c->nold * sizeof(c->old_free[0]));
	s->nold = 0;
}

/* Outside the lock: frees the replaced classifiers, then classifies the batch (may be NULL). */
static void
store_cls_apply(struct store_cls *c, struct evt *batch)
{
	struct evt	*ev;
	size_t		 k;

	for (k = 0; k < c->nold; k++)
		c->old_free[k](c->old_arg[k]);
	if (c->fn != NULL)
		for (ev = batch; ev != NULL; ev = ev->next)
			c->fn(ev, c->arg);
}

/* Wakes the loop thread (store_notify) from the writer thread. */
static void
store_wake(struct store *s)
{
	uint64_t	 one = 1;

	/* EAGAIN: the counter is full of wake-ups the loop has not read; one more adds nothing. */
	if (write(s->notify_fd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_error("store: waking the loop: %s", strerror(errno));
}

static void *
store_thread(void *arg)
{
	struct store		*s = arg;
	struct evt		*batch, *ev, *next;
	size_t			 n;
	struct store_cls	 cls;
	int64_t			 last;

	for (;;) {
		pthread_mutex_lock(&s->mtx);
		while (s->writer_busy || (s->head == NULL && !s->stop && s->nold == 0))
			pthread_cond_wait(&s->cond, &s->mtx);
		if (s->head == NULL && s->nold > 0) {
			/* Replaced classifiers, no batch: nothing of ours uses them now. */
			store_cls_take(s, &cls);
			pthread_mutex_unlock(&s->mtx);
			store_cls_apply(&cls, NULL);
			pthread_mutex_lock(&s->mtx);
			pthread_cond_broadcast(&s->progress);
			pthread_mutex_unlock(&s->mtx);
			continue;
		}
		if (s->head == NULL && s->stop) {
			pthread_mutex_unlock(&s->mtx);
			break;
		}
		/* Take up to HNP_MAX_BATCH_EVENTS from the front. */
		batch = s->head;
		for (n = 1, ev = batch; ev->next != NULL && n < HNP_MAX_BATCH_EVENTS; n++)
			ev = ev->next;
		s->head = ev->next;
		if (s->head == NULL)
			s->tail = NULL;
		ev->next = NULL;
		last = ev->seq;
		s->queued -= n;
		for (next = batch; next != NULL; next = next->next)
			s->queued_bytes -= next->payload_len;
		store_cls_take(s, &cls);
		s->writer_busy = 1;
		pthread_mutex_unlock(&s->mtx);
		store_cls_apply(&cls, batch);
		if (store_commit(s, batch, 51) == 0) {
			atomic_store(&s->committed, last);
			if (s->notify_ev != NULL)
				store_wake(s);
		} else
			log_error("store: %zu events could not be stored", n);

		store_sinks_append(s, batch, n);
		pthread_mutex_lock(&s->mtx);
		if (s->notify_ev != NULL) {
			/*
			 * The loop thread allocated these: it frees them (at its next notification),
			 * which keeps glibc's frees in their own arena instead of crossing threads.
			 */
			ev = batch;
			while (ev->next != NULL)
				ev = ev->next;
			ev->next = s->done;
			s->done = batch;
			batch = NULL;
		}
		s->last_handled = last;
		s->writer_busy = 0;
		pthread_cond_broadcast(&s->progress);
		pthread_mutex_unlock(&s->mtx);
		store_free_list(batch);
	}
	return NULL;
}

/*
 * Checkpoints the WAL once a second through its own connection. PASSIVE never blocks the writer, so
 * the fsyncs a checkpoint needs are not on the path of any reply (the writer's own connection has
 * automatic checkpoints turned off).
 *
 * But the writer starts the WAL over only when a commit finds every frame copied, and under
 * sustained load a commit always lands while the passive pass syncs: the WAL then grew by every
 * frame, for as long as the load lasted (200 MB in 6 s of wrk; a flood would fill the disk). So
 * when a passive pass leaves a large WAL, a RESTART pass copies the frames written meanwhile with
 * the write lock held: a millisecond or two in which the loop's commits go to the writer thread,
 * which waits for the lock. If the lock or a reader does not give way within
 * STORE_RESTART_BUSY_MS, SQLite falls back to a passive pass and the next second tries again.
 */
static void
store_checkpoint(struct store *s)
{
	int	 nlog = 0, ncopied = 0;

	/* A second passive pass copies what came during the first: the restart has less to do. */
	if (sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog,
	    &ncopied) != SQLITE_OK || nlog < STORE_RESTART_FRAMES ||
	    sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog,
	    &ncopied) != SQLITE_OK)
		return;
	sqlite3_busy_timeout(s->ckpt_db, STORE_RESTART_BUSY_MS);
	sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	sqlite3_busy_timeout(s->ckpt_db, STORE_CKPT_BUSY_MS);
}

/*
 * The writer's busy handler: while the checkpointer's restart pass holds the write lock (a few ms),
 * it retries every 100 µs, where SQLite's own would sleep 1, 2, 5, 10 ... ms and keep the replies
 * waiting for as long; a lock held longer (another process writing) is polled every 1, then 10 ms,
 * for STORE_BUSY_MS in all.
 */
static int
store_busy(void *arg, int tries)
{
	struct store	*s = arg;
	int64_t		 now = time_mono_us(), waited;

	if (tries == 0)
		s->busy_since = now;
	waited = now - s->busy_since;
	if (waited >= STORE_BUSY_MS * 1000LL)
		return 0;
	usleep(waited < 2000 ? 100 : waited < 50000 ? 1000 : 10000);
	return 1;
}

static void *
store_ckpt_thread(void *arg)
{
	struct store	*s = arg;
	struct timespec	 until;
	int		 stop = 0;

	while (!stop) {
		pthread_mutex_lock(&s->mtx);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (!s->stop)
			pthread_cond_timedwait(&s->ckpt_cond, &s->mtx, &until);
		stop = s->stop;
		pthread_mutex_unlock(&s->mtx);
		store_checkpoint(s);
	}
	return NULL;
}

/* Hands the loop's pending events to the writer thread: one lock and one wake-up. */
static void
store_handoff(struct store *s)
{
	if (s->local_head == NULL)
		return;
	pthread_mutex_lock(&s->mtx);
	if (s->tail != NULL)
		s->tail->next = s->local_head;
	else
		s->head = s->local_head;
	s->tail = s->local_tail;
	s->queued += s->local_n;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mtx);
	s->local_head = s->local_tail = NULL;
	s->local_n = 0;
}

static void store_free_done(struct store *s);

/* Runs the sinks over a committed (or failed) batch of n events. */
static void
store_sinks_append(struct store *s, struct evt *batch, size_t n)
{
	struct evt	*ev, *vec[HNP_MAX_BATCH_EVENTS];
	size_t		 i, k;

	if (atomic_exchange(&s->reopen, 0))
		for (k = 0; k < NSINKS; k++)
			if (s->sink_state[k] != NULL)
				store_sinks[k]->reopen(s->sink_state[k]);
	for (i = 0, ev = batch; ev != NULL && i < n; ev = ev->next)
		vec[i++] = ev;
	for (k = 0; k < NSINKS; k++)
		if (s->sink_state[k] != NULL)
			store_sinks[k]->append(s->sink_state[k], vec, i);
}

/*
 * Commits the loop's pending events on the loop thread (the writer is idle and nothing is queued
 * for it): no hand-off, no wake-ups. The commit may not wait for a lock; 0, or -1 when the events
 * are still pending and the writer must take them.
 */
static int
store_write_here(struct store *s)
{
	struct evt		*batch = s->local_head, *ev;
	size_t			 n = s->local_n, bytes = 0;
	int64_t			 last = s->local_tail->seq;
	struct store_cls	 cls;
	int			 rc;

	if (!s->inline_ok || n > HNP_MAX_BATCH_EVENTS)
		return -1;
	pthread_mutex_lock(&s->mtx);
	if (s->head != NULL || s->writer_busy) {
		pthread_mutex_unlock(&s->mtx);
		return -1;
	}
	s->writer_busy = 1;
	store_cls_take(s, &cls);
	pthread_mutex_unlock(&s->mtx);
	store_cls_apply(&cls, batch);
	sqlite3_busy_timeout(s->db, 0);
	rc = store_commit(s, batch, 1);
	sqlite3_busy_handler(s->db, store_busy, s);
	if (rc == -1) {
		pthread_mutex_lock(&s->mtx);
		s->writer_busy = 0;
		pthread_mutex_unlock(&s->mtx);
		return -1;
	}
	atomic_store(&s->committed, last);
	s->local_head = s->local_tail = NULL;
	s->local_n = 0;
	/*
	 * The replies first: the clients waiting for them get to work while the other sinks write
	 * their lines (what the replies emit, closes, goes to the next batch).
	 */
	if (s->notify_cb != NULL)
		s->notify_cb(last, s->notify_arg);
	store_sinks_append(s, batch, n);
	for (ev = batch; ev != NULL; ev = ev->next)
		bytes += ev->payload_len;
	pthread_mutex_lock(&s->mtx);
	s->queued_bytes -= bytes;
	s->last_handled = last;
	s->writer_busy = 0;
	pthread_cond_broadcast(&s->progress);
	pthread_mutex_unlock(&s->mtx);
	store_free_list(batch);
	store_free_done(s);
	return 0;
}

/* Arms one of the commit timers (once) for usec from now. */
static void
store_timer_arm(struct event *ev, int *armed, long usec)
{
	struct timeval	 tv = { usec / 1000000, usec % 1000000 };

	if (*armed)
		return;
	event_add(ev, &tv);
	*armed = 1;
}

/* Commits (or hands over) everything pending now. */
static void
store_write_now(struct store *s)
{
	if (s->lazy_armed) {
		event_del(s->lazy_ev);
		s->lazy_armed = 0;
	}
	if (s->wait_armed) {
		event_del(s->wait_ev);
		s->wait_armed = 0;
	}
	if (s->local_head != NULL && store_write_here(s) == -1)
		store_handoff(s);
}

/*
 * The loop has nothing else to do (the lowest priority runs only then): commit now if a reply
 * waits for a pending event or many are pending; else leave them for the lazy timer.
 */
static void
store_handoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;

	if (s->local_head == NULL)
		return;
	if (s->want >= s->local_head->seq || s->local_n >= HNP_LAZY_COMMIT_EVENTS) {
		store_write_now(s);
		return;
	}
	store_timer_arm(s->lazy_ev, &s->lazy_armed, HNP_LAZY_COMMIT_MS * 1000L);
}

/* The lazy timer, or the wait timer of a loop too busy to be idle: commit. */
static void
store_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;

	s->lazy_armed = s->wait_armed = 0;
	event_del(s->lazy_ev);
	event_del(s->wait_ev);
	store_write_now(s);
}

/* Frees the events the writer is done with (loop thread). */
static void
store_free_done(struct store *s)
{
	struct evt	*ev;

	pthread_mutex_lock(&s->mtx);
	ev = s->done;
	s->done = NULL;
	pthread_mutex_unlock(&s->mtx);
	store_free_list(ev);
}

static void
store_notify(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;
	uint64_t	 n;

	if (read(fd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_error("store: reading the writer's wake-ups: %s", strerror(errno));
	store_free_done(s);
	if (s->notify_cb != NULL)
		s->notify_cb(atomic_load(&s->committed), s->notify_arg);
}

static int64_t
store_max_seq(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int64_t		 v = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM events", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

struct store *
store_open(const struct config *cfg, struct event_base *base, store_notify_cb cb, void *arg,
    char *err, size_t errlen)
{
	struct store	*s = xcalloc(1, sizeof(*s));
	const char	*path = config_get(cfg, "store", "path");
	const char	*sync = config_get(cfg, "store", "sync");
	const char	*vfs;
	char		 sql[2048];
	size_t		 k;
	int		 rc;

	/* No global allocation statistics: they take a mutex on every SQLite allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	s->notify_fd = -1;
	if ((s->lockfd = writelock_take(path, err, errlen)) == -1) {
		free(s);
		return NULL;
	}
	vfs = walbuf_vfs_name();	/* NULL: SQLite's default VFS */
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
		snprintf(err, errlen, "%s: [store] path: cannot open %s: %s",
		    config_origin(cfg, "store", "path"), path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_handler(s->db, store_busy, s);
	schema_page_size(s->db);
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, strcmp(sync, "full") == 0 ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (schema_migrate(s->db, err, errlen) == -1)
		goto fail;
	sqlite3_wal_autocheckpoint(s->db, 0);
	/* After a burst, the first commit of a restarted WAL truncates the file to this. */
	snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit = %d", STORE_WAL_LIMIT_BYTES);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (sqlite3_open_v2(path, &s->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    vfs) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open a second connection", path);
		goto fail;
	}
	sqlite3_busy_timeout(s->ckpt_db, STORE_CKPT_BUSY_MS);
	sqlite3_exec(s->ckpt_db, strcmp(sync, "full") == 0 ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	for (k = 0; k < STORE_INS_SIZES; k++) {
		store_insert_sql(sql, sizeof(sql), 1 << k);
		if (sqlite3_prepare_v2(s->db, sql, -1, &s->ins[k], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	if (sqlite3_prepare_v2(s->db, "BEGIN", -1, &s->begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "COMMIT", -1, &s->commit, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if ((s->chain = chain_open(s->db, err, errlen)) == NULL)
		goto fail;
	s->ranges = srcranges_new();
	if ((s->times = tsranges_open(s->db, err, errlen)) == NULL)
		goto fail;
	for (k = 0; k < STORE_INS_ROWS; k++) {
		buf_init(&s->scratch_fields[k], HNP_MAX_FIELDS_JSON);
		buf_init(&s->scratch_tags[k], HNP_MAX_FIELDS_JSON);
	}
	s->next_seq = store_max_seq(s->db) + 1;
	atomic_store(&s->committed, s->next_seq - 1);
	s->last_handled = s->next_seq - 1;
	for (k = 0; k < NSINKS; k++) {
		rc = store_sinks[k]->open(cfg, &s->sink_state[k], err, errlen);
		if (rc == -1)
			goto fail;
		if (rc == 1)
			s->sink_state[k] = NULL;
	}
	pthread_mutex_init(&s->mtx, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->progress, NULL);
	pthread_cond_init(&s->ckpt_cond, NULL);
	if (base != NULL) {
		if ((s->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
			snprintf(err, errlen, "%s: cannot make an eventfd: %s", path,
			    strerror(errno));
			goto fail;
		}
		s->handoff_ev = event_new(base, -1, 0, store_handoff_cb, s);
		event_priority_set(s->handoff_ev, STORE_HANDOFF_PRIORITY);
		s->notify_ev = event_new(base, s->notify_fd, EV_READ | EV_PERSIST, store_notify,
		    s);
		event_add(s->notify_ev, NULL);
		s->lazy_ev = evtimer_new(base, store_timer_cb, s);
		s->wait_ev = evtimer_new(base, store_timer_cb, s);
		event_priority_set(s->wait_ev, STORE_WAIT_PRIORITY);
		s->inline_ok = strcmp(sync, "full") != 0;
		s->notify_cb = cb;
		s->notify_arg = arg;
	}
	if (pthread_create(&s->thread, NULL, store_thread, s) != 0 ||
	    pthread_create(&s->ckpt_thread, NULL, store_ckpt_thread, s) != 0) {
		/* Only at start-up, before any event: nothing to lose. */
		fprintf(stderr, "hanipo: cannot start the store's threads\n");
		abort();
	}
	return s;
fail:
	if (s->notify_fd != -1)
		close(s->notify_fd);
	sqlite3_close(s->ckpt_db);
	for (k = 0; k < NSINKS; k++)
		if (s->sink_state[k] != NULL)
			store_sinks[k]->close(s->sink_state[k]);
	chain_free(s->chain);
	srcranges_free(s->ranges);
	tsranges_free(s->times);
	for (k = 0; k < STORE_INS_SIZES; k++)
		sqlite3_finalize(s->ins[k]);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_close(s->db);
	writelock_release(s->lockfd);
	free(s);
	return NULL;
}

int64_t
store_append(struct store *s, struct evt *ev)
{
	int64_t	 seq;

	pthread_mutex_lock(&s->mtx);
	if (s->queued + s->local_n >= HNP_MAX_QUEUED_EVENTS ||
	    s->queued_bytes + ev->payload_len > HNP_MAX_QUEUED_BYTES) {
		pthread_mutex_unlock(&s->mtx);
		log_warn("store: queue full, event dropped (%s %s from %s)", ev->proto, ev->kind,
		    ev->src_ip);
		evt_free(ev);
		return -1;
	}
	seq = ev->seq = s->next_seq++;
	s->queued_bytes += ev->payload_len;
	pthread_mutex_unlock(&s->mtx);
	ev->next = NULL;
	if (s->local_tail != NULL)
		s->local_tail->next = ev;
	else
		s->local_head = ev;
	s->local_tail = ev;
	s->local_n++;
	if (s->handoff_ev == NULL)
		store_handoff(s);
	else if (s->local_n == 1)
		event_active(s->handoff_ev, 0, 0);
	return seq;
}

void
store_wait(struct store *s, int64_t seq)
{
	if (seq <= s->want)
		return;
	s->want = seq;
	if (s->handoff_ev == NULL || s->local_head == NULL || seq < s->local_head->seq)
		return;		/* committed, or with the writer thread */
	/* Pending here: commit when the loop is idle, or HNP_COMMIT_WAIT_US from now if it is not. */
	event_active(s->handoff_ev, 0, 0);
	store_timer_arm(s->wait_ev, &s->wait_armed, HNP_COMMIT_WAIT_US);
}

void
store_set_classifier(struct store *s, store_classify_cb fn, void *arg, void (*free_fn)(void *))
{
	pthread_mutex_lock(&s->mtx);
	while (s->nold == sizeof(s->old_arg) / sizeof(s->old_arg[0])) {
		/* Eight reloads before the writer looked: wake it, wait for it to free them. */
		pthread_cond_signal(&s->cond);
		pthread_cond_wait(&s->progress, &s->mtx);
	}
	if (s->cls_fn != NULL && s->cls_free != NULL) {
		s->old_arg[s->nold] = s->cls_arg;
		s->old_free[s->nold++] = s->cls_free;
	}
	s->cls_fn = fn;
	s->cls_arg = arg;
	s->cls_free = free_fn;
	pthread_mutex_unlock(&s->mtx);
}

int64_t
store_committed(struct store *s)
{
	return atomic_load(&s->committed);
}

void
store_flush(struct store *s)
{
	store_write_now(s);
	pthread_mutex_lock(&s->mtx);
	while (s->last_handled < s->next_seq - 1)
		pthread_cond_wait(&s->progress, &s->mtx);
	pthread_mutex_unlock(&s->mtx);
}

void
store_reopen(struct store *s)
{
	atomic_store(&s->reopen, 1);
}

void
store_close(struct store *s)
{
	size_t	 k;

	if (s == NULL)
		return;
	store_write_now(s);
	pthread_mutex_lock(&s->mtx);
	s->stop = 1;
	pthread_cond_signal(&s->cond);
	pthread_cond_signal(&s->ckpt_cond);
	pthread_mutex_unlock(&s->mtx);
	pthread_join(s->thread, NULL);
	pthread_join(s->ckpt_thread, NULL);
	while (s->nold > 0) {
		s->nold--;
		s->old_free[s->nold](s->old_arg[s->nold]);
	}
	if (s->cls_free != NULL)
		s->cls_free(s->cls_arg);
	store_free_done(s);
	/* A final full checkpoint keeps the WAL small across restarts. */
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_close(s->ckpt_db);
	for (k = 0; k < NSINKS; k++)
		if (s->sink_state[k] != NULL)
			store_sinks[k]->close(s->sink_state[k]);
	if (s->notify_ev != NULL)
		event_free(s->notify_ev);
	if (s->notify_fd != -1)
		close(s->notify_fd);
	if (s->handoff_ev != NULL)
		event_free(s->handoff_ev);
	if (s->lazy_ev != NULL)
		event_free(s->lazy_ev);
	if (s->wait_ev != NULL)
		event_free(s->wait_ev);
	chain_free(s->chain);
	srcranges_free(s->ranges);
	tsranges_free(s->times);
	for (k = 0; k < STORE_INS_SIZES; k++)
		sqlite3_finalize(s->ins[k]);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->commit);
	sqlite3_close(s->db);
	for (k = 0; k < STORE_INS_ROWS; k++) {
		buf_free(&s->scratch_fields[k]);
		buf_free(&s->scratch_tags[k]);
	}
	pthread_mutex_destroy(&s->mtx);
	pthread_cond_destroy(&s->cond);
	pthread_cond_destroy(&s->progress);
	pthread_cond_destroy(&s->ckpt_cond);
	writelock_release(s->lockfd);
	free(s);
}
