/* test_listener.c - unit tests for listen address parsing: single ports and port ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "core/listener.h"

struct rcase {
	const char	*spec;
	int		 rc;
	unsigned	 first, last;
	int		 family;
};

static const struct rcase rcases[] = {
	{ "0.0.0.0:1000-1100", 0, 1000, 1100, AF_INET },
	{ "127.0.0.1:5555", 0, 5555, 5555, AF_INET },
	{ "8080", 0, 8080, 8080, AF_INET },
	{ "[::1]:2000-2010", 0, 2000, 2010, AF_INET6 },
	{ "[::]:22", 0, 22, 22, AF_INET6 },
	{ "*:7-7", 0, 7, 7, AF_INET },
	{ "0.0.0.0:1100-1000", -1, 0, 0, 0 },
	{ "0.0.0.0:0-10", -1, 0, 0, 0 },
	{ "0.0.0.0:10-65536", -1, 0, 0, 0 },
	{ "0.0.0.0:10-", -1, 0, 0, 0 },
	{ "0.0.0.0:-10", -1, 0, 0, 0 },
	{ "0.0.0.0:10-+20", -1, 0, 0, 0 },
	{ "0.0.0.0:10-20x", -1, 0, 0, 0 },
	{ "host-name:10", -1, 0, 0, 0 },
	{ "[::1]-5:10", -1, 0, 0, 0 },
};

static void
test_range_case(void **state)
{
	const struct rcase	*c = *state;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	unsigned		 first = 0, last = 0;
	char			 err[256];

	assert_int_equal(listener_parse_range(c->spec, &ss, &len, &first, &last, err,
	    sizeof(err)), c->rc);
	if (c->rc == 0) {
		assert_int_equal(first, c->first);
		assert_int_equal(last, c->last);
		assert_int_equal(ss.ss_family, c->family);
	} else
		assert_non_null(strstr(err, c->spec));
}

int
main(void)
{
	struct CMUnitTest	 t[sizeof(rcases) / sizeof(rcases[0])];
	size_t			 i;

	memset(t, 0, sizeof(t));
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		t[i].name = rcases[i].spec;
		t[i].test_func = test_range_case;
		t[i].initial_state = (void *)(uintptr_t)&rcases[i];
	}
	return _cmocka_run_group_tests("listener", t, i, NULL, NULL);
}
