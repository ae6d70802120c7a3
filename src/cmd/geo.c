/*
 * geo.c - `hanipo geo import [FILE...]` loads ASN ranges (CSV) into the store; `hanipo geo lookup
 * ADDR...` shows what the configured databases say about addresses.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/geo.h"
#include "cmd/cmd.h"
#include "share/escape.h"
#include "store/query.h"
#include "store/schema.h"

static const char geo_usage[] =
    "usage: hanipo geo import [CSV...]\n"
    "       hanipo geo lookup ADDR...\n"
    "import: replaces the store's ASN ranges with the rows of the CSV files (ip-location-db's\n"
    "  asn format: first,last,asn,organisation; IPv4 and IPv6), by default [geo] asn_csv\n"
    "  (`make geoip` downloads them). Bad lines are reported as file:line and skipped.\n"
    "lookup: country ([geo] country_db) and AS (the imported ranges, else [geo] asn_db) of\n"
    "  each address; -- when unknown.\n";

static void
geo_warn(const char *msg, void *arg)
{
	long long	*n = arg;

	if ((*n)++ < 20)
		fprintf(stderr, "hanipo geo import: %s\n", msg);
}

static int
geo_import(sqlite3 *db, struct config *cfg, int argc, char **argv)
{
	char		**files, err[1024];
	long long	 rows, bad = 0;
	size_t		 n = 0;
	int		 i;

	if (argc > 0) {
		files = argv;
		n = (size_t)argc;
	} else {
		files = config_list(cfg, "geo", "asn_csv");
		while (files != NULL && files[n] != NULL)
			n++;
	}
	if (n == 0) {
		fprintf(stderr, "hanipo geo import: no CSV files (give some, or set [geo] asn_csv)\n");
		return CMD_EXIT_USAGE;
	}
	rows = geo_import_asn(db, (const char *const *)files, n, geo_warn, &bad, err,
	    sizeof(err));
	if (rows == -1) {
		fprintf(stderr, "hanipo geo import: %s (nothing changed)\n", err);
		return CMD_EXIT_USAGE;
	}
	if (bad > 20)
		fprintf(stderr, "hanipo geo import: ... %lld more bad lines\n", bad - 20);
	printf("%lld ASN ranges imported from", rows);
	for (i = 0; (size_t)i < n; i++)
		printf(" %s", files[i]);
	printf("\n");
	if (bad)
		printf("%lld lines skipped\n", bad);
	return rows > 0 || bad == 0 ? CMD_EXIT_OK : CMD_EXIT_USAGE;
}

static int
geo_lookup_cmd(sqlite3 *db, struct config *cfg, int argc, char **argv)
{
	struct geo	*g;
	struct geo_info	 gi;
	char		 err[1024], as[GEO_ORG_MAX + 16], esc[4 * (GEO_ORG_MAX + 16)];
	int		 i, status = CMD_EXIT_OK;

	if (argc == 0) {
		fprintf(stderr, "hanipo geo lookup: give one or more addresses\n");
		return CMD_EXIT_USAGE;
	}
	if ((g = geo_open(cfg, db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hanipo geo lookup: %s\n", err);
		return CMD_EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		if (geo_lookup(g, argv[i], &gi) == -1 && strchr(argv[i], '.') == NULL &&
		    strchr(argv[i], ':') == NULL) {
			fprintf(stderr, "hanipo geo lookup: not an address: \"%s\"\n", argv[i]);
			status = CMD_EXIT_USAGE;
			continue;
		}
		geo_as_text(&gi, as, sizeof(as));
		esc_term(esc, sizeof(esc), as, strlen(as));
		printf("%s\t%s\t%s\n", argv[i], gi.country, esc);
	}
	geo_close(g);
	return status;
}

int
cmd_geo(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	struct cmd_common		 cc = { 0 };
	struct config			*cfg = NULL;
	sqlite3				*db = NULL;
	const char			*sub;
	char				 err[1024] = "";
	int				 ch, r, status = CMD_EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":" CMD_COMMON_OPTSTRING, longopts, NULL)) != -1) {
		if ((r = cmd_common_opt(&cc, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return CMD_EXIT_USAGE;
		if (ch == 'h') {
			cmd_usage(geo_usage, 0);
			return CMD_EXIT_OK;
		}
		cmd_bad_option("geo", ch, argv);
		return CMD_EXIT_USAGE;
	}
	if (optind >= argc) {
		cmd_usage(geo_usage, 1);
		return CMD_EXIT_USAGE;
	}
	sub = argv[optind++];
	if (strcmp(sub, "import") != 0 && strcmp(sub, "lookup") != 0) {
		fprintf(stderr, "hanipo geo: unknown sub-command \"%s\" (import, lookup)\n", sub);
		return CMD_EXIT_USAGE;
	}
	if ((cfg = cmd_load_config(&cc)) == NULL)
		goto out;
	if (strcmp(sub, "import") == 0) {
		/* Import may come before the first `hanipo run`: create the store. */
		if (sqlite3_open_v2(config_get(cfg, "store", "path"), &db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
		    (sqlite3_busy_timeout(db, 10000), schema_migrate(db, err, sizeof(err))) == -1) {
			fprintf(stderr, "hanipo geo: %s: %s\n", config_get(cfg, "store", "path"),
			    db != NULL && *err == '\0' ? sqlite3_errmsg(db) : err);
			goto out;
		}
	} else if ((db = query_open_store(config_get(cfg, "store", "path"), err,
	    sizeof(err))) == NULL)
		db = NULL;	/* lookup works without a store */
	if (strcmp(sub, "import") == 0)
		status = geo_import(db, cfg, argc - optind, argv + optind);
	else
		status = geo_lookup_cmd(db, cfg, argc - optind, argv + optind);
out:
	sqlite3_close(db);
	config_free(cfg);
	return status;
}
