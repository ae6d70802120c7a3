/*
 * abuse.c - `hanipo abuse SUBCOMMAND`: lookup (who is responsible for an address), and the
 * reporting commands (one function each, in abuse_*.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abuse/lookup.h"
#include "cmd/cmd.h"
#include "cmd/abuse_report.h"
#include "share/escape.h"

static const char abuse_usage[] =
    "usage: hanipo abuse SUBCOMMAND [options]\n"
    "Abuse reports: who is responsible for an address, what to tell them, whether it helped.\n"
    "\n"
    "  lookup ADDR...        the network and abuse contact of addresses (RDAP, whois, JPNIC)\n"
    "  update-bootstrap      fetch the IANA RDAP bootstrap files into [abuse] rdap_bootstrap\n"
    "  plan                  which sources deserve a report, grouped by contact\n"
    "  render                one report: text, xarf, jpcert or abuseipdb\n"
    "  send                  mail the plan's reports (dry run unless --no-dry-run)\n"
    "  status                reported addresses: continues or stopped, by day\n";

static const char lookup_usage[] =
    "usage: hanipo abuse lookup [options] ADDR...\n"
    "The network and abuse contact of each address: RDAP (IANA bootstrap), whois when RDAP\n"
    "fails, JPNIC's whois for Japanese space; results are cached in the store.\n"
    "\n"
    "  --offline              the cache only (even expired entries); no network\n"
    "  --refresh              ask the registries even when the cache is fresh\n"
    "  --json                 one JSON object per address\n";

enum { OPT_OFFLINE = 300, OPT_REFRESH };

/* Prints an untrusted registry string escaped for the terminal. */
static void
put_safe(const char *label, const char *s)
{
	char	 out[ESC_TERM_MAX(512) + 1];

	if (s == NULL || *s == '\0')
		return;
	esc_term(out, sizeof(out), s, strlen(s));
	printf("%-10s %s\n", label, out);
}

static void
put_list(const char *label, const struct email_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		put_safe(label, l->v[i]);
}

static void
lookup_print(const char *addr, const struct contact *c, int cached, int json)
{
	json_t	*j;
	char	*s;

	if (json) {
		j = contact_to_json(c);
		json_object_set_new(j, "address", json_string(addr));
		json_object_set_new(j, "cached", json_boolean(cached));
		json_object_set_new(j, "best", contact_best(c) != NULL ?
		    json_string(contact_best(c)) : json_null());
		s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		printf("%s\n", s);
		free(s);
		json_decref(j);
		return;
	}
	put_safe("address", addr);
	put_safe("network", c->network);
	put_safe("name", c->name);
	put_safe("handle", c->handle);
	put_safe("country", c->country);
	put_safe("registry", c->registry);
	put_safe("source", c->source);
	put_list("abuse", &c->abuse);
	put_list("desk", &c->desk);
	put_list("fallback", &c->fallback);
	put_safe("report to", contact_best(c) != NULL ? contact_best(c) :
	    "(nobody: no abuse contact of the network's own)");
	printf("%-10s %s\n\n", "cached", cached ? "yes" : "no");
}

static int
abuse_lookup_cmd(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "refresh", no_argument, NULL, OPT_REFRESH },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common	 cc = { 0 };
	struct config		*cfg = NULL;
	struct contact		 c;
	enum lookup_mode	 mode = LOOKUP_CACHED;
	sqlite3			*db = NULL;
	char			 err[2048];
	int			 ch, r, json = 0, cached, first, status = CMD_EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		switch (ch) {
		case 'h':
			cmd_usage(lookup_usage, 0);
			return CMD_EXIT_OK;
		case OPT_OFFLINE:
			mode = LOOKUP_OFFLINE;
			break;
		case OPT_REFRESH:
			mode = LOOKUP_REFRESH;
			break;
		case CMD_OPT_JSON:
			json = 1;
			break;
		default:
			cmd_bad_option("abuse lookup", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hanipo abuse lookup: which address? (ADDR...)\n");
		return CMD_EXIT_USAGE;
	}
	first = optind;
	optind = argc;
	if ((db = cmd_open_store("abuse lookup", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	status = CMD_EXIT_OK;
	for (; first < argc; first++) {
		if (abuse_lookup(db, cfg, argv[first], mode, &c, &cached, err, sizeof(err)) == -1) {
			fprintf(stderr, "hanipo abuse lookup: %s\n", err);
			status = CMD_EXIT_FAIL;
			continue;
		}
		lookup_print(argv[first], &c, cached, json);
	}
out:
	sqlite3_close(db);
	config_free(cfg);
	return status;
}

static const char update_usage[] =
    "usage: hanipo abuse update-bootstrap [options]\n"
    "Fetches the IANA RDAP bootstrap files (ipv4.json, ipv6.json, asn.json) into the directory\n"
    "named by [abuse] rdap_bootstrap, each checked before it replaces the old one.\n"
    "\n"
    "  --from URL             where to fetch them (default " IANA_BOOTSTRAP ")\n";

enum { OPT_FROM = 310 };

static int
abuse_update_cmd(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common	 cc = { 0 };
	struct config		*cfg = NULL;
	const char		*from = IANA_BOOTSTRAP;
	char			 err[2048];
	int			 ch, r, status = CMD_EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		switch (ch) {
		case 'h':
			cmd_usage(update_usage, 0);
			return CMD_EXIT_OK;
		case OPT_FROM:
			from = optarg;
			break;
		default:
			cmd_bad_option("abuse update-bootstrap", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hanipo abuse update-bootstrap: unexpected argument \"%s\"\n",
		    argv[optind]);
		return CMD_EXIT_USAGE;
	}
	if ((cfg = cmd_load_config(&cc)) == NULL)
		return CMD_EXIT_USAGE;
	status = CMD_EXIT_OK;
	if (abuse_bootstrap_update(cfg, from, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo abuse update-bootstrap: %s\n", err);
		status = CMD_EXIT_FAIL;
	}
	config_free(cfg);
	return status;
}

static const struct cmd abuse_cmds[] = {
	{ "lookup", abuse_lookup_cmd, "the network and abuse contact of addresses" },
	{ "update-bootstrap", abuse_update_cmd, "fetch the IANA RDAP bootstrap files" },
	{ "plan", abuse_plan_cmd, "which sources deserve a report, by contact" },
	{ "render", abuse_render_cmd, "a report as text, XARF, JPCERT/CC form or AbuseIPDB CSV" },
	{ "send", abuse_send_cmd, "mail the plan's reports (dry run unless --no-dry-run)" },
	{ "status", abuse_status_cmd, "did the reported addresses stop?" },
};

int
cmd_abuse(int argc, char **argv)
{
	size_t	 i;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cmd_usage(abuse_usage, argc < 2);
		return argc < 2 ? CMD_EXIT_USAGE : CMD_EXIT_OK;
	}
	for (i = 0; i < sizeof(abuse_cmds) / sizeof(abuse_cmds[0]); i++)
		if (strcmp(argv[1], abuse_cmds[i].name) == 0)
			return abuse_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "hanipo abuse: unknown subcommand \"%s\"\n", argv[1]);
	cmd_usage(abuse_usage, 1);
	return CMD_EXIT_USAGE;
}
