/*
 * fuzz_jsonw.c - libFuzzer target: the flat-object reader never reads outside its input and, on
 * any object jansson accepts, finds what jansson finds; the writer's text of any bytes parses back
 * to evt_json_bytes's string.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/evt.h"
#include "core/jsonw.h"

#include "fuzz_check.h"

static const char	*const keys[] = {
	"method", "uri", "host", "status", "rule", "url", "a", "", "\xc3\xa9",
};

/* Looks key up in text; when j (jansson's parse of the same text) is given, agrees with it. */
static void
check_key(const char *text, size_t len, const json_t *j, const char *key, struct buf *out)
{
	const char	*v = NULL;
	size_t		 vl = 0;
	int64_t		 n;
	int		 found, rs, ri;
	json_t		*jv;

	found = jsonw_find(text, len, key, &v, &vl);
	out->len = 0;
	rs = ri = 0;
	if (found) {
		CHECK(v >= text && vl > 0 && vl <= len && (size_t)(v - text) <= len - vl);
		rs = jsonw_string_value(v, vl, out);
		ri = jsonw_int_value(v, vl, &n);
	}
	if (j == NULL)
		return;
	jv = json_object_get(j, key);
	CHECK(found == (jv != NULL));
	if (jv == NULL)
		return;
	if (json_is_string(jv)) {
		CHECK(rs == 1);
		CHECK(out->len == json_string_length(jv));
		CHECK(out->len == 0 || memcmp(out->data, json_string_value(jv), out->len) == 0);
	} else
		CHECK(rs == 0);
	if (json_is_integer(jv)) {
		CHECK(ri == 1);
		CHECK(n == json_integer_value(jv));
	} else
		CHECK(ri == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*text = malloc(size ? size : 1);	/* exactly size bytes: ASan sees overreads */
	struct buf	 out, wb;
	struct jsonw	 w;
	json_t		*j, *s, *back;
	const char	*key;
	json_t		*v;
	size_t		 i;

	CHECK(text != NULL);
	if (size > 0)
		memcpy(text, data, size);
	buf_init(&out, 3 * size + 64);	/* the writer's U+FFFD triple a byte */
	/*
	 * jansson skips raw NUL bytes between tokens (its stream treats one as "refill"), which no
	 * JSON allows: compare only texts without one.
	 */
	j = memchr(text, '\0', size) ? NULL : json_loadb(text, size, JSON_ALLOW_NUL, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		check_key(text, size, j, keys[i], &out);
	if (j != NULL)
		json_object_foreach(j, key, v)
			check_key(text, size, j, key, &out);
	json_decref(j);

	/* The writer: any bytes as a member's value parse back as evt_json_bytes's string. */
	buf_init(&wb, 6 * size + 64);
	jsonw_init(&w, &wb);
	jsonw_object_begin(&w);
	jsonw_key(&w, "v");
	jsonw_bytes(&w, data, size);
	jsonw_object_end(&w);
	CHECK(jsonw_done(&w) == 0);
	back = json_loadb((const char *)wb.data, wb.len, JSON_ALLOW_NUL, NULL);
	CHECK(back != NULL);
	s = evt_json_bytes(data, size);
	CHECK(json_equal(json_object_get(back, "v"), s));
	check_key((const char *)wb.data, wb.len, back, "v", &out);
	json_decref(s);
	json_decref(back);
	buf_free(&wb);
	buf_free(&out);
	free(text);
	return 0;
}
