/*
 * ssh_chan.c - the SSH sensor's session channels after a login: `exec` runs one command line
 * through the fake BusyBox shell, `shell` an interactive one (with a pty: echo and line editing
 * as a terminal does). libssh's channel callbacks only record what was asked; the work runs from
 * ssh_chan_run, outside libssh's packet handling, so every answer to a request goes out first.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "proto/ssh_impl.h"

struct ssh_chan {
	struct ssh_ctx		*c;
	ssh_channel		 ch;
	struct ssh_channel_callbacks_struct cb;
	int			 pty;
	int			 want_shell, want_exec, started;
	int			 eof;		/* the client sent EOF */
	int			 remote_closed;
	int			 ended;		/* the shell ended: exit status to send */
	int			 finished;	/* exit status, EOF and close sent */
	int			 status;
	char			*cmd;
	size_t			 cmdlen;
	int			 skip_lf;	/* a CR ended the last line: drop a LF right after */
	struct buf		 in;		/* channel data not handled yet */
	struct buf		 line;		/* the line being typed */
	struct shell		*sh;
};

/* ---- the shell's side ---- */

static int64_t
chan_event(void *arg, const char *kind, const struct jsonw *w, const void *raw, size_t rawlen)
{
	struct ssh_chan	*k = arg;

	return ssh_emit(k->c, kind, w, raw, rawlen);
}

static int
chan_write(struct ssh_chan *k, const void *data, size_t len)
{
	if (k->finished || k->remote_closed || len == 0)
		return k->finished || k->remote_closed ? -1 : 0;
	return ssh_channel_write(k->ch, data, (uint32_t)len) == SSH_ERROR ? -1 : 0;
}

/* Output is gated as a whole: everything libssh writes waits for the connection's last event. */
static int
chan_out(void *arg, int64_t seq, const void *data, size_t len)
{
	return chan_write(arg, data, len);
}

static void
chan_exit(void *arg, int status)
{
	struct ssh_chan	*k = arg;

	k->ended = 1;
	k->status = status;
}

/* ---- libssh's callbacks: note, never answer ---- */

static int
cb_data(ssh_session ss, ssh_channel ch, void *data, uint32_t len, int is_stderr, void *arg)
{
	struct ssh_chan	*k = arg;
	struct ssh_ctx	*c = k->c;

	if (c->chan_bytes + len > c->st->max_channel_data) {
		c->quit = "max_channel_data";
		return (int)len;
	}
	c->chan_bytes += len;
	buf_append_some(&k->in, data, len);	/* past the cap: cut (and counted above) */
	return (int)len;
}

static void
cb_eof(ssh_session ss, ssh_channel ch, void *arg)
{
	((struct ssh_chan *)arg)->eof = 1;
}

static void
cb_close(ssh_session ss, ssh_channel ch, void *arg)
{
	((struct ssh_chan *)arg)->remote_closed = 1;
}

static int
cb_pty(ssh_session ss, ssh_channel ch, const char *term, int w, int h, int pw, int ph, void *arg)
{
	((struct ssh_chan *)arg)->pty = 1;
	return 0;
}

static int
cb_window(ssh_session ss, ssh_channel ch, int w, int h, int pw, int ph, void *arg)
{
	return 0;
}

static int
cb_shell(ssh_session ss, ssh_channel ch, void *arg)
{
	struct ssh_chan	*k = arg;

	if (k->want_shell || k->want_exec)
		return -1;
	k->want_shell = 1;
	return 0;
}

static int
cb_exec(ssh_session ss, ssh_channel ch, const char *command, void *arg)
{
	struct ssh_chan	*k = arg;

	if (k->want_shell || k->want_exec)
		return -1;
	k->want_exec = 1;
	k->cmdlen = strnlen(command, HNP_SHELL_MAX_LINE);
	k->cmd = xstrndup(command, k->cmdlen);
	return 0;
}

static int
cb_env(ssh_session ss, ssh_channel ch, const char *name, const char *value, void *arg)
{
	return 0;
}

static int
cb_subsystem(ssh_session ss, ssh_channel ch, const char *subsystem, void *arg)
{
	return -1;		/* no sftp: refused as if the subsystem were not configured */
}

ssh_channel
ssh_chan_open(struct ssh_ctx *c)
{
	struct ssh_chan	*k;
	size_t		 i;

	for (i = 0; i < c->st->max_channels && i < HNP_SSH_MAX_CHANNELS; i++)
		if (c->chans[i] == NULL)
			break;
	if (i == c->st->max_channels || i == HNP_SSH_MAX_CHANNELS)
		return NULL;
	k = xcalloc(1, sizeof(*k));
	if ((k->ch = ssh_channel_new(c->ssh)) == NULL) {
		free(k);
		return NULL;
	}
	k->c = c;
	buf_init(&k->in, HNP_SHELL_MAX_LINE * 4);
	buf_init(&k->line, HNP_SHELL_MAX_LINE);
	ssh_callbacks_init(&k->cb);
	k->cb.userdata = k;
	k->cb.channel_data_function = cb_data;
	k->cb.channel_eof_function = cb_eof;
	k->cb.channel_close_function = cb_close;
	k->cb.channel_pty_request_function = cb_pty;
	k->cb.channel_pty_window_change_function = cb_window;
	k->cb.channel_shell_request_function = cb_shell;
	k->cb.channel_exec_request_function = cb_exec;
	k->cb.channel_env_request_function = cb_env;
	k->cb.channel_subsystem_request_function = cb_subsystem;
	ssh_set_channel_callbacks(k->ch, &k->cb);
	c->chans[i] = k;
	return k->ch;
}

/* ---- the work, outside libssh's callbacks ---- */

static void
chan_start(struct ssh_chan *k)
{
	struct ssh_ctx		*c = k->c;
	struct shell_io		 io = { k, chan_event, chan_out, chan_exit };

	k->started = 1;
	k->sh = shell_new(&c->st->device, &io, c->user != NULL ? c->user : "root",
	    k->pty ? SHELL_CRLF : 0);
	if (k->want_exec) {
		shell_exec(k->sh, (const uint8_t *)k->cmd, k->cmdlen);
		k->ended = 1;		/* exit() gave the status */
	} else
		shell_prompt(k->sh);
}

static void
chan_line(struct ssh_chan *k)
{
	if (!k->ended && shell_line(k->sh, k->line.data != NULL ? k->line.data :
	    (const uint8_t *)"", k->line.len) == 1)
		k->ended = 1;
	k->line.len = 0;
}

/* A terminal's line discipline: echo, erase, ^C, ^D, CR or LF ends a line. */
static void
chan_input_pty(struct ssh_chan *k)
{
	size_t	 i;

	for (i = 0; i < k->in.len && !k->ended; i++) {
		uint8_t	 b = k->in.data[i];

		if (b == '\n' && k->skip_lf) {
			k->skip_lf = 0;
			continue;
		}
		k->skip_lf = b == '\r';
		if (b == '\r' || b == '\n') {
			chan_write(k, "\r\n", 2);
			chan_line(k);
		} else if (b == 0x7f || b == 0x08) {
			if (k->line.len > 0) {
				k->line.len--;
				chan_write(k, "\b \b", 3);
			}
		} else if (b == 0x03) {
			chan_write(k, "^C\r\n", 4);
			k->line.len = 0;
			shell_prompt(k->sh);
		} else if (b == 0x04) {
			if (k->line.len == 0) {
				chan_write(k, "\r\n", 2);
				k->ended = 1;
				k->status = 0;
			}
		} else {
			buf_append_some(&k->line, &b, 1);	/* past the cap: cut */
			chan_write(k, &b, 1);
		}
	}
	buf_consume(&k->in, k->in.len);
}

/* Without a terminal (bots piping commands): LF ends a line, nothing is echoed. */
static void
chan_input_raw(struct ssh_chan *k)
{
	uint8_t	*nl;
	size_t	 n;

	while (!k->ended && k->in.len > 0 &&
	    (nl = memchr(k->in.data, '\n', k->in.len)) != NULL) {
		n = (size_t)(nl - k->in.data);
		buf_append_some(&k->line, k->in.data, n > 0 && nl[-1] == '\r' ? n - 1 : n);
		buf_consume(&k->in, n + 1);
		chan_line(k);
	}
	/* A line longer than the buffer holds is taken as it is. */
	if (!k->ended && buf_room(&k->in) == 0) {
		buf_append_some(&k->line, k->in.data, k->in.len);
		buf_consume(&k->in, k->in.len);
		chan_line(k);
	}
	if (k->eof && !k->ended) {
		if (k->in.len > 0) {
			buf_append_some(&k->line, k->in.data, k->in.len);
			buf_consume(&k->in, k->in.len);
			chan_line(k);
		}
		k->ended = 1;
		k->status = 0;
	}
}

static void
chan_finish(struct ssh_chan *k)
{
	k->finished = 1;
	if (k->remote_closed)
		return;
	ssh_channel_request_send_exit_status(k->ch, k->status);
	ssh_channel_send_eof(k->ch);
	ssh_channel_close(k->ch);
}

static void
chan_free(struct ssh_chan *k)
{
	if (k->sh != NULL)
		shell_free(k->sh);
	if (k->ch != NULL)
		ssh_channel_free(k->ch);
	buf_free(&k->in);
	buf_free(&k->line);
	free(k->cmd);
	free(k);
}

void
ssh_chan_run(struct ssh_ctx *c)
{
	struct ssh_chan	*k;
	size_t		 i;

	for (i = 0; i < HNP_SSH_MAX_CHANNELS; i++) {
		if ((k = c->chans[i]) == NULL)
			continue;
		if (!k->started && (k->want_shell || k->want_exec))
			chan_start(k);
		if (k->started && !k->ended && !k->finished) {
			if (k->pty)
				chan_input_pty(k);
			else
				chan_input_raw(k);
		}
		if (k->ended && !k->finished)
			chan_finish(k);
		if (k->remote_closed) {
			if (!k->finished)
				k->finished = 1;
			c->chans[i] = NULL;
			chan_free(k);
		}
	}
}

void
ssh_chan_free_all(struct ssh_ctx *c)
{
	size_t	 i;

	for (i = 0; i < HNP_SSH_MAX_CHANNELS; i++)
		if (c->chans[i] != NULL) {
			chan_free(c->chans[i]);
			c->chans[i] = NULL;
		}
}
