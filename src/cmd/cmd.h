/* cmd.h - sub-commands: one file each, one row in main.c's table; shared option and config handling. */
#ifndef HNP_CMD_H
#define HNP_CMD_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/config.h"

struct cmd {
	const char	*name;
	int		(*run)(int argc, char **argv);	/* argv[0] is the command name */
	const char	*summary;			/* one line for `hanipo --help` */
};

/* Exit codes: 0 success, 1 a check found problems, 2 bad usage, config or input. */
#define CMD_EXIT_OK	0
#define CMD_EXIT_FAIL	1
#define CMD_EXIT_USAGE	2

#define CMD_MAX_OVERRIDES	128

/* The options every command takes: -c FILE, -o section.key=value (repeatable). */
struct cmd_common {
	const char	*config_path;
	const char	*overrides[CMD_MAX_OVERRIDES];
	size_t		 noverrides;
};

/* getopt string and long options shared by every command; extend them in each command. */
#define CMD_COMMON_OPTSTRING	"c:o:h"

/*
 * Handles a common option from a getopt loop: returns 1 when ch was one (recorded in cc), 0 when it
 * was not, -1 on an error (message printed).
 */
int	cmd_common_opt(struct cmd_common *cc, int ch, const char *arg);
/*
 * Loads the configuration: cc->config_path, else $HANIPO_CONFIG, else ./hanipo.conf or
 * /etc/hanipo/hanipo.conf when present, else the built-in defaults; then the -o overrides.
 * Prints "file:line: message" and returns NULL on error (exit CMD_EXIT_USAGE).
 */
struct config *cmd_load_config(const struct cmd_common *cc);
/* Which file cmd_load_config read, or "(built-in defaults)". */
const char *cmd_config_source(void);

struct query_filter;

/* Long options shared by the commands that select events (getopt values from 256 up). */
enum {
	CMD_OPT_SINCE = 256, CMD_OPT_UNTIL, CMD_OPT_IP, CMD_OPT_KIND, CMD_OPT_PROTO,
	CMD_OPT_SENSOR, CMD_OPT_SESSION, CMD_OPT_JSON, CMD_OPT_TOP, CMD_OPT_FP, CMD_OPT_BY,
};

/*
 * Applies an event-selecting option (--since, --until, --ip, --kind, --proto, --sensor,
 * --session, --fp) to f. Returns 1 when ch was one, 0 when not, -1 on a bad value (message printed,
 * naming cmd, the option and the value).
 */
int	cmd_filter_opt(const char *cmd, struct query_filter *f, int ch, const char *arg,
	    int64_t now_us);

/*
 * After option parsing: rejects leftover arguments, loads the configuration (*cfgp, free it with
 * config_free even on failure) and opens its store for queries. NULL after printing why.
 */
sqlite3	*cmd_open_store(const char *cmd, const struct cmd_common *cc, int argc, char **argv,
	    struct config **cfgp);

/* Parses a non-negative decimal count ("--limit 10"). Returns 0, or -1. */
int	cmd_count_arg(const char *s, int64_t *out);
/*
 * Reports an option getopt_long rejected (opterr off, optstring starting with ':'): ch is what
 * getopt_long returned (':' for a missing value, '?' for an unknown option).
 */
void	cmd_bad_option(const char *cmd, int ch, char **argv);

/* Prints usage text (the command's, with the common options appended) to stdout or stderr. */
void	cmd_usage(const char *usage, int to_stderr);

/*
 * Output of reports, feeds and exports: stdout for NULL or "-", else a temporary FILE.tmp that
 * cmd_output_close renames to path when ok (removes it otherwise). NULL after printing why.
 */
FILE	*cmd_output_open(const char *cmd, const char *path, char **tmp);
/* Flushes and closes; 0, or -1 after printing why. */
int	cmd_output_close(const char *cmd, FILE *fp, const char *path, char *tmp, int ok);

int	cmd_run(int argc, char **argv);
int	cmd_check(int argc, char **argv);
int	cmd_version(int argc, char **argv);
int	cmd_events(int argc, char **argv);
int	cmd_tail(int argc, char **argv);
int	cmd_stats(int argc, char **argv);
int	cmd_import(int argc, char **argv);
int	cmd_report(int argc, char **argv);
int	cmd_export(int argc, char **argv);
int	cmd_abuse(int argc, char **argv);
/* `hanipo abuse`: executes hanipo-abuse from hanipo's own directory (abuse_exec.c). */
int	cmd_abuse_exec(int argc, char **argv);
int	cmd_verify(int argc, char **argv);
int	cmd_seal(int argc, char **argv);
int	cmd_classify(int argc, char **argv);
int	cmd_geo(int argc, char **argv);
int	cmd_ip(int argc, char **argv);

#endif
