/* test_query.c - unit tests for the store's read side: filters, ordering, payloads, rankings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/query.h"
#include "store/schema.h"

#define T0	INT64_C(1700000000000000)
#define SEC	INT64_C(1000000)

static const uint8_t	 payload5[] = { 0x16, 0x03, 0x01, 0x00, 0x00, 'a', 'b', 'c', 0x00, 0xff };

struct fixture {
	char		 path[64];
	sqlite3		*db;
};

struct row {
	int64_t		 seq;
	int64_t		 ts;
	const char	*sensor, *session, *proto, *kind, *src;
	const char	*fields;
	const char	*tags;
};

/*
 * The events, by seq. ts is not in seq order (seq 8 happened early); seq 4's fields hold raw
 * invalid UTF-8, seq 9's fields are not JSON at all; seq 5 carries a payload with NUL bytes.
 */
static const struct row rows[] = {
	{ 1, T0, "s1", "SESSA", "http", "connect", "198.51.100.1", "{}", "[]" },
	{ 2, T0 + 1 * SEC, "s1", "SESSA", "http", "request", "198.51.100.1",
	    "{\"method\":\"GET\",\"uri\":\"/index.html\",\"path\":\"/index.html\","
	    "\"user_agent\":\"\\u001b[31mevil\",\"status\":200}", "[\"sig-1\"]" },
	{ 3, T0 + 2 * SEC, "s1", "SESSB", "http", "request", "203.0.113.7",
	    "{\"method\":\"GET\",\"uri\":\"/wp-login.php?x=1\",\"path\":\"/wp-login.php\","
	    "\"user_agent\":\"<script>alert(1)</script>\",\"status\":200,\"rule\":12,"
	    "\"rule_note\":\"wp\"}", "[" },
	{ 4, T0 + 3 * SEC, "s1", "SESSB", "http", "request", "203.0.113.7",
	    "{\"method\":\"POST\",\"uri\":\"/wp-login.php\",\"path\":\"/wp-login.php\","
	    "\"user_agent\":\"bad\xff\xfe\",\"rule\":12,\"rule_note\":\"wp\"}", "[]" },
	{ 5, T0 + 4 * SEC, "s2", "SESSC", "http", "payload", "192.0.2.9",
	    "{\"detected\":\"tls\"}", "[]" },
	{ 6, T0 + 5 * SEC, "s2", "SESSD", "telnet", "login", "192.0.2.9",
	    "{\"user\":\"root\",\"password\":\"1234\"}", "[]" },
	{ 7, T0 + 6 * SEC, "s1", "SESSE", "http", "request", "198.51.100.1",
	    "{\"method\":\"GET\",\"uri\":\"/\",\"path\":\"/\",\"status\":404}", "[]" },
	{ 8, T0 + SEC / 2, "s1", "SESSA", "http", "close", "198.51.100.1",
	    "{\"reason\":\"eof\"}", "[]" },
	{ 9, T0 + 7 * SEC, "s1", "SESSF", "http", "request", "198.51.100.99", "not json{", "[]" },
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof(*fx));
	sqlite3_stmt	*st;
	char		 err[256], id[32];
	size_t		 i;
	int		 fd;

	if (fx == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "/tmp/hanipo-test-query-XXXXXX");
	if ((fd = mkstemp(fx->path)) == -1)
		return -1;
	close(fd);
	if (sqlite3_open(fx->path, &fx->db) != SQLITE_OK ||
	    schema_migrate(fx->db, err, sizeof(err)) == -1)
		return -1;
	if (sqlite3_prepare_v2(fx->db, "INSERT INTO events (seq, id, ts, sensor, session, proto,"
	    " kind, src_ip, src_port, dst_ip, dst_port, fields, payload, payload_len,"
	    " payload_sha256, tags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '10.0.0.1', 80,"
	    " ?10, ?11, ?12, ?13, ?14)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < NROWS; i++) {
		const struct row	*r = &rows[i];

		snprintf(id, sizeof(id), "ID%08lld", (long long)r->seq);
		sqlite3_bind_int64(st, 1, r->seq);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, r->ts);
		sqlite3_bind_text(st, 4, r->sensor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->session, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r->proto, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, r->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, r->src, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 9, 40000 + (int)r->seq);
		sqlite3_bind_text(st, 10, r->fields, -1, SQLITE_STATIC);
		if (r->seq == 5) {
			sqlite3_bind_blob(st, 11, payload5, sizeof(payload5), SQLITE_STATIC);
			sqlite3_bind_int64(st, 12, 100);
			sqlite3_bind_text(st, 13, "ab01", -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(st, 11);
			sqlite3_bind_int64(st, 12, 0);
			sqlite3_bind_null(st, 13);
		}
		sqlite3_bind_text(st, 14, r->tags, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return -1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* As the writer does per batch: each event in a seq range of its source (one each here). */
	if (sqlite3_exec(fx->db, "INSERT INTO src_ranges SELECT src_ip, seq, seq, ts, ts FROM events",
	    NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* And in runs by time (two events each here: a window picks events out of a run). */
	if (sqlite3_exec(fx->db, "INSERT INTO ts_ranges SELECT MIN(seq), MAX(seq), MIN(ts), MAX(ts) "
	    "FROM events GROUP BY (seq - 1) / 2", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	sqlite3_close(fx->db);
	unlink(fx->path);
	free(fx);
	return 0;
}

/* Runs f and checks the seqs it yields, in order. */
static void
expect_seqs(sqlite3 *db, const struct query_filter *f, const int64_t *want, size_t nwant)
{
	struct query_iter	*it;
	struct evt		*ev;
	char			 err[256];
	size_t			 n = 0;
	int			 r;

	it = query_open(db, f, err, sizeof(err));
	assert_non_null(it);
	while ((r = query_next(it, &ev)) == 1) {
		assert_true(n < nwant);
		assert_int_equal(ev->seq, want[n]);
		n++;
		evt_free(ev);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, nwant);
	query_close(it);
}

#define EXPECT(db, f, ...)	do {						\
	static const int64_t	 w_[] = { __VA_ARGS__ };			\
	expect_seqs((db), (f), w_, sizeof(w_) / sizeof(w_[0]));			\
} while (0)
#define EXPECT_NONE(db, f)	expect_seqs((db), (f), NULL, 0)

static void
test_order(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };

	EXPECT(fx->db, &f, 1, 8, 2, 3, 4, 5, 6, 7, 9);		/* by ts, then seq */
	f.order = QUERY_DESC;
	EXPECT(fx->db, &f, 9, 7, 6, 5, 4, 3, 2, 8, 1);
	f.order = QUERY_SEQ;
	EXPECT(fx->db, &f, 1, 2, 3, 4, 5, 6, 7, 8, 9);
	f.order = QUERY_LAST;				/* no limit: everything, oldest first */
	EXPECT(fx->db, &f, 1, 8, 2, 3, 4, 5, 6, 7, 9);
}

static void
test_limit(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };
	char			 err[256];

	f.limit = 3;
	EXPECT(fx->db, &f, 1, 8, 2);
	f.order = QUERY_DESC;
	f.limit = 2;
	EXPECT(fx->db, &f, 9, 7);
	f.order = QUERY_LAST;				/* the newest 3, oldest first */
	f.limit = 3;
	EXPECT(fx->db, &f, 6, 7, 9);
	f.limit = 100;
	EXPECT(fx->db, &f, 1, 8, 2, 3, 4, 5, 6, 7, 9);
	f.limit = -1;
	assert_null(query_open(fx->db, &f, err, sizeof(err)));
	assert_non_null(strstr(err, "negative limit"));
}

static void
test_time_window(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };

	f.since = T0 + 2 * SEC;
	f.until = T0 + 5 * SEC;				/* since inclusive, until exclusive */
	EXPECT(fx->db, &f, 3, 4, 5);
	f.since = T0 + 6 * SEC + 1;
	f.until = 0;
	EXPECT(fx->db, &f, 9);
	f.since = 0;
	f.until = T0 + 1;
	EXPECT(fx->db, &f, 1);
	f.since = T0 + 100 * SEC;
	EXPECT_NONE(fx->db, &f);
}

static void
test_filters(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };

	f.ip = "203.0.113.7";
	EXPECT(fx->db, &f, 3, 4);
	f.ip = "203.0.113.70";				/* exact, not a prefix */
	EXPECT_NONE(fx->db, &f);
	f.ip = NULL;
	f.kind = "request";
	EXPECT(fx->db, &f, 2, 3, 4, 7, 9);
	f.kind = NULL;
	f.proto = "telnet";
	EXPECT(fx->db, &f, 6);
	f.proto = "http";
	f.sensor = "s2";
	EXPECT(fx->db, &f, 5);
	f.proto = NULL;
	f.sensor = NULL;
	f.session = "SESSA";
	EXPECT(fx->db, &f, 1, 8, 2);
	f.session = NULL;
	f.kind = "request";
	f.ip = "198.51.100.1";
	f.since = T0 + 2 * SEC;
	EXPECT(fx->db, &f, 7);				/* every member narrows */
}

static void
test_seq_bounds(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };
	char			 err[256];

	f.order = QUERY_SEQ;
	f.after_seq = 5;
	EXPECT(fx->db, &f, 6, 7, 8, 9);
	f.kind = "request";				/* following with a filter */
	f.after_seq = 3;
	EXPECT(fx->db, &f, 4, 7, 9);
	f.kind = NULL;
	f.after_seq = 9;
	EXPECT_NONE(fx->db, &f);
	f.after_seq = 0;
	f.max_seq = 2;
	EXPECT(fx->db, &f, 1, 2);
	f.order = QUERY_LAST;
	f.limit = 2;
	f.max_seq = 8;
	EXPECT(fx->db, &f, 6, 7);			/* by ts: 9 is past max_seq */
	assert_int_equal(query_max_seq(fx->db, err, sizeof(err)), 9);
}

static void
test_injection(void **state)
{
	static const char *const evil[] = {
		"' OR '1'='1", "1.2.3.4' OR 1=1 --", "x'); DROP TABLE events; --",
		"\" OR \"\"=\"", "%", "*", "198.51.100.%",
	};
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };
	struct query_rank	*r;
	const char		*keys[1];
	char			 err[256];
	int64_t			 n;
	size_t			 i, nr;

	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		f.ip = evil[i];
		EXPECT_NONE(fx->db, &f);
		f.ip = NULL;
		f.kind = evil[i];
		assert_int_equal(query_count(fx->db, &f, NULL, &n, err, sizeof(err)), 0);
		assert_int_equal(n, 0);
		f.kind = NULL;
	}
	/* Column keys are a fixed list; a JSON path is a bound value. */
	keys[0] = "src_ip) FROM events; DROP TABLE events; --";
	assert_int_equal(query_top(fx->db, &f, keys, 1, 10, &r, &nr, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown ranking key"));
	assert_int_equal(query_count(fx->db, &f, "1); DROP TABLE events; --", &n, err,
	    sizeof(err)), -1);
	keys[0] = "$.x') IS NULL OR ('1'='1";
	if (query_top(fx->db, &f, keys, 1, 10, &r, &nr, err, sizeof(err)) == 0) {
		assert_int_equal(nr, 0);
		query_rank_free(r, nr);
	}
	/* The table is whole. */
	assert_int_equal(query_count(fx->db, &f, NULL, &n, err, sizeof(err)), 0);
	assert_int_equal(n, (int64_t)NROWS);
}

static struct evt *
get_seq(sqlite3 *db, int64_t seq)
{
	struct query_filter	 f = { 0 };
	struct query_iter	*it;
	struct evt		*ev = NULL;
	char			 err[256];

	f.order = QUERY_SEQ;
	f.after_seq = seq - 1;
	f.max_seq = seq;
	it = query_open(db, &f, err, sizeof(err));
	assert_non_null(it);
	assert_int_equal(query_next(it, &ev), 1);
	query_close(it);
	return ev;
}

static void
test_event_fields(void **state)
{
	struct fixture	*fx = *state;
	struct evt	*ev;
	json_t		*j;
	const char	*s;

	ev = get_seq(fx->db, 2);
	assert_string_equal(ev->id, "ID00000002");
	assert_int_equal(ev->ts, T0 + SEC);
	assert_string_equal(ev->sensor, "s1");
	assert_string_equal(ev->session, "SESSA");
	assert_string_equal(ev->proto, "http");
	assert_string_equal(ev->kind, "request");
	assert_string_equal(ev->src_ip, "198.51.100.1");
	assert_int_equal(ev->src_port, 40002);
	assert_string_equal(ev->dst_ip, "10.0.0.1");
	assert_int_equal(ev->dst_port, 80);
	assert_string_equal(json_string_value(json_object_get(ev->fields, "user_agent")),
	    "\x1b[31mevil");
	assert_int_equal(json_integer_value(json_object_get(ev->fields, "status")), 200);
	assert_string_equal(json_string_value(json_array_get(ev->tags, 0)), "sig-1");
	assert_null(ev->payload);
	j = evt_to_json(ev, 1);
	assert_null(json_object_get(j, "payload"));
	json_decref(j);
	evt_free(ev);

	ev = get_seq(fx->db, 3);			/* tags column "[": an empty array */
	assert_true(json_is_array(ev->tags) && json_array_size(ev->tags) == 0);
	evt_free(ev);

	ev = get_seq(fx->db, 4);		/* invalid UTF-8 in fields: kept as valid JSON */
	s = json_string_value(json_object_get(ev->fields, "_invalid"));
	assert_non_null(s);
	assert_non_null(strstr(s, "bad\xef\xbf\xbd\xef\xbf\xbd"));
	evt_free(ev);

	ev = get_seq(fx->db, 9);
	assert_string_equal(json_string_value(json_object_get(ev->fields, "_invalid")),
	    "not json{");
	evt_free(ev);
}

static void
test_payload(void **state)
{
	struct fixture	*fx = *state;
	struct evt	*ev;
	json_t		*j;
	char		*b64;

	ev = get_seq(fx->db, 5);
	assert_non_null(ev->payload);
	assert_int_equal(ev->payload_len, sizeof(payload5));
	assert_memory_equal(ev->payload, payload5, sizeof(payload5));
	assert_int_equal(ev->payload_total, 100);
	assert_string_equal(ev->payload_sha256, "ab01");
	j = evt_to_json(ev, 1);
	b64 = evt_base64(payload5, sizeof(payload5));
	assert_string_equal(json_string_value(json_object_get(j, "payload")), b64);
	assert_int_equal(json_integer_value(json_object_get(j, "payload_len")), 100);
	free(b64);
	json_decref(j);
	evt_free(ev);
}

static void
test_empty_payload(void **state)
{
	struct fixture	*fx = *state;
	struct evt	*ev;

	assert_int_equal(sqlite3_exec(fx->db, "UPDATE events SET payload = x'' WHERE seq = 6",
	    NULL, NULL, NULL), SQLITE_OK);
	ev = get_seq(fx->db, 6);
	assert_non_null(ev->payload);			/* empty, not absent */
	assert_int_equal(ev->payload_len, 0);
	evt_free(ev);
	sqlite3_exec(fx->db, "UPDATE events SET payload = NULL WHERE seq = 6", NULL, NULL, NULL);
}

static void
test_counts(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };
	char			 err[256];
	int64_t			 n;

	assert_int_equal(query_count(fx->db, &f, NULL, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 9);
	assert_int_equal(query_count(fx->db, &f, "src_ip", &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	f.kind = "connect";
	assert_int_equal(query_count(fx->db, &f, NULL, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	f.kind = NULL;
	f.limit = 2;					/* ignored by counts */
	f.since = T0 + 2 * SEC;
	assert_int_equal(query_count(fx->db, &f, NULL, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 6);
}

static void
test_top(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f = { 0 };
	struct query_rank	*r;
	const char		*keys[2];
	char			 err[256];
	size_t			 n;

	/* Paths of requests: count descending, ties by value; seq 9 (not JSON) is skipped. */
	f.kind = "request";
	keys[0] = "$.path";
	assert_int_equal(query_top(fx->db, &f, keys, 1, 10, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].val[0], "/wp-login.php");
	assert_int_equal(r[0].count, 2);
	assert_string_equal(r[1].val[0], "/");
	assert_int_equal(r[1].count, 1);
	assert_string_equal(r[2].val[0], "/index.html");
	assert_int_equal(r[2].count, 1);
	query_rank_free(r, n);

	assert_int_equal(query_top(fx->db, &f, keys, 1, 2, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	query_rank_free(r, n);

	/* A column over every event. */
	f.kind = NULL;
	keys[0] = "src_ip";
	assert_int_equal(query_top(fx->db, &f, keys, 1, 0, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(r[0].val[0], "198.51.100.1");
	assert_int_equal(r[0].count, 4);
	assert_string_equal(r[1].val[0], "192.0.2.9");	/* tie at 2: by value */
	assert_int_equal(r[1].count, 2);
	assert_string_equal(r[2].val[0], "203.0.113.7");
	assert_int_equal(r[2].count, 2);
	assert_string_equal(r[3].val[0], "198.51.100.99");
	query_rank_free(r, n);

	/* Two keys; an integer field comes back as its decimal text. */
	f.kind = "request";
	keys[0] = "$.rule";
	keys[1] = "$.rule_note";
	assert_int_equal(query_top(fx->db, &f, keys, 2, 10, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].val[0], "12");
	assert_string_equal(r[0].val[1], "wp");
	assert_int_equal(r[0].count, 2);
	query_rank_free(r, n);

	keys[0] = "$.method";
	keys[1] = "$.status";				/* absent in seq 4: NULL */
	assert_int_equal(query_top(fx->db, &f, keys, 2, 10, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].val[0], "GET");
	assert_string_equal(r[0].val[1], "200");
	assert_int_equal(r[0].count, 2);
	assert_string_equal(r[1].val[0], "GET");
	assert_string_equal(r[1].val[1], "404");
	assert_string_equal(r[2].val[0], "POST");
	assert_null(r[2].val[1]);
	query_rank_free(r, n);

	/* Attacker bytes come back exact: ESC decoded from JSON, raw invalid UTF-8 as stored. */
	keys[0] = "$.user_agent";
	assert_int_equal(query_top(fx->db, &f, keys, 1, 10, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].val[0], "\x1b[31mevil");
	assert_string_equal(r[1].val[0], "<script>alert(1)</script>");
	assert_int_equal(r[2].len[0], 5);
	assert_memory_equal(r[2].val[0], "bad\xff\xfe", 5);
	query_rank_free(r, n);

	/* Window and empty results. */
	f.since = T0 + 100 * SEC;
	keys[0] = "$.path";
	assert_int_equal(query_top(fx->db, &f, keys, 1, 10, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	query_rank_free(r, n);

	assert_int_equal(query_top(fx->db, &f, keys, 0, 10, &r, &n, err, sizeof(err)), -1);
	keys[0] = "fields";
	assert_int_equal(query_top(fx->db, &f, keys, 1, 10, &r, &n, err, sizeof(err)), -1);
}

static void
test_open_store(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db;
	char		 err[512];

	db = query_open_store("/nonexistent/hanipo.db", err, sizeof(err));
	assert_null(db);
	assert_string_equal(err,
	    "/nonexistent/hanipo.db: no store (has hanipo run been started?)");
	db = query_open_store(fx->path, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(query_max_seq(db, err, sizeof(err)), 9);
	sqlite3_close(db);
}

/*
 * Fingerprint fields: --fp finds an event by any fingerprint member (syn_sig, ja3_hash, ja4),
 * only in those members, and --by counts connections, not events (a session's tls_hello and its
 * requests carry the same JA3). Its rows are added here and removed at the end.
 */
static void
test_fingerprints(void **state)
{
	struct fixture		*fx = *state;
	struct query_filter	 f;
	struct query_rank	*r;
	const char		*keys[1] = { "$.ja3_hash" };
	char			 err[256];
	size_t			 n;

	assert_int_equal(sqlite3_exec(fx->db,
	    "INSERT INTO events (seq, id, ts, sensor, session, proto, kind, src_ip, src_port,"
	    " dst_ip, dst_port, fields) VALUES"
	    " (100, 'F1', 1, 's', 'FS1', 'https', 'connect', '192.0.2.1', 1, '10.0.0.1', 443,"
	    "  '{\"syn_sig\":\"4:64:0:1460:1024,-:mss:\",\"syn_tool\":\"nmap\"}'),"
	    " (101, 'F2', 2, 's', 'FS1', 'https', 'tls_hello', '192.0.2.1', 1, '10.0.0.1', 443,"
	    "  '{\"ja3_hash\":\"aaaa\",\"ja4\":\"t13d_x\"}'),"
	    " (102, 'F3', 3, 's', 'FS1', 'https', 'request', '192.0.2.1', 1, '10.0.0.1', 443,"
	    "  '{\"ja3_hash\":\"aaaa\",\"ja4\":\"t13d_x\",\"uri\":\"bbbb\"}'),"
	    " (103, 'F4', 4, 's', 'FS2', 'https', 'tls_hello', '192.0.2.2', 1, '10.0.0.1', 443,"
	    "  '{\"ja3_hash\":\"bbbb\",\"ja4\":\"t12i_y\"}')", NULL, NULL, NULL), SQLITE_OK);
	memset(&f, 0, sizeof(f));
	f.fp = "aaaa";
	EXPECT(fx->db, &f, 101, 102);
	f.fp = "bbbb";			/* the ja3_hash of 103; 102 only has it as its uri */
	EXPECT(fx->db, &f, 103);
	f.fp = "4:64:0:1460:1024,-:mss:";
	EXPECT(fx->db, &f, 100);
	f.fp = "nmap";
	EXPECT(fx->db, &f, 100);
	f.fp = "t12i_y";
	EXPECT(fx->db, &f, 103);
	f.fp = "s";
	EXPECT_NONE(fx->db, &f);
	memset(&f, 0, sizeof(f));
	assert_int_equal(query_top_distinct(fx->db, &f, keys, 1, 10, "session", &r, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].val[0], "aaaa");
	assert_int_equal(r[0].count, 1);	/* two events, one connection */
	assert_string_equal(r[1].val[0], "bbbb");
	assert_int_equal(r[1].count, 1);
	query_rank_free(r, n);
	assert_int_equal(query_top_distinct(fx->db, &f, keys, 1, 10, "nope", &r, &n, err,
	    sizeof(err)), -1);
	assert_int_equal(sqlite3_exec(fx->db, "DELETE FROM events WHERE seq >= 100", NULL, NULL,
	    NULL), SQLITE_OK);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_time_window),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_seq_bounds),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_open_store),
		cmocka_unit_test(test_fingerprints),
	};

	return cmocka_run_group_tests_name("query", tests, setup, teardown);
}
