/*
 * abuse_report.c - `hanipo abuse plan|render|send|status`: who to tell about which sources, the
 * report itself, sending it, and whether the reported addresses stopped afterwards.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abuse/mail.h"
#include "abuse/render.h"
#include "abuse/report.h"
#include "analyze/sig.h"
#include "cmd/abuse_report.h"
#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "share/escape.h"
#include "store/query.h"

#define MAX_TAGS	32
#define MAIL_MAX	(16 * 1024 * 1024)

static const char plan_opts_help[] =
    "  --since DURATION|TIME  window start: 24h (default), 7d, 2026-11-27, @EPOCH\n"
    "  --until DURATION|TIME  window end (default: now)\n"
    "  --min-events N         sources with at least N events (default 5)\n"
    "  --tags ID,...          only events carrying one of these signature ids\n"
    "  --offline              contacts from the lookup cache only\n";

static const char plan_usage[] =
    "usage: hanipo abuse plan [options]\n"
    "Which sources deserve a report, grouped by the abuse contact responsible for them (one\n"
    "report per contact); sources reported to the same contact within [abuse] report_interval\n"
    "are left out.\n\n";
static const char render_usage[] =
    "usage: hanipo abuse render (--ip ADDR | --contact EMAIL) [options]\n"
    "One report, to stdout.\n\n"
    "  --format FORMAT        text (default), xarf, jpcert, abuseipdb\n"
    "  --lang ja|en           language of text and jpcert (default: ja for JP networks)\n"
    "  --tz ZONE              second time zone shown: +09:00, UTC, local, Asia/Tokyo\n"
    "                         (default +09:00 in Japanese, UTC in English)\n"
    "  --min-events N         default 1\n";
static const char send_usage[] =
    "usage: hanipo abuse send [options]\n"
    "Mails the plan's reports, one per contact, through [abuse] smtp_relay (text body plus XARF\n"
    "as a feedback report). Without --no-dry-run it only shows what it would send.\n\n"
    "  --no-dry-run           really send, and record every report\n"
    "  --lang ja|en, --tz ZONE  as for render\n";
static const char status_usage[] =
    "usage: hanipo abuse status [options]\n"
    "Every report sent, and whether each reported address kept attacking afterwards\n"
    "(continues) or not (stopped), with its events after the report by day (UTC).\n\n"
    "  --json                 one JSON object per reported address\n";

enum { OPT_MIN = 400, OPT_TAGS, OPT_OFFLINE, OPT_CONTACT, OPT_FORMAT, OPT_LANG, OPT_TZ,
    OPT_SEND };

struct rep_opts {
	struct cmd_common	 cc;
	struct plan_opts	 po;
	struct query_filter	 f;	/* --since/--until through the shared parser */
	const char		*lang;	/* NULL: by network */
	const char		*tz;
	enum render_format	 fmt;
	int			 json, send;
	char			*tags[MAX_TAGS + 1];
	char			 tagbuf[1024];
};

static int
rep_parse(const char *cmd, const char *usage, int argc, char **argv, struct rep_opts *o)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, CMD_OPT_SINCE },
		{ "until", required_argument, NULL, CMD_OPT_UNTIL },
		{ "ip", required_argument, NULL, CMD_OPT_IP },
		{ "min-events", required_argument, NULL, OPT_MIN },
		{ "tags", required_argument, NULL, OPT_TAGS },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "contact", required_argument, NULL, OPT_CONTACT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "no-dry-run", no_argument, NULL, OPT_SEND },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ NULL, 0, NULL, 0 } };
	int64_t		 now = time_now_us();
	char		*p, *save = NULL;
	size_t		 n = 0;
	int		 ch, r;

	o->f.since = now - INT64_C(86400) * 1000000;
	o->po.mode = LOOKUP_CACHED;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&o->cc, ch, optarg)) == 1)
			continue;
		if (r == -1 || (r = cmd_filter_opt(cmd, &o->f, ch, optarg, now)) == -1)
			return -1;
		if (r == 1)
			continue;
		switch (ch) {
		case 'h':
			cmd_usage(usage, 0);
			printf("%s", plan_opts_help);
			exit(CMD_EXIT_OK);
		case OPT_MIN:
			if (cmd_count_arg(optarg, &o->po.min_events) == -1) {
				fprintf(stderr, "hanipo %s: --min-events: bad value \"%s\"\n", cmd,
				    optarg);
				return -1;
			}
			break;
		case OPT_TAGS:
			snprintf(o->tagbuf, sizeof(o->tagbuf), "%s", optarg);
			for (p = strtok_r(o->tagbuf, ", ", &save); p != NULL && n < MAX_TAGS;
			    p = strtok_r(NULL, ", ", &save))
				o->tags[n++] = p;
			o->tags[n] = NULL;
			o->po.tags = o->tags;
			break;
		case OPT_OFFLINE:
			o->po.mode = LOOKUP_OFFLINE;
			break;
		case OPT_CONTACT:
			o->po.contact = optarg;
			break;
		case OPT_FORMAT:
			if (render_parse_format(optarg, &o->fmt) == -1) {
				fprintf(stderr, "hanipo %s: --format: expected text, xarf, jpcert or "
				    "abuseipdb, got \"%s\"\n", cmd, optarg);
				return -1;
			}
			break;
		case OPT_LANG:
			if (strcmp(optarg, "ja") != 0 && strcmp(optarg, "en") != 0) {
				fprintf(stderr, "hanipo %s: --lang: expected ja or en, got \"%s\"\n",
				    cmd, optarg);
				return -1;
			}
			o->lang = optarg;
			break;
		case OPT_TZ:
			if (render_check_tz(optarg) == -1) {
				fprintf(stderr, "hanipo %s: --tz: unknown zone \"%s\" (+09:00, UTC, "
				    "local, Area/City)\n", cmd, optarg);
				return -1;
			}
			o->tz = optarg;
			break;
		case OPT_SEND:
			o->send = 1;
			break;
		case CMD_OPT_JSON:
			o->json = 1;
			break;
		default:
			cmd_bad_option(cmd, ch, argv);
			return -1;
		}
	}
	o->po.since = o->f.since;
	o->po.until = o->f.until != 0 ? o->f.until : now + 1;
	o->po.ip = o->f.ip;
	return 0;
}

/* The render context for a contact's sources: language by network unless --lang. */
static void
ctx_for(struct render_ctx *rc, const struct rep_opts *o, const struct config *cfg,
    struct sigdb *sigs, sqlite3 *db, const struct report_src *first)
{
	memset(rc, 0, sizeof(*rc));
	rc->cfg = cfg;
	rc->sigs = sigs;
	rc->now = time_now_us();
	rc->ja = o->lang != NULL ? strcmp(o->lang, "ja") == 0 :
	    strcasecmp(first->contact.country, "JP") == 0;
	rc->tz = o->tz != NULL ? o->tz : rc->ja ? "+09:00" : "UTC";
	report_digest(db, rc->now, rc->digest, sizeof(rc->digest));
}

static void
put_safe(const char *s)
{
	char	 out[ESC_TERM_MAX(300) + 1];

	esc_cell(out, sizeof(out), s, strlen(s), 100);
	fputs(out, stdout);
}

/* Common start: options, config, store, signatures, the plan. */
static int
rep_start(const char *cmd, const char *usage, int argc, char **argv, struct rep_opts *o,
    int64_t min_default, struct config **cfg, sqlite3 **db, struct sigdb **sigs,
    struct plan *p)
{
	char	 err[1024];

	memset(o, 0, sizeof(*o));
	o->po.min_events = -1;
	*cfg = NULL;
	*db = NULL;
	*sigs = NULL;
	memset(p, 0, sizeof(*p));
	if (rep_parse(cmd, usage, argc, argv, o) == -1)
		return CMD_EXIT_USAGE;
	if (o->po.min_events < 0)
		o->po.min_events = min_default;
	if ((*db = cmd_open_store(cmd, &o->cc, argc, argv, cfg)) == NULL)
		return CMD_EXIT_USAGE;
	if ((*sigs = sigdb_load_config(*cfg, err, sizeof(err))) == NULL && err[0] != '\0')
		fprintf(stderr, "hanipo %s: signatures not shown: %s\n", cmd, err);
	if (plan_build(*db, *cfg, &o->po, p, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo %s: %s\n", cmd, err);
		return CMD_EXIT_FAIL;
	}
	return CMD_EXIT_OK;
}

static void
rep_end(struct config *cfg, sqlite3 *db, struct sigdb *sigs, struct plan *p)
{
	plan_free(p);
	sigdb_free(sigs);
	sqlite3_close(db);
	config_free(cfg);
}

int
abuse_plan_cmd(int argc, char **argv)
{
	struct rep_opts	 o;
	struct config	*cfg;
	sqlite3		*db;
	struct sigdb	*sigs;
	struct plan	 p;
	size_t		 g, i;
	int		 rc;

	if ((rc = rep_start("abuse plan", plan_usage, argc, argv, &o, 5, &cfg, &db, &sigs,
	    &p)) != CMD_EXIT_OK)
		goto out;
	for (g = 0; g < p.ngrp; g++) {
		struct plan_group *gr = &p.grp[g];

		if (o.json) {
			json_t	*j = json_pack("{s:s, s:[]}", "contact", gr->contact, "sources");
			char	*s;

			for (i = 0; i < gr->nsrc; i++) {
				struct report_src *r = &p.src[gr->src[i]];

				json_array_append_new(json_object_get(j, "sources"), json_pack(
				    "{s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "ip", r->ip, "events",
				    (json_int_t)r->events, "first_ts", (json_int_t)r->first_ts,
				    "last_ts", (json_int_t)r->last_ts, "network", r->contact.network,
				    "name", r->contact.name, "country", r->contact.country));
			}
			s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
			printf("%s\n", s);
			free(s);
			json_decref(j);
			continue;
		}
		printf("contact ");
		put_safe(gr->contact[0] != '\0' ? gr->contact :
		    "(none: no abuse contact of the network's own)");
		printf("  (%zu address%s)\n", gr->nsrc, gr->nsrc == 1 ? "" : "es");
		for (i = 0; i < gr->nsrc; i++) {
			struct report_src *r = &p.src[gr->src[i]];
			char	 a[40], b[40];

			time_format_offset(r->first_ts, 0, "%Y-%m-%dT%H:%M:%S+00:00", a, sizeof(a));
			time_format_offset(r->last_ts, 0, "%Y-%m-%dT%H:%M:%S+00:00", b, sizeof(b));
			printf("  %-39s %6lld events  %s .. %s  ", r->ip, (long long)r->events, a, b);
			put_safe(r->contact.network);
			printf(" ");
			put_safe(r->contact.name);
			printf("\n");
		}
	}
	if (!o.json)
		printf("%zu contact%s, %zu address%s; %zu left out (reported recently)\n", p.ngrp,
		    p.ngrp == 1 ? "" : "s", p.nsrc, p.nsrc == 1 ? "" : "es", p.skipped_recent);
out:
	rep_end(cfg, db, sigs, &p);
	return rc;
}

int
abuse_render_cmd(int argc, char **argv)
{
	struct rep_opts	 o;
	struct config	*cfg;
	sqlite3		*db;
	struct sigdb	*sigs;
	struct plan	 p;
	struct render_ctx rc;
	struct report_src *srcs[REPORT_MAX_SOURCES];
	struct buf	 out;
	char		 err[1024];
	size_t		 g, i, n;
	int		 status;

	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--ip") == 0 || strcmp(argv[i], "--contact") == 0 ||
		    strncmp(argv[i], "--ip=", 5) == 0 || strncmp(argv[i], "--contact=", 10) == 0 ||
		    strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			break;
	if (i == (size_t)argc) {
		fprintf(stderr, "hanipo abuse render: which report? (--ip ADDR or --contact EMAIL)\n");
		return CMD_EXIT_USAGE;
	}
	if ((status = rep_start("abuse render", render_usage, argc, argv, &o, 1, &cfg, &db, &sigs,
	    &p)) != CMD_EXIT_OK)
		goto out;
	(void)0;
	for (g = 0; g < p.ngrp; g++) {
		for (n = 0; n < p.grp[g].nsrc; n++)
			srcs[n] = &p.src[p.grp[g].src[n]];
		ctx_for(&rc, &o, cfg, sigs, db, srcs[0]);
		buf_init(&out, MAIL_MAX);
		if (render_report(&rc, o.fmt, p.grp[g].contact, srcs, n, &out, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "hanipo abuse render: %s\n", err);
			status = CMD_EXIT_FAIL;
		} else
			fwrite(out.data, 1, out.len, stdout);
		buf_free(&out);
	}
	if (p.ngrp == 0) {
		fprintf(stderr, "hanipo abuse render: no events of %s in the window\n",
		    o.po.ip != NULL ? o.po.ip : o.po.contact != NULL ? o.po.contact : "?");
		status = CMD_EXIT_FAIL;
	}
out:
	rep_end(cfg, db, sigs, &p);
	return status;
}

/* One contact's mail: render, build, send or show, record. 0, or -1. */
static int
send_one(const struct rep_opts *o, const struct config *cfg, sqlite3 *db, struct sigdb *sigs,
    const char *to, struct report_src **srcs, size_t n)
{
	const char	*from = config_get(cfg, "abuse", "from");
	const char	*relay = config_get(cfg, "abuse", "smtp_relay");
	struct render_ctx rc;
	struct buf	 text, msg;
	char		 err[1024], subj[512], id[37], mid[400], *x[REPORT_MAX_SOURCES];
	const char	*body;
	size_t		 i, nx = 0;
	int		 rcode = -1;

	if (*from == '\0')
		from = config_get(cfg, "abuse", "reporter_email");
	ctx_for(&rc, o, cfg, sigs, db, srcs[0]);
	buf_init(&text, MAIL_MAX);
	buf_init(&msg, MAIL_MAX);
	render_uuid(id);
	snprintf(mid, sizeof(mid), "%s@%s", id, strchr(from, '@') != NULL ? strchr(from, '@') + 1 :
	    "localhost");
	if (render_report(&rc, RENDER_TEXT, to, srcs, n, &text, err, sizeof(err)) == -1)
		goto out;
	buf_append(&text, "", 1);
	body = strstr((const char *)text.data, "\n\n");	/* after To: and Subject: */
	body = body != NULL ? body + 2 : (const char *)text.data;
	render_subject(&rc, srcs, n, subj, sizeof(subj));
	for (i = 0; i < n; i++) {
		char	 rid[37];

		render_uuid(rid);
		if ((x[nx] = render_xarf(&rc, srcs[i], rid, err, sizeof(err))) != NULL)
			nx++;
		else
			fprintf(stderr, "hanipo abuse send: no XARF part: %s\n", err);
	}
	if (mail_build(from, to, subj, body, strlen(body), x, nx, mid, rc.now, &msg) == -1) {
		snprintf(err, sizeof(err), "cannot build the mail (From \"%s\" must be a plain "
		    "address: set [abuse] from or reporter_email)", from);
		goto out;
	}
	if (!o->send) {
		printf("--- dry run: would send to %s (%zu address%s, %zu bytes)\n", to, n,
		    n == 1 ? "" : "es", msg.len);
		fwrite(text.data, 1, text.len - 1, stdout);
		rcode = 0;
		goto out;
	}
	if (mail_send(relay, from, to, &msg, err, sizeof(err)) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (report_record(db, id, rc.now, to, srcs[i], mid, "email+xarf", rc.digest) == -1)
			fprintf(stderr, "hanipo abuse send: cannot record the report of %s: %s\n",
			    srcs[i]->ip, sqlite3_errmsg(db));
	printf("sent to %s: %zu address%s, Message-ID <%s>\n", to, n, n == 1 ? "" : "es", mid);
	rcode = 0;
out:
	if (rcode == -1)
		fprintf(stderr, "hanipo abuse send: %s: %s\n", to, err);
	for (i = 0; i < nx; i++)
		free(x[i]);
	buf_free(&text);
	buf_free(&msg);
	return rcode;
}

int
abuse_send_cmd(int argc, char **argv)
{
	struct rep_opts	 o;
	struct config	*cfg;
	sqlite3		*db;
	struct sigdb	*sigs;
	struct plan	 p;
	struct report_src *srcs[REPORT_MAX_SOURCES];
	size_t		 g, n, sent = 0;
	int		 status;

	if ((status = rep_start("abuse send", send_usage, argc, argv, &o, 5, &cfg, &db, &sigs,
	    &p)) != CMD_EXIT_OK)
		goto out;
	if (o.send && *config_get(cfg, "abuse", "smtp_relay") == '\0') {
		fprintf(stderr, "hanipo abuse send: set [abuse] smtp_relay (smtp://host:port)\n");
		status = CMD_EXIT_USAGE;
		goto out;
	}
	for (g = 0; g < p.ngrp; g++) {
		if (p.grp[g].contact[0] == '\0' || !mail_addr_ok(p.grp[g].contact)) {
			fprintf(stderr, "hanipo abuse send: %zu address%s without a usable abuse "
			    "contact left out\n", p.grp[g].nsrc, p.grp[g].nsrc == 1 ? "" : "es");
			continue;
		}
		for (n = 0; n < p.grp[g].nsrc; n++)
			srcs[n] = &p.src[p.grp[g].src[n]];
		if (send_one(&o, cfg, db, sigs, p.grp[g].contact, srcs, n) == -1)
			status = CMD_EXIT_FAIL;
		else
			sent++;
	}
	printf("%zu report%s %s; %zu address%s left out (reported recently)\n", sent,
	    sent == 1 ? "" : "s", o.send ? "sent" : "to send (dry run: add --no-dry-run)",
	    p.skipped_recent, p.skipped_recent == 1 ? "" : "es");
out:
	rep_end(cfg, db, sigs, &p);
	return status;
}

/* Events of ip after ts: total, by day "YYYY-MM-DD:N ..." into days. */
static int64_t
after_report(sqlite3 *db, const char *ip, int64_t ts, char *days, size_t dlen)
{
	sqlite3_stmt	*st;
	int64_t		 total = 0, c;

	days[0] = '\0';
	/* The address's seq ranges (src_ranges: one row per committed batch), then its events. */
	if (sqlite3_prepare_v2(db, "SELECT strftime('%Y-%m-%d', ts / 1000000, 'unixepoch'), "
	    "count(*) FROM src_ranges CROSS JOIN events ON events.seq BETWEEN src_ranges.lo AND "
	    "src_ranges.hi WHERE src_ranges.ip = ?1 AND src_ranges.max_ts > ?2 AND src_ip = ?1 "
	    "AND ts > ?2 GROUP BY 1 ORDER BY 1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ts);
	while (sqlite3_step(st) == SQLITE_ROW) {
		c = sqlite3_column_int64(st, 1);
		total += c;
		snprintf(days + strlen(days), dlen - strlen(days), "%s%s:%lld",
		    days[0] != '\0' ? " " : "", (const char *)sqlite3_column_text(st, 0),
		    (long long)c);
	}
	sqlite3_finalize(st);
	return total;
}

int
abuse_status_cmd(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common	 cc = { 0 };
	struct config		*cfg = NULL;
	sqlite3			*db;
	sqlite3_stmt		*st = NULL;
	char			 days[2048], when[40];
	const char		*ip, *contact;
	int64_t			 ts, after;
	int			 ch, r, json = 0, status = CMD_EXIT_USAGE, n = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		if (ch == 'h') {
			cmd_usage(status_usage, 0);
			return CMD_EXIT_OK;
		}
		if (ch == CMD_OPT_JSON) {
			json = 1;
			continue;
		}
		cmd_bad_option("abuse status", ch, argv);
		return CMD_EXIT_USAGE;
	}
	if ((db = cmd_open_store("abuse status", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT ts, contact, ip, events, message_id FROM abuse_reports "
	    "ORDER BY ts, contact, ip", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "hanipo abuse status: %s\n", sqlite3_errmsg(db));
		status = CMD_EXIT_FAIL;
		goto out;
	}
	if (!json)
		printf("%-25s %-32s %-39s %6s %6s %-9s %s\n", "reported", "contact", "address",
		    "before", "after", "status", "events after, by day (UTC)");
	while (sqlite3_step(st) == SQLITE_ROW) {
		ts = sqlite3_column_int64(st, 0);
		contact = (const char *)sqlite3_column_text(st, 1);
		ip = (const char *)sqlite3_column_text(st, 2);
		after = after_report(db, ip, ts, days, sizeof(days));
		time_format_offset(ts, 0, "%Y-%m-%dT%H:%M:%S+00:00", when, sizeof(when));
		n++;
		if (json) {
			json_t	*j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}",
			    "reported", when, "contact", contact, "ip", ip, "events_reported",
			    (json_int_t)sqlite3_column_int64(st, 3), "events_after",
			    (json_int_t)after, "status", after > 0 ? "continues" : "stopped",
			    "by_day", days, "message_id",
			    (const char *)sqlite3_column_text(st, 4));
			char	*s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);

			printf("%s\n", s);
			free(s);
			json_decref(j);
			continue;
		}
		printf("%-25s ", when);
		put_safe(contact);
		printf("%*s %-39s %6lld %6lld %-9s %s\n", (int)(strlen(contact) < 32 ?
		    32 - strlen(contact) : 0), "", ip, (long long)sqlite3_column_int64(st, 3),
		    (long long)after, after > 0 ? "continues" : "stopped", days);
	}
	if (!json && n == 0)
		printf("(no report sent yet: hanipo abuse send --no-dry-run)\n");
	status = CMD_EXIT_OK;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
