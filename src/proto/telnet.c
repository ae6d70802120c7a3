/*
 * telnet.c - the Telnet sensor: opens exactly as BusyBox telnetd does (DO ECHO, DO NAWS, WILL ECHO,
 * WILL SGA, then "\r\r\n<host> login: "), swallows option commands as it does (telnet_opt.c), records
 * every login attempt as a `login` event, lets some in (auth.c) and hands them the fake BusyBox
 * shell (shell.c). Every reply waits for the event it follows to be stored.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "proto/auth.h"
#include "proto/parse/telnet_opt.h"
#include "proto/proto.h"
#include "proto/shell.h"

#define TELNET_MAX_FIELD	256	/* bytes of a user name or password kept */
#define TELNET_MAX_INPUT	65536	/* input buffered before on_read (it takes all) */

static const struct config_key telnet_config_keys[] = {
	{ "telnet", "listen", CFG_LIST, 0, 0, "0.0.0.0:2323", "addresses to listen on (host:port)" },
	AUTH_CONFIG_KEYS("telnet"),
	{ "telnet", "max_attempts", CFG_INT, 1, HNP_TELNET_MAX_LOGINS, "3",
	    "failed logins before the connection is closed (BusyBox login: 3)" },
	{ "telnet", "fail_delay", CFG_INT, 0, 10000, "3000",
	    "milliseconds before \"Login incorrect\" (BusyBox login sleeps 3 s)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* The device profile, shared by the shells of the sessions started under it (kept over reloads). */
struct telnet_profile {
	unsigned		 refs;
	struct shell_profile	 p;
};

struct telnet_state {
	struct auth		*auth;
	struct telnet_profile	*prof;
	unsigned		 max_attempts;
	unsigned		 fail_delay_ms;
};

enum telnet_phase { PH_USER, PH_PASS, PH_SHELL, PH_DONE };

struct telnet_ctx {
	struct session		*s;
	struct tn_parser	 tn;
	enum telnet_phase	 phase;
	struct buf		 line;		/* the line being typed */
	int			 after_cr;	/* the last byte ended a line with CR */
	struct buf		 echo;		/* echo not yet sent */
	uint8_t			 user[TELNET_MAX_FIELD];
	size_t			 user_len;
	unsigned		 attempts;
	size_t			 seen;		/* input bytes parsed but not consumed */
	struct event		*hold_ev;	/* the pause after a failed login */
	int			 holding, hold_close;
	struct buf		 held;		/* output during the pause */
	int64_t			 held_seq;
	struct shell		*sh;
	struct telnet_profile	*prof;		/* held while sh lives */
};

static void
telnet_prof_unref(struct telnet_profile *tp)
{
	if (tp != NULL && --tp->refs == 0)
		free(tp);
}

static void
telnet_state_free(struct telnet_state *st)
{
	if (st == NULL)
		return;
	auth_free(st->auth);
	telnet_prof_unref(st->prof);
	free(st);
}

static int
telnet_load(struct telnet_state **out, const struct config *cfg, char *err, size_t errlen)
{
	struct telnet_state	*st;

	st = xcalloc(1, sizeof(*st));
	st->prof = xcalloc(1, sizeof(*st->prof));
	st->prof->refs = 1;
	st->max_attempts = (unsigned)config_int(cfg, "telnet", "max_attempts");
	st->fail_delay_ms = (unsigned)config_int(cfg, "telnet", "fail_delay");
	if (shell_profile_load(&st->prof->p, cfg, err, errlen) == -1 ||
	    auth_load(&st->auth, cfg, "telnet", err, errlen) == -1) {
		telnet_state_free(st);
		return -1;
	}
	*out = st;
	return 0;
}

static int
telnet_init(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct telnet_state	*st;

	if (telnet_load(&st, cfg, err, errlen) == -1)
		return -1;
	svc->state = st;
	return 0;
}

static int
telnet_reload(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct telnet_state	*st;

	if (telnet_load(&st, cfg, err, errlen) == -1)
		return -1;
	telnet_state_free(svc->state);
	svc->state = st;
	log_info("telnet: reloaded");
	return 0;
}

static void
telnet_fini(struct service *svc)
{
	telnet_state_free(svc->state);
	svc->state = NULL;
}

static size_t
telnet_max_input(struct service *svc)
{
	(void)svc;
	return TELNET_MAX_INPUT;
}

/* Sends p gated on seq, with IAC bytes doubled (RFC 854); held back while a failed login pauses. */
static int
telnet_send(struct telnet_ctx *c, int64_t seq, const void *p, size_t len)
{
	const uint8_t	*b = p, *ff;
	size_t		 n;
	int		 rc = 0;

	if (c->holding) {
		if (seq > c->held_seq)
			c->held_seq = seq;
		for (n = 0; n < len; n++)
			if (buf_append(&c->held, b + n, 1) == -1 ||
			    (b[n] == TN_IAC && buf_append(&c->held, b + n, 1) == -1))
				return -1;
		return 0;
	}
	while (len > 0 && rc == 0) {
		if ((ff = memchr(b, TN_IAC, len)) == NULL)
			return session_reply(c->s, seq, b, len);
		rc = session_reply(c->s, seq, b, (size_t)(ff - b) + 1);
		if (rc == 0)
			rc = session_reply(c->s, seq, "\xff", 1);
		len -= (size_t)(ff - b) + 1;
		b = ff + 1;
	}
	return rc;
}

/* The pause after a failed login is over: what was held goes out. */
static void
telnet_hold_done(evutil_socket_t fd, short what, void *arg)
{
	struct telnet_ctx	*c = arg;

	(void)fd; (void)what;
	c->holding = 0;
	if (c->held.len > 0)
		session_reply(c->s, c->held_seq, c->held.data, c->held.len);
	c->held.len = 0;
	if (c->hold_close)
		session_close_after_reply(c->s, "login_failed");
}

static void
telnet_flush_echo(struct telnet_ctx *c)
{
	if (c->echo.len > 0)
		telnet_send(c, 0, c->echo.data, c->echo.len);
	c->echo.len = 0;
}

static void
telnet_login_prompt(struct telnet_ctx *c, int64_t seq, const char *before)
{
	struct telnet_state	*st = session_service(c->s)->state;
	struct buf		 b;

	buf_init(&b, 256);
	buf_append(&b, before, strlen(before));
	buf_append(&b, st->prof->p.hostname, strlen(st->prof->p.hostname));
	buf_append(&b, " login: ", 8);
	telnet_send(c, seq, b.data, b.len);
	buf_free(&b);
}

/* --- The shell's callbacks. */

static int64_t
telnet_sh_event(void *arg, const char *kind, const struct jsonw *w, const void *raw, size_t len)
{
	struct telnet_ctx	*c = arg;
	struct evt		*ev = session_evt_text(c->s, kind, w);

	if (raw != NULL && len > 0)
		evt_set_payload(ev, raw, len, len);
	return session_emit(c->s, ev);
}

static int
telnet_sh_out(void *arg, int64_t seq, const void *p, size_t len)
{
	struct telnet_ctx	*c = arg;

	return telnet_send(c, seq, p, len);
}

static void
telnet_sh_exit(void *arg, int status)
{
	struct telnet_ctx	*c = arg;

	(void)status;
	c->phase = PH_DONE;
	session_close_after_reply(c->s, "exit");
}

/* --- Login. */

static void
telnet_field(struct jsonw *w, const char *key, const void *p, size_t len)
{
	jsonw_key(w, key);
	jsonw_bytes(w, p, len);
}

static void
telnet_try_login(struct telnet_ctx *c, const uint8_t *pass, size_t plen)
{
	struct telnet_state	*st = session_service(c->s)->state;
	static const struct shell_io io = { NULL, telnet_sh_event, telnet_sh_out, telnet_sh_exit };
	struct shell_io		 sio = io;
	struct buf		 b;
	struct jsonw		 w;
	char			 user[TELNET_MAX_FIELD + 1];
	int64_t			 seq;
	int			 ok;
	size_t			 ulen = c->user_len;

	if (plen > TELNET_MAX_FIELD)
		plen = TELNET_MAX_FIELD;
	c->attempts++;
	ok = auth_try(st->auth, session_src_ip(c->s), (const char *)c->user, c->user_len,
	    (const char *)pass, plen);
	buf_init(&b, 8 * TELNET_MAX_FIELD + 1024);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	telnet_field(&w, "user", c->user, c->user_len);
	telnet_field(&w, "password", pass, plen);
	jsonw_key(&w, "success");
	jsonw_bool(&w, ok);
	jsonw_key(&w, "attempt");
	jsonw_int(&w, c->attempts);
	if (c->tn.have_naws) {
		jsonw_key(&w, "naws");
		jsonw_int(&w, c->tn.naws_w);
		jsonw_key(&w, "naws_h");
		jsonw_int(&w, c->tn.naws_h);
	}
	if (c->tn.ttype[0] != '\0') {
		jsonw_key(&w, "ttype");
		jsonw_str(&w, c->tn.ttype);
	}
	if (c->tn.seen_len > 0) {
		jsonw_key(&w, "options");
		jsonw_str(&w, c->tn.seen);
	}
	jsonw_object_end(&w);
	seq = session_emit(c->s, session_evt_text(c->s, "login", &w));
	buf_free(&b);
	if (seq < 0) {		/* not stored: nothing may answer it, held output included */
		c->phase = PH_DONE;
		session_close(c->s, "store_full");
		return;
	}
	if (!ok) {
		/* As BusyBox login: a pause, "Login incorrect", and the end after max_attempts. */
		if (st->fail_delay_ms > 0) {
			struct timeval	 tv = { st->fail_delay_ms / 1000,
			    (st->fail_delay_ms % 1000) * 1000 };

			if (c->hold_ev == NULL)
				c->hold_ev = evtimer_new(session_env.base, telnet_hold_done, c);
			if (c->hold_ev != NULL && evtimer_add(c->hold_ev, &tv) == 0)
				c->holding = 1;
		}
		if (c->attempts >= st->max_attempts) {
			telnet_send(c, seq, "\r\nLogin incorrect\r\n", 19);
			c->phase = PH_DONE;
			if (c->holding)
				c->hold_close = 1;
			else
				session_close_after_reply(c->s, "login_failed");
		} else {
			telnet_login_prompt(c, seq, "\r\nLogin incorrect\r\n");
			c->phase = PH_USER;
		}
		return;
	}
	/* The shell shows the user name; a NUL would end it early, which is harmless. */
	if (ulen > TELNET_MAX_FIELD)
		ulen = TELNET_MAX_FIELD;
	memcpy(user, c->user, ulen);
	user[ulen] = '\0';
	sio.arg = c;
	c->prof = st->prof;
	c->prof->refs++;
	c->sh = shell_new(&c->prof->p, &sio, user, SHELL_CRLF);
	c->phase = PH_SHELL;
	telnet_send(c, seq, "\r\n", 2);	/* the line end the unechoed password lacked */
	shell_banner(c->sh);
	shell_prompt(c->sh);
}

/* A whole line arrived (without its end). */
static void
telnet_line(struct telnet_ctx *c)
{
	const uint8_t	*p = c->line.data != NULL ? c->line.data : (const uint8_t *)"";
	size_t		 len = c->line.len;

	telnet_flush_echo(c);
	switch (c->phase) {
	case PH_USER:
		c->user_len = len > TELNET_MAX_FIELD ? TELNET_MAX_FIELD : len;
		memcpy(c->user, p, c->user_len);
		c->phase = PH_PASS;
		telnet_send(c, 0, "Password: ", 10);
		break;
	case PH_PASS:
		telnet_try_login(c, p, len);
		break;
	case PH_SHELL:
		if (shell_line(c->sh, p, len) == 1)
			c->phase = PH_DONE;
		break;
	case PH_DONE:
		break;
	}
	c->line.len = 0;
}

/* One data byte from the client (IAC sequences already taken out). */
static void
telnet_byte(struct telnet_ctx *c, uint8_t ch)
{
	if (c->phase == PH_DONE)
		return;
	if (c->after_cr) {
		c->after_cr = 0;
		if (ch == '\n' || ch == '\0')	/* CR LF, CR NUL: one line end */
			return;
	}
	if (ch == '\r' || ch == '\n') {
		c->after_cr = ch == '\r';
		if (c->phase != PH_PASS)
			buf_append(&c->echo, "\r\n", 2);
		telnet_line(c);
		return;
	}
	if (c->phase == PH_SHELL && ch == 0x03) {	/* ^C: the line is dropped */
		buf_append(&c->echo, "^C\r\n", 4);
		c->line.len = 0;
		telnet_flush_echo(c);
		shell_prompt(c->sh);
		return;
	}
	if (c->phase == PH_SHELL && ch == 0x04 && c->line.len == 0) {	/* ^D: logout */
		telnet_flush_echo(c);
		shell_line(c->sh, (const uint8_t *)"exit", 4);
		c->phase = PH_DONE;
		return;
	}
	if ((ch == 0x7f || ch == 0x08) && c->line.len > 0 && c->line.len <= HNP_SHELL_MAX_LINE) {
		c->line.len--;
		if (c->phase != PH_PASS)
			buf_append(&c->echo, "\b \b", 3);
		return;
	}
	/* past the cap the line is cut: one byte more tells the shell it was */
	if (c->line.len <= HNP_SHELL_MAX_LINE)
		buf_append(&c->line, &ch, 1);
	if (c->phase != PH_PASS && ch != '\0')
		buf_append(&c->echo, &ch, 1);
}

static int
telnet_on_accept(struct session *s, void *vctx)
{
	struct telnet_ctx	*c = vctx;
	uint8_t			 open[sizeof(tn_opening)];

	c->s = s;
	tn_init(&c->tn);
	buf_init(&c->line, HNP_SHELL_MAX_LINE + 1);
	buf_init(&c->echo, 2 * HNP_SHELL_MAX_LINE + 64);
	memcpy(open, tn_opening, sizeof(open));
	buf_init(&c->held, 2 * HNP_SHELL_MAX_LINE + 1024);
	session_reply(s, 0, open, sizeof(open));
	telnet_login_prompt(c, 0, "\r\r\n");
	return 0;
}

static void	telnet_on_incomplete(struct session *, void *, const uint8_t *, size_t,
		    const char *);

/*
 * Bytes are taken one at a time (Telnet input is small) so that the raw bytes of a line not yet
 * ended stay in the session's input: the core hands them to on_incomplete at end of input, at a
 * timeout or past the input cap, and bytes after `exit` are recorded as unanswered. c->seen counts
 * the bytes of in already fed to the option parser.
 */
static ssize_t
telnet_on_read(struct session *s, void *vctx, const uint8_t *in, size_t len)
{
	struct telnet_ctx	*c = vctx;
	uint8_t			 data[1];
	struct tn_out		 out;
	size_t			 off, done = 0;

	if (c->phase == PH_DONE && c->hold_close) {
		/* closing after the pause: what comes meanwhile is recorded, never answered */
		telnet_on_incomplete(s, c, in, len, "unanswered");
		return (ssize_t)len;
	}
	for (off = c->seen; off < len && c->phase != PH_DONE && !session_closing(s); off++) {
		out.data = data;
		tn_feed(&c->tn, in + off, 1, &out);
		if (out.data_len == 1)
			telnet_byte(c, data[0]);
		if (c->line.len == 0 && tn_idle(&c->tn))
			done = off + 1;		/* nothing of a line pending: these bytes are used */
	}
	telnet_flush_echo(c);
	c->seen = off - done;
	return (ssize_t)done;
}

/* Input that ends no line: run it at the end of a shell session, else record it as it came. */
static void
telnet_on_incomplete(struct session *s, void *vctx, const uint8_t *in, size_t len,
    const char *why)
{
	static const char *const phases[] = { "user", "password", "shell", "closed" };
	struct telnet_ctx	*c = vctx;
	struct buf		 b;
	struct jsonw		 w;
	struct evt		*ev;

	c->seen = 0;
	if (c->phase == PH_SHELL && c->line.len > 0 && strcmp(why, "unanswered") != 0) {
		telnet_line(c);		/* a last command without its line end is still one */
		return;
	}
	buf_init(&b, 256);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "incomplete");
	jsonw_str(&w, why);
	jsonw_key(&w, "phase");
	jsonw_str(&w, phases[c->phase]);
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "payload", &w, in, len, len);
	session_emit(s, ev);
	buf_free(&b);
}

static void
telnet_on_close(struct session *s, void *vctx)
{
	struct telnet_ctx	*c = vctx;

	(void)s;
	shell_free(c->sh);
	c->sh = NULL;
	telnet_prof_unref(c->prof);
	c->prof = NULL;
	buf_free(&c->line);
	buf_free(&c->echo);
	buf_free(&c->held);
	if (c->hold_ev != NULL)
		event_free(c->hold_ev);
	c->hold_ev = NULL;
	c->holding = 0;
}

const struct proto proto_telnet = {
	.name = "telnet",
	.default_listen = "0.0.0.0:2323",
	.config_keys = telnet_config_keys,
	.ctx_size = sizeof(struct telnet_ctx),
	.init = telnet_init,
	.reload = telnet_reload,
	.fini = telnet_fini,
	.on_accept = telnet_on_accept,
	.on_read = telnet_on_read,
	.on_incomplete = telnet_on_incomplete,
	.on_close = telnet_on_close,
	.max_input = telnet_max_input,
};
