/* events.c - `hanipo events`: the stored events matching filters, as text lines or JSON lines. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "share/evtline.h"
#include "store/query.h"

#define EVENTS_DEFAULT_LIMIT	100

static const char events_usage[] =
    "usage: hanipo events [options]\n"
    "Lists stored events, oldest first: the newest --limit of them within the window.\n"
    "\n"
    "  --since DURATION|TIME  only events at or after: 1h, 7d (that long ago),\n"
    "                         2026-11-27, 2026-11-27T06:00[:00][Z|+09:00], @EPOCH\n"
    "  --until DURATION|TIME  only events before\n"
    "  --ip ADDR              only this source address\n"
    "  --kind KIND            only this kind (connect, request, download_url, payload,\n"
    "                         close, ...)\n"
    "  --proto PROTO          only this protocol (http, ...)\n"
    "  --sensor NAME          only this sensor\n"
    "  --session ID           only this session\n"
    "  --fp VALUE             only events carrying this fingerprint (syn_sig, syn_tool,\n"
    "                         ja3, ja3_hash, ja3s, ja3s_hash, ja4)\n"
    "  -n, --limit N          at most N events, the newest (default 100; 0: no limit)\n"
    "  --json                 one JSON object per line (payload in base64)\n";


int
cmd_events(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, CMD_OPT_SINCE },
		{ "until", required_argument, NULL, CMD_OPT_UNTIL },
		{ "ip", required_argument, NULL, CMD_OPT_IP },
		{ "kind", required_argument, NULL, CMD_OPT_KIND },
		{ "proto", required_argument, NULL, CMD_OPT_PROTO },
		{ "sensor", required_argument, NULL, CMD_OPT_SENSOR },
		{ "session", required_argument, NULL, CMD_OPT_SESSION },
		{ "fp", required_argument, NULL, CMD_OPT_FP },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct query_filter		 f;
	struct query_iter		*it = NULL;
	struct config			*cfg = NULL;
	struct evt			*ev;
	sqlite3				*db = NULL;
	char				 err[1024];
	int64_t				 now = time_now_us();
	int				 ch, r, json = 0, status = CMD_EXIT_USAGE;

	memset(&f, 0, sizeof(f));
	f.limit = EVENTS_DEFAULT_LIMIT;
	f.order = QUERY_LAST;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING "n:", longopts,
	    NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1 || (r = cmd_filter_opt("events", &f, ch, optarg, now)) == -1)
			return CMD_EXIT_USAGE;
		if (r == 1)
			continue;
		switch (ch) {
		case 'h':
			cmd_usage(events_usage, 0);
			return CMD_EXIT_OK;
		case 'n':
			if (cmd_count_arg(optarg, &f.limit) == -1) {
				fprintf(stderr, "hanipo events: --limit: bad value \"%s\" "
				    "(a number >= 0; 0: no limit)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case CMD_OPT_JSON:
			json = 1;
			break;
		default:
			cmd_bad_option("events", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if ((db = cmd_open_store("events", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	if ((it = query_open(db, &f, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo events: %s\n", err);
		status = CMD_EXIT_FAIL;
		goto out;
	}
	status = CMD_EXIT_OK;
	while ((r = query_next(it, &ev)) == 1) {
		if ((json ? evtline_print_json(stdout, ev) : evtline_print(stdout, ev)) == -1)
			r = -2;
		evt_free(ev);
		if (r == -2)
			break;
	}
	if (r == -1) {
		fprintf(stderr, "hanipo events: %s\n", query_errmsg(it));
		status = CMD_EXIT_FAIL;
	}
	if (fflush(stdout) == EOF || r == -2) {
		fprintf(stderr, "hanipo events: write error: %s\n", strerror(errno));
		status = CMD_EXIT_FAIL;
	}
out:
	query_close(it);
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
