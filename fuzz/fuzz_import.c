/*
 * fuzz_import.c - libFuzzer target: the import line parsers (WOWHoneypot access_log, Cowrie JSON)
 * on hostile lines. The first byte picks the parser; invariants: a parsed line gives valid JSON
 * object fields, addresses that are addresses, ports in range, a payload within its cap, and
 * parsing is deterministic.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/import.h"
#include "core/limits.h"

#include "fuzz_check.h"

static void
rec_init(struct imp_rec *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->fields, HNP_MAX_FIELDS_JSON);
	buf_init(&r->payload, HNP_MAX_PAYLOAD_BYTES);
}

static int
rec_parse(struct imp_rec *r, int cowrie, const char *line, size_t len)
{
	const char	*why = NULL;
	int		 rc;

	r->fields.len = r->payload.len = 0;
	r->payload_total = 0;
	r->sensor[0] = r->session_key[0] = '\0';
	r->src_port = r->dst_port = 0;
	r->dst_ip[0] = '\0';
	rc = cowrie ? imp_parse_cowrie(line, len, r, &why) :
	    imp_parse_wowhoneypot(line, len, r, &why);
	CHECK(rc == 0 || (rc == -1 && why != NULL));
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imp_rec	 a, b;
	struct in6_addr	 addr;
	json_t		*f;
	int		 cowrie;

	if (size < 1)
		return 0;
	cowrie = data[0] & 1;
	rec_init(&a);
	rec_init(&b);
	if (rec_parse(&a, cowrie, (const char *)data + 1, size - 1) == 0) {
		f = json_loadb((const char *)a.fields.data, a.fields.len, JSON_ALLOW_NUL, NULL);
		CHECK(json_is_object(f));
		json_decref(f);
		CHECK(inet_pton(AF_INET, a.src_ip, &addr) == 1 ||
		    inet_pton(AF_INET6, a.src_ip, &addr) == 1);
		CHECK(a.src_port >= 0 && a.src_port < 65536);
		CHECK(a.dst_port >= 0 && a.dst_port < 65536);
		CHECK(a.payload.len <= HNP_MAX_PAYLOAD_BYTES);
		CHECK(a.payload_total >= a.payload.len || a.payload_total == 0);
		CHECK(a.proto != NULL && a.kind != NULL);
		CHECK(rec_parse(&b, cowrie, (const char *)data + 1, size - 1) == 0);
		CHECK(a.ts == b.ts && a.fields.len == b.fields.len &&
		    memcmp(a.fields.data, b.fields.data, a.fields.len) == 0);
		CHECK(a.payload.len == b.payload.len && (a.payload.len == 0 ||
		    memcmp(a.payload.data, b.payload.data, a.payload.len) == 0));
	}
	buf_free(&a.fields);
	buf_free(&a.payload);
	buf_free(&b.fields);
	buf_free(&b.payload);
	return 0;
}
