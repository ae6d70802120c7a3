/*
 * report.c - builds the daily report object in one pass over the day's events (fields read with
 * jsonw, counted in hash maps), plus a count of the day before, the per-hour histogram, and the
 * first-seen rows of the day. Attacker strings enter the object as valid UTF-8, cut to
 * REPORT_STR_MAX bytes; the renderers escape them for their format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/rollup.h"
#include "analyze/report.h"
#include "analyze/strmap.h"
#include "core/buf.h"
#include "core/evt.h"
#include "core/jsonw.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/tsrange.h"

/* The report's maps: one per rollup dimension, then the sensors. */
enum { M_SENSOR = RD_NDIMS, M_SENSOR_SRC, M_NMAPS };

/* Aliases for the dimensions the builder ranks. */
enum { M_PROTO = RD_PROTO, M_KIND = RD_KIND, M_SRC = RD_SRC, M_PORT = RD_PORT,
	M_REQLINE = RD_REQLINE, M_PATH = RD_PATH, M_UA = RD_UA, M_CRED = RD_CRED, M_CMD = RD_CMD,
	M_URL = RD_URL, M_SIG = RD_SIG, M_FP = RD_FP };

struct rb {
	const struct report_day	*d;
	struct strmap		 m[M_NMAPS];
	int64_t			 hours[25];
	int64_t			 events;
	struct rollup_scratch	 s;
	struct buf		 tmp;
};

static void
rb_value(void *arg, int dim, const void *v, size_t len)
{
	struct rb	*b = arg;

	strmap_get(&b->m[dim], v, len)->count++;
}

static int
rb_hour(const struct rb *b, int64_t ts)
{
	int	 h;

	for (h = 0; h < b->d->nhours - 1 && ts >= b->d->hour[h + 1]; h++)
		;
	return h;
}

static void
rb_sensor(struct rb *b, const char *sensor, const char *ip, size_t iplen, int64_t n)
{
	b->tmp.len = 0;
	buf_append(&b->tmp, sensor, strlen(sensor) + 1);
	buf_append(&b->tmp, ip, iplen);
	strmap_get(&b->m[M_SENSOR_SRC], b->tmp.data, b->tmp.len)->count += n;
}

static void
rb_row(struct rb *b, sqlite3_stmt *st)
{
	int64_t		 ts = sqlite3_column_int64(st, 0);
	const char	*sensor = (const char *)sqlite3_column_text(st, 1);
	const char	*proto = (const char *)sqlite3_column_text(st, 2);
	const char	*kind = (const char *)sqlite3_column_text(st, 3);
	const char	*ip = (const char *)sqlite3_column_text(st, 4);
	const char	*fields = (const char *)sqlite3_column_text(st, 6);
	const char	*tags = (const char *)sqlite3_column_text(st, 7);

	if (sensor == NULL || proto == NULL || kind == NULL || ip == NULL)
		return;
	b->events++;
	b->hours[rb_hour(b, ts)]++;
	strmap_get(&b->m[M_SENSOR], sensor, strlen(sensor))->count++;
	rb_sensor(b, sensor, ip, strlen(ip), 1);
	rollup_values(&b->s, proto, kind, ip, sqlite3_column_int(st, 5), fields,
	    fields ? (size_t)sqlite3_column_bytes(st, 6) : 0, tags,
	    tags ? (size_t)sqlite3_column_bytes(st, 7) : 0, rb_value, b);
}

/* Every event of the day, one by one. */
static int
rb_scan(sqlite3 *db, struct rb *b, const char *sensor)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sensor ?
	    "SELECT ts, sensor, proto, kind, src_ip, dst_port, fields, tags FROM "
	    TSRANGE_WINDOW("?1", "?2") " AND sensor = ?3" :
	    "SELECT ts, sensor, proto, kind, src_ip, dst_port, fields, tags FROM "
	    TSRANGE_WINDOW("?1", "?2"), -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, b->d->start);
	sqlite3_bind_int64(st, 2, b->d->end);
	if (sensor)
		sqlite3_bind_text(st, 3, sensor, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rb_row(b, st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Whether the day's hours are whole UTC hours, so the rollup can stand for the events. */
static int
rb_aligned(const struct report_day *d)
{
	int	 h;

	if (getenv("HANIPO_REPORT_SCAN") != NULL)	/* tests compare both paths */
		return 0;
	if (d->prev_start % ROLLUP_HOUR_US != 0)
		return 0;
	for (h = 0; h <= d->nhours; h++)
		if (d->hour[h] % ROLLUP_HOUR_US != 0)
			return 0;
	return 1;
}

/* The day from the rollup table: the same maps as rb_scan, from per-hour counts. */
static int
rb_rollup(sqlite3 *db, struct rb *b, const char *sensor)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sensor ?
	    "SELECT hour, sensor, dim, value, count FROM rollup WHERE hour >= ?1 AND hour < ?2 "
	    "AND sensor = ?3" :
	    "SELECT hour, sensor, dim, value, count FROM rollup WHERE hour >= ?1 AND hour < ?2",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, b->d->start / ROLLUP_HOUR_US);
	sqlite3_bind_int64(st, 2, b->d->end / ROLLUP_HOUR_US);
	if (sensor)
		sqlite3_bind_text(st, 3, sensor, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t		 hour = sqlite3_column_int64(st, 0);
		const char	*sen = (const char *)sqlite3_column_text(st, 1);
		int		 dim = sqlite3_column_int(st, 2);
		const void	*v = sqlite3_column_blob(st, 3);
		size_t		 len = (size_t)sqlite3_column_bytes(st, 3);
		int64_t		 n = sqlite3_column_int64(st, 4);

		if (sen == NULL || dim < 0 || dim >= RD_NDIMS)
			continue;
		if (v == NULL)
			v = "";
		strmap_get(&b->m[dim], v, len)->count += n;
		if (dim == RD_KIND) {
			b->events += n;
			b->hours[rb_hour(b, hour * ROLLUP_HOUR_US)] += n;
			strmap_get(&b->m[M_SENSOR], sen, strlen(sen))->count += n;
		} else if (dim == RD_SRC)
			rb_sensor(b, sen, v, len, n);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Totals of [start, end) (whole UTC hours) from the rollup table. */
static int
rb_totals_rollup(sqlite3 *db, int64_t start, int64_t end, const char *sensor, json_t **kinds,
    int64_t *events, int64_t *sources)
{
	sqlite3_stmt	*st;
	int		 rc;

	*kinds = json_object();
	*events = *sources = 0;
	if (sqlite3_prepare_v2(db, sensor ?
	    "SELECT dim, CASE dim WHEN ?4 THEN NULL ELSE value END AS v, SUM(count), "
	    "COUNT(DISTINCT value) FROM rollup WHERE hour >= ?1 AND hour < ?2 AND sensor = ?3 "
	    "AND dim IN (?4, ?5) GROUP BY dim, v" :
	    "SELECT dim, CASE dim WHEN ?4 THEN NULL ELSE value END AS v, SUM(count), "
	    "COUNT(DISTINCT value) FROM rollup WHERE hour >= ?1 AND hour < ?2 "
	    "AND dim IN (?4, ?5) GROUP BY dim, v", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, start / ROLLUP_HOUR_US);
	sqlite3_bind_int64(st, 2, end / ROLLUP_HOUR_US);
	if (sensor)
		sqlite3_bind_text(st, 3, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, RD_SRC);
	sqlite3_bind_int(st, 5, RD_KIND);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) == RD_SRC) {
			*sources = sqlite3_column_int64(st, 3);
			continue;
		}
		*events += sqlite3_column_int64(st, 2);
		{
			const char	*k = (const char *)sqlite3_column_text(st, 1);
			char		 name[64];
			int		 n = sqlite3_column_bytes(st, 1);

			if (k == NULL || n <= 0 || (size_t)n >= sizeof(name))
				continue;
			memcpy(name, k, (size_t)n);
			name[n] = '\0';
			json_object_set_new(*kinds, name, json_integer(sqlite3_column_int64(st, 2)));
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Totals of [start, end) from the events: events, sources and per-kind counts. */
static int
rb_totals_scan(sqlite3 *db, int64_t start, int64_t end, const char *sensor, json_t **kinds,
    int64_t *events, int64_t *sources)
{
	sqlite3_stmt	*st;
	int		 rc;

	*kinds = json_object();
	*events = *sources = 0;
	if (sqlite3_prepare_v2(db, sensor ?
	    "SELECT kind, COUNT(*) FROM " TSRANGE_WINDOW("?1", "?2") " AND sensor = ?3 "
	    "GROUP BY kind" :
	    "SELECT kind, COUNT(*) FROM " TSRANGE_WINDOW("?1", "?2") " GROUP BY kind", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, start);
	sqlite3_bind_int64(st, 2, end);
	if (sensor)
		sqlite3_bind_text(st, 3, sensor, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char	*k = (const char *)sqlite3_column_text(st, 0);

		*events += sqlite3_column_int64(st, 1);
		if (k != NULL)
			json_object_set_new(*kinds, k, json_integer(sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(db, sensor ?
	    "SELECT COUNT(DISTINCT src_ip) FROM " TSRANGE_WINDOW("?1", "?2") " AND sensor = ?3" :
	    "SELECT COUNT(DISTINCT src_ip) FROM " TSRANGE_WINDOW("?1", "?2"), -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, start);
	sqlite3_bind_int64(st, 2, end);
	if (sensor)
		sqlite3_bind_text(st, 3, sensor, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*sources = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static json_t *
rb_text(const char *p, size_t len)
{
	return evt_json_bytes(p, len);
}

/* [{"value": key, "count": n}, ...]: the top n of m (0: all). */
static json_t *
rb_rank(const struct strmap *m, size_t top)
{
	struct strmap_ent	**v;
	json_t			 *a = json_array();
	size_t			  n, i;

	v = strmap_sorted(m, &n);
	for (i = 0; i < n && (top == 0 || i < top); i++)
		json_array_append_new(a, json_pack("{s:o, s:I}", "value",
		    rb_text(v[i]->key, v[i]->len), "count", (json_int_t)v[i]->count));
	free(v);
	return a;
}

static int64_t
rb_kind(const struct rb *b, const char *kind)
{
	struct strmap_ent	*e = strmap_find(&b->m[M_KIND], kind, strlen(kind));

	return e ? e->count : 0;
}

static json_t *
rb_total(int64_t day, int64_t prev)
{
	return json_pack("{s:I, s:I}", "day", (json_int_t)day, "prev", (json_int_t)prev);
}

static json_t *
rb_totals(const struct rb *b, json_t *pk, int64_t pev, int64_t psrc)
{
	static const char *const kinds[][2] = {
		{ "requests", "request" }, { "logins", "login" }, { "commands", "command" },
		{ "downloads", "download_url" },
	};
	json_t	*t = json_object();
	size_t	 i;

	json_object_set_new(t, "events", rb_total(b->events, pev));
	json_object_set_new(t, "sources", rb_total((int64_t)b->m[M_SRC].n, psrc));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		json_t	*p = json_object_get(pk, kinds[i][1]);

		json_object_set_new(t, kinds[i][0], rb_total(rb_kind(b, kinds[i][1]),
		    json_is_integer(p) ? json_integer_value(p) : 0));
	}
	return t;
}

static json_t *
rb_sources(const struct rb *b, const struct report_lookup *lk, json_t **countries)
{
	struct strmap_ent	**v;
	struct strmap		  cc = { 0 };
	json_t			 *a = json_array();
	size_t			  n, i;
	char			  asn[128];

	v = strmap_sorted(&b->m[M_SRC], &n);
	for (i = 0; i < n; i++) {
		const char	*c = lk && lk->country ? lk->country(lk->arg, v[i]->key) : NULL;
		const char	*as = NULL;

		if (c == NULL || *c == '\0')
			c = "--";
		strmap_get(&cc, c, strlen(c))->count += v[i]->count;
		if (i >= REPORT_TOP)
			continue;
		if (lk && lk->asn)
			as = lk->asn(lk->arg, v[i]->key, asn, sizeof(asn));
		json_array_append_new(a, json_pack("{s:o, s:I, s:s, s:o}", "value",
		    rb_text(v[i]->key, v[i]->len), "count", (json_int_t)v[i]->count, "country", c,
		    "asn", rb_text(as ? as : "--", strlen(as ? as : "--"))));
	}
	free(v);
	*countries = rb_rank(&cc, REPORT_TOP);
	strmap_free(&cc);
	return a;
}

static json_t *
rb_creds(const struct rb *b)
{
	struct strmap_ent	**v;
	json_t			 *a = json_array();
	size_t			  n, i, ul;

	v = strmap_sorted(&b->m[M_CRED], &n);
	for (i = 0; i < n && i < REPORT_TOP; i++) {
		ul = strlen(v[i]->key);
		json_array_append_new(a, json_pack("{s:o, s:o, s:I}", "user",
		    rb_text(v[i]->key, ul), "password", rb_text(v[i]->key + ul + 1,
		    v[i]->len - ul - 1), "count", (json_int_t)v[i]->count));
	}
	free(v);
	return a;
}

static json_t *
rb_sigs(const struct rb *b, const struct report_lookup *lk)
{
	struct strmap_ent	**v;
	json_t			 *a = json_array(), *rec, *o;
	size_t			  n, i;

	v = strmap_sorted(&b->m[M_SIG], &n);
	for (i = 0; i < n && i < REPORT_TOP; i++) {
		rec = lk && lk->signature ? lk->signature(lk->arg, v[i]->key) : NULL;
		o = json_pack("{s:o, s:I}", "id", rb_text(v[i]->key, v[i]->len), "count",
		    (json_int_t)v[i]->count);
		if (rec != NULL) {
			json_object_update_missing(o, rec);
			json_decref(rec);
		} else
			json_object_update_missing_new(o, json_pack("{s:s, s:[], s:s, s:[]}",
			    "name", "--", "cves", "category", "--", "owasp"));
		json_array_append_new(a, o);
	}
	free(v);
	return a;
}

static json_t *
rb_sensors(const struct rb *b)
{
	struct strmap_ent	**v, **w;
	json_t			 *a = json_array();
	size_t			  n, nw, i, j;

	v = strmap_sorted(&b->m[M_SENSOR], &n);
	w = strmap_sorted_keys(&b->m[M_SENSOR_SRC], &nw);
	for (i = 0; i < n; i++) {
		int64_t	 src = 0;

		for (j = 0; j < nw; j++)
			if (strcmp(w[j]->key, v[i]->key) == 0)
				src++;
		json_array_append_new(a, json_pack("{s:o, s:I, s:I}", "sensor",
		    rb_text(v[i]->key, v[i]->len), "events", (json_int_t)v[i]->count, "sources",
		    (json_int_t)src));
	}
	free(v);
	free(w);
	return a;
}

/* First seen ever on this day, among the values this report saw (its sensor filter applies). */
static int
rb_new(sqlite3 *db, const struct rb *b, json_t *out)
{
	static const struct { const char *what, *name; int map; } cat[] = {
		{ "path", "paths", M_PATH }, { "sig", "signatures", M_SIG },
		{ "fp", "fingerprints", M_FP }, { "src", "sources", M_SRC },
	};
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(db, "SELECT value FROM first_seen WHERE what = ?1 AND ts >= ?2 "
	    "AND ts < ?3 ORDER BY ts, value", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < sizeof(cat) / sizeof(cat[0]); i++) {
		json_t	*a = json_array();
		int64_t	 total = 0;

		sqlite3_bind_text(st, 1, cat[i].what, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, b->d->start);
		sqlite3_bind_int64(st, 3, b->d->end);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char	*v = (const char *)sqlite3_column_text(st, 0);
			size_t		 len = (size_t)sqlite3_column_bytes(st, 0);

			if (v == NULL || strmap_find(&b->m[cat[i].map], v,
			    len > REPORT_STR_MAX ? REPORT_STR_MAX : len) == NULL)
				continue;
			if (total++ < REPORT_NEW_MAX)
				json_array_append_new(a, rb_text(v, len > REPORT_STR_MAX ?
				    REPORT_STR_MAX : len));
		}
		sqlite3_reset(st);
		json_object_set_new(out, cat[i].name, json_pack("{s:I, s:o}", "count",
		    (json_int_t)total, "values", a));
		if (rc != SQLITE_DONE)
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
rb_free(struct rb *b)
{
	size_t	 i;

	for (i = 0; i < M_NMAPS; i++)
		strmap_free(&b->m[i]);
	rollup_scratch_free(&b->s);
	buf_free(&b->tmp);
}

int
report_totals(sqlite3 *db, int64_t start, int64_t end, const char *sensor, json_t **kinds,
    int64_t *events, int64_t *sources)
{
	if (getenv("HANIPO_REPORT_SCAN") == NULL && start % ROLLUP_HOUR_US == 0 &&
	    end % ROLLUP_HOUR_US == 0)
		return rb_totals_rollup(db, start, end, sensor, kinds, events, sources);
	return rb_totals_scan(db, start, end, sensor, kinds, events, sources);
}

json_t *
report_build(sqlite3 *db, const struct report_day *d, const char *zone_name, const char *sensor,
    const struct report_lookup *lk, char *err, size_t errlen)
{
	struct rb	 b;
	json_t		*r = NULL, *pk = NULL, *hours, *countries, *nw;
	int64_t		 pev, psrc;
	char		 t1[40], t2[40];
	int		 h;

	memset(&b, 0, sizeof(b));
	b.d = d;
	rollup_scratch_init(&b.s);
	buf_init(&b.tmp, 1 << 20);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (rb_aligned(d) ? rb_rollup(db, &b, sensor) == -1 ||
	    rb_totals_rollup(db, d->prev_start, d->start, sensor, &pk, &pev, &psrc) == -1 :
	    rb_scan(db, &b, sensor) == -1 ||
	    rb_totals_scan(db, d->prev_start, d->start, sensor, &pk, &pev, &psrc) == -1)
		goto fail;
	r = json_object();
	json_object_set_new(r, "date", json_string(d->date));
	json_object_set_new(r, "tz", json_string(zone_name));
	json_object_set_new(r, "sensor", sensor ? rb_text(sensor, strlen(sensor)) : json_null());
	json_object_set_new(r, "start", json_string(time_format_iso(d->start, t1, sizeof(t1))));
	json_object_set_new(r, "end", json_string(time_format_iso(d->end, t2, sizeof(t2))));
	json_object_set_new(r, "totals", rb_totals(&b, pk, pev, psrc));
	hours = json_array();
	for (h = 0; h < d->nhours; h++)
		json_array_append_new(hours, json_integer(b.hours[h]));
	json_object_set_new(r, "hours", hours);
	json_object_set_new(r, "protocols", rb_rank(&b.m[M_PROTO], 0));
	json_object_set_new(r, "sources", rb_sources(&b, lk, &countries));
	json_object_set_new(r, "countries", countries);
	json_object_set_new(r, "request_lines", rb_rank(&b.m[M_REQLINE], REPORT_TOP));
	json_object_set_new(r, "paths", rb_rank(&b.m[M_PATH], REPORT_TOP));
	json_object_set_new(r, "user_agents", rb_rank(&b.m[M_UA], REPORT_TOP));
	json_object_set_new(r, "ports", rb_rank(&b.m[M_PORT], REPORT_TOP));
	json_object_set_new(r, "credentials", rb_creds(&b));
	json_object_set_new(r, "commands", rb_rank(&b.m[M_CMD], REPORT_TOP));
	json_object_set_new(r, "download_urls", rb_rank(&b.m[M_URL], REPORT_TOP));
	json_object_set_new(r, "signatures", rb_sigs(&b, lk));
	nw = json_object();
	if (rb_new(db, &b, nw) == -1) {
		json_decref(nw);
		goto fail;
	}
	json_object_set_new(r, "new", nw);
	json_object_set_new(r, "sensors", rb_sensors(&b));
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	json_decref(pk);
	rb_free(&b);
	return r;
fail:
	snprintf(err, errlen, "report: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	json_decref(pk);
	json_decref(r);
	rb_free(&b);
	return NULL;
}

int
report_render_json(FILE *fp, const json_t *r)
{
	if (json_dumpf(r, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) == -1 ||
	    fputc('\n', fp) == EOF)
		return -1;
	return 0;
}
