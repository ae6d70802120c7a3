/*
 * ssh.c - the SSH sensor: libssh in server mode, driven by the one libevent loop without a thread
 * per connection. libssh talks through a socketpair: bytes the client sends are read by the
 * session core (caps, timers) and written into our end; what libssh writes comes back out of it
 * and goes to the client through session_reply, gated on the connection's latest event, so a
 * client never sees an answer (auth result, shell output) before its event is stored. The raw
 * stream also gives the client's identification and KEXINIT (HASSH) before encryption starts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "core/evt.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "proto/auth.h"
#include "proto/proto.h"
#include "proto/ssh_hostkey.h"
#include "proto/ssh_impl.h"

#define SSH_DEFAULT_BANNER	"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10"
#define SSH_PUMP_MAX		256	/* libssh turns per read, a bound on work per wake-up */

/*
 * What a stock OpenSSH 8.9 offers, in its order, less what libssh 0.10 lacks (sntrup761, umac):
 * a scanner comparing algorithm lists sees an OpenSSH.
 */
static const struct {
	enum ssh_bind_options_e	 opt;
	const char		*list;
} ssh_algorithms[] = {
	{ SSH_BIND_OPTIONS_KEY_EXCHANGE, "curve25519-sha256,curve25519-sha256@libssh.org,"
	    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256" },
	{ SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS,
	    "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519" },
	{ SSH_BIND_OPTIONS_CIPHERS_C_S, "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,"
	    "aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com" },
	{ SSH_BIND_OPTIONS_CIPHERS_S_C, "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,"
	    "aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com" },
	{ SSH_BIND_OPTIONS_HMAC_C_S, "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1" },
	{ SSH_BIND_OPTIONS_HMAC_S_C, "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1" },
};

static int
ssh_check_banner(const char *v, char *why, size_t whylen)
{
	size_t	 i, n = strlen(v);

	if (strncmp(v, "SSH-2.0-", 8) != 0 || n <= 8 || n > SSH_IDENT_MAX - 2) {
		snprintf(why, whylen, "SSH-2.0-<software> [comment], at most %d characters",
		    SSH_IDENT_MAX - 2);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e) {
			snprintf(why, whylen, "printable ASCII only");
			return -1;
		}
	if (strcasestr(v, "honeypot") != NULL || strcasestr(v, "hanipo") != NULL) {
		snprintf(why, whylen, "a banner must not give the sensor away");
		return -1;
	}
	return 0;
}

static const struct config_key ssh_config_keys[] = {
	{ "ssh", "listen", CFG_LIST, 0, 0, "0.0.0.0:2222", "addresses to listen on (host:port)" },
	{ "ssh", "banner", CFG_STR, 0, 0, SSH_DEFAULT_BANNER,
	    "identification string sent first (a stock OpenSSH's)", ssh_check_banner },
	{ "ssh", "host_key_dir", CFG_STR, 0, 0, "",
	    "host keys, made on the first run (empty: ssh/ beside the store)" },
	AUTH_CONFIG_KEYS("ssh"),
	{ "ssh", "max_auth_tries", CFG_INT, 1, HNP_SSH_MAX_AUTH_TRIES_HARD,
	    HNP_STR(HNP_SSH_MAX_AUTH_TRIES),
	    "failed logins per connection, then it is closed" },
	{ "ssh", "max_channels", CFG_INT, 1, HNP_SSH_MAX_CHANNELS, HNP_STR(HNP_SSH_MAX_CHANNELS),
	    "sessions (exec, shell) open at once on a connection" },
	{ "ssh", "max_channel_data", CFG_SIZE, 1024, HNP_SSH_MAX_CHANNEL_DATA,
	    HNP_STR(HNP_SSH_MAX_CHANNEL_DATA),
	    "channel bytes a connection may send in all, then it is closed" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* ---- events ---- */

static struct buf	 ssh_fields_buf;	/* loop thread only */

void
ssh_fields(struct jsonw *w)
{
	if (ssh_fields_buf.max == 0)
		buf_init(&ssh_fields_buf, HNP_MAX_FIELDS_JSON);
	if (ssh_fields_buf.cap > 65536)
		buf_free(&ssh_fields_buf);
	ssh_fields_buf.len = 0;
	jsonw_init(w, &ssh_fields_buf);
}

int64_t
ssh_emit(struct ssh_ctx *c, const char *kind, const struct jsonw *w, const void *raw,
    size_t rawlen)
{
	struct evt	*ev = session_evt_text(c->s, kind, w);
	int64_t		 seq;

	if (raw != NULL && rawlen > 0)
		evt_set_payload(ev, raw, rawlen, rawlen);
	seq = session_emit(c->s, ev);
	if (seq < 0)
		c->last_seq = -1;	/* sticky: the next reply closes the connection */
	else if (c->last_seq >= 0 && seq > c->last_seq)
		c->last_seq = seq;
	return seq;
}

/* A C string from libssh (user, password), cut to a sane length. */
static void
ssh_field_str(struct jsonw *w, const char *key, const char *v)
{
	size_t	 n = v != NULL ? strnlen(v, HNP_SSH_MAX_FIELD) : 0;

	jsonw_key(w, key);
	jsonw_bytes(w, v != NULL ? v : "", n);
}

static void
ssh_fields_client(struct ssh_ctx *c, struct jsonw *w)
{
	jsonw_key(w, "client");
	jsonw_str(w, c->client);
	jsonw_key(w, "hassh");
	jsonw_str(w, c->hassh);
}

/*
 * The client's first line in in[0..len) (the core keeps it while it is incomplete), before libssh
 * sees a byte of it: 1 when it is an SSH identification, 0 while its end has not come, -1 when it
 * is something else. Then, as OpenSSH does, the bytes are recorded and answered with "Invalid SSH
 * identification string." before hanging up.
 */
static int
ssh_ident(struct ssh_ctx *c, const uint8_t *in, size_t len)
{
	static const char	 msg[] = "Invalid SSH identification string.\r\n";
	const uint8_t		*nl;
	struct jsonw		 w;

	nl = memchr(in, '\n', len < SSH_IDENT_MAX ? len : SSH_IDENT_MAX);
	if (nl == NULL && len < SSH_IDENT_MAX)
		return 0;
	if (nl != NULL && len >= 4 && memcmp(in, "SSH-", 4) == 0)
		return 1;
	c->not_ssh = 1;
	ssh_fields(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "detected");
	jsonw_str(&w, "not_ssh");
	jsonw_object_end(&w);
	ssh_emit(c, "payload", &w, in, len);
	if (session_reply(c->s, c->last_seq, msg, sizeof(msg) - 1) == 0)
		session_close_after_reply(c->s, "not_ssh");
	return -1;
}

/* A first line cut short (the peer left, a timeout): recorded with why, before the close event. */
static void
ssh_on_incomplete(struct session *s, void *ctx, const uint8_t *in, size_t len, const char *why)
{
	struct ssh_ctx	*c = ctx;
	struct jsonw	 w;

	ssh_fields(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "detected");
	jsonw_str(&w, len >= 4 && memcmp(in, "SSH-", 4) == 0 ? "ssh" : "unknown");
	jsonw_key(&w, "incomplete");
	jsonw_str(&w, why);
	jsonw_object_end(&w);
	ssh_emit(c, "payload", &w, in, len);
}

/* The client's identification line and KEXINIT from the head buffer: the hello event. */
static void
ssh_head(struct ssh_ctx *c)
{
	struct ssh_client_head	 h;
	struct jsonw		 w;
	static char		 algs[8192];
	static const char *const names[SSH_KEX_NLISTS] = { "kex", "host_key", "enc_cs",
				    "enc_sc", "mac_cs", "mac_sc", "cmp_cs", "cmp_sc", "lang_cs",
				    "lang_sc" };
	size_t			 i;
	int			 r;

	r = ssh_client_head(c->head.data, c->head.len, &h);
	if (r == SSH_HEAD_MORE && buf_room(&c->head) > 0)
		return;
	c->head_done = 1;
	ssh_fields(&w);
	jsonw_object_begin(&w);
	if (r != SSH_HEAD_OK) {		/* a packet longer than any KEXINIT may be */
		jsonw_key(&w, "detected");
		jsonw_str(&w, "ssh");
		jsonw_key(&w, "incomplete");
		jsonw_str(&w, "oversize");
		jsonw_object_end(&w);
		ssh_emit(c, "payload", &w, c->head.data, c->head.len);
		buf_free(&c->head);
		return;
	}
	/* The client line as text: attacker bytes, kept printable for the fields. */
	for (i = 0; i < h.ident.len && i < sizeof(c->client) - 1; i++)
		c->client[i] = h.ident.p[i] >= 0x20 && h.ident.p[i] < 0x7f ? (char)h.ident.p[i] :
		    '?';
	c->client[i] = '\0';
	jsonw_key(&w, "version");
	jsonw_bytes(&w, h.ident.p, h.ident.len);
	if (h.kexinit) {
		ssh_hassh(&h, algs, sizeof(algs), c->hassh);
		jsonw_key(&w, "hassh");
		jsonw_str(&w, c->hassh);
		jsonw_key(&w, "hassh_algorithms");
		jsonw_str(&w, algs);
		for (i = 0; i < SSH_KEX_NLISTS; i++) {
			jsonw_key(&w, names[i]);
			jsonw_bytes(&w, h.lists[i].p, h.lists[i].len);
		}
		jsonw_key(&w, "first_kex_follows");
		jsonw_bool(&w, h.first_kex_follows);
	} else {
		jsonw_key(&w, "kexinit");
		jsonw_bool(&w, 0);
	}
	jsonw_object_end(&w);
	ssh_emit(c, "hello", &w, c->head.data, h.len);
	buf_free(&c->head);
}

/* ---- authentication (libssh callbacks: record, decide, return; libssh answers) ---- */

static void
ssh_auth_failed(struct ssh_ctx *c)
{
	if (++c->failures >= c->st->max_auth_tries)
		c->quit = "max_auth_tries";	/* the refusal goes out, then it closes */
}

static int
ssh_auth_password(ssh_session ss, const char *user, const char *pass, void *arg)
{
	struct ssh_ctx	*c = arg;
	struct jsonw	 w;
	size_t		 ulen = strnlen(user, HNP_SSH_MAX_FIELD);
	size_t		 plen = strnlen(pass, HNP_SSH_MAX_FIELD);
	int		 in;

	in = auth_try(c->st->auth, session_src_ip(c->s), user, ulen, pass, plen);
	ssh_fields(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "method");
	jsonw_str(&w, "password");
	ssh_field_str(&w, "user", user);
	ssh_field_str(&w, "password", pass);
	jsonw_key(&w, "success");
	jsonw_bool(&w, in);
	jsonw_key(&w, "attempt");
	jsonw_int(&w, ++c->auth_tries);
	ssh_fields_client(c, &w);
	jsonw_object_end(&w);
	ssh_emit(c, "login", &w, NULL, 0);
	if (!in) {
		ssh_auth_failed(c);
		return SSH_AUTH_DENIED;
	}
	free(c->user);
	c->user = xstrndup(user, ulen);
	return SSH_AUTH_SUCCESS;
}

static int
ssh_auth_pubkey(ssh_session ss, const char *user, struct ssh_key_struct *key, char state,
    void *arg)
{
	struct ssh_ctx	*c = arg;
	struct jsonw	 w;
	unsigned char	*hash = NULL;
	size_t		 hlen = 0;
	char		*fp = NULL;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0)
		fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_fields(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "method");
	jsonw_str(&w, "publickey");
	ssh_field_str(&w, "user", user);
	jsonw_key(&w, "key_type");
	jsonw_str(&w, ssh_key_type_to_char(ssh_key_type(key)) ?
	    ssh_key_type_to_char(ssh_key_type(key)) : "unknown");
	jsonw_key(&w, "key_fp");
	jsonw_str(&w, fp != NULL ? fp : "");
	jsonw_key(&w, "signed");
	jsonw_bool(&w, state == SSH_PUBLICKEY_STATE_VALID);
	jsonw_key(&w, "success");
	jsonw_bool(&w, 0);
	jsonw_key(&w, "attempt");
	jsonw_int(&w, ++c->auth_tries);
	ssh_fields_client(c, &w);
	jsonw_object_end(&w);
	ssh_emit(c, "login", &w, NULL, 0);
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	/* No key is ever authorized here: the attempt is what there is to see. */
	ssh_auth_failed(c);
	return SSH_AUTH_DENIED;
}

static int
ssh_auth_none(ssh_session ss, const char *user, void *arg)
{
	return SSH_AUTH_DENIED;
}

static ssh_channel
ssh_open_session(ssh_session ss, void *arg)
{
	struct ssh_ctx	*c = arg;

	if (c->user == NULL)
		return NULL;
	return ssh_chan_open(c);
}

/*
 * Requests no callback took (libssh refuses them once this returns 1): port forwarding, which
 * bots use to relay through a server, is recorded as a `tunnel` event.
 */
static int
ssh_on_message(ssh_session ss, ssh_message msg, void *arg)
{
	struct ssh_ctx	*c = arg;
	struct jsonw	 w;
	int		 type = ssh_message_type(msg), sub = ssh_message_subtype(msg);

	if (type == SSH_REQUEST_CHANNEL_OPEN && sub == SSH_CHANNEL_DIRECT_TCPIP) {
		ssh_fields(&w);
		jsonw_object_begin(&w);
		jsonw_key(&w, "type");
		jsonw_str(&w, "direct-tcpip");
		ssh_field_str(&w, "host", ssh_message_channel_request_open_destination(msg));
		jsonw_key(&w, "port");
		jsonw_int(&w, ssh_message_channel_request_open_destination_port(msg));
		ssh_field_str(&w, "orig_host", ssh_message_channel_request_open_originator(msg));
		jsonw_key(&w, "orig_port");
		jsonw_int(&w, ssh_message_channel_request_open_originator_port(msg));
	} else if (type == SSH_REQUEST_GLOBAL && sub == SSH_GLOBAL_REQUEST_TCPIP_FORWARD) {
		ssh_fields(&w);
		jsonw_object_begin(&w);
		jsonw_key(&w, "type");
		jsonw_str(&w, "tcpip-forward");
		ssh_field_str(&w, "host", ssh_message_global_request_address(msg));
		jsonw_key(&w, "port");
		jsonw_int(&w, ssh_message_global_request_port(msg));
	} else
		return 1;
	ssh_field_str(&w, "user", c->user);
	jsonw_object_end(&w);
	ssh_emit(c, "tunnel", &w, NULL, 0);
	return 1;
}

/* ---- moving bytes between the session core and libssh ---- */

/* What libssh wrote goes to the client once the connection's latest event is stored. */
static void
ssh_drain(struct ssh_ctx *c)
{
	static uint8_t	 b[HNP_READ_CHUNK];
	ssize_t		 n;

	while (!c->closed) {
		n = read(c->sp, b, sizeof(b));
		if (n > 0) {
			if (session_reply(c->s, c->last_seq, b, (size_t)n) == -1)
				return;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			c->gone = 1;
		return;
	}
}

/* Lets libssh work through what it was given, then sends what it wrote. */
static void
ssh_pump(struct ssh_ctx *c)
{
	int	 i, rc, avail;

	for (i = 0; i < SSH_PUMP_MAX && !c->gone && !c->closed; i++) {
		if (!c->kex_done) {
			rc = ssh_handle_key_exchange(c->ssh);
			if (rc == SSH_OK) {
				c->kex_done = 1;
				if (ssh_event_add_session(c->ev, c->ssh) != SSH_OK)
					c->gone = 1;
			} else if (rc == SSH_ERROR)
				c->gone = 1;
		} else if (ssh_event_dopoll(c->ev, 0) == SSH_ERROR)
			c->gone = 1;
		if (c->kex_done && !c->gone)
			ssh_chan_run(c);
		ssh_drain(c);
		if (c->closed)
			return;
		if (ioctl(c->lsp, FIONREAD, &avail) == -1 || avail == 0)
			break;
	}
	if (!c->gone && (ssh_get_status(c->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
		c->gone = 1;
	if (c->gone)
		ssh_drain(c);
	if (c->closed)
		return;
	if (c->quit != NULL)
		session_close_after_reply(c->s, c->quit);
	else if (c->gone)
		session_close_after_reply(c->s, "ssh_closed");
}

static int
ssh_on_accept(struct session *s, void *ctx)
{
	struct ssh_ctx	*c = ctx;
	struct service	*svc = session_service(s);
	int		 sv[2];

	c->s = s;
	c->st = svc->state;
	c->sp = c->lsp = -1;
	buf_init(&c->head, SSH_CLIENT_HEAD_MAX);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("ssh: socketpair: %s", strerror(errno));
		return -1;
	}
	c->sp = sv[0];
	c->lsp = sv[1];
	if ((c->ssh = ssh_new()) == NULL) {
		close(sv[1]);
		c->lsp = -1;
		return -1;
	}
	if (ssh_bind_accept_fd(c->st->bind, c->ssh, sv[1]) != SSH_OK) {
		log_warn("ssh: accept: %s", ssh_get_error(c->st->bind));
		return -1;	/* ssh_free (on_close) closes sv[1] */
	}
	ssh_set_blocking(c->ssh, 0);
	ssh_callbacks_init(&c->scb);
	c->scb.userdata = c;
	c->scb.auth_password_function = ssh_auth_password;
	c->scb.auth_pubkey_function = ssh_auth_pubkey;
	c->scb.auth_none_function = ssh_auth_none;
	c->scb.channel_open_request_session_function = ssh_open_session;
	ssh_set_server_callbacks(c->ssh, &c->scb);
	ssh_set_message_callback(c->ssh, ssh_on_message, c);
	ssh_set_auth_methods(c->ssh, SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_PASSWORD);
	if ((c->ev = ssh_event_new()) == NULL)
		return -1;
	ssh_pump(c);		/* sends the identification line */
	return 0;
}

/* Hands bytes to libssh and lets it work on them. */
static void
ssh_feed(struct ssh_ctx *c, const uint8_t *in, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;
	int	 stuck = 0;

	while (off < len && !c->closed && !c->gone) {
		n = write(c->sp, in + off, len - off);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				c->gone = 1;
				break;
			}
			if (stuck++ > 0)
				break;		/* libssh takes no more: drop the rest */
		} else {
			off += (size_t)n;
			stuck = 0;
		}
		ssh_pump(c);
	}
	if (!c->closed && c->gone)
		ssh_pump(c);
}

static ssize_t
ssh_on_read(struct session *s, void *ctx, const uint8_t *in, size_t len)
{
	struct ssh_ctx	*c = ctx;
	int		 r;

	if (c->not_ssh)
		return (ssize_t)len;
	if (!c->ident_ok) {
		if ((r = ssh_ident(c, in, len)) == 0)
			return 0;		/* the core keeps the bytes until the line ends */
		if (r == -1)
			return (ssize_t)len;
		c->ident_ok = 1;
		buf_append_some(&c->head, in, len);
		ssh_feed(c, in, len);
		if (!c->closed && !c->head_done)
			ssh_head(c);
		return (ssize_t)len;
	}
	if (!c->head_done) {
		buf_append_some(&c->head, in, len);
		ssh_head(c);
	}
	ssh_feed(c, in, len);
	return (ssize_t)len;
}

static void
ssh_on_close(struct session *s, void *ctx)
{
	struct ssh_ctx	*c = ctx;
	struct jsonw	 w;

	/* An identification without its KEXINIT: libssh has the bytes, so the core has none. */
	if (!c->head_done && c->ident_ok && c->head.len > 0) {
		ssh_fields(&w);
		jsonw_object_begin(&w);
		jsonw_key(&w, "detected");
		jsonw_str(&w, "ssh");
		jsonw_key(&w, "incomplete");
		jsonw_str(&w, "eof");
		jsonw_object_end(&w);
		ssh_emit(c, "payload", &w, c->head.data, c->head.len);
	}
	c->closed = 1;
	ssh_chan_free_all(c);
	if (c->ev != NULL) {
		if (c->kex_done)
			ssh_event_remove_session(c->ev, c->ssh);
		ssh_event_free(c->ev);
	}
	if (c->ssh != NULL)
		ssh_free(c->ssh);		/* closes libssh's end */
	else if (c->lsp != -1)
		close(c->lsp);
	if (c->sp != -1)
		close(c->sp);
	free(c->user);
	buf_free(&c->head);
}

/* ---- the service ---- */

/* host_key_dir, or ssh/ in the store's directory. */
static char *
ssh_key_dir(const struct config *cfg)
{
	const char	*dir = config_get(cfg, "ssh", "host_key_dir");
	const char	*store = config_get(cfg, "store", "path");
	const char	*slash;
	char		*out;

	if (dir != NULL && dir[0] != '\0')
		return xstrdup(dir);
	if (store == NULL || (slash = strrchr(store, '/')) == NULL)
		return xstrdup("ssh");
	if (slash == store)
		return xstrdup("/ssh");
	out = xmalloc((size_t)(slash - store) + 5);
	memcpy(out, store, (size_t)(slash - store));
	memcpy(out + (slash - store), "/ssh", 5);
	return out;
}

static void
ssh_state_free(struct ssh_state *st)
{
	if (st == NULL)
		return;
	if (st->bind != NULL)
		ssh_bind_free(st->bind);
	auth_free(st->auth);
	free(st);
}

static int
sshd_init(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct ssh_state	*st = xcalloc(1, sizeof(*st));
	const char		*banner = config_get(cfg, "ssh", "banner");
	char			*dir = NULL, why[1024];
	int			 verbosity = SSH_LOG_NOLOG;
	bool			 no = false;
	size_t			 i;

	ssh_set_log_level(SSH_LOG_NOLOG);	/* the library, not a session */
	st->max_auth_tries = (unsigned)config_int(cfg, "ssh", "max_auth_tries");
	st->max_channels = (unsigned)config_int(cfg, "ssh", "max_channels");
	st->max_channel_data = (size_t)config_int(cfg, "ssh", "max_channel_data");
	if (auth_load(&st->auth, cfg, "ssh", err, errlen) == -1)
		goto fail;
	if (shell_profile_load(&st->device, cfg, err, errlen) == -1)
		goto fail;
	if ((st->bind = ssh_bind_new()) == NULL) {
		snprintf(err, errlen, "ssh: libssh: cannot make a server");
		goto fail;
	}
	/* libssh's own config files (/etc/libssh) must not change what the sensor shows. */
	ssh_bind_options_set(st->bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
	ssh_bind_options_set(st->bind, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
	if (ssh_bind_options_set(st->bind, SSH_BIND_OPTIONS_BANNER, banner + 8) != SSH_OK) {
		snprintf(err, errlen, "%s: [ssh] banner: refused by libssh",
		    config_origin(cfg, "ssh", "banner"));
		goto fail;
	}
	for (i = 0; i < sizeof(ssh_algorithms) / sizeof(ssh_algorithms[0]); i++)
		if (ssh_bind_options_set(st->bind, ssh_algorithms[i].opt,
		    ssh_algorithms[i].list) != SSH_OK)
			log_warn("ssh: libssh refused an algorithm list; keeping its default");
	dir = ssh_key_dir(cfg);
	if (ssh_hostkeys_load(st->bind, dir, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s (from %s: [ssh] host_key_dir)", why,
		    config_origin(cfg, "ssh", "host_key_dir"));
		goto fail;
	}
	log_info("ssh: host keys in %s", dir);
	free(dir);
	svc->state = st;
	return 0;
fail:
	free(dir);
	ssh_state_free(st);
	return -1;
}

/* SIGHUP: accept and credentials are read again; the rest needs a restart. */
static int
sshd_reload(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct ssh_state	*st = svc->state;
	struct auth		*a;

	if (auth_load(&a, cfg, "ssh", err, errlen) == -1)
		return -1;
	auth_free(st->auth);
	st->auth = a;
	return 0;
}

static void
sshd_fini(struct service *svc)
{
	ssh_state_free(svc->state);
	svc->state = NULL;
}

static size_t
ssh_max_input(struct service *svc)
{
	return HNP_SSH_MAX_INPUT;
}

const struct proto proto_ssh = {
	.name = "ssh",
	.default_listen = "0.0.0.0:2222",
	.config_keys = ssh_config_keys,
	.ctx_size = sizeof(struct ssh_ctx),
	.init = sshd_init,
	.reload = sshd_reload,
	.fini = sshd_fini,
	.on_accept = ssh_on_accept,
	.on_read = ssh_on_read,
	.on_incomplete = ssh_on_incomplete,
	.on_close = ssh_on_close,
	.max_input = ssh_max_input,
};
