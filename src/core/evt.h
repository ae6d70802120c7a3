/* evt.h - the event: one immutable observation (design.md), its JSON form. */
#ifndef HNP_EVT_H
#define HNP_EVT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/ulid.h"

struct buf;

#define EVT_IP_LEN	INET6_ADDRSTRLEN

struct evt {
	char		 id[ULID_LEN + 1];
	int64_t		 ts;			/* µs since the epoch, UTC */
	char		*sensor;		/* owned (in the event's block when packed) */
	char		 session[ULID_LEN + 1];
	char		 proto[16];
	char		 kind[24];
	char		 src_ip[EVT_IP_LEN];
	uint16_t	 src_port;
	char		 dst_ip[EVT_IP_LEN];
	uint16_t	 dst_port;
	/*
	 * The fields, in one of two forms: a jansson object (fields), or compact JSON object text
	 * (fields_text, fields_len; not NUL-terminated) as producers on the hot path write it with
	 * jsonw. Both NULL: {}. Read them with evt_fields_json, evt_field_str, evt_field_int.
	 */
	json_t		*fields;		/* owned object, or NULL */
	char		*fields_text;		/* owned (in the event's block when packed), or NULL */
	size_t		 fields_len;
	uint8_t		*payload;		/* owned, at most HNP_MAX_PAYLOAD_BYTES; may be NULL */
	size_t		 payload_len;		/* bytes stored in payload */
	uint64_t	 payload_total;		/* bytes received (> payload_len when cut) */
	char		 payload_sha256[65];	/* hex of the stored bytes; "" without payload */
	json_t		*tags;			/* owned array of signature ids; NULL: [] */
	int64_t		 seq;			/* local store order; set by the store, 0 before */
	struct evt *next;			/* queue link, store-private */
	int		 packed;		/* sensor and fields_text live in this allocation */
	int		 payload_packed;	/* so does payload */
	char		 block[];		/* their storage when packed */
};

/*
 * Makes an event stamped now with a fresh id; copies sensor, proto and kind. fields may be NULL
 * (an empty object is made); the event takes over the caller's reference. Free with evt_free.
 */
struct evt *evt_new(const char *sensor, const char *proto, const char *kind, json_t *fields);
/*
 * The same with the fields as compact JSON object text (text[0..len), e.g. written by jsonw),
 * copied into the event's own allocation; len 0: {}. One allocation for the event, sensor and text.
 */
struct evt *evt_new_text(const char *sensor, const char *proto, const char *kind, const char *text,
	    size_t len);
/*
 * evt_new_text and evt_set_payload in one allocation: up to HNP_MAX_PAYLOAD_BYTES of p[0..plen)
 * as the payload, total the bytes that came in.
 */
struct evt *evt_new_text_payload(const char *sensor, const char *proto, const char *kind,
	    const char *text, size_t len, const void *p, size_t plen, uint64_t total);
/* Copies up to HNP_MAX_PAYLOAD_BYTES of p into the event; total is what came in. */
void	evt_set_payload(struct evt *ev, const void *p, size_t len, uint64_t total);
/* Fills payload_sha256 if the event has a payload not hashed yet (the store's writer does it). */
void	evt_hash(struct evt *ev);
void	evt_free(struct evt *ev);

/* The JSON form of design.md: id, ts, time, sensor, session, proto, kind, the ends, fields,
 * payload (base64), payload_len, payload_sha256, tags. Caller owns the reference. */
json_t	*evt_to_json(const struct evt *ev, int with_payload);

/*
 * The fields as a jansson object, whichever form the event holds (text is parsed; text that is
 * not an object gives {}). Caller owns the reference. For the query side and JSON output, not
 * for the per-event path.
 */
json_t	*evt_fields_json(const struct evt *ev);
/* One top-level field of an event as evt_fields_get finds it, in either form of the fields. */
struct evt_value {
	const char	*text;		/* its JSON text, for text fields; or NULL */
	size_t		 len;
	const json_t	*json;		/* its jansson value, for object fields; or NULL */
};
/*
 * Looks up n top-level fields (n <= JSONW_FIND_MAX, 16) in one pass: vals[k] for keys[k], both
 * pointers NULL when absent. The values point into ev (valid while it lives).
 */
void	evt_fields_get(const struct evt *ev, const char *const *keys, size_t n,
	    struct evt_value *vals);
/* A value's string, escapes decoded, appended to out: 1, 0 when it is not a string, -1 when cut. */
int	evt_value_str(const struct evt_value *v, struct buf *out);
/* A value's integer: 1 and *out, or 0 when it is not an integer. */
int	evt_value_int(const struct evt_value *v, int64_t *out);
/*
 * The top-level string field key of ev, escapes decoded, appended to out (NUL bytes included).
 * Returns 1, 0 when absent or not a string, -1 when out's maximum cut it. No jansson object is
 * made for text fields.
 */
int	evt_field_str(const struct evt *ev, const char *key, struct buf *out);
/* The top-level integer field key of ev: 1 and *v, or 0 when absent or not an integer. */
int	evt_field_int(const struct evt *ev, const char *key, int64_t *v);

/* Standard base64 with padding; returns a malloc'd NUL-terminated string. */
char	*evt_base64(const uint8_t *p, size_t len);



/*
 * A JSON string for attacker bytes: valid UTF-8 kept (NUL included), every byte of an invalid
 * sequence replaced by U+FFFD. Never NULL. The raw bytes stay exact in the payload.
 */
json_t	*evt_json_bytes(const void *p, size_t len);
/*
 * Compact JSON text of j appended to b (jansson's json_dumps costs ~10k instructions an event; this
 * is a plain walk). Strings must be valid UTF-8 (evt_json_bytes makes them so). Returns 0, or -1 when
 * b's maximum was reached (the text is then cut).
 */
int	evt_json_dump(const json_t *j, struct buf *b);

#endif
