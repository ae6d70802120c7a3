/*
 * test_evt.c - events made with their payload in the same allocation (evt_new_text_payload): the
 * bytes, the cap, the total, and a payload replaced or freed without freeing the block (ASan
 * checks the frees).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/evt.h"
#include "core/limits.h"

static void
test_packed_payload(void **state)
{
	static const char	 fields[] = "{\"a\":1}";
	struct evt		*ev;

	(void)state;
	ev = evt_new_text_payload("s1", "http", "request", fields, sizeof(fields) - 1, "GET /",
	    5, 9);
	assert_string_equal(ev->sensor, "s1");
	assert_string_equal(ev->kind, "request");
	assert_int_equal(ev->fields_len, sizeof(fields) - 1);
	assert_memory_equal(ev->fields_text, fields, sizeof(fields) - 1);
	assert_int_equal(ev->payload_len, 5);
	assert_memory_equal(ev->payload, "GET /", 5);
	assert_int_equal(ev->payload_total, 9);
	assert_string_equal(ev->payload_sha256, "");
	/* Replacing it allocates a payload of its own; the packed one is not freed. */
	evt_set_payload(ev, "xyz", 3, 3);
	assert_int_equal(ev->payload_len, 3);
	assert_memory_equal(ev->payload, "xyz", 3);
	assert_memory_equal(ev->fields_text, fields, sizeof(fields) - 1);
	evt_free(ev);
}

static void
test_empty_and_capped(void **state)
{
	uint8_t		*big = malloc(HNP_MAX_PAYLOAD_BYTES + 100);
	struct evt	*ev;

	(void)state;
	ev = evt_new_text_payload("s", "tls", "payload", NULL, 0, NULL, 0, 0);
	assert_non_null(ev->payload);		/* empty, but there: as evt_set_payload makes it */
	assert_int_equal(ev->payload_len, 0);
	assert_null(ev->fields_text);
	evt_free(ev);

	memset(big, 'x', HNP_MAX_PAYLOAD_BYTES + 100);
	big[HNP_MAX_PAYLOAD_BYTES - 1] = 'y';
	ev = evt_new_text_payload("s", "http", "request", "{}", 2, big,
	    HNP_MAX_PAYLOAD_BYTES + 100, HNP_MAX_PAYLOAD_BYTES + 100);
	assert_int_equal(ev->payload_len, HNP_MAX_PAYLOAD_BYTES);
	assert_int_equal(ev->payload[HNP_MAX_PAYLOAD_BYTES - 1], 'y');
	assert_int_equal(ev->payload_total, HNP_MAX_PAYLOAD_BYTES + 100);
	/* A total below what is stored is raised to it. */
	evt_free(ev);
	ev = evt_new_text_payload("s", "http", "request", "{}", 2, big, 10, 3);
	assert_int_equal(ev->payload_total, 10);
	evt_free(ev);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packed_payload),
		cmocka_unit_test(test_empty_and_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
