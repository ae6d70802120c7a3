/*
 * tls.c - TLS in front of a sensor: OpenSSL reads from and writes to memory BIOs, so the session
 * core keeps doing all socket I/O, caps and timers, and every byte we send (handshake flights and
 * alerts included) goes through session_reply_raw: a client sees our ServerHello only once its
 * tls_hello event is stored. The first ClientHello and our ServerHello are taken raw from the
 * message callback (OpenSSL's accessors drop GREASE and unknown extensions) and fingerprinted
 * (src/fp). Bytes that never make a handshake (plain HTTP, garbage, a half-open hello) are recorded
 * as a payload event.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "fp/fpdb.h"
#include "fp/tls_hello.h"
#include "proto/parse/http_req.h"
#include "proto/tls.h"
#include "proto/tls_cert.h"

struct tls_server {
	SSL_CTX		*ctx;
};

/* One connection. */
struct tls_conn {
	SSL		*ssl;
	BIO		*rbio, *wbio;		/* owned by ssl */
	struct buf	 raw;			/* received before the handshake ended (capped) */
	uint64_t	 hs_bytes;		/* all of them */
	uint8_t		*hello;			/* the first ClientHello message */
	size_t		 hello_len;
	char		 ja3s[256];		/* of our first ServerHello; "" until then */
	int		 sslv2;			/* an SSLv2-format hello arrived */
	int		 recorded;		/* tls_hello or payload event emitted */
	int		 done, failed;
};

/* Scratch for event fields and the JA3 string (loop thread only). */
static struct buf	tls_fields, tls_ja3;

static void
tls_scratch(void)
{
	if (tls_fields.max == 0) {
		buf_init(&tls_fields, HNP_MAX_FIELDS_JSON);
		buf_init(&tls_ja3, 6 * HNP_MAX_TLS_HANDSHAKE_BYTES);
	}
	tls_fields.len = tls_ja3.len = 0;
}

static void
tls_msg_cb(int write_p, int version, int content_type, const void *vbuf, size_t len, SSL *ssl,
    void *arg)
{
	struct tls_conn		*c = arg;
	const uint8_t		*b = vbuf;
	struct tls_server_hello	 sh;
	struct buf		 out;

	if (c == NULL || len == 0)
		return;
	if (!write_p && content_type == 0 && version == SSL2_VERSION) {
		c->sslv2 = 1;
		return;
	}
	if (content_type != SSL3_RT_HANDSHAKE)
		return;
	if (!write_p && b[0] == TLS_HS_CLIENT_HELLO && c->hello == NULL) {
		c->hello = xmalloc(len);
		memcpy(c->hello, b, len);
		c->hello_len = len;
	} else if (write_p && b[0] == TLS_HS_SERVER_HELLO && c->ja3s[0] == '\0' &&
	    tls_server_hello_parse(b, len, &sh) == 0) {
		buf_init(&out, sizeof(c->ja3s) - 1);
		if (fp_ja3s(&sh, &out) == 0 && out.len > 0) {
			memcpy(c->ja3s, out.data, out.len);
			c->ja3s[out.len] = '\0';
		}
		buf_free(&out);
	}
}

/* "key": [2-byte values of a span, decimal]. */
static void
tls_u16_list(struct jsonw *w, const char *key, struct fp_span sp)
{
	size_t	 i;

	jsonw_key(w, key);
	jsonw_array_begin(w);
	for (i = 0; i + 1 < sp.len; i += 2)
		jsonw_int(w, sp.p[i] << 8 | sp.p[i + 1]);
	jsonw_array_end(w);
}

/* "extensions": the types in wire order, GREASE included. */
static void
tls_ext_list(struct jsonw *w, struct fp_span exts)
{
	size_t	 off = 0, l;

	jsonw_key(w, "extensions");
	jsonw_array_begin(w);
	while (exts.len - off >= 4) {
		l = (size_t)exts.p[off + 2] << 8 | exts.p[off + 3];
		if (exts.len - off - 4 < l)
			break;
		jsonw_int(w, exts.p[off] << 8 | exts.p[off + 1]);
		off += 4 + l;
	}
	jsonw_array_end(w);
}

/* "alpn": the protocol names offered. */
static void
tls_alpn_list(struct jsonw *w, struct fp_span a)
{
	size_t	 off = 0;

	jsonw_key(w, "alpn");
	jsonw_array_begin(w);
	while (off < a.len && a.p[off] <= a.len - off - 1) {
		jsonw_bytes(w, a.p + off + 1, a.p[off]);
		off += 1 + (size_t)a.p[off];
	}
	jsonw_array_end(w);
}

static void
tls_str(struct jsonw *w, const char *key, const char *val)
{
	jsonw_key(w, key);
	jsonw_str(w, val);
}

/* The client the database names for the JA4 (or else the JA3 hash): tls_client, tls_family. */
static void
tls_name(struct session *s, struct jsonw *w, const char *ja4, const char *ja3_hash)
{
	const struct fpdb_entry	*e = NULL;

	if (session_env.fpdb == NULL)
		return;
	if ((e = fpdb_lookup(session_env.fpdb, FP_JA4, ja4)) == NULL)
		e = fpdb_lookup(session_env.fpdb, FP_JA3, ja3_hash);
	if (e == NULL)
		return;
	tls_str(w, "tls_client", e->client);
	tls_str(w, "tls_family", e->family);
	session_set_field(s, "tls_client", e->client);
}

/* The fingerprints and lists of a parsed hello; copies the short ones onto the session. */
static void
tls_hello_fields(struct session *s, struct tls_conn *c, const struct tls_client_hello *h,
    struct jsonw *w)
{
	char	 md5[FP_MD5_HEX_LEN + 1], ja4[FP_JA4_LEN + 1], ja3_hash[FP_MD5_HEX_LEN + 1] = "";

	ja4[0] = '\0';
	if (fp_ja3(h, &tls_ja3) == 0) {
		jsonw_key(w, "ja3");
		jsonw_bytes(w, tls_ja3.data ? tls_ja3.data : (const uint8_t *)"", tls_ja3.len);
		fp_md5_hex(tls_ja3.data ? tls_ja3.data : (const uint8_t *)"", tls_ja3.len, md5);
		tls_str(w, "ja3_hash", md5);
		session_set_field(s, "ja3_hash", md5);
		memcpy(ja3_hash, md5, sizeof(ja3_hash));
	}
	if (c->ja3s[0] != '\0') {
		tls_str(w, "ja3s", c->ja3s);
		fp_md5_hex(c->ja3s, strlen(c->ja3s), md5);
		tls_str(w, "ja3s_hash", md5);
		session_set_field(s, "ja3s_hash", md5);
	}
	if (fp_ja4(h, ja4) == 0) {
		tls_str(w, "ja4", ja4);
		session_set_field(s, "ja4", ja4);
	}
	tls_name(s, w, ja4, ja3_hash);
	if (h->has_sni) {
		jsonw_key(w, "sni");
		jsonw_bytes(w, h->sni.p ? h->sni.p : (const uint8_t *)"", h->sni.len);
	}
	if (h->has_alpn)
		tls_alpn_list(w, h->alpn);
	jsonw_key(w, "version");
	jsonw_int(w, h->legacy_version);
	if (h->versions.p != NULL)
		tls_u16_list(w, "versions", h->versions);
	tls_u16_list(w, "ciphers", h->ciphers);
	tls_ext_list(w, h->exts);
	if (h->groups.p != NULL)
		tls_u16_list(w, "groups", h->groups);
	if (h->sigalgs.p != NULL)
		tls_u16_list(w, "sigalgs", h->sigalgs);
}

/*
 * Records what arrived: the tls_hello event when a ClientHello came, else the raw bytes as a
 * payload event (why: the OpenSSL error, or how the input ended). Returns its sequence number.
 */
static int64_t
tls_record(struct session *s, struct tls_conn *c, const char *error, const char *incomplete)
{
	struct tls_client_hello	 h;
	struct jsonw		 w;
	struct evt		*ev;
	const char		*kind;

	c->recorded = 1;
	tls_scratch();
	jsonw_init(&w, &tls_fields);
	jsonw_object_begin(&w);
	if (c->hello != NULL) {
		if (tls_client_hello_parse(c->hello, c->hello_len, &h) == 0)
			tls_hello_fields(s, c, &h, &w);
		else
			tls_str(&w, "malformed", "client_hello");
		if (error != NULL)
			tls_str(&w, "error", error);
		jsonw_object_end(&w);
		ev = session_evt_payload(s, "tls_hello", &w, c->hello, c->hello_len,
		    c->hello_len);
		return session_emit(s, ev);
	}
	kind = http_sniff(c->raw.data, c->raw.len);
	tls_str(&w, "detected", kind ? kind : "unknown");
	if (c->sslv2) {
		jsonw_key(&w, "sslv2_hello");
		jsonw_bool(&w, 1);
	}
	if (error != NULL)
		tls_str(&w, "error", error);
	if (incomplete != NULL)
		tls_str(&w, "incomplete", incomplete);
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "payload", &w, c->raw.data, c->raw.len, c->hs_bytes);
	return session_emit(s, ev);
}

/* Moves what OpenSSL wrote to out (appended) or, when out is NULL, to the session, gated on seq. */
static int
tls_flush(struct session *s, struct tls_conn *c, int64_t seq, struct buf *out)
{
	char	*p;
	long	 n = BIO_get_mem_data(c->wbio, &p);
	int	 rc = 0;

	if (n <= 0)
		return 0;
	if (out != NULL)
		rc = buf_append(out, p, (size_t)n);
	else
		rc = session_reply_raw(s, seq, p, (size_t)n);
	(void)BIO_reset(c->wbio);
	return rc;
}

/* The text of the last OpenSSL error (a short English phrase such as "no shared cipher"). */
static const char *
tls_error_text(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : "handshake failed";
}

static void *
tls_open(struct session *s, void *svc_state)
{
	struct tls_server	*ts = svc_state;
	struct tls_conn		*c = xcalloc(1, sizeof(*c));

	buf_init(&c->raw, HNP_MAX_TLS_HANDSHAKE_BYTES);
	if ((c->ssl = SSL_new(ts->ctx)) == NULL ||
	    (c->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (c->wbio = BIO_new(BIO_s_mem())) == NULL) {
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		SSL_free(c->ssl);
		free(c);
		ERR_clear_error();
		return NULL;
	}
	BIO_set_mem_eof_return(c->rbio, -1);
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	SSL_set_msg_callback_arg(c->ssl, c);
	SSL_set_accept_state(c->ssl);
	return c;
}

static int
tls_push(struct session *s, void *t, const uint8_t *raw, size_t len)
{
	struct tls_conn	*c = t;

	if (!c->done) {
		c->hs_bytes += len;
		buf_append_some(&c->raw, raw, len);
		if (c->hs_bytes > HNP_MAX_TLS_HANDSHAKE_BYTES) {
			c->failed = 1;
			if (!c->recorded)
				tls_record(s, c, NULL, "oversize");
			session_close(s, "oversize");
			return -1;
		}
	}
	if (BIO_write(c->rbio, raw, (int)len) != (int)len) {
		session_close(s, "out_of_memory");
		return -1;
	}
	return 0;
}

static ssize_t
tls_pull(struct session *s, void *t, uint8_t *dst, size_t room)
{
	struct tls_conn	*c = t;
	const char	*error = NULL;
	int64_t		 seq;
	int		 n, e, eof = 0;

	if (c->failed)
		return -1;
	ERR_clear_error();
	n = SSL_read(c->ssl, dst, room > INT_MAX ? INT_MAX : (int)room);
	if (n <= 0) {
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_ZERO_RETURN)
			eof = 1;
		else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			error = tls_error_text();
			c->failed = 1;
		}
	}
	ERR_clear_error();
	if (!c->done && SSL_is_init_finished(c->ssl)) {
		c->done = 1;
		buf_free(&c->raw);
	}
	seq = session_last_seq(s);
	if (!c->recorded && (c->hello != NULL || error != NULL))
		seq = tls_record(s, c, error, NULL);
	if (tls_flush(s, c, seq, NULL) == -1 || session_closing(s))
		return -1;
	if (c->failed) {
		session_close_after_reply(s, "tls_error");
		return -1;
	}
	if (eof) {
		session_close_after_reply(s, "eof");
		return -1;
	}
	return n > 0 ? n : 0;
}

static int
tls_encode(struct session *s, void *t, const uint8_t *p, size_t len, struct buf *out)
{
	struct tls_conn	*c = t;

	if (len == 0)
		return 0;
	if (c->failed || len > INT_MAX || SSL_write(c->ssl, p, (int)len) != (int)len) {
		ERR_clear_error();
		return -1;
	}
	return tls_flush(s, c, 0, out);
}

static void
tls_end(struct session *s, void *t, const char *why)
{
	struct tls_conn	*c = t;

	if (!c->recorded && (c->hello != NULL || c->hs_bytes > 0))
		tls_record(s, c, NULL, why);
}

static void
tls_shutdown(struct session *s, void *t, struct buf *out)
{
	struct tls_conn	*c = t;

	if (!c->done || c->failed)
		return;
	ERR_clear_error();
	(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
	tls_flush(s, c, 0, out);
}

static void
tls_free(void *t)
{
	struct tls_conn	*c = t;

	SSL_free(c->ssl);
	buf_free(&c->raw);
	free(c->hello);
	free(c);
}

const struct transport tls_transport = {
	.name = "tls",
	.open = tls_open,
	.push = tls_push,
	.pull = tls_pull,
	.encode = tls_encode,
	.end = tls_end,
	.shutdown = tls_shutdown,
	.free = tls_free,
};

/* ALPN: HTTP/1.1 when offered (the sensor speaks nothing else), else no ALPN answer. */
static int
tls_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	unsigned int	 off = 0;

	while (off < inlen && in[off] <= inlen - off - 1) {
		if (in[off] == 8 && memcmp(in + off + 1, "http/1.1", 8) == 0) {
			*out = in + off + 1;
			*outlen = 8;
			return SSL_TLSEXT_ERR_OK;
		}
		off += 1 + in[off];
	}
	return SSL_TLSEXT_ERR_NOACK;
}

/* "TLSv1.2" and friends. */
static int
tls_version_of(const char *name)
{
	static const struct { const char *name; int v; } vs[] = {
		{ "TLSv1", TLS1_VERSION }, { "TLSv1.1", TLS1_1_VERSION },
		{ "TLSv1.2", TLS1_2_VERSION }, { "TLSv1.3", TLS1_3_VERSION },
	};
	size_t	 i;

	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		if (strcmp(vs[i].name, name) == 0)
			return vs[i].v;
	return -1;
}

static int
tls_protocols(SSL_CTX *ctx, const struct config *cfg, const char *section, char *err,
    size_t errlen)
{
	char	**list = config_list(cfg, section, "protocols");
	int	 v, lo = INT_MAX, hi = 0;
	size_t	 i;

	for (i = 0; list[i] != NULL; i++) {
		if ((v = tls_version_of(list[i])) == -1) {
			snprintf(err, errlen, "%s: [%s] protocols: unknown \"%s\" (TLSv1, TLSv1.1, "
			    "TLSv1.2, TLSv1.3)", config_origin(cfg, section, "protocols"), section,
			    list[i]);
			return -1;
		}
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	if (hi == 0) {
		snprintf(err, errlen, "%s: [%s] protocols: none given",
		    config_origin(cfg, section, "protocols"), section);
		return -1;
	}
	/* TLS 1.0 and 1.1 need SHA-1 signatures: OpenSSL 3 allows them at level 0 only. */
	if (lo < TLS1_2_VERSION)
		SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, lo);
	SSL_CTX_set_max_proto_version(ctx, hi);
	return 0;
}

/* The certificate and key paths: the configured ones, or the state directory's. */
static int
tls_paths(const struct config *cfg, const char *section, char *cert, char *key, size_t len,
    int *generated, char *err, size_t errlen)
{
	const char	*c = config_get(cfg, section, "cert"), *k = config_get(cfg, section, "key");
	const char	*store = config_get(cfg, "store", "path"), *slash;
	int		 dl;

	if ((*c != '\0') != (*k != '\0')) {
		snprintf(err, errlen, "%s: [%s] %s: give both cert and key, or neither",
		    config_origin(cfg, section, *c ? "cert" : "key"), section, *c ? "cert" : "key");
		return -1;
	}
	*generated = *c == '\0';
	if (!*generated) {
		snprintf(cert, len, "%s", c);
		snprintf(key, len, "%s", k);
		return 0;
	}
	slash = strrchr(store, '/');
	dl = slash == NULL ? 1 : (int)(slash - store);
	if (snprintf(cert, len, "%.*s/%s.crt", dl, slash ? store : ".", section) >= (int)len ||
	    snprintf(key, len, "%.*s/%s.key", dl, slash ? store : ".", section) >= (int)len) {
		snprintf(err, errlen, "[store] path: too long");
		return -1;
	}
	return 0;
}

/* Makes the certificate on first run (the state directory is [store] path's). */
static int
tls_ensure_cert(const struct config *cfg, const char *section, const char *cert,
    const char *key, char *err, size_t errlen)
{
	char	 why[512], dir[PATH_MAX], *slash;
	int	 hc = access(cert, F_OK) == 0, hk = access(key, F_OK) == 0;

	if (hc && hk)
		return 0;
	if (hc != hk) {
		snprintf(err, errlen, "%s exists but %s does not: remove it to make a new pair",
		    hc ? cert : key, hc ? key : cert);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", cert);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (tls_cert_generate(cert, key, config_get(cfg, section, "subject"), why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "[%s] certificate: %s", section, why);
		return -1;
	}
	log_info("%s: made a self-signed certificate %s (key %s)", section, cert, key);
	return 0;
}

int
tls_server_new(struct tls_server **out, const struct config *cfg, const char *section,
    char *err, size_t errlen)
{
	struct tls_server	*ts;
	char			 cert[PATH_MAX], key[PATH_MAX];
	int			 generated;

	if (tls_paths(cfg, section, cert, key, sizeof(cert), &generated, err, errlen) == -1)
		return -1;
	if (generated && tls_ensure_cert(cfg, section, cert, key, err, errlen) == -1)
		return -1;
	ts = xcalloc(1, sizeof(*ts));
	if ((ts->ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		snprintf(err, errlen, "cannot make a TLS context");
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ts->ctx, cert) != 1) {
		snprintf(err, errlen, "%s: [%s] cert: cannot load %s: %s",
		    config_origin(cfg, section, "cert"), section, cert, tls_error_text());
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ts->ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ts->ctx) != 1) {
		snprintf(err, errlen, "%s: [%s] key: cannot load %s or it does not match the "
		    "certificate: %s", config_origin(cfg, section, "key"), section, key,
		    tls_error_text());
		goto fail;
	}
	if (tls_protocols(ts->ctx, cfg, section, err, errlen) == -1)
		goto fail;
	/* The chain is what the certificate file holds: no X509 store walk on every handshake. */
	SSL_CTX_set_mode(ts->ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);
	SSL_CTX_set_session_cache_mode(ts->ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_msg_callback(ts->ctx, tls_msg_cb);
	SSL_CTX_set_alpn_select_cb(ts->ctx, tls_alpn_cb, NULL);
	ERR_clear_error();
	*out = ts;
	return 0;
fail:
	ERR_clear_error();
	tls_server_free(ts);
	return -1;
}

void
tls_server_free(struct tls_server *ts)
{
	if (ts == NULL)
		return;
	SSL_CTX_free(ts->ctx);
	free(ts);
}
