/* verify.c - `hanipo verify [--seal]`: recomputes the event hash chains (and checks the seals). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "store/chain.h"
#include "store/seal.h"

static const char verify_usage[] =
    "usage: hanipo verify [options]\n"
    "Recomputes every sensor's event hash chain from the store; exits 1 and names the first\n"
    "broken event when a row was edited, removed or added behind hanipo's back.\n"
    "\n"
    "  --seal                 also check the signed day digests (hanipo seal)\n"
    "  --date YYYY-MM-DD      with --seal: only that day's seal\n";

enum { OPT_SEAL = 320, OPT_DATE };

int
cmd_verify(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "seal", no_argument, NULL, OPT_SEAL },
		{ "date", required_argument, NULL, OPT_DATE },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common	 cc = { 0 };
	struct config		*cfg = NULL;
	struct chain_report	 rep;
	sqlite3			*db = NULL;
	const char		*day = NULL;
	char			 err[1024];
	int64_t			 t;
	int			 ch, r, seal = 0, status = CMD_EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		switch (ch) {
		case 'h':
			cmd_usage(verify_usage, 0);
			return CMD_EXIT_OK;
		case OPT_SEAL:
			seal = 1;
			break;
		case OPT_DATE:
			if (seal_parse_day(optarg, &t) == -1) {
				fprintf(stderr, "hanipo verify: --date: bad day \"%s\" "
				    "(YYYY-MM-DD)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			day = optarg;
			break;
		default:
			cmd_bad_option("verify", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if ((db = cmd_open_store("verify", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	if (chain_verify(db, &rep, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo verify: %s\n", err);
		status = CMD_EXIT_FAIL;
		goto out;
	}
	if (rep.broken) {
		printf("chain BROKEN at event %s (seq %lld): %s\n", rep.broken_id,
		    (long long)rep.broken_seq, rep.why);
		status = CMD_EXIT_FAIL;
	} else {
		printf("chain ok: %lld events in %lld links, %lld sensors",
		    (long long)rep.events, (long long)rep.links, (long long)rep.sensors);
		if (rep.unchained > 0)
			printf(" (%lld older events stored before the chain began are not covered)",
			    (long long)rep.unchained);
		printf("\n");
		status = CMD_EXIT_OK;
	}
	if (seal) {
		r = seal_verify(db, config_get(cfg, "seal", "key"), day, err, sizeof(err));
		if (r == -1)
			fprintf(stderr, "hanipo verify: %s\n", err);
		if (r != 0)
			status = CMD_EXIT_FAIL;
	}
out:
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
