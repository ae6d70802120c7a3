/*
 * ip.c - `hanipo ip ADDR`: one source's profile (first/last seen, sessions, sensors and ports,
 * signatures with their CVEs, credentials, commands, URLs, user agents, fingerprints, country and
 * AS) and its timeline, every event in order. Text for a terminal (attacker strings escaped) or
 * one JSON object.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/geo.h"
#include "analyze/sig.h"
#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "share/escape.h"
#include "share/evtline.h"
#include "store/query.h"

#define IP_TOP		20	/* rows per profile section */
#define IP_CELL		96	/* columns for one attacker string */

static const char ip_usage[] =
    "usage: hanipo ip ADDR [options]\n"
    "Profile and timeline of one source address: first and last seen, sessions, sensors and\n"
    "ports, signatures (with CVEs), credentials, commands, URLs, user agents, fingerprints,\n"
    "country and AS, then every event in order.\n"
    "\n"
    "  --since DURATION|TIME  only events at or after (30d, 2026-11-27, @EPOCH)\n"
    "  --until DURATION|TIME  only events before\n"
    "  -n, --limit N          the timeline's first N events (default all; 0: none)\n"
    "  --json                 one JSON object (profile, then \"timeline\": events)\n";

/* One profile section: a ranking over the address's events. */
struct ip_section {
	const char	*title;		/* text heading */
	const char	*json;		/* JSON member */
	const char	*kind;		/* only events of this kind, or NULL */
	const char	*keys[3];	/* query_top keys, NULL-terminated */
	const char	*sep;		/* between key values in text */
	const char	*names[3];	/* JSON member of each key's value ("value" when NULL) */
};

static const struct ip_section ip_sections[] = {
	{ "kinds", "kinds", NULL, { "kind" }, "" },
	{ "sensors", "sensors", NULL, { "sensor" }, "" },
	{ "ports", "ports", NULL, { "proto", "dst_port" }, "/", { "proto", "port" } },
	{ "signatures", "signatures", NULL, { "tag" }, "", { "id" } },
	{ "credentials", "credentials", "login", { "$.user", "$.password" }, " / ",
	    { "user", "password" } },
	{ "commands", "commands", "command", { "$.command" }, "" },
	{ "download URLs", "download_urls", "download_url", { "$.url" }, "" },
	{ "requests", "requests", "request", { "$.method", "$.uri" }, " ", { "method", "uri" } },
	{ "user agents", "user_agents", "request", { "$.user_agent" }, "" },
	{ "JA3", "ja3", NULL, { "$.ja3_hash" }, "" },
	{ "JA4", "ja4", NULL, { "$.ja4" }, "" },
	{ "HASSH", "hassh", NULL, { "$.hassh" }, "" },
	{ "SSH client", "ssh_client", NULL, { "$.client" }, "" },
	{ "SYN", "syn", "connect", { "$.syn_sig" }, "" },
	{ "SYN client", "syn_client", "connect", { "$.syn_client" }, "" },
};
#define IP_NSECTIONS	(sizeof(ip_sections) / sizeof(ip_sections[0]))

struct ip_ctx {
	sqlite3			*db;
	struct query_filter	 f;
	struct sigdb		*sigs;		/* may be NULL */
	struct geo		*geo;		/* may be NULL */
	const char		*addr;
	int64_t			 limit;		/* -1: all */
	int			 json;
};

static size_t
ip_nkeys(const struct ip_section *s)
{
	size_t	 n = 0;

	while (n < 3 && s->keys[n] != NULL)
		n++;
	return n;
}

static int
ip_rank(struct ip_ctx *c, const struct ip_section *s, struct query_rank **r, size_t *n,
    char *err, size_t errlen)
{
	struct query_filter	 f = c->f;

	if (s->kind != NULL)
		f.kind = s->kind;
	return query_top(c->db, &f, s->keys, ip_nkeys(s), IP_TOP, r, n, err, errlen);
}

/* The signature's text after its id: "name  CVE-... [OWASP I1 I3]". */
static void
ip_sig_text(const struct sig *s, char *out, size_t len)
{
	size_t	 i, o;

	o = (size_t)snprintf(out, len, "  %s", s->name);
	for (i = 0; i < s->ncves && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, " %s", s->cves[i]);
	for (i = 0; i < s->nowasp && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "  [OWASP ", s->owasp[i]);
	if (s->nowasp > 0 && o < len)
		snprintf(out + o, len - o, "]");
}

static void
ip_text_section(struct ip_ctx *c, const struct ip_section *s, struct query_rank *r, size_t n)
{
	char			 cell[4 * IP_CELL + 8], extra[1024];
	const struct sig	*sig;
	size_t			 i, k;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		printf("%-14s", i == 0 ? s->title : "");
		for (k = 0; k < ip_nkeys(s); k++) {
			if (k > 0)
				fputs(s->sep, stdout);
			if (r[i].val[k] == NULL)
				fputs("-", stdout);
			else {
				esc_cell(cell, sizeof(cell), r[i].val[k], r[i].len[k], IP_CELL);
				fputs(cell, stdout);
			}
		}
		printf(" (%lld)", (long long)r[i].count);
		if (strcmp(s->keys[0], "tag") == 0 && c->sigs != NULL && r[i].val[0] != NULL &&
		    (sig = sigdb_find(c->sigs, r[i].val[0])) != NULL) {
			ip_sig_text(sig, extra, sizeof(extra));
			fputs(extra, stdout);
		}
		putchar('\n');
	}
}

static json_t *
ip_json_str(const char *s, size_t len)
{
	return s == NULL ? json_null() : evt_json_bytes(s, len);
}

static json_t *
ip_json_sig(const struct sig *s)
{
	json_t	*o = json_object(), *a;
	size_t	 i;

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "category", json_string(s->category));
	a = json_array();
	for (i = 0; i < s->ncves; i++)
		json_array_append_new(a, json_string(s->cves[i]));
	json_object_set_new(o, "cves", a);
	a = json_array();
	for (i = 0; i < s->nowasp; i++)
		json_array_append_new(a, json_string(s->owasp[i]));
	json_object_set_new(o, "owasp", a);
	a = json_array();
	for (i = 0; i < s->nabuseipdb; i++)
		json_array_append_new(a, json_integer(s->abuseipdb[i]));
	json_object_set_new(o, "abuseipdb", a);
	return o;
}

static json_t *
ip_json_section(struct ip_ctx *c, const struct ip_section *s, struct query_rank *r, size_t n)
{
	json_t			*a = json_array(), *o;
	const struct sig	*sig;
	size_t			 i, k;

	for (i = 0; i < n; i++) {
		o = json_object();
		for (k = 0; k < ip_nkeys(s); k++)
			json_object_set_new(o, s->names[k] != NULL ? s->names[k] : "value",
			    ip_json_str(r[i].val[k], r[i].len[k]));
		json_object_set_new(o, "count", json_integer(r[i].count));
		if (strcmp(s->keys[0], "tag") == 0 && c->sigs != NULL && r[i].val[0] != NULL &&
		    (sig = sigdb_find(c->sigs, r[i].val[0])) != NULL)
			json_object_set_new(o, "signature", ip_json_sig(sig));
		json_array_append_new(a, o);
	}
	return a;
}

/* First and last event times; 0 events gives -1 in both. */
static int
ip_span(struct ip_ctx *c, int64_t *first, int64_t *last, char *err, size_t errlen)
{
	struct query_filter	 f = c->f;
	struct query_iter	*it;
	struct evt		*ev;
	int			 k, r;

	*first = *last = -1;
	for (k = 0; k < 2; k++) {
		f.limit = 1;
		f.order = k == 0 ? QUERY_ASC : QUERY_DESC;
		if ((it = query_open(c->db, &f, err, errlen)) == NULL)
			return -1;
		if ((r = query_next(it, &ev)) == 1) {
			*(k == 0 ? first : last) = ev->ts;
			evt_free(ev);
		} else if (r == -1) {
			snprintf(err, errlen, "%s", query_errmsg(it));
			query_close(it);
			return -1;
		}
		query_close(it);
	}
	return 0;
}

/* One timeline line: the event's line, then its tags in brackets. */
static int
ip_line(struct buf *b, const struct evt *ev)
{
	const char	*t;
	size_t		 i;

	b->len = 0;
	if (evtline_text(b, ev) == -1)
		return -1;
	for (i = 0; i < json_array_size(ev->tags); i++) {
		if ((t = json_string_value(json_array_get(ev->tags, i))) == NULL)
			continue;
		if (buf_append(b, i == 0 ? " [" : ",", i == 0 ? 2 : 1) == -1 ||
		    esc_term_buf(b, t, strlen(t)) == -1)
			return -1;
	}
	if (json_array_size(ev->tags) > 0 && buf_append(b, "]", 1) == -1)
		return -1;
	return buf_append(b, "\n", 1);
}

static int
ip_timeline(struct ip_ctx *c, json_t *arr, char *err, size_t errlen)
{
	struct query_filter	 f = c->f;
	struct query_iter	*it;
	struct evt		*ev;
	struct buf		 line;
	int			 r;

	if (c->limit == 0)
		return 0;
	f.order = QUERY_ASC;
	f.limit = c->limit > 0 ? c->limit : 0;
	if ((it = query_open(c->db, &f, err, errlen)) == NULL)
		return -1;
	if (arr == NULL)
		printf("\ntimeline\n");
	buf_init(&line, EVTLINE_MAX + 4 * IP_CELL);
	while ((r = query_next(it, &ev)) == 1) {
		if (arr != NULL)
			json_array_append_new(arr, evt_to_json(ev, 0));
		else if (ip_line(&line, ev) == -1 || fwrite(line.data, 1, line.len, stdout) !=
		    line.len)
			r = -2;
		evt_free(ev);
		if (r == -2)
			break;
	}
	if (r == -1)
		snprintf(err, errlen, "%s", query_errmsg(it));
	else if (r == -2)
		snprintf(err, errlen, "write error: %s", strerror(errno));
	query_close(it);
	buf_free(&line);
	return r < 0 ? -1 : 0;
}

static int
ip_show(struct ip_ctx *c, char *err, size_t errlen)
{
	struct geo_info		 gi;
	struct query_rank	*r;
	json_t			*o = NULL, *tl = NULL;
	int64_t			 first, last, events, sessions;
	char			 t1[40], t2[40], as[GEO_ORG_MAX + 16], ascell[4 * IP_CELL + 8];
	size_t			 i, n;
	int			 rc = -1;

	if (query_count(c->db, &c->f, NULL, &events, err, errlen) == -1 ||
	    query_count(c->db, &c->f, "session", &sessions, err, errlen) == -1 ||
	    ip_span(c, &first, &last, err, errlen) == -1)
		return -1;
	geo_lookup(c->geo, c->addr, &gi);
	geo_as_text(&gi, as, sizeof(as));
	if (c->json) {
		o = json_object();
		json_object_set_new(o, "ip", json_string(c->addr));
		json_object_set_new(o, "country", json_string(gi.country));
		json_object_set_new(o, "asn", gi.asn ? json_integer(gi.asn) : json_null());
		json_object_set_new(o, "as_org", evt_json_bytes(gi.as_org, strlen(gi.as_org)));
		json_object_set_new(o, "first_seen", events ? json_string(time_format_iso(first,
		    t1, sizeof(t1))) : json_null());
		json_object_set_new(o, "last_seen", events ? json_string(time_format_iso(last, t2,
		    sizeof(t2))) : json_null());
		json_object_set_new(o, "events", json_integer(events));
		json_object_set_new(o, "sessions", json_integer(sessions));
	} else {
		esc_cell(ascell, sizeof(ascell), as, strlen(as), IP_CELL);
		printf("%-14s%s\n%-14s%s\n%-14s%s\n", "address", c->addr, "country", gi.country,
		    "AS", ascell);
		if (events == 0) {
			printf("%-14s%s\n", "events", "none");
			return 0;
		}
		printf("%-14s%s\n%-14s%s\n%-14s%lld in %lld session%s\n", "first seen",
		    time_format_iso(first, t1, sizeof(t1)), "last seen",
		    time_format_iso(last, t2, sizeof(t2)), "events", (long long)events,
		    (long long)sessions, sessions == 1 ? "" : "s");
	}
	for (i = 0; i < IP_NSECTIONS; i++) {
		if (ip_rank(c, &ip_sections[i], &r, &n, err, errlen) == -1)
			goto out;
		if (o != NULL)
			json_object_set_new(o, ip_sections[i].json, ip_json_section(c,
			    &ip_sections[i], r, n));
		else
			ip_text_section(c, &ip_sections[i], r, n);
		query_rank_free(r, n);
	}
	if (o != NULL)
		json_object_set_new(o, "timeline", tl = json_array());
	if (ip_timeline(c, tl, err, errlen) == -1)
		goto out;
	if (o != NULL) {
		char	*s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

		if (s == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		puts(s);
		free(s);
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* The address in the form the store keeps (IPv4-mapped IPv6 as IPv4, IPv6 compressed). */
static int
ip_normalise(const char *in, char *out, size_t len)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (inet_pton(AF_INET, in, &a4) == 1)
		return inet_ntop(AF_INET, &a4, out, (socklen_t)len) == NULL ? -1 : 0;
	if (inet_pton(AF_INET6, in, &a6) != 1)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, a6.s6_addr + 12, 4);
		return inet_ntop(AF_INET, &a4, out, (socklen_t)len) == NULL ? -1 : 0;
	}
	return inet_ntop(AF_INET6, &a6, out, (socklen_t)len) == NULL ? -1 : 0;
}

int
cmd_ip(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, CMD_OPT_SINCE },
		{ "until", required_argument, NULL, CMD_OPT_UNTIL },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct ip_ctx			 c;
	struct config			*cfg = NULL;
	char				 err[1024], addr[64];
	int64_t				 now = time_now_us();
	int				 ch, r, status = CMD_EXIT_USAGE;

	memset(&c, 0, sizeof(c));
	c.limit = -1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING "n:", longopts,
	    NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		if (ch == CMD_OPT_SINCE || ch == CMD_OPT_UNTIL) {
			if (cmd_filter_opt("ip", &c.f, ch, optarg, now) == -1)
				return CMD_EXIT_USAGE;
			continue;
		}
		switch (ch) {
		case 'h':
			cmd_usage(ip_usage, 0);
			return CMD_EXIT_OK;
		case 'n':
			if (cmd_count_arg(optarg, &c.limit) == -1) {
				fprintf(stderr, "hanipo ip: --limit: bad value \"%s\" (a number >= 0)\n",
				    optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case CMD_OPT_JSON:
			c.json = 1;
			break;
		default:
			cmd_bad_option("ip", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hanipo ip: give an address (hanipo ip --help)\n");
		return CMD_EXIT_USAGE;
	}
	if (ip_normalise(argv[optind], addr, sizeof(addr)) == -1) {
		esc_term(err, sizeof(err), argv[optind], strlen(argv[optind]));
		fprintf(stderr, "hanipo ip: not an IPv4 or IPv6 address: \"%s\"\n", err);
		return CMD_EXIT_USAGE;
	}
	optind++;
	if ((c.db = cmd_open_store("ip", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	c.addr = addr;
	c.f.ip = addr;
	/* Names of signatures and geo data are extras: without them the profile still shows. */
	c.sigs = sigdb_load_config(cfg, err, sizeof(err));
	if (c.sigs == NULL && *err != '\0')
		fprintf(stderr, "hanipo ip: %s (signature names not shown)\n", err);
	if ((c.geo = geo_open(cfg, c.db, err, sizeof(err))) == NULL)
		fprintf(stderr, "hanipo ip: %s (country and AS not shown)\n", err);
	if (ip_show(&c, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo ip: %s\n", err);
		status = CMD_EXIT_FAIL;
	} else
		status = fflush(stdout) == EOF ? CMD_EXIT_FAIL : CMD_EXIT_OK;
out:
	sigdb_free(c.sigs);
	geo_close(c.geo);
	sqlite3_close(c.db);
	config_free(cfg);
	return status;
}
