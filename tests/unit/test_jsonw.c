/* test_jsonw.c - unit tests for the JSON text writer, the flat-object reader and the evt accessors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/evt.h"
#include "core/jsonw.h"

/* The writer's text parses (jansson, NUL allowed) to the object expected (JSON text). */
static void
assert_json_equal(const struct buf *b, const char *expected)
{
	json_error_t	 err;
	json_t		*got = json_loadb((const char *)b->data, b->len, JSON_ALLOW_NUL, &err);
	json_t		*want = json_loads(expected, JSON_ALLOW_NUL, &err);

	assert_non_null(got);
	assert_non_null(want);
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
}

static void
assert_text(const struct buf *b, const char *expected)
{
	assert_int_equal(b->len, strlen(expected));
	assert_memory_equal(b->data, expected, b->len);
}

/* Names: a literal (copied when plain) and a variable (always escaped) give the same text. */
static void
test_writer_keys(void **state)
{
	const char	*quote = "q\"\\\n", *plain = "syn_ttl", *high = "caf\xc3\xa9\xff";
	struct buf	 a, b;
	struct jsonw	 w;

	(void)state;
	buf_init(&a, 4096);
	buf_init(&b, 4096);
	jsonw_init(&w, &a);
	jsonw_object_begin(&w);
	jsonw_key(&w, "syn_ttl");
	jsonw_int(&w, 1);
	jsonw_key(&w, "q\"\\\n");
	jsonw_int(&w, 2);
	jsonw_key(&w, "caf\xc3\xa9\xff");
	jsonw_int(&w, 3);
	jsonw_key_n(&w, "cut", 2);
	jsonw_int(&w, 4);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_done(&w), 0);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key_any(&w, plain);
	jsonw_int(&w, 1);
	jsonw_key_any(&w, quote);
	jsonw_int(&w, 2);
	jsonw_key_any(&w, high);
	jsonw_int(&w, 3);
	jsonw_key_any(&w, "cu");
	jsonw_int(&w, 4);
	jsonw_object_end(&w);
	assert_text(&a, "{\"syn_ttl\":1,\"q\\\"\\\\\\n\":2,\"caf\xc3\xa9\xef\xbf\xbd\":3,\"cu\":4}");
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* Cut by the buffer's maximum like any value. */
	buf_free(&a);
	buf_init(&a, 8);
	jsonw_init(&w, &a);
	jsonw_object_begin(&w);
	jsonw_key(&w, "syn_ttl");
	assert_int_equal(jsonw_done(&w), -1);
	buf_free(&a);
	buf_free(&b);
}

static void
test_writer_shapes(void **state)
{
	struct buf	 b;
	struct jsonw	 w;

	(void)state;
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_int(&w, 1);
	jsonw_key(&w, "neg");
	jsonw_int(&w, INT64_MIN);
	jsonw_key(&w, "big");
	jsonw_int(&w, INT64_MAX);
	jsonw_key(&w, "list");
	jsonw_array_begin(&w);
	jsonw_str(&w, "x");
	jsonw_object_begin(&w);
	jsonw_key(&w, "in");
	jsonw_bool(&w, 0);
	jsonw_object_end(&w);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_int(&w, 0);
	jsonw_array_end(&w);
	jsonw_key(&w, "empty");
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_key(&w, "t");
	jsonw_bool(&w, 1);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_done(&w), 0);
	assert_text(&b, "{\"a\":1,\"neg\":-9223372036854775808,\"big\":9223372036854775807,"
	    "\"list\":[\"x\",{\"in\":false},[],0],\"empty\":{},\"t\":true}");
	assert_json_equal(&b, "{\"a\":1,\"neg\":-9223372036854775808,\"big\":9223372036854775807,"
	    "\"list\":[\"x\",{\"in\":false},[],0],\"empty\":{},\"t\":true}");
	buf_free(&b);
}

static void
test_writer_escapes(void **state)
{
	static const char	 raw[] = "q\"b\\n\nr\rt\tc\x01\x1f" "d\x7f" "e";
	struct buf		 b;
	struct jsonw		 w;

	(void)state;
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "k\"ey");
	jsonw_bytes(&w, raw, sizeof(raw) - 1);
	jsonw_key(&w, "nul");
	jsonw_bytes(&w, "a\0b", 3);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_done(&w), 0);
	assert_text(&b, "{\"k\\\"ey\":\"q\\\"b\\\\n\\nr\\rt\\tc\\u0001\\u001fd\x7f" "e\","
	    "\"nul\":\"a\\u0000b\"}");
	buf_free(&b);
}

/* Bytes as jsonw writes them equal evt_json_bytes's string for the same bytes. */
static void
check_like_evt_json_bytes(const char *p, size_t len)
{
	struct buf	 b;
	struct jsonw	 w;
	json_t		*got, *want = evt_json_bytes(p, len);

	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_bytes(&w, p, len);
	assert_int_equal(jsonw_done(&w), 0);
	got = json_loadb((const char *)b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	assert_non_null(got);
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	buf_free(&b);
}

static void
test_writer_utf8(void **state)
{
	struct buf	 b;
	struct jsonw	 w;

	(void)state;
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	/* é, €, U+1F600 kept; lone continuation, overlong, surrogate, cut sequence replaced. */
	jsonw_bytes(&w, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82", 21);
	assert_int_equal(jsonw_done(&w), 0);
	assert_text(&b, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\"");
	buf_free(&b);
	check_like_evt_json_bytes("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\x80|\xc0\xaf|\xed\xa0\x80|"
	    "\xe2\x82", 21);
	check_like_evt_json_bytes("\xff\xfe\0\x01GET /\xf4\x90\x80\x80 \"\\", 16);
	check_like_evt_json_bytes("", 0);
}

static void
test_writer_cap(void **state)
{
	struct buf	 b;
	struct jsonw	 w;

	(void)state;
	buf_init(&b, 8);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "long");
	jsonw_str(&w, "more than eight bytes");
	jsonw_object_end(&w);
	assert_int_equal(jsonw_done(&w), -1);
	assert_true(b.len <= 8);
	buf_free(&b);
}

static const char	 flat[] =
    " { \"method\" : \"GET\", \"uri\":\"/a\\\"b\\\\c\\u0000d\\u00e9\\ud83d\\ude00\\/\","
    "\"nested\":{\"uri\":\"no\",\"x\":[1,{\"y\":\"}\"}]},\"s\\u0074atus\":200,"
    "\"neg\":-5,\"real\":1.5,\"exp\":1e3,\"huge\":99999999999999999999,\"t\":true,"
    "\"n\":null,\"dup\":1,\"dup\":\"two\",\"brace\":\"}{,:\\\"\"} ";

static void
test_find(void **state)
{
	struct buf	 b;
	const char	*v;
	size_t		 vl;
	int64_t		 n;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "method", &v, &vl), 1);
	assert_int_equal(jsonw_string_value(v, vl, &b), 1);
	assert_text(&b, "GET");
	b.len = 0;
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "uri", &v, &vl), 1);
	assert_int_equal(jsonw_string_value(v, vl, &b), 1);
	assert_int_equal(b.len, 15);
	assert_memory_equal(b.data, "/a\"b\\c\0d\xc3\xa9\xf0\x9f\x98\x80/", 15);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "status", &v, &vl), 1);
	assert_int_equal(jsonw_int_value(v, vl, &n), 1);
	assert_int_equal(n, 200);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "neg", &v, &vl), 1);
	assert_int_equal(jsonw_int_value(v, vl, &n), 1);
	assert_int_equal(n, -5);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "real", &v, &vl), 1);
	assert_int_equal(jsonw_int_value(v, vl, &n), 0);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "exp", &v, &vl), 1);
	assert_int_equal(jsonw_int_value(v, vl, &n), 0);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "huge", &v, &vl), 1);
	assert_int_equal(jsonw_int_value(v, vl, &n), 0);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "nested", &v, &vl), 1);
	assert_int_equal(vl, strlen("{\"uri\":\"no\",\"x\":[1,{\"y\":\"}\"}]}"));
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "y", &v, &vl), 0);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "x", &v, &vl), 0);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "dup", &v, &vl), 1);
	b.len = 0;
	assert_int_equal(jsonw_string_value(v, vl, &b), 1);	/* the last one, as jansson */
	assert_text(&b, "two");
	b.len = 0;
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "brace", &v, &vl), 1);
	assert_int_equal(jsonw_string_value(v, vl, &b), 1);
	assert_text(&b, "}{,:\"");
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "missing", &v, &vl), 0);
	assert_int_equal(jsonw_find(flat, sizeof(flat) - 1, "", &v, &vl), 0);

	/* Not objects, or cut: nothing found, nothing read past the end. */
	assert_int_equal(jsonw_find("", 0, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("[1]", 3, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("{}", 2, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("{\"a\":1", 6, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("{\"a\":\"x", 7, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("{\"a\\", 4, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("{\"a\":1}", 7, "a", &v, &vl), 1);
	assert_int_equal(jsonw_find("{\"a\":1 x}", 9, "a", &v, &vl), 0);
	assert_int_equal(jsonw_find("{\"a\":{\"b\":[}", 12, "a", &v, &vl), 0);
	/* Malformed string values are refused by the decoder. */
	b.len = 0;
	assert_int_equal(jsonw_string_value("\"\\ud800\"", 8, &b), 0);
	assert_int_equal(jsonw_string_value("\"\\udc00\"", 8, &b), 0);
	assert_int_equal(jsonw_string_value("\"\\x\"", 4, &b), 0);
	assert_int_equal(jsonw_string_value("\"\\u12\"", 6, &b), 0);
	assert_int_equal(jsonw_string_value("\"\\\"", 3, &b), 0);
	assert_int_equal(jsonw_string_value("12", 2, &b), 0);
	buf_free(&b);
}

/* The text the writer makes reads back, field by field, as jansson reads it. */
static void
test_roundtrip(void **state)
{
	static const uint8_t	 uri[] = "/x?a=\"1\"&b=\\\0\x01\xff\xc3\xa9\t";
	struct buf		 b, v;
	struct jsonw		 w;
	json_t			*j;
	const char		*val;
	size_t			 vl;
	int64_t			 n;

	(void)state;
	buf_init(&b, 4096);
	buf_init(&v, 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "uri");
	jsonw_bytes(&w, uri, sizeof(uri) - 1);
	jsonw_key(&w, "flags");
	jsonw_array_begin(&w);
	jsonw_str(&w, "bare_lf");
	jsonw_array_end(&w);
	jsonw_key(&w, "status");
	jsonw_int(&w, 404);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_done(&w), 0);
	j = json_loadb((const char *)b.data, b.len, JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	assert_int_equal(jsonw_find((const char *)b.data, b.len, "uri", &val, &vl), 1);
	assert_int_equal(jsonw_string_value(val, vl, &v), 1);
	assert_int_equal(v.len, json_string_length(json_object_get(j, "uri")));
	assert_memory_equal(v.data, json_string_value(json_object_get(j, "uri")), v.len);
	assert_int_equal(jsonw_find((const char *)b.data, b.len, "status", &val, &vl), 1);
	assert_int_equal(jsonw_int_value(val, vl, &n), 1);
	assert_int_equal(n, json_integer_value(json_object_get(j, "status")));
	assert_json_equal(&b, "{\"uri\":\"/x?a=\\\"1\\\"&b=\\\\\\u0000\\u0001\xef\xbf\xbd\xc3\xa9\\t\","
	    "\"flags\":[\"bare_lf\"],\"status\":404}");
	json_decref(j);
	buf_free(&b);
	buf_free(&v);
}

/* The accessors read both forms of an event's fields alike. */
static void
test_evt_fields(void **state)
{
	static const char	 text[] = "{\"uri\":\"/a\\u0000b\",\"status\":200,\"rule\":\"x\"}";
	struct evt		*t, *j;
	struct buf		 b;
	int64_t			 n;
	json_t			*f;

	(void)state;
	buf_init(&b, 4096);
	t = evt_new_text("sensor", "http", "request", text, sizeof(text) - 1);
	j = evt_new("sensor", "http", "request", json_loads(text, JSON_ALLOW_NUL, NULL));
	assert_string_equal(t->sensor, "sensor");
	assert_non_null(j->fields);
	assert_int_equal(evt_field_str(t, "uri", &b), 1);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "/a\0b", 4);
	b.len = 0;
	assert_int_equal(evt_field_str(j, "uri", &b), 1);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "/a\0b", 4);
	assert_int_equal(evt_field_str(t, "status", &b), 0);
	assert_int_equal(evt_field_str(j, "status", &b), 0);
	assert_int_equal(evt_field_int(t, "status", &n), 1);
	assert_int_equal(n, 200);
	assert_int_equal(evt_field_int(j, "status", &n), 1);
	assert_int_equal(n, 200);
	assert_int_equal(evt_field_int(t, "rule", &n), 0);
	assert_int_equal(evt_field_int(j, "rule", &n), 0);
	assert_int_equal(evt_field_int(t, "absent", &n), 0);
	f = evt_fields_json(t);
	assert_true(json_equal(f, j->fields));
	json_decref(f);
	evt_free(t);
	evt_free(j);

	/* No fields at all: {} both ways. */
	t = evt_new_text(NULL, "http", "connect", NULL, 0);
	j = evt_new(NULL, "http", "connect", NULL);
	assert_int_equal(evt_field_str(t, "uri", &b), 0);
	assert_int_equal(evt_field_int(j, "status", &n), 0);
	f = evt_fields_json(t);
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);
	f = evt_to_json(j, 0);
	assert_int_equal(json_object_size(json_object_get(f, "fields")), 0);
	assert_int_equal(json_array_size(json_object_get(f, "tags")), 0);
	assert_true(json_is_array(json_object_get(f, "tags")));
	json_decref(f);
	evt_free(t);
	evt_free(j);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_writer_shapes),
		cmocka_unit_test(test_writer_keys),
		cmocka_unit_test(test_writer_escapes),
		cmocka_unit_test(test_writer_utf8),
		cmocka_unit_test(test_writer_cap),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_evt_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
