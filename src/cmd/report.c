/* report.c - `hanipo report daily` (Markdown, HTML, JSON; ja/en) and `hanipo report feed` (Atom). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/feed.h"
#include "analyze/geo.h"
#include "analyze/rollup.h"
#include "analyze/report.h"
#include "analyze/sig.h"
#include "cmd/cmd.h"
#include "core/timeutil.h"

static const char report_usage[] =
    "usage: hanipo report daily [--date YYYY-MM-DD] [--tz ZONE] [--lang ja|en]\n"
    "                           [--format md|html|json] [--sensor NAME] [-o FILE]\n"
    "       hanipo report feed [--days N] [--tz ZONE] [--lang ja|en] [--sensor NAME]\n"
    "                          [--link-base URL] [-o FILE]\n"
    "daily: one day (default yesterday) in the zone (default the system's) as a post:\n"
    "totals against the day before, rankings, credentials, commands, download URLs,\n"
    "signatures, what was seen for the first time ever, charts (HTML).\n"
    "feed: an Atom feed with one entry per complete past day with events (default 30 days).\n"
    "\n"
    "  --date YYYY-MM-DD   the day (default: yesterday in the zone)\n"
    "  --tz ZONE           UTC or an IANA zone such as Asia/Tokyo (default: the system's)\n"
    "  --lang ja|en        language (default en)\n"
    "  --format md|html|json\n"
    "  --sensor NAME       only this sensor's events\n"
    "  -o, --output FILE   write to FILE (default: stdout)\n"
    "  --set SECTION.KEY=VALUE  override one setting (what -o is for other commands)\n";

enum { R_DATE = 300, R_TZ, R_LANG, R_FORMAT, R_DAYS, R_LINK, R_SET };

struct report_args {
	const char	*date, *tz, *lang, *format, *sensor, *output, *link;
	int64_t		 days;
};

static int
report_opts(int argc, char **argv, struct cmd_common *cc, struct report_args *a)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, R_SET },
		{ "date", required_argument, NULL, R_DATE },
		{ "tz", required_argument, NULL, R_TZ },
		{ "lang", required_argument, NULL, R_LANG },
		{ "format", required_argument, NULL, R_FORMAT },
		{ "sensor", required_argument, NULL, CMD_OPT_SENSOR },
		{ "days", required_argument, NULL, R_DAYS },
		{ "link-base", required_argument, NULL, R_LINK },
		{ NULL, 0, NULL, 0 } };
	int				 ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cc->config_path = optarg;
			break;
		case R_SET:
			if (cmd_common_opt(cc, 'o', optarg) == -1)
				return CMD_EXIT_USAGE;
			break;
		case 'h':
			cmd_usage(report_usage, 0);
			return CMD_EXIT_OK;
		case 'o': a->output = optarg; break;
		case R_DATE: a->date = optarg; break;
		case R_TZ: a->tz = optarg; break;
		case R_LANG: a->lang = optarg; break;
		case R_FORMAT: a->format = optarg; break;
		case CMD_OPT_SENSOR: a->sensor = optarg; break;
		case R_LINK: a->link = optarg; break;
		case R_DAYS:
			if (cmd_count_arg(optarg, &a->days) == -1 || a->days < 1 ||
			    a->days > 3660) {
				fprintf(stderr, "hanipo report: --days: bad value \"%s\" (1 to "
				    "3660)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		default:
			cmd_bad_option("report", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (strcmp(a->lang, "ja") != 0 && strcmp(a->lang, "en") != 0) {
		fprintf(stderr, "hanipo report: --lang: expected ja or en, got \"%s\"\n", a->lang);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(a->format, "md") != 0 && strcmp(a->format, "html") != 0 &&
	    strcmp(a->format, "json") != 0) {
		fprintf(stderr, "hanipo report: --format: expected md, html or json, got \"%s\"\n",
		    a->format);
		return CMD_EXIT_USAGE;
	}
	return -1;
}

/* The report's lookups over the geo databases and the signature database. */
struct report_glue {
	struct geo	*geo;
	struct sigdb	*sigs;
	char		 ip[64];	/* the last address looked up */
	struct geo_info	 gi;
};

static const struct geo_info *
glue_geo(struct report_glue *g, const char *ip)
{
	if (strcmp(g->ip, ip) != 0) {
		snprintf(g->ip, sizeof(g->ip), "%s", ip);
		geo_lookup(g->geo, ip, &g->gi);
	}
	return &g->gi;
}

static const char *
glue_country(void *arg, const char *ip)
{
	struct report_glue	*g = arg;

	return g->geo ? glue_geo(g, ip)->country : NULL;
}

static const char *
glue_asn(void *arg, const char *ip, char *out, size_t outlen)
{
	struct report_glue	*g = arg;

	return g->geo ? geo_as_text(glue_geo(g, ip), out, outlen) : NULL;
}

static json_t *
glue_signature(void *arg, const char *id)
{
	struct report_glue	*g = arg;
	const struct sig	*s;
	json_t			*cves, *owasp;
	size_t			 i;

	if (g->sigs == NULL || (s = sigdb_find(g->sigs, id)) == NULL)
		return NULL;
	cves = json_array();
	for (i = 0; i < s->ncves; i++)
		json_array_append_new(cves, json_string(s->cves[i]));
	owasp = json_array();
	for (i = 0; i < s->nowasp; i++)
		json_array_append_new(owasp, json_string(s->owasp[i]));
	return json_pack("{s:s, s:o, s:s, s:o}", "name", s->name, "cves", cves, "category",
	    s->category, "owasp", owasp);
}

static int
report_daily(sqlite3 *db, const struct config *cfg, const struct report_args *a,
    const char *zone, FILE *fp)
{
	struct report_glue	 g;
	struct report_lookup	 lk = { glue_country, glue_asn, glue_signature, &g };
	struct report_day	 d;
	json_t			*r;
	char			 err[1024];
	int			 rc;

	if (report_day(a->date, time_now_us(), &d) == -1) {
		fprintf(stderr, "hanipo report: --date: bad date \"%s\" (YYYY-MM-DD)\n", a->date);
		return CMD_EXIT_USAGE;
	}
	if (rollup_fold(db, err, sizeof(err)) == -1)
		fprintf(stderr, "hanipo report: %s (\"what is new\" may be incomplete)\n", err);
	memset(&g, 0, sizeof(g));
	if ((g.sigs = sigdb_load_config(cfg, err, sizeof(err))) == NULL && *err != '\0')
		fprintf(stderr, "hanipo report: %s (signatures shown by id only)\n", err);
	if ((g.geo = geo_open(cfg, db, err, sizeof(err))) == NULL)
		fprintf(stderr, "hanipo report: %s (no country or AS shown)\n", err);
	r = report_build(db, &d, zone, a->sensor, &lk, err, sizeof(err));
	geo_close(g.geo);
	sigdb_free(g.sigs);
	if (r == NULL) {
		fprintf(stderr, "hanipo report: %s\n", err);
		return CMD_EXIT_FAIL;
	}
	if (strcmp(a->format, "json") == 0)
		rc = report_render_json(fp, r);
	else if (strcmp(a->format, "html") == 0)
		rc = report_render_html(fp, r, a->lang);
	else
		rc = report_render_md(fp, r, a->lang);
	json_decref(r);
	return rc == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
}

int
cmd_report(int argc, char **argv)
{
	struct cmd_common	 cc = { 0 };
	struct report_args	 a = { NULL, NULL, "en", "md", NULL, NULL, NULL, 30 };
	struct config		*cfg = NULL;
	sqlite3			*db = NULL;
	FILE			*fp = NULL;
	const char		*sub;
	char			 zone[128] = "", err[1024], *tmp = NULL;
	int			 status;

	if (argc < 2 || (strcmp(argv[1], "daily") != 0 && strcmp(argv[1], "feed") != 0)) {
		if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
			cmd_usage(report_usage, 0);
			return CMD_EXIT_OK;
		}
		fprintf(stderr, "hanipo report: expected daily or feed\n");
		cmd_usage(report_usage, 1);
		return CMD_EXIT_USAGE;
	}
	sub = argv[1];
	if ((status = report_opts(argc - 1, argv + 1, &cc, &a)) != -1)
		return status;
	if (report_set_zone(a.tz, zone, sizeof(zone)) == -1) {
		fprintf(stderr, "hanipo report: --tz: unknown time zone \"%s\" (UTC or an IANA "
		    "name such as Asia/Tokyo)\n", a.tz);
		return CMD_EXIT_USAGE;
	}
	status = CMD_EXIT_USAGE;
	if ((db = cmd_open_store("report", &cc, argc - 1, argv + 1, &cfg)) == NULL)
		goto out;
	if ((fp = cmd_output_open("report", a.output, &tmp)) == NULL) {
		status = CMD_EXIT_FAIL;
		goto out;
	}
	if (strcmp(sub, "daily") == 0)
		status = report_daily(db, cfg, &a, zone, fp);
	else if (rollup_fold(db, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo report: %s\n", err);
		status = CMD_EXIT_FAIL;
	} else if (feed_write(fp, db, zone, a.lang, a.sensor, (int)a.days, a.link, time_now_us(),
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo report: %s\n", err);
		status = CMD_EXIT_FAIL;
	} else
		status = CMD_EXIT_OK;
	if (cmd_output_close("report", fp, a.output, tmp, status == CMD_EXIT_OK) == -1 &&
	    status == CMD_EXIT_OK)
		status = CMD_EXIT_FAIL;
out:
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
