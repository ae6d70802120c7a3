/* test_fpdb.c - unit tests for the fingerprint database: format, errors, lookups, the shipped file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fpdb.h"

static const char text[] =
    "# comment\n"
    "\n"
    "ja3  0149F47EABF9A20D0893E2A44E5A6323  \"curl 7.88\"  http-client\n"
    "ja4\tt13d3112h2_e8f1e7e78f70_b26ce05bbdd6\tcurl\thttp-client\r\n"
    "syn  *:64:0:*:mss*1,*:mss,sok,ts,nop,ws:*  Linux  os\n"
    "syn  4:64:0:1460:1024,-:mss:*  \"Nmap SYN scan\"  scanner\n"
    "syn  *:*:*:*:*,*:*:*  anything  other";

static void
test_lookup(void **state)
{
	struct fpdb			*db = fpdb_new();
	const struct fpdb_entry	*e;
	char				 err[256];

	assert_int_equal(fpdb_load_text(db, "t.txt", text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(fpdb_count(db), 5);
	e = fpdb_lookup(db, FP_JA3, "0149f47eabf9a20d0893e2a44e5a6323");
	assert_non_null(e);
	assert_string_equal(e->client, "curl 7.88");
	assert_string_equal(e->family, "http-client");
	assert_string_equal(e->origin, "t.txt:3");
	e = fpdb_lookup(db, FP_JA4, "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6");
	assert_non_null(e);
	assert_string_equal(e->client, "curl");
	assert_null(fpdb_lookup(db, FP_JA4, "t13d3112h2_e8f1e7e78f70_b26ce05bbdd7"));
	e = fpdb_lookup(db, FP_SYN, "4:64:0:65495:65495,7:mss,sok,ts,nop,ws:df,id+");
	assert_non_null(e);
	assert_string_equal(e->client, "Linux");
	/* mss*1 does not hold: the catch-all entry answers. */
	e = fpdb_lookup(db, FP_SYN, "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+");
	assert_string_equal(e->client, "anything");
	e = fpdb_lookup(db, FP_SYN, "4:64:0:1460:1024,-:mss:");
	assert_string_equal(e->client, "Nmap SYN scan");
	assert_null(fpdb_lookup(db, FP_SYN, "not a signature"));
	fpdb_free(db);
}

static void
test_first_wins(void **state)
{
	struct fpdb	*db = fpdb_new();
	char		 err[256];
	const char	 mine[] = "syn 4:64:0:1460:1024,-:mss:* \"my scanner\" scanner\n";

	assert_int_equal(fpdb_load_text(db, "local", mine, strlen(mine), err, sizeof(err)), 0);
	assert_int_equal(fpdb_load_text(db, "t.txt", text, strlen(text), err, sizeof(err)), 0);
	assert_string_equal(fpdb_lookup(db, FP_SYN, "4:64:0:1460:1024,-:mss:")->client,
	    "my scanner");
	fpdb_free(db);
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*text, *err;
	} bad[] = {
		{ "ja3 abc curl x\n", "f:1: a JA3 hash is 32 hex digits" },
		{ "\nja5 abc curl x\n", "f:2: kind must be ja3, ja4 or syn" },
		{ "ja4 T13 curl x\n", "f:1: a JA4 is lowercase letters, digits and '_'" },
		{ "syn 4:64 curl x\n", "f:1: a SYN signature is ver:ittl:olen:mss:win,scale:layout:quirks" },
		{ "ja4 t13 curl\n", "f:1: expected four fields: kind value client family" },
		{ "ja4 t13 curl x y\n", "f:1: expected four fields: kind value client family" },
		{ "ja4 t13 \"curl x\n", "f:1: unterminated quoted string" },
	};
	struct fpdb	*db = fpdb_new();
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fpdb_load_text(db, "f", bad[i].text, strlen(bad[i].text), err,
		    sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(fpdb_count(db), 0);
	}
	assert_int_equal(fpdb_load(db, "/nonexistent/fp.txt", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/fp.txt: No such file or directory");
	fpdb_free(db);
}

/* The shipped database loads and names the SYNs of the unit tests' kernels and tools. */
static void
test_shipped(void **state)
{
	struct fpdb	*db = fpdb_new();
	char		 err[256];

	assert_int_equal(fpdb_load(db, "data/fingerprints.txt", err, sizeof(err)), 0);
	assert_true(fpdb_count(db) > 20);
	assert_string_equal(fpdb_lookup(db, FP_SYN,
	    "4:64:0:65495:65495,7:mss,sok,ts,nop,ws:df,id+")->client, "Linux");
	assert_string_equal(fpdb_lookup(db, FP_SYN,
	    "4:128:0:1460:64240,8:mss,nop,ws,nop,nop,sok:df,id+")->client, "Windows");
	assert_string_equal(fpdb_lookup(db, FP_SYN, "4:255:0:1460:1024,-:mss:")->client,
	    "masscan");
	assert_string_equal(fpdb_lookup(db, FP_SYN, "4:64:0:1460:1024,-:mss:")->client,
	    "Nmap SYN scan");
	assert_string_equal(fpdb_lookup(db, FP_JA3, "0149f47eabf9a20d0893e2a44e5a6323")->family,
	    "http-client");
	fpdb_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
