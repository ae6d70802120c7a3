/* main.c - hanipo's entry point: dispatches to a sub-command from one table. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct cmd cmd_table[] = {
	{ "run",	cmd_run,	"run the sensors in the configuration" },
	{ "events",	cmd_events,	"list stored events (filters, JSON lines)" },
	{ "tail",	cmd_tail,	"follow new events live" },
	{ "stats",	cmd_stats,	"rankings: paths, user agents, sources, rules, URLs" },
	{ "import",	cmd_import,	"import WOWHoneypot or Cowrie logs (plain or gzip)" },
	{ "report",	cmd_report,	"daily report (md, html, json; ja, en) and its Atom feed" },
	{ "export",	cmd_export,	"events as JSON lines, CSV, a STIX 2.1 bundle or a blocklist" },
	{ "verify",	cmd_verify,	"check the event hash chains (and seals) for tampering" },
	{ "seal",	cmd_seal,	"sign a day's chain digest (Ed25519)" },
	{ "abuse",	cmd_abuse_exec,	"abuse reports: lookup, plan, render, send, status" },
	{ "classify",	cmd_classify,	"run the signatures over stored events again" },
	{ "geo",	cmd_geo,	"geo/ASN databases: import ASN ranges, look an address up" },
	{ "ip",		cmd_ip,		"one source address: profile and timeline" },
	{ "check",	cmd_check,	"validate the configuration and rules" },
	{ "version",	cmd_version,	"print the version" },
};

static void
usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: hanipo COMMAND [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		fprintf(fp, "  %-10s %s\n", cmd_table[i].name, cmd_table[i].summary);
	fprintf(fp, "\n`hanipo COMMAND --help` describes a command's options.\n");
}

int
main(int argc, char **argv)
{
	size_t	 i;

	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CMD_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return cmd_version(1, argv + 1);
	for (i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		if (strcmp(argv[1], cmd_table[i].name) == 0)
			return cmd_table[i].run(argc - 1, argv + 1);
	fprintf(stderr, "hanipo: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CMD_EXIT_USAGE;
}
