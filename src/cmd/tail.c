/* tail.c - `hanipo tail`: the last events, then new ones as the writer commits them. */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "share/evtline.h"
#include "store/query.h"

#define TAIL_DEFAULT_LINES	10
#define TAIL_POLL_MS		200
#define TAIL_BATCH		10000	/* rows per poll; more wait for the next (immediate) one */

static const char tail_usage[] =
    "usage: hanipo tail [options]\n"
    "Prints the last events, then follows new ones until interrupted.\n"
    "\n"
    "  -n, --lines N     events to show first (default 10; 0: only new ones)\n"
    "  --ip ADDR         only this source address\n"
    "  --kind KIND       only this kind (connect, request, download_url, payload, close, ...)\n"
    "  --proto PROTO     only this protocol (http, ...)\n"
    "  --sensor NAME     only this sensor\n"
    "  --session ID      only this session\n"
    "  --fp VALUE        only events carrying this fingerprint (syn_sig, ja3_hash, ja4, ...)\n"
    "  --json            one JSON object per line (payload in base64)\n";


static volatile sig_atomic_t	tail_stop;

static void
tail_signal(int sig)
{
	(void)sig;
	tail_stop = 1;
}

/*
 * Prints the events f selects and moves *last to the highest seq seen. Returns the number
 * printed, -1 on a query error, -2 on a write error.
 */
static int64_t
tail_print(sqlite3 *db, const struct query_filter *f, int json, int64_t *last)
{
	struct query_iter	*it;
	struct evt		*ev;
	char			 err[512];
	int64_t			 n = 0;
	int			 r = 0, w = 0;

	if ((it = query_open(db, f, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo tail: %s\n", err);
		return -1;
	}
	while (w == 0 && (r = query_next(it, &ev)) == 1) {
		w = json ? evtline_print_json(stdout, ev) : evtline_print(stdout, ev);
		if (ev->seq > *last)
			*last = ev->seq;
		evt_free(ev);
		n++;
	}
	if (w == 0 && r == -1)
		fprintf(stderr, "hanipo tail: %s\n", query_errmsg(it));
	query_close(it);
	if (w != 0) {
		fprintf(stderr, "hanipo tail: write error: %s\n", strerror(errno));
		return -2;
	}
	return r == -1 ? -1 : n;
}

/* Whether the file at path is still the store we opened. Prints why not. */
static int
tail_same_file(const char *path, const struct stat *orig)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1) {
		fprintf(stderr, "hanipo: %s: store %s\n", path,
		    errno == ENOENT ? "removed" : strerror(errno));
		return 0;
	}
	if (sb.st_dev != orig->st_dev || sb.st_ino != orig->st_ino) {
		fprintf(stderr, "hanipo: %s: store replaced by another file\n", path);
		return 0;
	}
	return 1;
}

int
cmd_tail(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "lines", required_argument, NULL, 'n' },
		{ "ip", required_argument, NULL, CMD_OPT_IP },
		{ "kind", required_argument, NULL, CMD_OPT_KIND },
		{ "proto", required_argument, NULL, CMD_OPT_PROTO },
		{ "sensor", required_argument, NULL, CMD_OPT_SENSOR },
		{ "session", required_argument, NULL, CMD_OPT_SESSION },
		{ "fp", required_argument, NULL, CMD_OPT_FP },
		{ "json", no_argument, NULL, CMD_OPT_JSON },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct query_filter		 f;
	struct config			*cfg = NULL;
	struct sigaction		 sa;
	struct stat			 orig;
	struct timespec			 ts = { 0, TAIL_POLL_MS * 1000000L };
	sqlite3				*db = NULL;
	const char			*path;
	char				 err[1024];
	int64_t				 now = time_now_us();
	int64_t				 lines = TAIL_DEFAULT_LINES, last, n;
	int				 ch, r, json = 0, status = CMD_EXIT_USAGE;

	memset(&f, 0, sizeof(f));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING "n:", longopts,
	    NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1 || (r = cmd_filter_opt("tail", &f, ch, optarg, now)) == -1)
			return CMD_EXIT_USAGE;
		if (r == 1)
			continue;
		switch (ch) {
		case 'h':
			cmd_usage(tail_usage, 0);
			return CMD_EXIT_OK;
		case 'n':
			if (cmd_count_arg(optarg, &lines) == -1) {
				fprintf(stderr, "hanipo tail: -n: bad value \"%s\" (a number "
				    ">= 0)\n", optarg);
				return CMD_EXIT_USAGE;
			}
			break;
		case CMD_OPT_JSON:
			json = 1;
			break;
		default:
			cmd_bad_option("tail", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if ((db = cmd_open_store("tail", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	path = config_get(cfg, "store", "path");
	if (stat(path, &orig) == -1) {
		fprintf(stderr, "hanipo: %s: %s\n", path, strerror(errno));
		goto out;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tail_signal;	/* no SA_RESTART: the poll sleep ends at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	status = CMD_EXIT_FAIL;
	if ((last = query_max_seq(db, err, sizeof(err))) == -1) {
		fprintf(stderr, "hanipo tail: %s\n", err);
		goto out;
	}
	if (lines > 0) {
		int64_t	 through = last;

		f.order = QUERY_LAST;
		f.limit = lines;
		f.max_seq = through;
		if (through > 0 && tail_print(db, &f, json, &last) < 0)
			goto out;
		last = through;
	}
	f.order = QUERY_SEQ;
	f.limit = TAIL_BATCH;
	f.max_seq = 0;
	while (!tail_stop) {
		f.after_seq = last;
		if ((n = tail_print(db, &f, json, &last)) < 0)
			goto out;
		if (n >= TAIL_BATCH)
			continue;
		nanosleep(&ts, NULL);
		if (!tail_stop && !tail_same_file(path, &orig))
			goto out;
	}
	status = CMD_EXIT_OK;
out:
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
