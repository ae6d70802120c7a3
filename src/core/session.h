/* session.h - one accepted connection: capped input, timers, events, replies gated on the store. */
#ifndef HNP_SESSION_H
#define HNP_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <jansson.h>

#include "core/evt.h"

struct proto;
struct event_base;
struct fpdb;
struct session;
struct buf;

/*
 * A layer between the socket and the protocol (TLS): raw bytes in, the protocol's bytes out, and
 * the reverse for replies. Its own output (handshake flights, alerts) goes out through
 * session_reply_raw, gated like any reply. A session without one passes bytes through.
 */
struct transport {
	const char	*name;
	/* A session starts: its per-session state, or NULL to refuse the connection. */
	void	*(*open)(struct session *s, void *svc_state);
	/* Raw bytes arrived. 0, or -1 when the transport has ended the session (or asked to). */
	int	(*push)(struct session *s, void *t, const uint8_t *raw, size_t len);
	/* Up to room decoded bytes into dst: how many, 0 when none now, -1 when ended. */
	ssize_t	(*pull)(struct session *s, void *t, uint8_t *dst, size_t room);
	/* Encodes a reply's bytes, appending to out. 0, or -1. */
	int	(*encode)(struct session *s, void *t, const uint8_t *p, size_t len, struct buf *out);
	/* Input ended (why: eof, idle_timeout, ...): record what never reached the protocol. */
	void	(*end)(struct session *s, void *t, const char *why);
	/* Closing after the replies: bytes to send last (TLS close_notify), appended to out. */
	void	(*shutdown)(struct session *s, void *t, struct buf *out);
	void	(*free)(void *t);
};
struct jsonw;

/* A timeout as a libevent common timeout (set up once), or as itself if that failed. */
struct session_timeout {
	struct timeval		 tv;
	const struct timeval	*common;
};

/* One enabled sensor protocol: its proto, its loaded state, its listeners. */
struct service {
	const struct proto	*proto;
	void			*state;		/* owned by the proto (init/fini) */
	struct listener		*listeners;
	unsigned		 idle_s, total_s;	/* session timeouts */
	/* The same as timevals for event_add; set on first use (session.c). */
	struct session_timeout	 idle_tv, total_tv;
	const struct transport	*transport;	/* NULL: plain bytes */
	void			*transport_state;	/* owned by the proto */
};

/* What every session shares: set once by `hanipo run`. */
struct session_env {
	struct event_base	*base;
	const char		*sensor;	/* [sensor] name */
	/* Queues an event for storage; returns its sequence number, or -1 if it was dropped. */
	int64_t			(*emit)(void *arg, struct evt *ev);
	/* A reply now waits for event seq to be committed (may be NULL). */
	void			(*wait)(void *arg, int64_t seq);
	void			*emit_arg;
	int64_t			 committed;	/* highest durable sequence number */
	unsigned		 max_conn, max_per_source;
	unsigned		 open;		/* sessions open now */
	size_t			 max_buffered;	/* input all sessions may hold together */
	size_t			 buffered;	/* input they hold now */
	/*
	 * When set, listeners save each client's SYN (TCP_SAVE_SYN) and this writes its fields
	 * into the connect event (w: an open object); returns tags (an array) or NULL.
	 */
	json_t			*(*syn_fields)(void *arg, const uint8_t *syn, size_t len,
				    struct jsonw *w);
	void			*syn_arg;
	/* The fingerprint database (fp/fpdb.h) that names JA3/JA4 values; NULL when none. */
	const struct fpdb	*fpdb;
};
extern struct session_env session_env;

struct session;

/*
 * Creates a session for an accepted socket (the core emits the connect event). local is the
 * socket's own address when the caller knows it (NULL: asked of the kernel). NULL on failure.
 */
struct session *session_new(struct service *svc, int fd, const struct sockaddr *peer,
	    socklen_t peerlen, const struct sockaddr *local);

/*
 * Makes an event of this session (stamped now, both ends filled). fields may be NULL; the event
 * takes the reference. Pass it to session_emit.
 */
struct evt *session_evt(struct session *s, const char *kind, json_t *fields);
/*
 * The same with the fields as the JSON object text w wrote (the whole of its buffer), copied into
 * the event; {} when w's buffer maximum cut it. The cheap form for events made per connection.
 */
struct evt *session_evt_text(struct session *s, const char *kind, const struct jsonw *w);
/* session_evt_text with a payload (up to HNP_MAX_PAYLOAD_BYTES of p; total: what came in). */
struct evt *session_evt_payload(struct session *s, const char *kind, const struct jsonw *w,
	    const void *p, size_t len, uint64_t total);
/* Stores ev (taking ownership); returns its sequence number, or -1 when it was dropped. */
int64_t	session_emit(struct session *s, struct evt *ev);
/*
 * Sends data once the event numbered seq is durable (immediately if it already is). A seq of -1
 * (event dropped) sends nothing and closes the session. Returns 0, or -1 when the output cap is passed
 * (the session is then closing).
 */
int	session_reply(struct session *s, int64_t seq, const void *data, size_t len);
/* session_reply for a transport's own bytes: sent as they are, not encoded. */
int	session_reply_raw(struct session *s, int64_t seq, const void *data, size_t len);
/* The highest sequence number this session's events got so far (-1: none stored yet). */
int64_t	session_last_seq(const struct session *s);
/*
 * Puts a transport on a session (the catch-all's hand-off): raw bytes already buffered are not
 * replayed. t is freed with the session.
 */
void	session_set_transport(struct session *s, const struct transport *tr, void *t);
/*
 * A field copied onto the session's request events (JA3/JA4 of the connection): key must be a
 * static string; value is copied, at most SESSION_FIELD_MAX bytes. At most SESSION_FIELDS.
 */
#define SESSION_FIELDS		6
#define SESSION_FIELD_MAX	64
void	session_set_field(struct session *s, const char *key, const char *value);
/* Writes those fields as members of the object w is writing. */
void	session_put_fields(const struct session *s, struct jsonw *w);
/* Closes the session once every gated reply has been written out. */
void	session_close_after_reply(struct session *s, const char *reason);
/* Closes now (unsent gated replies are dropped); emits the close event with reason. Idempotent. */
void	session_close(struct session *s, const char *reason);
int	session_closing(const struct session *s);

/*
 * Peek mode: input is read with MSG_PEEK, so the socket keeps every byte. on_read sees all of it
 * each time and returns 0 to wait for more; returning n > 0 takes what was seen off the socket
 * and ends peek mode. At most HNP_READ_CHUNK bytes (and the protocol's max_input) are seen.
 * Call from on_accept. 0, or -1 (the loop has no edge-triggered events).
 */
int	session_peek(struct session *s);
int	session_peeking(const struct session *s);
/*
 * Hands the session to another service, from the current protocol's on_read (which then returns
 * 0): its on_close runs, the new protocol gets a fresh context and its on_accept, as for a new
 * connection (no second connect event; later events carry its name), and then the bytes
 * received so far. In peek mode they are still in the socket, so a protocol that reads the
 * socket itself gets them too. 0, or -1 (the session is then closing or unchanged).
 */
int	session_handoff(struct session *s, struct service *to);
/* The connect event's sequence number (to gate a greeting on it). */
int64_t	session_connect_seq(const struct session *s);

const char *session_id(const struct session *s);
const char *session_src_ip(const struct session *s);
uint16_t session_src_port(const struct session *s);
uint16_t session_dst_port(const struct session *s);
struct service *session_service(const struct session *s);

/* Called by the store's notification: releases replies gated on sequence numbers <= committed. */
void	session_committed(int64_t committed);
/* Whether a connection from peer fits under the global and per-source caps. */
int	session_admit(const struct sockaddr *peer);
/* Closes every session (shutdown). */
void	session_close_all(const char *reason);
/* Frees the sessions kept for reuse (at exit, after the loop's last turn). */
void	session_pool_free(void);

#endif
