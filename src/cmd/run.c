/*
 * run.c - `hanipo run`: one process, one libevent loop. Loads the config and rules, opens the
 * store (its writer thread commits events in batches), binds every sensor, then serves until
 * SIGTERM/SIGINT (flush, exit 0). SIGHUP reloads rules and reopens log files.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "analyze/sig.h"
#include "cmd/cmd.h"
#include "config.h"
#include "core/limits.h"
#include "core/listener.h"
#include "core/log.h"
#include "core/session.h"
#include "fp/fpdb.h"
#include "fp/synevt.h"
#include "proto/service.h"
#include "store/store.h"

static const char run_usage[] =
    "usage: hanipo run [-c FILE] [-o SECTION.KEY=VALUE ...]\n"
    "\nRuns every sensor whose section is in the configuration, storing each connection,\n"
    "request and download URL as an event. SIGTERM/SIGINT: flush and exit; SIGHUP: reload\n"
    "rules and reopen log files.\n";

struct run_ctx {
	struct event_base	*base;
	struct store		*store;
	struct services		 services;
	struct config		*cfg;
	struct fpdb		*fpdb;
	struct fp_syn_cache	*syn_cache;	/* the loop thread's (session_new) */
};

static int64_t
run_emit(void *arg, struct evt *ev)
{
	return store_append(arg, ev);
}

/*
 * The loop. libevent runs every ready callback before it looks at the clock again; a few TLS
 * handshakes (a private-key signature each) then delay the store's commit timer, and the replies
 * of all of them leave together. Looking again after STORE_DISPATCH_US of callbacks lets a commit
 * (and its replies) go between two of them.
 */
static struct event_base *
run_base_new(void)
{
	struct event_config	*cfg;
	struct event_base	*base;
	struct timeval		 tv = { 0, STORE_DISPATCH_US };

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	event_config_set_max_dispatch_interval(cfg, &tv, -1, STORE_HANDOFF_PRIORITY - 1);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

static void
run_wait(void *arg, int64_t seq)
{
	store_wait(arg, seq);
}

static void
run_committed(int64_t committed, void *arg)
{
	session_committed(committed);
}

static void
run_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct run_ctx	*rc = arg;

	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(rc->base);
}

/* Loads the signatures and has the store's writer classify with them; -1 with err. */
static int
run_signatures(struct run_ctx *rc, char *err, size_t errlen)
{
	struct sigdb	*db;

	if ((db = sigdb_load_config(rc->cfg, err, errlen)) == NULL && *err != '\0')
		return -1;
	if (db == NULL)
		log_warn("signatures: none (%s absent or [signatures] path empty): events are not "
		    "classified", config_get(rc->cfg, "signatures", "path"));
	if (db != NULL)
		log_info("signatures: %zu from %s", sigdb_count(db),
		    config_get(rc->cfg, "signatures", "path"));
	sigdb_attach(rc->store, db);
	return 0;
}

static void
run_hup_cb(evutil_socket_t sig, short what, void *arg)
{
	struct run_ctx	*rc = arg;
	char		 err[1024];
	int		 failed;

	failed = services_reload(&rc->services, rc->cfg);
	if (run_signatures(rc, err, sizeof(err)) == -1) {
		log_error("SIGHUP: signatures kept: %s", err);
		failed++;
	}
	log_reopen();
	store_reopen(rc->store);
	log_info("SIGHUP: rules reloaded (%d failed), log files reopened", failed);
}

/* Creates the parent directories of path (for var/hanipo.db on a fresh checkout). */
static int
run_mkparents(const char *path)
{
	char	 dir[PATH_MAX], *p;

	if (path == NULL || *path == '\0' || strlen(path) >= sizeof(dir))
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

static void
run_raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
cmd_run(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	static const char *const	 logfiles[][2] = {
		{ "store", "path" }, { "log", "access_log" }, { "log", "hunting_log" },
		{ "log", "jsonl" }, { "log", "file" } };
	struct cmd_common		 cc = { 0 };
	struct run_ctx			 rc = { 0 };
	struct event			*sigs[4];
	char				 err[1024], warn[1024], host[HNP_MAX_SENSOR_NAME + 1];
	const char			*name, *level, *logfile;
	enum log_level			 lvl = LOG_LVL_INFO;
	size_t				 i;
	int				 ch, r, status = CMD_EXIT_USAGE;
	size_t				 nsigs = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (ch == 'h' && r == 0) {
			cmd_usage(run_usage, 0);
			return CMD_EXIT_OK;
		}
		cmd_usage(run_usage, 1);
		return CMD_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "hanipo run: unexpected argument \"%s\"\n", argv[optind]);
		return CMD_EXIT_USAGE;
	}
	if ((rc.cfg = cmd_load_config(&cc)) == NULL)
		return CMD_EXIT_USAGE;

	level = config_get(rc.cfg, "log", "level");
	if (strcmp(level, "error") == 0)
		lvl = LOG_LVL_ERROR;
	else if (strcmp(level, "warn") == 0)
		lvl = LOG_LVL_WARN;
	else if (strcmp(level, "debug") == 0)
		lvl = LOG_LVL_DEBUG;
	name = config_get(rc.cfg, "sensor", "name");
	if (*name == '\0') {
		if (gethostname(host, sizeof(host)) == -1)
			snprintf(host, sizeof(host), "hanipo");
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	if (services_init(&rc.services, rc.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	if (rc.services.n == 0) {
		fprintf(stderr, "hanipo: %s: no sensor configured (add a section such as [http])\n",
		    cmd_config_source());
		goto out;
	}
	if (services_check_listen(&rc.services, rc.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	/* Only a configuration that passed every check may create anything. */
	for (i = 0; i < sizeof(logfiles) / sizeof(logfiles[0]); i++)
		if (run_mkparents(config_get(rc.cfg, logfiles[i][0], logfiles[i][1])) == -1) {
			fprintf(stderr, "hanipo: %s: [%s] %s: cannot create its directory: %s\n",
			    config_origin(rc.cfg, logfiles[i][0], logfiles[i][1]),
			    logfiles[i][0], logfiles[i][1], strerror(errno));
			goto out;
		}
	logfile = config_get(rc.cfg, "log", "file");
	if (log_open(*logfile ? logfile : NULL, lvl) == -1) {
		fprintf(stderr, "hanipo: %s: [log] file: cannot open %s: %s\n",
		    config_origin(rc.cfg, "log", "file"), logfile, strerror(errno));
		goto out;
	}

	if ((rc.base = run_base_new()) == NULL ||
	    event_base_priority_init(rc.base, STORE_PRIORITIES) == -1) {
		fprintf(stderr, "hanipo: cannot create the event loop\n");
		goto out;
	}
	session_env.base = rc.base;
	session_env.sensor = name;
	session_env.max_conn = (unsigned)config_int(rc.cfg, "limits", "max_connections");
	session_env.max_buffered = (size_t)config_int(rc.cfg, "limits", "max_buffered");
	session_env.max_per_source =
	    (unsigned)config_int(rc.cfg, "limits", "max_connections_per_source");
	if ((rc.store = store_open(rc.cfg, rc.base, run_committed, NULL, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	if (run_signatures(&rc, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	session_env.emit = run_emit;
	session_env.wait = run_wait;
	session_env.emit_arg = rc.store;
	session_env.committed = store_committed(rc.store);
	/* Fingerprint names; the SYN of every connection when asked (listeners save it). */
	if ((rc.fpdb = fp_load_config(rc.cfg, warn, sizeof(warn), err, sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	if (warn[0] != '\0')
		log_warn("%s", warn);
	session_env.fpdb = rc.fpdb;
	if (config_bool(rc.cfg, "fingerprints", "syn")) {
		rc.syn_cache = fp_syn_cache_new(rc.fpdb);
		session_env.syn_fields = fp_syn_fields_cached;
		session_env.syn_arg = rc.syn_cache;
	}
	run_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	/* Signals first: a SIGTERM as soon as the port answers must still stop cleanly. */
	sigs[0] = evsignal_new(rc.base, SIGTERM, run_stop_cb, &rc);
	sigs[1] = evsignal_new(rc.base, SIGINT, run_stop_cb, &rc);
	sigs[2] = evsignal_new(rc.base, SIGHUP, run_hup_cb, &rc);
	for (i = 0; i < 3; i++)
		evsignal_add(sigs[i], NULL);
	nsigs = 3;
	if (services_listen(&rc.services, rc.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "hanipo: %s\n", err);
		goto out;
	}
	log_info("hanipo %s running as sensor \"%s\" (config %s, store %s)", HANIPO_VERSION,
	    name, cmd_config_source(), config_get(rc.cfg, "store", "path"));

	event_base_dispatch(rc.base);

	for (i = 0; i < rc.services.n; i++)
		listener_stop_all(&rc.services.list[i]);
	session_close_all("shutdown");
	/* Let the deferred frees run, then drain the store. */
	event_base_loop(rc.base, EVLOOP_NONBLOCK);
	session_pool_free();
	status = CMD_EXIT_OK;
out:
	for (i = 0; i < nsigs; i++)
		event_free(sigs[i]);
	if (rc.store != NULL) {
		store_flush(rc.store);
		store_close(rc.store);
	}
	services_fini(&rc.services);
	session_env.syn_fields = NULL;
	session_env.syn_arg = NULL;
	session_env.fpdb = NULL;
	fp_syn_cache_free(rc.syn_cache);
	fpdb_free(rc.fpdb);
	if (rc.base != NULL)
		event_base_free(rc.base);
	config_free(rc.cfg);
	log_info("stopped");
	log_close();
	return status;
}
