/* proto.h - what a sensor protocol exports: one const struct proto per file, listed in registry.c. */
#ifndef HNP_PROTO_H
#define HNP_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/config.h"

struct session;
struct service;

struct proto {
	const char		*name;		/* config section and event proto: "http" */
	const char		*default_listen;	/* "0.0.0.0:8080" */
	const struct config_key	*config_keys;	/* its section's keys (listen included) */
	size_t			 ctx_size;	/* per-session state, zeroed and freed by the core */
	int			 listen_ranges;	/* listen may give port ranges ("host:lo-hi") */

	/* Once at start: read config, load rules into svc->state. 0, or -1 with err. */
	int	(*init)(struct service *svc, const struct config *cfg, char *err, size_t errlen);
	/* SIGHUP: reload what init loaded; on failure the old state stays. 0 or -1 with err. */
	int	(*reload)(struct service *svc, const struct config *cfg, char *err, size_t errlen);
	/* Frees svc->state. */
	void	(*fini)(struct service *svc);

	/* A connection was accepted (the connect event is already emitted). 0, or -1 to close. */
	int	(*on_accept)(struct session *s, void *ctx);
	/*
	 * Bytes arrived: in[0..len) is everything buffered. Returns bytes consumed (> 0), 0 when it
	 * needs more, -1 to close. Called again while it consumes and bytes remain.
	 */
	ssize_t	(*on_read)(struct session *s, void *ctx, const uint8_t *in, size_t len);
	/*
	 * The input buffer is full and on_read wanted more, the peer closed or timed out with
	 * bytes pending, or bytes arrived after the protocol chose to close (why = "oversize",
	 * "eof", "idle_timeout", "total_timeout", "unanswered"): record what is there. May be NULL.
	 */
	void	(*on_incomplete)(struct session *s, void *ctx, const uint8_t *in, size_t len,
		    const char *why);
	/* The session is closing: free what ctx points to (never ctx itself). May be NULL. */
	void	(*on_close)(struct session *s, void *ctx);
	/* Input buffer maximum for a session, from config (called once per accept). */
	size_t	(*max_input)(struct service *svc);
};

/* Every protocol, NULL-terminated. */
extern const struct proto *const proto_registry[];
/* The protocol named name, or NULL. */
const struct proto *proto_find(const char *name);
/* Registers every protocol's config keys (and the core's) with the config module. */
void	proto_register_config(void);

#endif
