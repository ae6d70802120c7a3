/* test_auth.c - unit tests of login acceptance (accept = any|list|after:N, credentials files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "proto/auth.h"

static const struct config_key keys[] = {
	AUTH_CONFIG_KEYS("t"),
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

static char	 path[64];

/* Loads [t] with the given accept value and credentials text (NULL: no file). */
static int
load(struct auth **a, const char *accept, const char *creds, char *err, size_t errlen)
{
	struct config	*cfg = config_new();
	char		 o[256];
	FILE		*f;
	int		 rc;

	snprintf(o, sizeof(o), "t.accept=%s", accept);
	assert_int_equal(config_override(cfg, o, err, errlen), 0);
	if (creds != NULL) {
		snprintf(path, sizeof(path), "/tmp/test_auth.%d", (int)getpid());
		assert_non_null(f = fopen(path, "w"));
		fputs(creds, f);
		fclose(f);
		snprintf(o, sizeof(o), "t.credentials=%s", path);
		assert_int_equal(config_override(cfg, o, err, errlen), 0);
	}
	rc = auth_load(a, cfg, "t", err, errlen);
	config_free(cfg);
	if (creds != NULL)
		unlink(path);
	return rc;
}

#define TRY(a, ip, u, p)	auth_try(a, ip, u, strlen(u), p, strlen(p))

static void
test_any_and_list(void **state)
{
	struct auth	*a;
	char		 err[512];

	(void)state;
	assert_int_equal(load(&a, "any", NULL, err, sizeof(err)), 0);
	assert_true(TRY(a, "192.0.2.1", "", ""));
	auth_free(a);
	assert_int_equal(load(&a, "list", "# pairs\nroot:xc3511\nadmin:*\n*:default\n"
	    "u:pa:ss\n\n", err, sizeof(err)), 0);
	assert_true(TRY(a, "192.0.2.1", "root", "xc3511"));
	assert_false(TRY(a, "192.0.2.1", "root", "xc3511 "));
	assert_true(TRY(a, "192.0.2.1", "admin", "anything"));
	assert_true(TRY(a, "192.0.2.1", "x", "default"));
	assert_true(TRY(a, "192.0.2.1", "u", "pa:ss"));	/* split at the first ':' */
	assert_false(TRY(a, "192.0.2.1", "root", "root"));
	auth_free(a);
}

static void
test_after(void **state)
{
	struct auth	*a;
	char		 err[512];

	(void)state;
	assert_int_equal(load(&a, "after:3", "support:support\n", err, sizeof(err)), 0);
	assert_false(TRY(a, "192.0.2.1", "root", "a"));
	assert_false(TRY(a, "192.0.2.1", "root", "b"));
	assert_false(TRY(a, "192.0.2.2", "root", "a"));	/* counted per source */
	assert_true(TRY(a, "192.0.2.1", "root", "c"));		/* the third attempt */
	assert_false(TRY(a, "192.0.2.1", "root", "a"));	/* then only that pair */
	assert_true(TRY(a, "192.0.2.1", "root", "c"));
	assert_true(TRY(a, "192.0.2.1", "support", "support"));	/* listed pairs always */
	auth_free(a);
}

static void
test_errors(void **state)
{
	struct auth	*a;
	char		 err[512], want[128];

	(void)state;
	assert_int_equal(load(&a, "list", "root:x\nbad line\n", err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: expected user:password", path);
	assert_non_null(strstr(err, want));
	assert_int_equal(load(&a, "list", "# nothing\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs a credentials file"));
	assert_int_equal(load(&a, "any", NULL, err, sizeof(err)), 0);
	auth_free(a);
	assert_int_equal(auth_check_accept("after:0", err, sizeof(err)), -1);
	assert_int_equal(auth_check_accept("after:x", err, sizeof(err)), -1);
	assert_int_equal(auth_check_accept("sometimes", err, sizeof(err)), -1);
	assert_int_equal(auth_check_accept("after:1000", err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_and_list),
		cmocka_unit_test(test_after),
		cmocka_unit_test(test_errors),
	};

	config_register(keys);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
