/* query.c - the store's read side: a filter becomes one parameterised statement; rows, events. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "store/query.h"
#include "store/schema.h"
#include "store/tsrange.h"

#define QUERY_MAX_BINDS	32
#define QUERY_COLUMNS	"seq, id, ts, sensor, session, proto, kind, src_ip, src_port, dst_ip," \
			" dst_port, fields, payload, payload_len, payload_sha256, tags"

/*
 * A statement under construction: the SQL text holds only constant fragments and "?N"
 * placeholders; every value from outside is recorded here and bound.
 */
struct qsql {
	char	 text[2048];
	size_t	 len;
	int	 overflow;
	struct {
		const char	*s;	/* text value, or NULL for an integer */
		int64_t		 i;
	}	 bind[QUERY_MAX_BINDS];
	int	 nbind;
};

struct query_iter {
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		 err[256];
};

/* Column keys allowed in rankings and distinct counts: the only names that reach SQL text. */
static const char *const query_columns[] = {
	"src_ip", "dst_ip", "src_port", "dst_port", "proto", "kind", "sensor", "session", "id",
};

sqlite3 *
query_open_store(const char *path, char *err, size_t errlen)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1) {
		if (errno == ENOENT)
			snprintf(err, errlen, "%s: no store (has hanipo run been started?)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return schema_open_existing(path, err, errlen);
}

static void
qs_add(struct qsql *q, const char *frag)
{
	size_t	 n = strlen(frag);

	if (q->overflow || n >= sizeof(q->text) - q->len) {
		q->overflow = 1;
		return;
	}
	memcpy(q->text + q->len, frag, n + 1);
	q->len += n;
}

static void
qs_param(struct qsql *q, const char *s, int64_t i)
{
	char	 ph[16];

	if (q->nbind >= QUERY_MAX_BINDS) {
		q->overflow = 1;
		return;
	}
	q->bind[q->nbind].s = s;
	q->bind[q->nbind].i = i;
	q->nbind++;
	snprintf(ph, sizeof(ph), "?%d", q->nbind);
	qs_add(q, ph);
}

#define qs_text(q, s)	qs_param((q), (s), 0)
#define qs_int(q, v)	qs_param((q), NULL, (v))

/* Following new rows in seq order (QUERY_SEQ after a seq): walk the rowid range. */
static int
qs_by_seq(const struct query_filter *f)
{
	return f->order == QUERY_SEQ && f->after_seq != 0;
}

/*
 * " FROM events"; for one source address the seq ranges src_ranges holds for it (a row per run
 * of its events in a committed batch, pruned by time) joined with the events in them; for a time
 * window the runs of ts_ranges that overlap it (tsrange.h), joined likewise. The WHERE clause then
 * picks the matching events out of each range.
 */
/* The pruning of ranges by f's window: " AND r.max_ts >= since", " AND r.min_ts < until". */
static void
qs_overlap(struct qsql *q, const struct query_filter *f, const char *max_ts, const char *min_ts)
{
	if (f->since != 0) {
		qs_add(q, max_ts);
		qs_int(q, f->since);
	}
	if (f->until != 0) {
		qs_add(q, min_ts);
		qs_int(q, f->until);
	}
}

static void
qs_from(struct qsql *q, const struct query_filter *f)
{
	if (qs_by_seq(f) || (f->ip == NULL && f->since == 0 && f->until == 0)) {
		qs_add(q, " FROM events");
		return;
	}
	if (f->ip == NULL) {
		qs_add(q, " FROM " TSRANGE_JOIN);
		qs_overlap(q, f, " AND ts_ranges.max_ts >= ", " AND ts_ranges.min_ts < ");
		return;
	}
	qs_add(q, " FROM src_ranges CROSS JOIN events ON events.seq BETWEEN src_ranges.lo AND "
	    "src_ranges.hi AND src_ranges.ip = ");
	qs_text(q, f->ip);
	qs_overlap(q, f, " AND src_ranges.max_ts >= ", " AND src_ranges.min_ts < ");
}

/*
 * " WHERE ..." for every set member of f. Following new rows (QUERY_SEQ after a seq) must walk
 * the rowid range, not an index over the whole history: a unary + keeps the planner off the
 * column indexes then.
 */
static void
qs_where(struct qsql *q, const struct query_filter *f)
{
	int	 by_seq = qs_by_seq(f);

	qs_add(q, " WHERE 1");
	if (f->since != 0) {
		qs_add(q, by_seq ? " AND +ts >= " : " AND ts >= ");
		qs_int(q, f->since);
	}
	if (f->until != 0) {
		qs_add(q, by_seq ? " AND +ts < " : " AND ts < ");
		qs_int(q, f->until);
	}
	if (f->ip != NULL) {
		qs_add(q, by_seq ? " AND +src_ip = " : " AND src_ip = ");
		qs_text(q, f->ip);
	}
	if (f->kind != NULL) {
		qs_add(q, by_seq ? " AND +kind = " : " AND kind = ");
		qs_text(q, f->kind);
	}
	if (f->proto != NULL) {
		qs_add(q, by_seq ? " AND +proto = " : " AND proto = ");
		qs_text(q, f->proto);
	}
	if (f->sensor != NULL) {
		qs_add(q, by_seq ? " AND +sensor = " : " AND sensor = ");
		qs_text(q, f->sensor);
	}
	if (f->session != NULL) {
		qs_add(q, by_seq ? " AND +session = " : " AND session = ");
		qs_text(q, f->session);
	}
	if (f->fp != NULL) {
		qs_add(q, " AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(fields) THEN "
		    "fields ELSE '{}' END) WHERE key IN (" QUERY_FP_KEYS ") AND value = ");
		qs_text(q, f->fp);
		qs_add(q, ")");
	}
	if (f->after_seq != 0) {
		qs_add(q, " AND seq > ");
		qs_int(q, f->after_seq);
	}
	if (f->max_seq != 0) {
		qs_add(q, " AND seq <= ");
		qs_int(q, f->max_seq);
	}
}

/* Prepares q's text and binds its values. NULL with err. */
static sqlite3_stmt *
qs_prepare(sqlite3 *db, const struct qsql *q, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 i, rc = SQLITE_OK;

	if (q->overflow) {
		snprintf(err, errlen, "query too complex");
		return NULL;
	}
	if (sqlite3_prepare_v2(db, q->text, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
		return NULL;
	}
	for (i = 0; i < q->nbind && rc == SQLITE_OK; i++) {
		if (q->bind[i].s != NULL)
			rc = sqlite3_bind_text(st, i + 1, q->bind[i].s, -1, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_int64(st, i + 1, q->bind[i].i);
	}
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static int
qs_check_filter(const struct query_filter *f, char *err, size_t errlen)
{
	if (f->limit < 0) {
		snprintf(err, errlen, "negative limit %lld", (long long)f->limit);
		return -1;
	}
	return 0;
}

static int query_scalar(sqlite3 *, const struct qsql *, int64_t *, char *, size_t);

/*
 * With no index on ts to walk, the newest (QUERY_DESC, QUERY_LAST) or oldest (QUERY_ASC) limit
 * events matching f would take a read and a sort of every event in its window. They lie in the
 * window of the runs that hold the newest (oldest) m events of the store once that window holds
 * limit matching events: try growing m until it does, and narrow f's window to it. 0, or -1.
 */
static int
qs_narrow(sqlite3 *db, struct query_filter *f, char *err, size_t errlen)
{
	struct query_filter	 g;
	struct qsql		 q;
	int64_t			 m, bound, n;
	int			 newest = f->order != QUERY_ASC, rc;

	if (f->limit <= 0 || f->order == QUERY_SEQ)
		return 0;
	for (m = f->limit < TSRANGE_EVENTS ? 2 * TSRANGE_EVENTS : 4 * f->limit;; m *= 8) {
		if ((rc = tsranges_bound(db, newest, m, &bound)) <= 0) {
			if (rc == -1)
				snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
			return rc;	/* 0: m is the whole store, nothing to narrow */
		}
		g = *f;
		if (newest) {
			if (bound <= 0 || (f->since != 0 && bound <= f->since))
				return 0;
			g.since = bound;
		} else {
			if (bound <= 0 || (f->until != 0 && bound >= f->until))
				return 0;
			g.until = bound;
		}
		memset(&q, 0, sizeof(q));
		qs_add(&q, "SELECT COUNT(*) FROM (SELECT 1");
		qs_from(&q, &g);
		qs_where(&q, &g);
		qs_add(&q, " LIMIT ");
		qs_int(&q, f->limit);
		qs_add(&q, ")");
		if (query_scalar(db, &q, &n, err, errlen) == -1)
			return -1;
		if (n >= f->limit) {
			*f = g;
			return 0;
		}
		if (m > INT64_MAX / 8)
			return 0;
	}
}

struct query_iter *
query_open(sqlite3 *db, const struct query_filter *filter, char *err, size_t errlen)
{
	struct query_iter	*it;
	struct qsql		 q;
	struct query_filter	 nf = *filter, *f = &nf;
	enum query_order	 order = f->order;

	if (qs_check_filter(f, err, errlen) == -1)
		return NULL;
	if (order == QUERY_LAST && f->limit == 0)
		order = QUERY_ASC;
	if (qs_narrow(db, f, err, errlen) == -1)
		return NULL;
	memset(&q, 0, sizeof(q));
	if (order == QUERY_LAST)
		qs_add(&q, "SELECT * FROM (");
	qs_add(&q, "SELECT " QUERY_COLUMNS);
	qs_from(&q, f);
	qs_where(&q, f);
	if (order == QUERY_SEQ)
		qs_add(&q, " ORDER BY seq");
	else if (order == QUERY_ASC)
		qs_add(&q, " ORDER BY ts, seq");
	else
		qs_add(&q, " ORDER BY ts DESC, seq DESC");
	if (f->limit > 0) {
		qs_add(&q, " LIMIT ");
		qs_int(&q, f->limit);
	}
	if (order == QUERY_LAST)
		qs_add(&q, ") ORDER BY ts, seq");
	it = xcalloc(1, sizeof(*it));
	it->db = db;
	if ((it->st = qs_prepare(db, &q, err, errlen)) == NULL) {
		free(it);
		return NULL;
	}
	return it;
}

/* A JSON object from a fields column; text that is not one is kept as {"_invalid": text}. */
static json_t *
query_json_object(const char *text, size_t len)
{
	json_t	*j = NULL, *o;

	if (text != NULL)
		j = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
	if (json_is_object(j))
		return j;
	json_decref(j);
	o = json_object();
	if (text != NULL)
		json_object_set_new(o, "_invalid", evt_json_bytes(text, len));
	return o;
}

static void
query_copy(char *dst, size_t dstlen, const unsigned char *s)
{
	snprintf(dst, dstlen, "%s", s ? (const char *)s : "");
}

int
query_next(struct query_iter *it, struct evt **out)
{
	sqlite3_stmt	*st = it->st;
	struct evt	*ev;
	const char	*text;
	json_t		*tags;
	int		 rc, n;

	*out = NULL;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		snprintf(it->err, sizeof(it->err), "%s", sqlite3_errmsg(it->db));
		return -1;
	}
	ev = xcalloc(1, sizeof(*ev));
	ev->seq = sqlite3_column_int64(st, 0);
	query_copy(ev->id, sizeof(ev->id), sqlite3_column_text(st, 1));
	ev->ts = sqlite3_column_int64(st, 2);
	text = (const char *)sqlite3_column_text(st, 3);
	ev->sensor = xstrdup(text ? text : "");
	query_copy(ev->session, sizeof(ev->session), sqlite3_column_text(st, 4));
	query_copy(ev->proto, sizeof(ev->proto), sqlite3_column_text(st, 5));
	query_copy(ev->kind, sizeof(ev->kind), sqlite3_column_text(st, 6));
	query_copy(ev->src_ip, sizeof(ev->src_ip), sqlite3_column_text(st, 7));
	ev->src_port = (uint16_t)sqlite3_column_int(st, 8);
	query_copy(ev->dst_ip, sizeof(ev->dst_ip), sqlite3_column_text(st, 9));
	ev->dst_port = (uint16_t)sqlite3_column_int(st, 10);
	text = (const char *)sqlite3_column_text(st, 11);
	ev->fields = query_json_object(text, (size_t)sqlite3_column_bytes(st, 11));
	if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
		const void	*blob = sqlite3_column_blob(st, 12);

		n = sqlite3_column_bytes(st, 12);
		if ((ev->payload = malloc(n > 0 ? (size_t)n : 1)) == NULL) {
			snprintf(it->err, sizeof(it->err), "no memory for a %d-byte payload", n);
			evt_free(ev);
			return -1;
		}
		if (n > 0)
			memcpy(ev->payload, blob, (size_t)n);
		ev->payload_len = (size_t)n;
		ev->payload_total = (uint64_t)sqlite3_column_int64(st, 13);
		if (ev->payload_total < ev->payload_len)
			ev->payload_total = ev->payload_len;
		/* Stored before schema 7; computed since. */
		query_copy(ev->payload_sha256, sizeof(ev->payload_sha256),
		    sqlite3_column_text(st, 14));
		evt_hash(ev);
	}
	text = (const char *)sqlite3_column_text(st, 15);
	tags = text ? json_loadb(text, (size_t)sqlite3_column_bytes(st, 15), 0, NULL) : NULL;
	if (!json_is_array(tags)) {
		json_decref(tags);
		tags = json_array();
	}
	ev->tags = tags;
	*out = ev;
	return 1;
}

const char *
query_errmsg(const struct query_iter *it)
{
	return it->err;
}

void
query_close(struct query_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->st);
	free(it);
}

static const char *
query_column(const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(query_columns) / sizeof(query_columns[0]); i++)
		if (strcmp(key, query_columns[i]) == 0)
			return query_columns[i];
	return NULL;
}

/* Runs a statement that yields one integer. */
static int
query_scalar(sqlite3 *db, const struct qsql *q, int64_t *out, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = qs_prepare(db, q, err, errlen)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
query_count(sqlite3 *db, const struct query_filter *f, const char *distinct_col, int64_t *out,
    char *err, size_t errlen)
{
	struct query_filter	 g = *f;
	struct qsql		 q;
	const char		*col = NULL;

	if (distinct_col != NULL && (col = query_column(distinct_col)) == NULL) {
		snprintf(err, errlen, "unknown column %s", distinct_col);
		return -1;
	}
	memset(&q, 0, sizeof(q));
	if (col != NULL) {
		qs_add(&q, "SELECT COUNT(DISTINCT ");
		qs_add(&q, col);
		qs_add(&q, ")");
	} else
		qs_add(&q, "SELECT COUNT(*)");
	g.order = QUERY_ASC;		/* order plays no part: let the planner use the indexes */
	qs_from(&q, &g);
	qs_where(&q, &g);
	return query_scalar(db, &q, out, err, errlen);
}

int64_t
query_max_seq(sqlite3 *db, char *err, size_t errlen)
{
	struct qsql	 q;
	int64_t		 v = 0;

	memset(&q, 0, sizeof(q));
	qs_add(&q, "SELECT COALESCE(MAX(seq), 0) FROM events");
	return query_scalar(db, &q, &v, err, errlen) == -1 ? -1 : v;
}

void
query_rank_free(struct query_rank *r, size_t n)
{
	size_t	 i, k;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		for (k = 0; k < QUERY_RANK_MAX_KEYS; k++)
			free(r[i].val[k]);
	free(r);
}

int
query_top(sqlite3 *db, const struct query_filter *f, const char *const *keys, size_t nkeys,
    size_t n, struct query_rank **out, size_t *nout, char *err, size_t errlen)
{
	return query_top_distinct(db, f, keys, nkeys, n, NULL, out, nout, err, errlen);
}

int
query_top_distinct(sqlite3 *db, const struct query_filter *f, const char *const *keys,
    size_t nkeys, size_t n, const char *count_col, struct query_rank **out, size_t *nout,
    char *err, size_t errlen)
{
	static const char *const alias[QUERY_RANK_MAX_KEYS] = { "k0", "k1", "k2", "k3" };
	struct query_rank	*r = NULL, *nr;
	struct query_filter	 g = *f;
	struct qsql		 q;
	sqlite3_stmt		*st;
	const char		*ccol = NULL;
	size_t			 k, cnt = 0, cap = 0;
	int			 rc, tags = 0;

	*out = NULL;
	*nout = 0;
	if (nkeys == 0 || nkeys > QUERY_RANK_MAX_KEYS) {
		snprintf(err, errlen, "ranking needs 1 to %d keys", QUERY_RANK_MAX_KEYS);
		return -1;
	}
	if (count_col != NULL && (ccol = query_column(count_col)) == NULL) {
		snprintf(err, errlen, "unknown column %s", count_col);
		return -1;
	}
	memset(&q, 0, sizeof(q));
	qs_add(&q, "SELECT ");
	for (k = 0; k < nkeys; k++) {
		qs_add(&q, alias[k]);
		qs_add(&q, ", ");
	}
	if (ccol != NULL) {
		qs_add(&q, "COUNT(DISTINCT c) AS n FROM (SELECT ");
		qs_add(&q, ccol);
		qs_add(&q, " AS c, ");
	} else
		qs_add(&q, "COUNT(*) AS n FROM (SELECT ");
	for (k = 0; k < nkeys; k++) {
		const char	*col;

		if (k > 0)
			qs_add(&q, ", ");
		if (strcmp(keys[k], "tag") == 0) {
			qs_add(&q, "t.value");
			tags = 1;
		} else if (strncmp(keys[k], "$.", 2) == 0) {
			qs_add(&q, "CASE WHEN json_valid(fields) THEN json_extract(fields, ");
			qs_text(&q, keys[k]);
			qs_add(&q, ") END");
		} else if ((col = query_column(keys[k])) != NULL)
			qs_add(&q, col);
		else {
			snprintf(err, errlen, "unknown ranking key %s", keys[k]);
			return -1;
		}
		qs_add(&q, " AS ");
		qs_add(&q, alias[k]);
	}
	g.order = QUERY_ASC;
	qs_from(&q, &g);
	if (tags)	/* one row per element of the tags array */
		qs_add(&q, ", json_each(CASE WHEN json_valid(events.tags) THEN events.tags "
		    "ELSE '[]' END) AS t");
	qs_where(&q, &g);
	qs_add(&q, ") WHERE k0 IS NOT NULL GROUP BY ");
	for (k = 0; k < nkeys; k++) {
		if (k > 0)
			qs_add(&q, ", ");
		qs_add(&q, alias[k]);
	}
	qs_add(&q, " ORDER BY n DESC");
	for (k = 0; k < nkeys; k++) {
		qs_add(&q, ", ");
		qs_add(&q, alias[k]);
	}
	if (n > 0) {
		qs_add(&q, " LIMIT ");
		qs_int(&q, (int64_t)n);
	}
	if ((st = qs_prepare(db, &q, err, errlen)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nr = realloc(r, cap * sizeof(*r))) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			r = nr;
		}
		memset(&r[cnt], 0, sizeof(r[cnt]));
		cnt++;
		for (k = 0; k < nkeys; k++) {
			const unsigned char	*v;
			int			 len;

			if (sqlite3_column_type(st, (int)k) == SQLITE_NULL)
				continue;
			v = sqlite3_column_text(st, (int)k);
			len = sqlite3_column_bytes(st, (int)k);
			if (v == NULL || (r[cnt - 1].val[k] = malloc((size_t)len + 1)) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			memcpy(r[cnt - 1].val[k], v, (size_t)len);
			r[cnt - 1].val[k][len] = '\0';
			r[cnt - 1].len[k] = (size_t)len;
		}
		r[cnt - 1].count = sqlite3_column_int64(st, (int)nkeys);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_finalize(st);
	*out = r;
	*nout = cnt;
	return 0;
fail:
	sqlite3_finalize(st);
	query_rank_free(r, cnt);
	return -1;
}
