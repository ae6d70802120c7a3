/* export.c - `hanipo export --format jsonl|csv|stix|blocklist`: events for other tools. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/export.h"
#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

#define EXPORT_MAX_TAGS		64
#define EXPORT_BLOCKLIST_DAYS	"7d"
#define EXPORT_VALID_DAYS	14

static const char export_usage[] =
    "usage: hanipo export --format jsonl|csv|stix|blocklist [options]\n"
    "Writes stored events for other tools, oldest first.\n"
    "  jsonl      one JSON object per event (payload in base64)\n"
    "  csv        one row per event (RFC 4180; formulas defused)\n"
    "  stix       a STIX 2.1 bundle: observed-data, indicators and sightings for sources and\n"
    "             download URLs (deterministic ids: the same events give the same bundle)\n"
    "  blocklist  the source addresses, one a line (default --since " EXPORT_BLOCKLIST_DAYS ")\n"
    "\n"
    "  --since DURATION|TIME  only events at or after (100h, 30d, 2026-11-27, ...)\n"
    "  --until DURATION|TIME  only events before\n"
    "  --tags ID[,ID...]      only events tagged with any of these signature ids\n"
    "  --ip, --kind, --proto, --sensor  as for hanipo events\n"
    "  -o, --output FILE      write to FILE (default: stdout)\n"
    "  --set SECTION.KEY=VALUE  override one setting\n";

enum { X_FORMAT = 300, X_TAGS, X_SET };

/* Splits a comma-separated list in place. -1 when there are too many. */
static int
export_tags(char *s, const char **tags, size_t *n)
{
	char	*p;

	while ((p = strsep(&s, ",")) != NULL) {
		if (*p == '\0')
			continue;
		if (*n >= EXPORT_MAX_TAGS)
			return -1;
		tags[(*n)++] = p;
	}
	return 0;
}

/* The STIX identity: [sensor] name, else the host name; printable ASCII only. */
static void
export_identity(const struct config *cfg, char *out, size_t len)
{
	const char	*s = config_get(cfg, "sensor", "name");
	char		 host[256] = "";
	size_t		 i;

	if (s == NULL || *s == '\0') {
		if (gethostname(host, sizeof(host) - 1) == -1 || host[0] == '\0')
			snprintf(host, sizeof(host), "sensor");
		s = host;
	}
	snprintf(out, len, "hanipo sensor %s", s);
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
			out[i] = '?';
}

int
cmd_export(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, X_SET },
		{ "format", required_argument, NULL, X_FORMAT },
		{ "tags", required_argument, NULL, X_TAGS },
		{ "since", required_argument, NULL, CMD_OPT_SINCE },
		{ "until", required_argument, NULL, CMD_OPT_UNTIL },
		{ "ip", required_argument, NULL, CMD_OPT_IP },
		{ "kind", required_argument, NULL, CMD_OPT_KIND },
		{ "proto", required_argument, NULL, CMD_OPT_PROTO },
		{ "sensor", required_argument, NULL, CMD_OPT_SENSOR },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct export_opts		 xo;
	struct query_filter		 f;
	struct query_iter		*it = NULL;
	struct config			*cfg = NULL;
	sqlite3				*db = NULL;
	FILE				*fp = NULL;
	const char			*tags[EXPORT_MAX_TAGS], *format = NULL, *output = NULL;
	char				 err[1024], ident[300], *tmp = NULL;
	int64_t				 now = time_now_us(), n;
	int				 ch, r, since_set = 0, status = CMD_EXIT_USAGE;

	memset(&f, 0, sizeof(f));
	memset(&xo, 0, sizeof(xo));
	f.order = QUERY_ASC;
	xo.tags = tags;
	xo.valid_days = EXPORT_VALID_DAYS;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:o:h", longopts, NULL)) != -1) {
		if (ch == 'c') {
			cc.config_path = optarg;
			continue;
		}
		if ((r = cmd_filter_opt("export", &f, ch, optarg, now)) == -1)
			return CMD_EXIT_USAGE;
		if (r == 1) {
			since_set |= ch == CMD_OPT_SINCE;
			continue;
		}
		switch (ch) {
		case 'h':
			cmd_usage(export_usage, 0);
			return CMD_EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case X_SET:
			if (cmd_common_opt(&cc, 'o', optarg) == -1)
				return CMD_EXIT_USAGE;
			break;
		case X_FORMAT:
			format = optarg;
			break;
		case X_TAGS:
			if (export_tags(optarg, tags, &xo.ntags) == -1) {
				fprintf(stderr, "hanipo export: --tags: at most %d tags\n",
				    EXPORT_MAX_TAGS);
				return CMD_EXIT_USAGE;
			}
			break;
		default:
			cmd_bad_option("export", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if (format == NULL || export_format_parse(format, &xo.fmt) == -1) {
		fprintf(stderr, "hanipo export: --format: expected jsonl, csv, stix or blocklist%s%s"
		    "%s\n", format ? ", got \"" : "", format ? format : "", format ? "\"" : "");
		return CMD_EXIT_USAGE;
	}
	if (xo.fmt == EXPORT_BLOCKLIST && !since_set)
		cmd_filter_opt("export", &f, CMD_OPT_SINCE, EXPORT_BLOCKLIST_DAYS, now);
	if ((db = cmd_open_store("export", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	export_identity(cfg, ident, sizeof(ident));
	xo.identity = ident;
	if ((it = query_open(db, &f, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo export: %s\n", err);
		status = CMD_EXIT_FAIL;
		goto out;
	}
	if ((fp = cmd_output_open("export", output, &tmp)) == NULL) {
		status = CMD_EXIT_FAIL;
		goto out;
	}
	if ((n = export_run(fp, it, &xo, err, sizeof(err))) == -1)
		fprintf(stderr, "hanipo export: %s\n", err);
	status = n == -1 ? CMD_EXIT_FAIL : CMD_EXIT_OK;
	if (cmd_output_close("export", fp, output, tmp, status == CMD_EXIT_OK) == -1)
		status = CMD_EXIT_FAIL;
out:
	query_close(it);
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
