/* seal.c - `hanipo seal [--date D]`: signs a day's chain digest with the sensor's Ed25519 key. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "store/seal.h"

static const char seal_usage[] =
    "usage: hanipo seal [options]\n"
    "Signs the digest of every sensor's event chain at the end of a day (UTC) with the Ed25519\n"
    "key [seal] key (made on first use, with KEY.pub to hand to whoever verifies).\n"
    "\n"
    "  --date YYYY-MM-DD      the day (default: yesterday; today seals up to now)\n";

enum { OPT_DATE = 330 };

int
cmd_seal(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "date", required_argument, NULL, OPT_DATE },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common	 cc = { 0 };
	struct config		*cfg = NULL;
	sqlite3			*db = NULL;
	const char		*day = NULL;
	char			 err[1024], digest[65], yday[16];
	int64_t			 now = time_now_us(), t;
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
			cmd_usage(seal_usage, 0);
			return CMD_EXIT_OK;
		case OPT_DATE:
			if (seal_parse_day(optarg, &t) == -1) {
				fprintf(stderr, "hanipo seal: --date: bad day \"%s\" (YYYY-MM-DD)\n",
				    optarg);
				return CMD_EXIT_USAGE;
			}
			day = optarg;
			break;
		default:
			cmd_bad_option("seal", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (day == NULL) {
		time_format_offset(now - INT64_C(86400) * 1000000, 0, "%Y-%m-%d", yday,
		    sizeof(yday));
		day = yday;
	}
	if ((db = cmd_open_store("seal", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	if (seal_day(db, config_get(cfg, "seal", "key"), day, now, digest, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "hanipo seal: %s\n", err);
		status = CMD_EXIT_FAIL;
		goto out;
	}
	printf("sealed %s: digest %s (key %s)\n", day, digest, config_get(cfg, "seal", "key"));
	status = CMD_EXIT_OK;
out:
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
