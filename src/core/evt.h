/* evt.h - the event: one immutable observation (design.md), its JSON form. */
#ifndef HNP_EVT_H
#define HNP_EVT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/ulid.h"

#define EVT_IP_LEN	INET6_ADDRSTRLEN

struct evt {
	char		 id[ULID_LEN + 1];
	int64_t		 ts;			/* µs since the epoch, UTC */
	char		*sensor;		/* owned */
	char		 session[ULID_LEN + 1];
	char		 proto[16];
	char		 kind[24];
	char		 src_ip[EVT_IP_LEN];
	uint16_t	 src_port;
	char		 dst_ip[EVT_IP_LEN];
	uint16_t	 dst_port;
	json_t		*fields;		/* owned object; never NULL */
	uint8_t		*payload;		/* owned, at most HNP_MAX_PAYLOAD_BYTES; may be NULL */
	size_t		 payload_len;		/* bytes stored in payload */
	uint64_t	 payload_total;		/* bytes received (> payload_len when cut) */
	char		 payload_sha256[65];	/* hex of the stored bytes; "" without payload */
	json_t		*tags;			/* owned array of signature ids; never NULL */
	int64_t		 seq;			/* local store order; set by the store, 0 before */
	struct evt *next;			/* queue link, store-private */
};

/*
 * Makes an event stamped now with a fresh id; copies sensor, proto and kind. fields may be NULL
 * (an empty object is made); the event takes over the caller's reference. Free with evt_free.
 */
struct evt *evt_new(const char *sensor, const char *proto, const char *kind, json_t *fields);
/* Copies up to HNP_MAX_PAYLOAD_BYTES of p into the event; total is what came in. */
void	evt_set_payload(struct evt *ev, const void *p, size_t len, uint64_t total);
/* Fills payload_sha256 if the event has a payload not hashed yet (the store's writer does it). */
void	evt_hash(struct evt *ev);
/* Frees the calling thread's hashing state (call before a thread that hashed ends). */
void	evt_hash_done(void);
void	evt_free(struct evt *ev);

/* The JSON form of design.md: id, ts, time, sensor, session, proto, kind, the ends, fields,
 * payload (base64), payload_len, payload_sha256, tags. Caller owns the reference. */
json_t	*evt_to_json(const struct evt *ev, int with_payload);

/* Standard base64 with padding; returns a malloc'd NUL-terminated string. */
char	*evt_base64(const uint8_t *p, size_t len);



/*
 * A JSON string for attacker bytes: valid UTF-8 kept (NUL included), every byte of an invalid
 * sequence replaced by U+FFFD. Never NULL. The raw bytes stay exact in the payload.
 */
json_t	*evt_json_bytes(const void *p, size_t len);
struct buf;
/*
 * Compact JSON text of j appended to b (jansson's json_dumps costs ~10k instructions an event; this
 * is a plain walk). Strings must be valid UTF-8 (evt_json_bytes makes them so). Returns 0, or -1 when
 * b's maximum was reached (the text is then cut).
 */
int	evt_json_dump(const json_t *j, struct buf *b);

#endif
