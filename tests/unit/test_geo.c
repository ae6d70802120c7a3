/*
 * test_geo.c - unit tests for geo/ASN lookups: MaxMind's public test databases (expected values
 * from their .source.json), broken databases, no database, and ASN ranges imported from CSV.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <jansson.h>

#include "analyze/geo.h"
#include "store/schema.h"

static const char *
mmdb_dir(void)
{
	static char	 dir[1024];
	const char	*shared = getenv("HANIPO_SHARED");

	snprintf(dir, sizeof(dir), "%s/data/mmdb", shared ? shared : HNP_SHARED_DEFAULT);
	return dir;
}

static char *
mmdb_path(const char *name)
{
	static char	 path[1200];

	snprintf(path, sizeof(path), "%s/%s", mmdb_dir(), name);
	return path;
}

/* A network "a.b.c.d/n" or "x::/n" as 16 bytes (IPv4 mapped into ::a.b.c.d/96+n) and a length. */
static int
parse_net(const char *s, uint8_t a[16], int *plen, char *first, size_t flen)
{
	char		 buf[64], *slash;
	struct in_addr	 v4;

	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	*plen = (int)strtol(slash + 1, NULL, 10);
	snprintf(first, flen, "%s", buf);
	memset(a, 0, 16);
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memcpy(a + 12, &v4, 4);
		*plen += 96;
		return 0;
	}
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

static int
net_contains(const uint8_t *net, int plen, const uint8_t *a)
{
	int	 i;

	for (i = 0; i < plen; i++)
		if (((net[i / 8] ^ a[i / 8]) >> (7 - i % 8)) & 1)
			return 0;
	return 1;
}

/* The most specific entry of the source list containing address a. */
static json_t *
best_entry(json_t *list, const uint8_t *a)
{
	json_t		*e, *best = NULL;
	const char	*key;
	json_t		*val;
	uint8_t		 net[16];
	int		 plen, bestlen = -1;
	size_t		 i;
	char		 first[64];

	json_array_foreach(list, i, e) {
		json_object_foreach(e, key, val) {
			if (parse_net(key, net, &plen, first, sizeof(first)) == 0 &&
			    net_contains(net, plen, a) && plen > bestlen) {
				best = val;
				bestlen = plen;
			}
		}
	}
	return best;
}

static void
check_source(const char *mmdb, const char *source, int asn)
{
	json_t		*list, *e, *val, *want;
	json_error_t	 jerr;
	const char	*key, *wc;
	struct geo	*g;
	struct geo_info	 gi;
	char		 err[512], first[64], path[1200];
	uint8_t		 net[16];
	size_t		 i, checked = 0;
	int		 plen;

	snprintf(path, sizeof(path), "%s", mmdb_path(source));
	list = json_load_file(path, 0, &jerr);
	if (list == NULL)
		fail_msg("%s: %s", path, jerr.text);
	g = asn ? geo_open_paths(NULL, mmdb_path(mmdb), NULL, err, sizeof(err)) :
	    geo_open_paths(mmdb_path(mmdb), NULL, NULL, err, sizeof(err));
	if (g == NULL)
		fail_msg("%s", err);
	json_array_foreach(list, i, e) {
		json_object_foreach(e, key, val) {
			assert_int_equal(parse_net(key, net, &plen, first, sizeof(first)), 0);
			if (strchr(first, ':') == NULL)
				net[10] = net[11] = 0;	/* compare in the ::a.b.c.d space */
			want = best_entry(list, net);
			assert_true(geo_lookup(g, first, &gi) >= 0);
			if (asn) {
				json_t	*n = json_object_get(want, "autonomous_system_number");
				json_t	*o = json_object_get(want, "autonomous_system_organization");

				assert_int_equal(gi.asn, n ? json_integer_value(n) : 0);
				assert_string_equal(gi.as_org, o ? json_string_value(o) : "");
				assert_string_equal(gi.country, "--");
			} else {
				wc = json_string_value(json_object_get(json_object_get(want, "country"),
				    "iso_code"));
				if (wc == NULL)
					wc = json_string_value(json_object_get(json_object_get(want,
					    "registered_country"), "iso_code"));
				assert_string_equal(gi.country, wc ? wc : "--");
				assert_int_equal(gi.asn, 0);
			}
			checked++;
		}
	}
	assert_true(checked >= 10);
	geo_close(g);
	json_decref(list);
}

static void
test_country(void **state)
{
	struct geo	*g;
	struct geo_info	 gi;
	char		 err[512];

	check_source("GeoLite2-Country-Test.mmdb", "GeoLite2-Country-Test.source.json", 0);
	g = geo_open_paths(mmdb_path("GeoLite2-Country-Test.mmdb"), NULL, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_true(geo_has_country(g));
	assert_false(geo_has_asn(g));
	/* Not in the database; not an address. */
	assert_int_equal(geo_lookup(g, "10.0.0.1", &gi), 0);
	assert_string_equal(gi.country, "--");
	assert_int_equal(geo_lookup(g, "not-an-ip", &gi), -1);
	assert_string_equal(gi.country, "--");
	/* IPv4-mapped IPv6 is the IPv4 address. */
	assert_int_equal(geo_lookup(g, "::ffff:2.125.160.216", &gi), 1);
	assert_string_equal(gi.country, "GB");
	geo_close(g);
}

static void
test_asn_mmdb(void **state)
{
	check_source("GeoLite2-ASN-Test.mmdb", "GeoLite2-ASN-Test.source.json", 1);
}

static void
test_no_database(void **state)
{
	struct geo	*g;
	struct geo_info	 gi;
	char		 err[512], buf[GEO_ORG_MAX + 16];

	g = geo_open_paths("/nonexistent/country.mmdb", "", NULL, err, sizeof(err));
	assert_non_null(g);
	assert_false(geo_has_country(g));
	assert_int_equal(geo_lookup(g, "1.2.3.4", &gi), 0);
	assert_string_equal(gi.country, "--");
	assert_int_equal(gi.asn, 0);
	assert_string_equal(geo_as_text(&gi, buf, sizeof(buf)), "--");
	geo_close(g);
	assert_int_equal(geo_lookup(NULL, "1.2.3.4", &gi), 0);
	assert_string_equal(gi.country, "--");
}

static void
test_broken(void **state)
{
	static const char *const broken[] = {
		"MaxMind-DB-test-broken-pointers-24.mmdb",
		"MaxMind-DB-test-broken-search-tree-24.mmdb",
		"GeoIP2-City-Test-Invalid-Node-Count.mmdb",
	};
	struct geo	*g;
	struct geo_info	 gi;
	char		 err[512];
	size_t		 i;
	int		 k;
	const char	*ips[] = { "1.1.1.1", "1.1.1.32", "81.2.69.160", "::1:ffff:ffff", "2001::" };

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		err[0] = '\0';
		g = geo_open_paths(mmdb_path(broken[i]), NULL, NULL, err, sizeof(err));
		if (g == NULL) {
			/* A clean error naming the file. */
			assert_non_null(strstr(err, broken[i]));
			continue;
		}
		for (k = 0; k < 5; k++) {
			int	 rc = geo_lookup(g, ips[k], &gi);

			assert_true(rc >= -1 && rc <= 1);
			assert_int_equal(strlen(gi.country), 2);
		}
		geo_close(g);
	}
	/* Not a MaxMind DB at all. */
	g = geo_open_paths(mmdb_path("GeoLite2-ASN-Test.source.json"), NULL, NULL, err,
	    sizeof(err));
	assert_null(g);
	assert_non_null(strstr(err, "GeoLite2-ASN-Test.source.json (country database)"));
}

static void
warn_count(const char *msg, void *arg)
{
	int	*n = arg;

	assert_non_null(strstr(msg, ".csv:"));
	(*n)++;
}

static void
test_import(void **state)
{
	static const char csv4[] =
	    "1.0.0.0,1.0.0.255,13335,CLOUDFLARENET\n"
	    "1.0.4.0,1.0.7.255,38803,\"Wirefreebroadband, Pty Ltd\"\n"
	    "203.0.113.0,203.0.113.127,64500,\"Quoted \"\"name\"\"\"\r\n"
	    "bad line\n"
	    "5.5.5.5,5.5.5.1,1,backwards\n"
	    "6.6.6.6,::1,1,mixed\n"
	    "7.7.7.0,7.7.7.255,notanumber,x\n";
	static const char csv6[] =
	    "2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n"
	    "2400:cb00::,2400:cb00:ffff:ffff:ffff:ffff:ffff:ffff,13335,CLOUDFLARENET\n";
	static const struct { const char *ip; uint32_t asn; const char *org; } cases[] = {
		{ "1.0.0.0", 13335, "CLOUDFLARENET" }, { "1.0.0.255", 13335, "CLOUDFLARENET" },
		{ "1.0.1.0", 0, "" }, { "0.255.255.255", 0, "" },
		{ "1.0.5.9", 38803, "Wirefreebroadband, Pty Ltd" },
		{ "203.0.113.5", 64500, "Quoted \"name\"" }, { "203.0.113.128", 0, "" },
		{ "::ffff:1.0.0.7", 13335, "CLOUDFLARENET" },
		{ "2001:200:1::1", 2500, "WIDE Project" }, { "2001:201::", 0, "" },
		{ "2400:cb00:2048:1::6814:155", 13335, "CLOUDFLARENET" }, { "::1", 0, "" },
		{ "5.5.5.3", 0, "" },
	};
	char		 d[] = "/tmp/hnp-geo-XXXXXX", f4[64], f6[64], err[512];
	const char	*files[2] = { f4, f6 };
	sqlite3		*db;
	struct geo	*g;
	struct geo_info	 gi;
	FILE		*fp;
	size_t		 i;
	int		 bad = 0;

	assert_non_null(mkdtemp(d));
	snprintf(f4, sizeof(f4), "%s/asn-ipv4.csv", d);
	snprintf(f6, sizeof(f6), "%s/asn-ipv6.csv", d);
	assert_non_null(fp = fopen(f4, "w"));
	fputs(csv4, fp);
	fclose(fp);
	assert_non_null(fp = fopen(f6, "w"));
	fputs(csv6, fp);
	fclose(fp);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(schema_migrate(db, err, sizeof(err)), 0);
	/* Before any import the store is no ASN source. */
	g = geo_open_paths(NULL, NULL, db, err, sizeof(err));
	assert_false(geo_has_asn(g));
	geo_close(g);
	assert_int_equal(geo_import_asn(db, files, 2, warn_count, &bad, err, sizeof(err)), 5);
	assert_int_equal(bad, 4);
	g = geo_open_paths(NULL, NULL, db, err, sizeof(err));
	assert_true(geo_has_asn(g));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(geo_lookup(g, cases[i].ip, &gi), cases[i].asn != 0);
		if (gi.asn != cases[i].asn || strcmp(gi.as_org, cases[i].org) != 0)
			fail_msg("%s: AS%u \"%s\", want AS%u \"%s\"", cases[i].ip, gi.asn, gi.as_org,
			    cases[i].asn, cases[i].org);
		assert_string_equal(gi.country, "--");
	}
	geo_close(g);
	/* A second import replaces the first; a missing file changes nothing. */
	files[0] = "/nonexistent.csv";
	assert_int_equal(geo_import_asn(db, files, 2, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent.csv"));
	g = geo_open_paths(NULL, NULL, db, err, sizeof(err));
	assert_int_equal(geo_lookup(g, "1.0.0.1", &gi), 1);
	assert_int_equal(gi.asn, 13335);
	geo_close(g);
	assert_int_equal(geo_import_asn(db, files + 1, 1, NULL, NULL, err, sizeof(err)), 2);
	g = geo_open_paths(NULL, NULL, db, err, sizeof(err));
	assert_int_equal(geo_lookup(g, "1.0.0.1", &gi), 0);
	assert_int_equal(geo_lookup(g, "2001:200::5", &gi), 1);
	geo_close(g);
	sqlite3_close(db);
	unlink(f4);
	unlink(f6);
	rmdir(d);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_country),
		cmocka_unit_test(test_asn_mmdb),
		cmocka_unit_test(test_no_database),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_import),
	};

	return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
