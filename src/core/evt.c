/* evt.c - creating, hashing, freeing events and their JSON form. */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/hex.h"
#include "core/digest.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "core/base64.h"
#include "core/evt.h"

static void
evt_copy(char *dst, size_t len, const char *src)
{
	size_t	 n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The event with sensor, len bytes of fields text and plen bytes of payload (room only; the
 * caller copies them) in its own allocation.
 */
static struct evt *
evt_make(const char *sensor, const char *proto, const char *kind, const char *text, size_t len,
    size_t plen)
{
	size_t		 sl = strlen(sensor ? sensor : "") + 1;
	struct evt	*ev = xmalloc(sizeof(*ev) + sl + len + plen);

	memset(ev, 0, sizeof(*ev));
	ev->packed = 1;
	ev->sensor = ev->block;
	memcpy(ev->sensor, sensor ? sensor : "", sl);
	if (len > 0) {
		ev->fields_text = ev->block + sl;
		memcpy(ev->fields_text, text, len);
		ev->fields_len = len;
	}
	if (plen > 0) {
		ev->payload = (uint8_t *)ev->block + sl + len;
		ev->payload_packed = 1;
	}
	ev->ts = time_now_us();
	ulid_make(ev->id, ev->ts);
	evt_copy(ev->proto, sizeof(ev->proto), proto);
	evt_copy(ev->kind, sizeof(ev->kind), kind);
	return ev;
}

struct evt *
evt_new(const char *sensor, const char *proto, const char *kind, json_t *fields)
{
	struct evt	*ev = evt_make(sensor, proto, kind, NULL, 0, 0);

	ev->fields = fields;
	return ev;
}

struct evt *
evt_new_text(const char *sensor, const char *proto, const char *kind, const char *text,
    size_t len)
{
	return evt_make(sensor, proto, kind, text, len, 0);
}

struct evt *
evt_new_text_payload(const char *sensor, const char *proto, const char *kind, const char *text,
    size_t len, const void *p, size_t plen, uint64_t total)
{
	struct evt	*ev;

	if (plen > HNP_MAX_PAYLOAD_BYTES)
		plen = HNP_MAX_PAYLOAD_BYTES;
	/* One byte at least: a payload, even empty, is not NULL (as evt_set_payload makes it). */
	ev = evt_make(sensor, proto, kind, text, len, plen ? plen : 1);
	if (plen > 0)
		memcpy(ev->payload, p, plen);
	ev->payload_len = plen;
	ev->payload_total = total < plen ? plen : total;
	return ev;
}

void
evt_set_payload(struct evt *ev, const void *p, size_t len, uint64_t total)
{
	if (!ev->payload_packed)
		free(ev->payload);
	ev->payload_packed = 0;
	if (len > HNP_MAX_PAYLOAD_BYTES)
		len = HNP_MAX_PAYLOAD_BYTES;
	ev->payload = xmalloc(len ? len : 1);
	memcpy(ev->payload, p, len);
	ev->payload_len = len;
	ev->payload_total = total < len ? len : total;
	ev->payload_sha256[0] = '\0';
}


/*
 * SHA-256 of the payload. The one-shot low-level functions, deprecated in OpenSSL 3 but kept by it:
 * the EVP interface cost about 8,000 instructions per small payload in set-up alone.
 */
void
evt_hash(struct evt *ev)
{
	uint8_t			 md[SHA256_DIGEST_LENGTH];

	if (ev->payload == NULL || ev->payload_sha256[0] != '\0')
		return;
	digest_sha256(ev->payload, ev->payload_len, md);
	hex_encode(md, sizeof(md), ev->payload_sha256);
}

void
evt_free(struct evt *ev)
{
	if (ev == NULL)
		return;
	if (!ev->packed) {
		free(ev->sensor);
		free(ev->fields_text);
	}
	json_decref(ev->fields);
	json_decref(ev->tags);
	if (!ev->payload_packed)
		free(ev->payload);
	free(ev);
}

char *
evt_base64(const uint8_t *p, size_t len)
{
	char	*out = xmalloc(BASE64_LEN(len) + 1);

	out[base64_encode((uint8_t *)out, p, len)] = '\0';
	return out;
}

json_t *
evt_to_json(const struct evt *ev, int with_payload)
{
	char	 iso[40];
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_string(ev->id));
	json_object_set_new(o, "ts", json_integer(ev->ts));
	json_object_set_new(o, "time", json_string(time_format_iso(ev->ts, iso, sizeof(iso))));
	json_object_set_new(o, "sensor", json_string(ev->sensor));
	json_object_set_new(o, "session", json_string(ev->session));
	json_object_set_new(o, "proto", json_string(ev->proto));
	json_object_set_new(o, "kind", json_string(ev->kind));
	json_object_set_new(o, "src_ip", json_string(ev->src_ip));
	json_object_set_new(o, "src_port", json_integer(ev->src_port));
	json_object_set_new(o, "dst_ip", json_string(ev->dst_ip));
	json_object_set_new(o, "dst_port", json_integer(ev->dst_port));
	json_object_set_new(o, "fields", evt_fields_json(ev));
	if (ev->payload != NULL) {
		if (with_payload) {
			char	*b64 = evt_base64(ev->payload, ev->payload_len);

			json_object_set_new(o, "payload", json_string(b64));
			free(b64);
		}
		json_object_set_new(o, "payload_len", json_integer((json_int_t)ev->payload_total));
		json_object_set_new(o, "payload_sha256", json_string(ev->payload_sha256));
	}
	json_object_set_new(o, "tags", ev->tags ? json_incref(ev->tags) : json_array());
	return o;
}

json_t *
evt_fields_json(const struct evt *ev)
{
	json_t	*j;

	if (ev->fields != NULL)
		return json_incref(ev->fields);
	if (ev->fields_text == NULL)
		return json_object();
	j = json_loadb(ev->fields_text, ev->fields_len, JSON_ALLOW_NUL, NULL);
	if (json_is_object(j))
		return j;
	json_decref(j);
	return json_object();
}

void
evt_fields_get(const struct evt *ev, const char *const *keys, size_t n, struct evt_value *vals)
{
	const char	*v[JSONW_FIND_MAX];
	size_t		 vl[JSONW_FIND_MAX], k;

	if (n > JSONW_FIND_MAX)
		n = JSONW_FIND_MAX;
	memset(vals, 0, n * sizeof(*vals));
	if (ev->fields != NULL) {
		for (k = 0; k < n; k++)
			vals[k].json = json_object_get(ev->fields, keys[k]);
		return;
	}
	if (ev->fields_text == NULL ||
	    jsonw_find_many(ev->fields_text, ev->fields_len, keys, n, v, vl) == 0)
		return;
	for (k = 0; k < n; k++) {
		vals[k].text = v[k];
		vals[k].len = vl[k];
	}
}

int
evt_value_str(const struct evt_value *v, struct buf *out)
{
	if (v->json != NULL) {
		if (!json_is_string(v->json))
			return 0;
		return buf_append(out, json_string_value(v->json),
		    json_string_length(v->json)) == -1 ? -1 : 1;
	}
	if (v->text == NULL || v->text[0] != '"')
		return 0;
	return jsonw_string_value(v->text, v->len, out);
}

int
evt_value_int(const struct evt_value *v, int64_t *out)
{
	if (v->json != NULL) {
		if (!json_is_integer(v->json))
			return 0;
		*out = json_integer_value(v->json);
		return 1;
	}
	return v->text != NULL && jsonw_int_value(v->text, v->len, out);
}

int
evt_field_str(const struct evt *ev, const char *key, struct buf *out)
{
	struct evt_value	 v;

	evt_fields_get(ev, &key, 1, &v);
	return evt_value_str(&v, out);
}

int
evt_field_int(const struct evt *ev, const char *key, int64_t *out)
{
	struct evt_value	 v;

	evt_fields_get(ev, &key, 1, &v);
	return evt_value_int(&v, out);
}

json_t *
evt_json_bytes(const void *src, size_t len)
{
	const uint8_t	*p = src;
	uint8_t		*out;
	size_t		 i = 0, o = 0, n;
	json_t		*j;

	out = xmalloc(len * 3 + 1);
	while (i < len) {
		if ((n = jsonw_utf8_len(p + i, len - i)) == 0) {
			out[o++] = 0xef;
			out[o++] = 0xbf;
			out[o++] = 0xbd;
			i++;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	j = json_stringn((const char *)out, o);
	free(out);
	return j ? j : json_string("");
}

static void
evt_dump_string(struct buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, run = 0;
	char			 esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	buf_append(b, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + run, i - run);
		run = i + 1;
		if (c == '"')
			buf_append(b, "\\\"", 2);
		else if (c == '\\')
			buf_append(b, "\\\\", 2);
		else if (c == '\n')
			buf_append(b, "\\n", 2);
		else if (c == '\r')
			buf_append(b, "\\r", 2);
		else if (c == '\t')
			buf_append(b, "\\t", 2);
		else {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			buf_append(b, esc, 6);
		}
	}
	buf_append(b, s + run, len - run);
	buf_append(b, "\"", 1);
}

int
evt_json_dump(const json_t *j, struct buf *b)
{
	const char	*key;
	json_t		*v;
	size_t		 i, n = 0;
	char		 num[40];

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		buf_append(b, "{", 1);
		json_object_foreach((json_t *)j, key, v) {
			if (n++ > 0)
				buf_append(b, ",", 1);
			evt_dump_string(b, key, strlen(key));
			buf_append(b, ":", 1);
			evt_json_dump(v, b);
		}
		buf_append(b, "}", 1);
		break;
	case JSON_ARRAY:
		buf_append(b, "[", 1);
		json_array_foreach(j, i, v) {
			if (i > 0)
				buf_append(b, ",", 1);
			evt_json_dump(v, b);
		}
		buf_append(b, "]", 1);
		break;
	case JSON_STRING:
		evt_dump_string(b, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		buf_put_int(b, json_integer_value(j));
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(j));
		buf_append(b, num, strlen(num));
		break;
	case JSON_TRUE:
		buf_append(b, "true", 4);
		break;
	case JSON_FALSE:
		buf_append(b, "false", 5);
		break;
	case JSON_NULL:
		buf_append(b, "null", 4);
		break;
	}
	return b->len == b->max ? -1 : 0;
}
