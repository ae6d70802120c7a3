/* common.c - options and config loading shared by every sub-command. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "abuse/keys.h"
#include "cmd/cmd.h"
#include "core/timeutil.h"
#include "store/query.h"
#include "store/seal.h"
#include "proto/proto.h"

static const char	*cmd_source = "(built-in defaults)";

int
cmd_common_opt(struct cmd_common *cc, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		cc->config_path = arg;
		return 1;
	case 'o':
		if (cc->noverrides >= CMD_MAX_OVERRIDES) {
			fprintf(stderr, "hanipo: too many -o options (at most %d)\n",
			    CMD_MAX_OVERRIDES);
			return -1;
		}
		cc->overrides[cc->noverrides++] = arg;
		return 1;
	default:
		return 0;
	}
}

struct config *
cmd_load_config(const struct cmd_common *cc)
{
	struct config	*cfg;
	const char	*path = cc->config_path;
	char		 err[1024];
	size_t		 i;

	proto_register_config();
	config_register(abuse_config_keys);
	config_register(seal_config_keys);
	cfg = config_new();
	if (path == NULL && (path = getenv("HANIPO_CONFIG")) != NULL && *path == '\0')
		path = NULL;
	if (path == NULL && access("hanipo.conf", F_OK) == 0)
		path = "hanipo.conf";
	if (path == NULL && access("/etc/hanipo/hanipo.conf", F_OK) == 0)
		path = "/etc/hanipo/hanipo.conf";
	if (path != NULL) {
		if (config_load_file(cfg, path, err, sizeof(err)) == -1)
			goto fail;
		cmd_source = path;
	}
	for (i = 0; i < cc->noverrides; i++)
		if (config_override(cfg, cc->overrides[i], err, sizeof(err)) == -1)
			goto fail;
	return cfg;
fail:
	fprintf(stderr, "hanipo: %s\n", err);
	config_free(cfg);
	return NULL;
}

const char *
cmd_config_source(void)
{
	return cmd_source;
}

void
cmd_usage(const char *usage, int to_stderr)
{
	FILE	*fp = to_stderr ? stderr : stdout;

	fprintf(fp, "%s", usage);
	fprintf(fp, "\ncommon options:\n"
	    "  -c FILE               configuration file (default: $HANIPO_CONFIG, ./hanipo.conf,\n"
	    "                        /etc/hanipo/hanipo.conf, else built-in defaults)\n"
	    "  -o SECTION.KEY=VALUE  override one setting (repeatable)\n"
	    "  -h, --help            this help\n");
}

int
cmd_count_arg(const char *s, int64_t *out)
{
	long long	 v;
	char		*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

void
cmd_bad_option(const char *cmd, int ch, char **argv)
{
	const char	*arg = optind > 0 ? argv[optind - 1] : "?";

	if (ch == ':')
		fprintf(stderr, "hanipo %s: option %s needs a value\n", cmd, arg);
	else if (optopt != 0)
		fprintf(stderr, "hanipo %s: unknown option -%c\n", cmd, optopt);
	else
		fprintf(stderr, "hanipo %s: unknown option %s\n", cmd, arg);
	fprintf(stderr, "(hanipo %s --help lists the options)\n", cmd);
}

int
cmd_filter_opt(const char *cmd, struct query_filter *f, int ch, const char *arg,
    int64_t now_us)
{
	switch (ch) {
	case CMD_OPT_SINCE:
	case CMD_OPT_UNTIL:
		if (time_parse_point(arg, now_us, ch == CMD_OPT_SINCE ? &f->since : &f->until) ==
		    -1) {
			fprintf(stderr, "hanipo %s: --%s: bad time \"%s\" (a duration such as 24h, "
			    "an ISO 8601 time or @EPOCH)\n", cmd,
			    ch == CMD_OPT_SINCE ? "since" : "until", arg);
			return -1;
		}
		return 1;
	case CMD_OPT_IP:
		f->ip = arg;
		return 1;
	case CMD_OPT_KIND:
		f->kind = arg;
		return 1;
	case CMD_OPT_PROTO:
		f->proto = arg;
		return 1;
	case CMD_OPT_SENSOR:
		f->sensor = arg;
		return 1;
	case CMD_OPT_SESSION:
		f->session = arg;
		return 1;
	case CMD_OPT_FP:
		f->fp = arg;
		return 1;
	default:
		return 0;
	}
}

sqlite3 *
cmd_open_store(const char *cmd, const struct cmd_common *cc, int argc, char **argv,
    struct config **cfgp)
{
	sqlite3	*db;
	char	 err[1024];

	*cfgp = NULL;
	if (optind < argc) {
		fprintf(stderr, "hanipo %s: unexpected argument \"%s\"\n", cmd, argv[optind]);
		return NULL;
	}
	if ((*cfgp = cmd_load_config(cc)) == NULL)
		return NULL;
	if ((db = query_open_store(config_get(*cfgp, "store", "path"), err, sizeof(err))) == NULL)
		fprintf(stderr, "hanipo: %s\n", err);
	return db;
}
