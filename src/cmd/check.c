/* check.c - `hanipo check`: validates the configuration, listen addresses and rules without running. */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "fp/fpdb.h"
#include "fp/synevt.h"
#include "proto/service.h"

static const char check_usage[] =
    "usage: hanipo check [--dump] [-c FILE] [-o SECTION.KEY=VALUE ...]\n"
    "\nParses the configuration and every rule and fingerprint file it names; prints \"configuration OK\"\n"
    "or the first problem as file:line: message (exit 2). --dump also prints every key with\n"
    "its effective value and where it came from.\n";

int
cmd_check(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "dump", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct config			*cfg;
	struct services			 sv;
	struct fpdb			*fdb;
	char				 err[1024], warn[1024];
	int				 ch, r, dump = 0, status = CMD_EXIT_USAGE;

	optind = 1;
	while ((ch = getopt_long(argc, argv, CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (ch == 'd' && r == 0) {
			dump = 1;
			continue;
		}
		if (ch == 'h' && r == 0) {
			cmd_usage(check_usage, 0);
			return CMD_EXIT_OK;
		}
		cmd_usage(check_usage, 1);
		return CMD_EXIT_USAGE;
	}
	if ((cfg = cmd_load_config(&cc)) == NULL)
		return CMD_EXIT_USAGE;
	if (services_init(&sv, cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	if (services_check_listen(&sv, cfg, err, sizeof(err)) == -1)
		fprintf(stderr, "hanipo: %s\n", err);
	else if ((fdb = fp_load_config(cfg, warn, sizeof(warn), err, sizeof(err))) == NULL)
		fprintf(stderr, "hanipo: %s\n", err);
	else {
		fpdb_free(fdb);
		if (warn[0] != '\0')
			fprintf(stderr, "hanipo: warning: %s\n", warn);
		if (dump)
			config_dump(cfg);
		printf("configuration OK (%s, %zu sensor%s)\n", cmd_config_source(), sv.n,
		    sv.n == 1 ? "" : "s");
		status = CMD_EXIT_OK;
	}
	services_fini(&sv);
out:
	config_free(cfg);
	return status;
}
