/* session.h - one accepted connection: capped input, timers, events, replies gated on the store. */
#ifndef HNP_SESSION_H
#define HNP_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>

#include "core/evt.h"

struct proto;
struct event_base;

/* One enabled sensor protocol: its proto, its loaded state, its listeners. */
struct service {
	const struct proto	*proto;
	void			*state;		/* owned by the proto (init/fini) */
	struct listener		*listeners;
	unsigned		 idle_s, total_s;	/* session timeouts */
};

/* What every session shares: set once by `hanipo run`. */
struct session_env {
	struct event_base	*base;
	const char		*sensor;	/* [sensor] name */
	/* Queues an event for storage; returns its sequence number, or -1 if it was dropped. */
	int64_t			(*emit)(void *arg, struct evt *ev);
	void			*emit_arg;
	int64_t			 committed;	/* highest durable sequence number */
	unsigned		 max_conn, max_per_source;
	unsigned		 open;		/* sessions open now */
	size_t			 max_buffered;	/* input all sessions may hold together */
	size_t			 buffered;	/* input they hold now */
};
extern struct session_env session_env;

struct session;

/* Creates a session for an accepted socket (the core emits the connect event). NULL on failure. */
struct session *session_new(struct service *svc, int fd, const struct sockaddr *peer,
	    socklen_t peerlen);

/*
 * Makes an event of this session (stamped now, both ends filled). fields may be NULL; the event
 * takes the reference. Pass it to session_emit.
 */
struct evt *session_evt(struct session *s, const char *kind, json_t *fields);
struct jsonw;
/*
 * The same with the fields as the JSON object text w wrote (the whole of its buffer), copied into
 * the event; {} when w's buffer maximum cut it. The cheap form for events made per connection.
 */
struct evt *session_evt_text(struct session *s, const char *kind, const struct jsonw *w);
/* Stores ev (taking ownership); returns its sequence number, or -1 when it was dropped. */
int64_t	session_emit(struct session *s, struct evt *ev);
/*
 * Sends data once the event numbered seq is durable (immediately if it already is). A seq of -1
 * (event dropped) sends nothing and closes the session. Returns 0, or -1 when the output cap is passed
 * (the session is then closing).
 */
int	session_reply(struct session *s, int64_t seq, const void *data, size_t len);
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

#endif
