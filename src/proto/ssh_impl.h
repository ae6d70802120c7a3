/*
 * ssh_impl.h - what the SSH sensor's files share: per-service state, per-connection context, and
 * the channel half (ssh_chan.c) called from the transport half (ssh.c).
 */
#ifndef HNP_SSH_IMPL_H
#define HNP_SSH_IMPL_H

#include <stdint.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "core/buf.h"
#include "core/limits.h"
#include "proto/parse/ssh_kex.h"
#include "proto/shell.h"

struct session;
struct jsonw;
struct auth;

/* One enabled [ssh] section. */
struct ssh_state {
	ssh_bind		 bind;		/* host keys, banner, algorithms */
	struct auth		*auth;		/* accept, credentials (auth.h) */
	unsigned		 max_auth_tries, max_channels;
	size_t			 max_channel_data;
	struct shell_profile	 device;	/* what the shell shows ([device]) */
};

struct ssh_chan;

/* One connection. */
struct ssh_ctx {
	struct session		*s;
	struct ssh_state	*st;
	ssh_session		 ssh;
	ssh_event		 ev;
	int			 sp;		/* our end of the socketpair libssh talks through */
	int			 lsp;		/* libssh's end (libssh closes it) */
	int			 kex_done;
	int			 gone;		/* libssh's side ended */
	int			 closed;	/* on_close ran: nothing here may be used */
	const char		*quit;		/* close once replies are out, for this reason */
	int64_t			 last_seq;	/* highest event of this connection (-1: one dropped) */
	struct buf		 head;		/* the client's identification and KEXINIT */
	int			 head_done;
	int			 ident_ok;	/* the first line is an SSH identification */
	int			 not_ssh;	/* it is not: answered, closing */
	char			 client[SSH_IDENT_MAX + 1];
	char			 hassh[33];
	unsigned		 auth_tries, failures;
	char			*user;		/* who got in */
	size_t			 chan_bytes;	/* channel data received */
	struct ssh_chan		*chans[HNP_SSH_MAX_CHANNELS];
	struct ssh_server_callbacks_struct scb;
};

/* Records an event of the connection (fields written by w, raw bytes as its payload). */
int64_t	ssh_emit(struct ssh_ctx *c, const char *kind, const struct jsonw *w, const void *raw,
	    size_t rawlen);
/* Scratch JSON writer for one event's fields (loop thread only). */
void	ssh_fields(struct jsonw *w);

/* A new session channel (open request after login), or NULL when refused. */
ssh_channel ssh_chan_open(struct ssh_ctx *c);
/* Runs what the channels' requests and data asked for (outside libssh's callbacks). */
void	ssh_chan_run(struct ssh_ctx *c);
/* Frees every channel (the connection is closing). */
void	ssh_chan_free_all(struct ssh_ctx *c);

#endif
