/*
 * rollup.c - one pass over events into two hash maps: counts keyed by (hour, sensor, dim,
 * value) and the earliest time of each first-seen value; then one upsert per distinct key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/rollup.h"
#include "analyze/strmap.h"
#include "core/jsonw.h"
#include "core/xmalloc.h"

const char *const rollup_fp_fields[] = {
	"ja3", "ja4", "ja4h", "ja4t", "ja4x", "ja4ssh", "hassh", "syn_fp", NULL,
};

#define RU_NFP		8
#define RU_NFIXED	8

enum { F_METHOD, F_URI, F_PATH, F_UA, F_USER, F_PASS, F_CMD, F_URL };

static const char *const ru_keys[RU_NFIXED + RU_NFP] = {
	"method", "uri", "path", "user_agent", "user", "password", "command", "url",
	"ja3", "ja4", "ja4h", "ja4t", "ja4x", "ja4ssh", "hassh", "syn_fp",
};

/* The what of first_seen for a dimension, or NULL when it is not tracked. */
static const char *
ru_what(int dim)
{
	switch (dim) {
	case RD_SRC: return "src";
	case RD_PATH: return "path";
	case RD_SIG: return "sig";
	case RD_FP: return "fp";
	default: return NULL;
	}
}

struct rollup {
	struct strmap	 counts;	/* hour(8) sensor \0 dim(1) value -> count */
	struct strmap	 first;		/* dim(1) value -> count, aux = earliest ts */
	struct rollup_scratch s;
	struct buf	 key;
	int64_t		 ts;		/* the event being added */
	int64_t		 weight;	/* ... and how many such events */
	const char	*sensor;
};

void
rollup_scratch_init(struct rollup_scratch *s)
{
	size_t	 i;

	for (i = 0; i < 8; i++)
		buf_init(&s->v[i], 1 << 20);
	buf_init(&s->tmp, 1 << 20);
}

void
rollup_scratch_free(struct rollup_scratch *s)
{
	size_t	 i;

	for (i = 0; i < 8; i++)
		buf_free(&s->v[i]);
	buf_free(&s->tmp);
}

static int
ru_str(struct rollup_scratch *s, int k, const char *const *vals, const size_t *vlens)
{
	s->v[k].len = 0;
	return vals[k] != NULL && jsonw_string_value(vals[k], vlens[k], &s->v[k]) == 1;
}

#define RU_EMIT(dim, p, n) fn(arg, (dim), (p), (n) > ROLLUP_STR_MAX ? ROLLUP_STR_MAX : (n))

static void
ru_fields(struct rollup_scratch *s, const char *kind, const char *text, size_t len,
    void (*fn)(void *, int, const void *, size_t), void *arg)
{
	const char	*vals[RU_NFIXED + RU_NFP];
	size_t		 vlens[RU_NFIXED + RU_NFP], k;
	struct buf	*t = &s->tmp;

	if (len <= 2 || jsonw_find_many(text, len, ru_keys, RU_NFIXED + RU_NFP, vals, vlens) == 0)
		return;
	if (strcmp(kind, "request") == 0) {
		if (ru_str(s, F_METHOD, vals, vlens) && ru_str(s, F_URI, vals, vlens)) {
			t->len = 0;
			buf_append(t, s->v[F_METHOD].data, s->v[F_METHOD].len);
			buf_append(t, " ", 1);
			buf_append(t, s->v[F_URI].data, s->v[F_URI].len);
			RU_EMIT(RD_REQLINE, t->data, t->len);
		}
		if (ru_str(s, F_PATH, vals, vlens))
			RU_EMIT(RD_PATH, s->v[F_PATH].data, s->v[F_PATH].len);
		if (ru_str(s, F_UA, vals, vlens))
			RU_EMIT(RD_UA, s->v[F_UA].data, s->v[F_UA].len);
	} else if (strcmp(kind, "login") == 0) {
		if (ru_str(s, F_USER, vals, vlens) | ru_str(s, F_PASS, vals, vlens)) {
			t->len = 0;
			buf_append(t, s->v[F_USER].data, s->v[F_USER].len < ROLLUP_CRED_MAX ?
			    s->v[F_USER].len : ROLLUP_CRED_MAX);
			buf_append(t, "", 1);
			buf_append(t, s->v[F_PASS].data, s->v[F_PASS].len < ROLLUP_CRED_MAX ?
			    s->v[F_PASS].len : ROLLUP_CRED_MAX);
			fn(arg, RD_CRED, t->data, t->len);
		}
	} else if (strcmp(kind, "command") == 0) {
		if (ru_str(s, F_CMD, vals, vlens))
			RU_EMIT(RD_CMD, s->v[F_CMD].data, s->v[F_CMD].len);
	} else if (strcmp(kind, "download_url") == 0) {
		if (ru_str(s, F_URL, vals, vlens))
			RU_EMIT(RD_URL, s->v[F_URL].data, s->v[F_URL].len);
	}
	for (k = RU_NFIXED; k < RU_NFIXED + RU_NFP; k++) {
		t->len = 0;
		if (vals[k] != NULL && jsonw_string_value(vals[k], vlens[k], t) == 1 && t->len > 0)
			RU_EMIT(RD_FP, t->data, t->len);
	}
}

/* rollup_values, without the source when src_ip is NULL. */
static void
ru_values(struct rollup_scratch *s, const char *proto, const char *kind, const char *src_ip,
    int dst_port, const char *fields, size_t flen, const char *tags, size_t tlen,
    void (*fn)(void *arg, int dim, const void *v, size_t len), void *arg)
{
	char	 num[24];
	json_t	*a, *v;
	size_t	 i;

	fn(arg, RD_PROTO, proto, strlen(proto));
	fn(arg, RD_KIND, kind, strlen(kind));
	if (src_ip != NULL)
		fn(arg, RD_SRC, src_ip, strlen(src_ip));
	if (dst_port > 0)
		fn(arg, RD_PORT, num, fmt_int(num, dst_port));
	if (fields != NULL)
		ru_fields(s, kind, fields, flen, fn, arg);
	if (tags == NULL || tlen <= 2 || (a = json_loadb(tags, tlen, 0, NULL)) == NULL)
		return;
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			RU_EMIT(RD_SIG, json_string_value(v), json_string_length(v));
	json_decref(a);
}

void
rollup_values(struct rollup_scratch *s, const char *proto, const char *kind, const char *src_ip,
    int dst_port, const char *fields, size_t flen, const char *tags, size_t tlen,
    void (*fn)(void *arg, int dim, const void *v, size_t len), void *arg)
{
	ru_values(s, proto, kind, src_ip, dst_port, fields, flen, tags, tlen, fn, arg);
}

struct rollup *
rollup_new(void)
{
	struct rollup	*r = xcalloc(1, sizeof(*r));

	rollup_scratch_init(&r->s);
	buf_init(&r->key, 1 << 16);
	return r;
}

void
rollup_free(struct rollup *r)
{
	if (r == NULL)
		return;
	strmap_free(&r->counts);
	strmap_free(&r->first);
	rollup_scratch_free(&r->s);
	buf_free(&r->key);
	free(r);
}

static void
ru_count(void *arg, int dim, const void *v, size_t len)
{
	struct rollup		*r = arg;
	struct buf		*k = &r->key;
	struct strmap_ent	*e;
	int64_t			 hour = r->ts / ROLLUP_HOUR_US;
	uint8_t			 d = (uint8_t)dim;

	k->len = 0;
	buf_append(k, &hour, sizeof(hour));
	buf_append(k, r->sensor, strlen(r->sensor) + 1);
	buf_append(k, &d, 1);
	buf_append(k, v, len);
	strmap_get(&r->counts, k->data, k->len)->count += r->weight;
	if (ru_what(dim) == NULL || len == 0)
		return;
	e = strmap_get(&r->first, (const char *)k->data + k->len - len - 1, len + 1);
	if (e->count == 0 || r->ts < e->aux)
		e->aux = r->ts;
	e->count += r->weight;
}

void
rollup_add(struct rollup *r, int64_t ts, const char *sensor, const char *proto, const char *kind,
    const char *src_ip, int dst_port, const char *fields, size_t flen, const char *tags,
    size_t tlen)
{
	if (ts < 0)
		ts = 0;
	r->ts = ts;
	r->weight = 1;
	r->sensor = sensor;
	ru_values(&r->s, proto, kind, src_ip, dst_port, fields, flen, tags, tlen, ru_count, r);
}

void
rollup_add_many(struct rollup *r, int64_t ts, int64_t n, const char *sensor, const char *proto,
    const char *kind, int dst_port, const char *fields, size_t flen, const char *tags,
    size_t tlen)
{
	r->ts = ts < 0 ? 0 : ts;
	r->weight = n;
	r->sensor = sensor;
	ru_values(&r->s, proto, kind, NULL, dst_port, fields, flen, tags, tlen, ru_count, r);
}

void
rollup_add_src(struct rollup *r, int64_t ts, const char *sensor, const char *src_ip)
{
	r->ts = ts < 0 ? 0 : ts;
	r->weight = 1;
	r->sensor = sensor;
	ru_count(r, RD_SRC, src_ip, strlen(src_ip));
}

int
rollup_flush(sqlite3 *db, struct rollup *r, int64_t mark)
{
	sqlite3_stmt	*c = NULL, *f = NULL, *m = NULL;
	size_t		 i;
	int		 rc = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO rollup (hour, sensor, dim, value, count) VALUES "
	    "(?1, ?2, ?3, ?4, ?5) ON CONFLICT (hour, sensor, dim, value) DO UPDATE SET "
	    "count = count + excluded.count", -1, &c, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO first_seen (what, value, ts) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (what, value) DO UPDATE SET ts = MIN(ts, excluded.ts)", -1, &f,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE fold_mark SET seq = ?1 WHERE id = 1", -1, &m,
	    NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < r->counts.cap; i++) {
		const struct strmap_ent	*e = &r->counts.tab[i];
		const char		*sensor;
		size_t			 sl;
		int64_t			 hour;

		if (e->key == NULL || e->count == 0)
			continue;	/* 0: every event of it was subtracted */
		memcpy(&hour, e->key, sizeof(hour));
		sensor = e->key + sizeof(hour);
		sl = strlen(sensor);
		sqlite3_bind_int64(c, 1, hour);
		sqlite3_bind_text(c, 2, sensor, (int)sl, SQLITE_STATIC);
		sqlite3_bind_int(c, 3, (unsigned char)sensor[sl + 1]);
		sqlite3_bind_blob(c, 4, sensor + sl + 2, (int)(e->len - sizeof(hour) - sl - 2),
		    SQLITE_STATIC);
		sqlite3_bind_int64(c, 5, e->count);
		if (sqlite3_step(c) != SQLITE_DONE)
			goto out;
		sqlite3_reset(c);
	}
	for (i = 0; i < r->first.cap; i++) {
		const struct strmap_ent	*e = &r->first.tab[i];

		if (e->key == NULL || e->count == 0)
			continue;	/* 0: pruned */
		sqlite3_bind_text(f, 1, ru_what((unsigned char)e->key[0]), -1, SQLITE_STATIC);
		sqlite3_bind_text(f, 2, e->key + 1, (int)e->len - 1, SQLITE_STATIC);
		sqlite3_bind_int64(f, 3, e->aux);
		if (sqlite3_step(f) != SQLITE_DONE)
			goto out;
		sqlite3_reset(f);
	}
	sqlite3_bind_int64(m, 1, mark);
	if (sqlite3_step(m) != SQLITE_DONE)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(c);
	sqlite3_finalize(f);
	sqlite3_finalize(m);
	return rc;
}

void
rollup_subtract(struct rollup *r, const struct rollup *minus)
{
	const struct strmap_ent	*e;
	size_t			 i;

	for (i = 0; i < minus->counts.cap; i++) {
		e = &minus->counts.tab[i];
		if (e->key != NULL && e->count != 0)
			strmap_get(&r->counts, e->key, e->len)->count -= e->count;
	}
}

void
rollup_first_prune(struct rollup *r, struct strmap *flushed)
{
	struct strmap_ent	*e, *f;
	size_t			 i;

	for (i = 0; i < r->first.cap; i++) {
		e = &r->first.tab[i];
		if (e->key == NULL || e->count == 0)
			continue;
		f = strmap_get(flushed, e->key, e->len);
		if (f->count++ > 0 && f->aux <= e->aux)
			e->count = 0;
		else
			f->aux = e->aux;
	}
}

int64_t
rollup_mark(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, "SELECT seq FROM fold_mark WHERE id = 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
ru_scan(sqlite3 *db, struct rollup *r, int64_t mark, int64_t *maxseq)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT seq, ts, sensor, proto, kind, src_ip, dst_port, fields, "
	    "tags FROM events WHERE seq > ?1 ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, mark);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char	*sensor = (const char *)sqlite3_column_text(st, 2);
		const char	*proto = (const char *)sqlite3_column_text(st, 3);
		const char	*kind = (const char *)sqlite3_column_text(st, 4);
		const char	*ip = (const char *)sqlite3_column_text(st, 5);
		const char	*f = (const char *)sqlite3_column_text(st, 7);
		const char	*t = (const char *)sqlite3_column_text(st, 8);

		*maxseq = sqlite3_column_int64(st, 0);
		if (sensor == NULL || proto == NULL || kind == NULL || ip == NULL)
			continue;
		rollup_add(r, sqlite3_column_int64(st, 1), sensor, proto, kind, ip,
		    sqlite3_column_int(st, 6), f, f ? (size_t)sqlite3_column_bytes(st, 7) : 0, t,
		    t ? (size_t)sqlite3_column_bytes(st, 8) : 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
rollup_fold(sqlite3 *db, char *err, size_t errlen)
{
	struct rollup	*r = rollup_new();
	int64_t		 mark, maxseq;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if ((mark = rollup_mark(db)) == -1)
		goto rollback;
	maxseq = mark;
	if (ru_scan(db, r, mark, &maxseq) == -1)
		goto rollback;
	if (maxseq != mark && rollup_flush(db, r, maxseq) == -1)
		goto rollback;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto rollback;
	rollup_free(r);
	return 0;
rollback:
	snprintf(err, errlen, "rollup: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	rollup_free(r);
	return -1;
fail:
	snprintf(err, errlen, "rollup: %s", sqlite3_errmsg(db));
	rollup_free(r);
	return -1;
}

/* Adds the tags of every folded event (seq <= mark) to r's signature counts. */
static int
ru_scan_tags(sqlite3 *db, struct rollup *r, int64_t mark)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT ts, sensor, tags FROM events WHERE seq <= ?1 AND "
	    "tags != '[]'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, mark);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char	*sensor = (const char *)sqlite3_column_text(st, 1);
		const char	*t = (const char *)sqlite3_column_text(st, 2);
		json_t		*a, *v;
		size_t		 i;

		if (sensor == NULL || t == NULL ||
		    (a = json_loadb(t, (size_t)sqlite3_column_bytes(st, 2), 0, NULL)) == NULL)
			continue;
		r->ts = sqlite3_column_int64(st, 0) < 0 ? 0 : sqlite3_column_int64(st, 0);
		r->weight = 1;
		r->sensor = sensor;
		json_array_foreach(a, i, v)
			if (json_is_string(v))
				ru_count(r, RD_SIG, json_string_value(v),
				    json_string_length(v) > ROLLUP_STR_MAX ? ROLLUP_STR_MAX :
				    json_string_length(v));
		json_decref(a);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
rollup_resig(sqlite3 *db, char *err, size_t errlen)
{
	struct rollup	*r = rollup_new();
	sqlite3_stmt	*st = NULL;
	int64_t		 mark;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if ((mark = rollup_mark(db)) == -1 ||
	    sqlite3_prepare_v2(db, "DELETE FROM rollup WHERE dim = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto rollback;
	sqlite3_bind_int(st, 1, RD_SIG);
	if (sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_exec(db, "DELETE FROM first_seen WHERE what = 'sig'", NULL, NULL, NULL) !=
	    SQLITE_OK || ru_scan_tags(db, r, mark) == -1 || rollup_flush(db, r, mark) == -1 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto rollback;
	sqlite3_finalize(st);
	rollup_free(r);
	return 0;
rollback:
	snprintf(err, errlen, "rollup: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	rollup_free(r);
	return -1;
fail:
	snprintf(err, errlen, "rollup: %s", sqlite3_errmsg(db));
	rollup_free(r);
	return -1;
}
