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
struct jsonw;

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
	/*
	 * When set, listeners save each client's SYN (TCP_SAVE_SYN) and this writes its fields
	 * into the connect event (w: an open object); returns tags (an array) or NULL.
	 */
	json_t			*(*syn_fields)(void *arg, const uint8_t *syn, size_t len,
				    struct jsonw *w);
	void			*syn_arg;
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
