/* stats.c - `hanipo stats`: totals and rankings over a time window, as text tables or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "fp/fpdb.h"
#include "fp/synevt.h"
#include "share/escape.h"
#include "store/query.h"

#define STATS_DEFAULT_TOP	10
#define STATS_DEFAULT_SINCE	"24h"
#define STATS_MAX_KEYS		3
#define STATS_MAX_BY		64

static const char stats_usage[] =
    "usage: hanipo stats [options]\n"
    "Totals and rankings (paths, request lines, user agents, sources, rules, download URLs).\n"
    "\n"
    "  --since DURATION|TIME  window start: 24h (default), 7d, 2026-11-27[T06:00], @EPOCH\n"
    "  --until DURATION|TIME  window end (default: now)\n"
    "  --top N                rows per ranking (default 10; 0: all)\n"
    "  --sensor NAME          only this sensor's events\n"
    "  --by FIELD             instead of the rankings: connections per value of one field,\n"
    "                         named from the fingerprint database for ja3 (ja3_hash),\n"
    "                         ja4 and syn (syn_sig); any other field name works too\n"
    "  --json                 one JSON object instead of tables\n";


/* One ranking: grouped by keys over the window's events (of one kind, when set). */
struct stats_table {
	const char	*title;
	const char	*name;			/* JSON member */
	const char	*kind;			/* only events of this kind; NULL: all */
	size_t		 nkeys;
	const char	*keys[STATS_MAX_KEYS];	/* query_top keys */
	const char	*cols[STATS_MAX_KEYS];	/* column headers and JSON member names */
	size_t		 width[STATS_MAX_KEYS];	/* column budgets */
	int		 integer[STATS_MAX_KEYS];	/* a JSON integer when the value is one */
	int		 all;			/* every value (a breakdown), not --top */
};

static const struct stats_table stats_tables[] = {
	{ "events by protocol", "by_proto", NULL, 1, { "proto" }, { "proto" }, { 16 }, { 0 }, 1 },
	{ "events by kind", "by_kind", NULL, 1, { "kind" }, { "kind" }, { 24 }, { 0 }, 1 },
	{ "top paths", "paths", "request", 1, { "$.path" }, { "path" }, { 80 }, { 0 }, 0 },
	{ "top request lines", "request_lines", "request", 2, { "$.method", "$.uri" },
	    { "method", "uri" }, { 16, 80 }, { 0, 0 }, 0 },
	{ "top user agents", "user_agents", "request", 1, { "$.user_agent" },
	    { "user_agent" }, { 100 }, { 0 }, 0 },
	{ "top sources", "sources", NULL, 1, { "src_ip" }, { "src_ip" }, { 46 }, { 0 }, 0 },
	{ "top rules", "rules", "request", 2, { "$.rule", "$.rule_note" }, { "rule", "note" },
	    { 10, 80 }, { 1, 0 }, 0 },
	{ "top download URLs", "download_urls", "download_url", 1, { "$.url" }, { "url" },
	    { 100 }, { 0 }, 0 },
};
#define NTABLES	(sizeof(stats_tables) / sizeof(stats_tables[0]))

/* --by: short names of the fingerprint fields, and the database kind that names their values. */
static const struct {
	const char	*name, *field;
	int		 kind;
} stats_by_alias[] = {
	{ "ja3", "ja3_hash", FP_JA3 }, { "ja4", "ja4", FP_JA4 }, { "syn", "syn_sig", FP_SYN },
};

/* --by NAME: its field, its path ("$.field" in path), and the fpdb kind (-1: none). */
static int
stats_by_field(const char *name, char *path, size_t pathlen, const char **field)
{
	size_t	 i;

	for (i = 0; i < sizeof(stats_by_alias) / sizeof(stats_by_alias[0]); i++)
		if (strcmp(name, stats_by_alias[i].name) == 0 ||
		    strcmp(name, stats_by_alias[i].field) == 0) {
			*field = stats_by_alias[i].field;
			snprintf(path, pathlen, "$.%s", *field);
			return stats_by_alias[i].kind;
		}
	*field = name;
	snprintf(path, pathlen, "$.%s", name);
	return -1;
}

/* Whether a --by name is a plain field name (letters, digits, '_'). */
static int
stats_by_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n >= STATS_MAX_BY)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

struct stats_totals {
	int64_t		 events, connections, requests, sources;
};

static int
stats_totals(sqlite3 *db, const struct query_filter *win, struct stats_totals *t, char *err,
    size_t errlen)
{
	struct query_filter	 f = *win;

	if (query_count(db, &f, NULL, &t->events, err, errlen) == -1 ||
	    query_count(db, &f, "src_ip", &t->sources, err, errlen) == -1)
		return -1;
	f.kind = "connect";
	if (query_count(db, &f, NULL, &t->connections, err, errlen) == -1)
		return -1;
	f.kind = "request";
	return query_count(db, &f, NULL, &t->requests, err, errlen);
}

static int
stats_rank(sqlite3 *db, const struct query_filter *win, const struct stats_table *tb,
    int64_t top, struct query_rank **r, size_t *n, char *err, size_t errlen)
{
	struct query_filter	 f = *win;

	f.kind = tb->kind;
	return query_top(db, &f, tb->keys, tb->nkeys, tb->all ? 0 : (size_t)top, r, n, err,
	    errlen);
}

/* A JSON value for a ranked key: an integer when asked and it is one, else a string. */
static json_t *
stats_json_value(const struct query_rank *r, size_t k, int integer)
{
	long long	 v;
	char		*end;

	if (r->val[k] == NULL)
		return json_null();
	if (integer && r->len[k] > 0 && r->len[k] < 20) {
		errno = 0;
		v = strtoll(r->val[k], &end, 10);
		if (errno == 0 && *end == '\0')
			return json_integer(v);
	}
	return evt_json_bytes(r->val[k], r->len[k]);
}

static void
stats_print_table(const struct stats_table *tb, const struct query_rank *r, size_t n)
{
	char		**cells, tmp[1024], num[32];
	size_t		 i, k, w, cw = strlen("count"), kw[STATS_MAX_KEYS];

	printf("\n%s\n", tb->title);
	if (n == 0) {
		printf("  (none)\n");
		return;
	}
	cells = xcalloc(n * tb->nkeys, sizeof(*cells));
	for (k = 0; k < tb->nkeys; k++)
		kw[k] = esc_width(tb->cols[k]);
	for (i = 0; i < n; i++) {
		w = (size_t)snprintf(num, sizeof(num), "%lld", (long long)r[i].count);
		if (w > cw)
			cw = w;
		for (k = 0; k < tb->nkeys; k++) {
			if (r[i].val[k] == NULL)
				w = esc_trunc(tmp, sizeof(tmp), "-", 1);
			else
				w = esc_cell(tmp, sizeof(tmp), r[i].val[k], r[i].len[k],
				    tb->width[k]);
			cells[i * tb->nkeys + k] = xstrdup(tmp);
			if (w > kw[k])
				kw[k] = w;
		}
	}
	printf("  ");
	esc_fput_pad(stdout, "count", cw, 1);
	for (k = 0; k < tb->nkeys; k++) {
		printf("  ");
		esc_fput_pad(stdout, tb->cols[k], k + 1 < tb->nkeys ? kw[k] : 0, 0);
	}
	putchar('\n');
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%lld", (long long)r[i].count);
		printf("  ");
		esc_fput_pad(stdout, num, cw, 1);
		for (k = 0; k < tb->nkeys; k++) {
			printf("  ");
			esc_fput_pad(stdout, cells[i * tb->nkeys + k],
			    k + 1 < tb->nkeys ? kw[k] : 0, 0);
		}
		putchar('\n');
	}
	for (i = 0; i < n * tb->nkeys; i++)
		free(cells[i]);
	free(cells);
}

static json_t *
stats_json_table(const struct stats_table *tb, const struct query_rank *r, size_t n)
{
	json_t	*a = json_array(), *o;
	size_t	 i, k;

	for (i = 0; i < n; i++) {
		o = json_object();
		for (k = 0; k < tb->nkeys; k++)
			json_object_set_new(o, tb->cols[k],
			    stats_json_value(&r[i], k, tb->integer[k]));
		json_object_set_new(o, "count", json_integer(r[i].count));
		json_array_append_new(a, o);
	}
	return a;
}

static void
stats_print_header(const struct query_filter *win, int64_t until, const char *sensor,
    const struct stats_totals *t)
{
	char	 a[40], b[40], s[256];

	time_format_iso(win->since, a, sizeof(a));
	time_format_iso(until, b, sizeof(b));
	printf("window  %s .. %s%s\n", a, b, win->until ? "" : " (now)");
	if (sensor != NULL) {
		esc_cell(s, sizeof(s), sensor, strlen(sensor), 64);
		printf("sensor  %s\n", s);
	}
	printf("\ntotals\n");
	printf("  events       %lld\n", (long long)t->events);
	printf("  connections  %lld\n", (long long)t->connections);
	printf("  requests     %lld\n", (long long)t->requests);
	printf("  sources      %lld\n", (long long)t->sources);
}

static json_t *
stats_json_header(const struct query_filter *win, int64_t until, const char *sensor,
    const struct stats_totals *t)
{
	json_t	*o = json_object(), *w = json_object(), *tot = json_object();
	char	 iso[40];

	json_object_set_new(w, "since", json_integer(win->since));
	json_object_set_new(w, "since_time",
	    json_string(time_format_iso(win->since, iso, sizeof(iso))));
	json_object_set_new(w, "until", json_integer(until));
	json_object_set_new(w, "until_time",
	    json_string(time_format_iso(until, iso, sizeof(iso))));
	json_object_set_new(w, "sensor", sensor ? evt_json_bytes(sensor, strlen(sensor)) :
	    json_null());
	json_object_set_new(o, "window", w);
	json_object_set_new(tot, "events", json_integer(t->events));
	json_object_set_new(tot, "connections", json_integer(t->connections));
	json_object_set_new(tot, "requests", json_integer(t->requests));
	json_object_set_new(tot, "sources", json_integer(t->sources));
	json_object_set_new(o, "totals", tot);
	return o;
}

/*
 * --by: connections (distinct sessions) per value of one field, with the client and family the
 * fingerprint database gives the value. Printed, or set as "by" in out (JSON).
 */
static int
stats_by(sqlite3 *db, const struct config *cfg, const struct query_filter *win, const char *by,
    int64_t top, json_t *out)
{
	struct stats_table	 tb = { "", "by", NULL, 3, { NULL }, { NULL, "client", "family" },
				    { 100, 40, 16 }, { 0, 0, 0 }, 0 };
	const struct fpdb_entry	*e;
	struct query_rank	*r;
	struct fpdb		*fdb = NULL;
	const char		*field, *keys[1];
	char			 path[STATS_MAX_BY + 3], title[STATS_MAX_BY + 32], err[1024],
				 warn[1024];
	size_t			 i, n;
	int			 kind;
	json_t			*o;

	kind = stats_by_field(by, path, sizeof(path), &field);
	keys[0] = path;
	if (kind >= 0 && (fdb = fp_load_config(cfg, warn, sizeof(warn), err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo stats: %s\n", err);
		return -1;
	}
	if (query_top_distinct(db, win, keys, 1, (size_t)top, "session", &r, &n, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "hanipo stats: --by %s: %s\n", by, err);
		fpdb_free(fdb);
		return -1;
	}
	for (i = 0; kind >= 0 && i < n; i++) {
		if ((e = fpdb_lookup(fdb, (enum fp_kind)kind, r[i].val[0])) == NULL)
			continue;
		r[i].val[1] = xstrdup(e->client);
		r[i].len[1] = strlen(e->client);
		r[i].val[2] = xstrdup(e->family);
		r[i].len[2] = strlen(e->family);
	}
	tb.cols[0] = field;
	if (kind < 0) {
		tb.nkeys = 1;
		tb.integer[0] = 1;	/* syn_ttl, syn_mss ...: numbers in JSON */
	}
	if (out != NULL) {
		o = json_object();
		json_object_set_new(o, "field", json_string(field));
		json_object_set_new(o, "counts", json_string("connections"));
		json_object_set_new(o, "rows", stats_json_table(&tb, r, n));
		json_object_set_new(out, "by", o);
	} else {
		snprintf(title, sizeof(title), "connections by %s", field);
		tb.title = title;
		stats_print_table(&tb, r, n);
	}
	query_rank_free(r, n);
	fpdb_free(fdb);
	return 0;
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, CMD_OPT_SINCE },
		{ "until", required_argument, NULL, CMD_OPT_UNTIL },
		{ "top", required_argument, NULL, CMD_OPT_TOP },
		{ "sensor", required_argument, NULL, CMD_OPT_SENSOR },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ "by", required_argument, NULL, CMD_OPT_BY },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	const char			*by = NULL;
	struct query_filter		 win;
	struct stats_totals		 tot;
	struct query_rank		*r;
	struct config			*cfg = NULL;
	sqlite3				*db = NULL;
	json_t				*out = NULL, *top = NULL;
	char				 err[1024], *s;
	int64_t				 now = time_now_us(), ntop = STATS_DEFAULT_TOP;
	size_t				 i, n;
	int				 ch, rc, json = 0, status = CMD_EXIT_USAGE;

	memset(&win, 0, sizeof(win));
	time_parse_point(STATS_DEFAULT_SINCE, now, &win.since);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((rc = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (rc == -1 || (rc = cmd_filter_opt("stats", &win, ch, optarg, now)) == -1)
			return CMD_EXIT_USAGE;
		if (rc == 1)
			continue;
		switch (ch) {
		case 'h':
			cmd_usage(stats_usage, 0);
			return CMD_EXIT_OK;
		case CMD_OPT_TOP:
			if (cmd_count_arg(optarg, &ntop) == -1) {
				fprintf(stderr, "hanipo stats: --top: bad value \"%s\" (a number "
				    ">= 0; 0: all)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case CMD_OPT_JSON:
			json = 1;
			break;
		case CMD_OPT_BY:
			if (!stats_by_ok(optarg)) {
				fprintf(stderr, "hanipo stats: --by: bad field \"%s\" (ja3, ja4, syn "
				    "or a field name: letters, digits, '_')\n", optarg);
				return CMD_EXIT_USAGE;
			}
			by = optarg;
			break;
		default:
			cmd_bad_option("stats", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if ((db = cmd_open_store("stats", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	status = CMD_EXIT_FAIL;
	if (stats_totals(db, &win, &tot, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo stats: %s\n", err);
		goto out;
	}
	if (json) {
		out = stats_json_header(&win, win.until ? win.until : now, win.sensor, &tot);
		top = json_object();
	} else
		stats_print_header(&win, win.until ? win.until : now, win.sensor, &tot);
	if (by != NULL) {
		if (stats_by(db, cfg, &win, by, ntop, json ? out : NULL) == -1)
			goto out;
	}
	for (i = 0; by == NULL && i < NTABLES; i++) {
		if (stats_rank(db, &win, &stats_tables[i], ntop, &r, &n, err, sizeof(err)) == -1) {
			fprintf(stderr, "hanipo stats: %s: %s\n", stats_tables[i].title, err);
			goto out;
		}
		if (!json)
			stats_print_table(&stats_tables[i], r, n);
		else
			json_object_set_new(stats_tables[i].all ? out : top, stats_tables[i].name,
			    stats_json_table(&stats_tables[i], r, n));
		query_rank_free(r, n);
	}
	if (json && by == NULL)
		json_object_set(out, "top", top);
	if (json) {
		if ((s = json_dumps(out, JSON_INDENT(2) | JSON_ENSURE_ASCII)) != NULL) {
			puts(s);
			free(s);
		}
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "hanipo stats: write error: %s\n", strerror(errno));
		goto out;
	}
	status = CMD_EXIT_OK;
out:
	json_decref(top);
	json_decref(out);
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
