/*
 * classify.c - `hanipo classify`: runs the signatures over stored events again (after the
 * signatures changed), rewriting their tags. Works in chunks of events (bounded memory), each
 * chunk's updates in one transaction, so it can run beside `hanipo run`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/sig.h"
#include "cmd/cmd.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/query.h"

#define CLASSIFY_CHUNK	2000

static const char classify_usage[] =
    "usage: hanipo classify [options]\n"
    "Classifies stored events again with the signatures of [signatures] path: every event's\n"
    "signature tags are recomputed (other tags are kept). Prints how many events changed.\n"
    "\n"
    "  --since DURATION|TIME  only events at or after: 1h, 30d, 2026-11-27, @EPOCH\n"
    "  --until DURATION|TIME  only events before\n"
    "  --ip ADDR              only this source address\n"
    "  --kind KIND            only this kind\n"
    "  --proto PROTO          only this protocol\n"
    "  --sensor NAME          only this sensor\n"
    "  --signatures PATH      signature directory or file instead of [signatures] path\n"
    "  -n, --dry-run          count what would change, change nothing\n";

struct classify_upd {
	int64_t		 seq;
	char		*tags;
};

struct classify_stats {
	int64_t		 seen, changed, tagged;
};

/* The tags' JSON text, "[]" for none (the store's form). */
static char *
classify_tags_text(const json_t *tags)
{
	struct buf	 b;
	char		*s;

	if (json_array_size(tags) == 0)
		return xstrdup("[]");
	buf_init(&b, HNP_MAX_FIELDS_JSON);
	if (evt_json_dump(tags, &b) == -1 || buf_append(&b, "", 1) == -1) {
		buf_free(&b);
		return xstrdup("[]");
	}
	s = xstrdup((const char *)b.data);
	buf_free(&b);
	return s;
}

static int
classify_apply(sqlite3 *db, struct classify_upd *u, size_t n, char *err, size_t errlen)
{
	sqlite3_stmt	*st = NULL;
	size_t		 i;

	if (n == 0)
		return 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE events SET tags = ? WHERE seq = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, u[i].tags, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, u[i].seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	st = NULL;
fail:
	snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* One chunk: events after *after (seq order); 0 when done, 1 for more, -1 on error. */
static int
classify_chunk(sqlite3 *db, struct sigdb *sigs, struct query_filter *f, int dry,
    struct classify_stats *st, char *err, size_t errlen)
{
	struct classify_upd	*u = xcalloc(CLASSIFY_CHUNK, sizeof(*u));
	struct query_iter	*it;
	struct evt		*ev;
	char			*before, *after;
	size_t			 n = 0, rows = 0, i;
	int			 r, rc;

	if ((it = query_open(db, f, err, errlen)) == NULL) {
		free(u);
		return -1;
	}
	while ((r = query_next(it, &ev)) == 1) {
		rows++;
		f->after_seq = ev->seq;
		before = classify_tags_text(ev->tags);
		if (sigdb_classify(sigs, ev) > 0)
			st->tagged++;
		after = classify_tags_text(ev->tags);
		st->seen++;
		if (strcmp(before, after) != 0) {
			st->changed++;
			u[n].seq = ev->seq;
			u[n++].tags = after;
		} else
			free(after);
		free(before);
		evt_free(ev);
	}
	if (r == -1)
		snprintf(err, errlen, "%s", query_errmsg(it));
	query_close(it);
	rc = r == -1 ? -1 : rows == CLASSIFY_CHUNK;
	if (rc != -1 && !dry && classify_apply(db, u, n, err, errlen) == -1)
		rc = -1;
	for (i = 0; i < n; i++)
		free(u[i].tags);
	free(u);
	return rc;
}

int
cmd_classify(int argc, char **argv)
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
		{ "signatures", required_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct classify_stats		 st = { 0 };
	struct query_filter		 f;
	struct config			*cfg = NULL;
	struct sigdb			*sigs = NULL;
	const char			*sigpath = NULL;
	sqlite3				*db = NULL;
	char				 err[1024];
	int64_t				 now = time_now_us();
	int				 ch, r, dry = 0, status = CMD_EXIT_USAGE;

	memset(&f, 0, sizeof(f));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING "n", longopts,
	    NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1 || (r = cmd_filter_opt("classify", &f, ch, optarg, now)) == -1)
			return CMD_EXIT_USAGE;
		if (r == 1)
			continue;
		switch (ch) {
		case 'h':
			cmd_usage(classify_usage, 0);
			return CMD_EXIT_OK;
		case 's':
			sigpath = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		default:
			cmd_bad_option("classify", ch, argv);
			return CMD_EXIT_USAGE;
		}
	}
	if ((db = cmd_open_store("classify", &cc, argc, argv, &cfg)) == NULL)
		goto out;
	sigs = sigpath != NULL ? sigdb_load(sigpath, err, sizeof(err)) :
	    sigdb_load_config(cfg, err, sizeof(err));
	if (sigs == NULL) {
		fprintf(stderr, "hanipo classify: %s\n", *err ? err :
		    "no signatures ([signatures] path is empty)");
		goto out;
	}
	f.order = QUERY_SEQ;
	f.limit = CLASSIFY_CHUNK;
	while ((r = classify_chunk(db, sigs, &f, dry, &st, err, sizeof(err))) == 1)
		;
	if (r == -1) {
		fprintf(stderr, "hanipo classify: %s\n", err);
		status = CMD_EXIT_FAIL;
		goto out;
	}
	printf("%lld events classified with %zu signatures: %lld tagged, %lld %s\n",
	    (long long)st.seen, sigdb_count(sigs), (long long)st.tagged, (long long)st.changed,
	    dry ? "would change" : "changed");
	status = CMD_EXIT_OK;
out:
	sigdb_free(sigs);
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
