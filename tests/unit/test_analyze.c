/* test_analyze.c - UUIDv5 (STIX vectors), the hash map's order, days in a zone, Markdown escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/report.h"
#include "analyze/strmap.h"
#include "analyze/uuid5.h"

static void
test_uuid5_stix_vectors(void **state)
{
	char	 u[UUID_STR_LEN + 1];
	const char *v4 = "{\"value\":\"198.51.100.3\"}", *v6 = "{\"value\":\"2001:db8::1\"}";
	const char *as = "{\"number\":15139}";

	(void)state;
	/* ../shared/docs/abuse.md 5.1: the spec's example and python-stix2's values */
	uuid5(uuid5_ns_stix_sco, v4, strlen(v4), u);
	assert_string_equal(u, "28bb3599-77cd-5a82-a950-b5bc3caf07c4");
	uuid5(uuid5_ns_stix_sco, v6, strlen(v6), u);
	assert_string_equal(u, "6469e3a9-b053-5e34-a025-9396ae051d26");
	uuid5(uuid5_ns_stix_sco, as, strlen(as), u);
	assert_string_equal(u, "3aa27478-50b5-5ab8-9da9-cdc12b657fff");
}

static void
test_strmap_order(void **state)
{
	struct strmap		  m = { 0 };
	struct strmap_ent	**v;
	size_t			  n, i;
	char			  k[16];

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "k%zu", i % 100);
		strmap_get(&m, k, strlen(k))->count++;
	}
	strmap_get(&m, "top", 3)->count += 50;
	strmap_get(&m, "a\0b", 3)->count = 1;
	assert_int_equal(m.n, 102);
	assert_non_null(strmap_find(&m, "a\0b", 3));
	assert_null(strmap_find(&m, "a", 1));
	v = strmap_sorted(&m, &n);
	assert_int_equal(n, 102);
	assert_string_equal(v[0]->key, "top");
	assert_string_equal(v[1]->key, "k0");	/* ties by key */
	assert_string_equal(v[2]->key, "k1");
	assert_string_equal(v[3]->key, "k10");
	assert_int_equal(v[101]->count, 1);
	free(v);
	strmap_free(&m);
}

static void
test_days_in_zones(void **state)
{
	struct report_day	 d;
	char			 name[64];

	(void)state;
	assert_int_equal(report_set_zone("Asia/Tokyo", name, sizeof(name)), 0);
	assert_int_equal(report_day("2026-11-26", 0, &d), 0);
	assert_int_equal(d.start, 1795618800LL * 1000000);	/* 2026-11-25T15:00:00Z */
	assert_int_equal(d.end - d.start, 86400LL * 1000000);
	assert_int_equal(d.nhours, 24);
	/* a day of 23 hours: Europe/Berlin on 2026-03-29 */
	assert_int_equal(report_set_zone("Europe/Berlin", name, sizeof(name)), 0);
	assert_int_equal(report_day("2026-03-29", 0, &d), 0);
	assert_int_equal(d.end - d.start, 23 * 3600LL * 1000000);
	assert_int_equal(d.nhours, 23);
	assert_int_equal(report_day("2026-02-30", 0, &d), -1);
	assert_int_equal(report_day("2026-1-01", 0, &d), -1);
	assert_int_equal(report_set_zone("../etc/passwd", name, sizeof(name)), -1);
	assert_int_equal(report_set_zone("No/Such_Zone", name, sizeof(name)), -1);
}

static char *
render_md(const char *ua)
{
	json_t	*r = json_pack("{s:s, s:s, s:s, s:s, s:n, s:{}, s:[], s:[], s:[], s:[], s:[], "
	    "s:[{s:s, s:i}], s:[], s:[], s:[], s:[], s:[], s:{}, s:[]}", "date", "2026-11-26",
	    "tz", "UTC", "start", "s", "end", "e", "sensor", "totals", "hours", "protocols",
	    "countries", "request_lines", "paths", "user_agents", "value", ua, "count", 1,
	    "sources", "ports", "credentials", "commands", "download_urls", "signatures", "new",
	    "sensors");
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&out, &len);

	assert_non_null(r);
	assert_int_equal(report_render_md(fp, r, "en"), 0);
	fclose(fp);
	json_decref(r);
	return out;
}

static void
test_md_escaping(void **state)
{
	char	*md;

	(void)state;
	md = render_md("<b>|`x`*_[y](http://e.example)\n# h\x1b");
	assert_non_null(strstr(md, "| 1 | \\<b\\>\\|\\`x\\`\\*\\_\\[y\\]\\(hxxp://e.example\\)"
	    "\\\\x0a# h\\\\x1b | 1 |"));
	free(md);
	md = render_md("1. list");
	assert_non_null(strstr(md, "| 1 | 1\\. list | 1 |"));
	free(md);
	md = render_md("- www.example.org");
	assert_non_null(strstr(md, "| 1 | \\- www\\[\\.\\]example.org | 1 |"));
	free(md);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid5_stix_vectors),
		cmocka_unit_test(test_strmap_order),
		cmocka_unit_test(test_days_in_zones),
		cmocka_unit_test(test_md_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
