/* common.c - options and config loading shared by every sub-command. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/cmd.h"
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
