/*
 * https.c - the HTTPS sensor: the HTTP sensor (same code, rules, hunting, events; [http]'s keys)
 * behind the TLS transport, which records a tls_hello event with JA3, JA3S and JA4 for every
 * connection and copies them onto its requests. Runs with or without an [http] section.
 */
#include <stdio.h>

#include "core/session.h"
#include "proto/http.h"
#include "proto/proto.h"
#include "proto/tls.h"
#include "proto/tls_cert.h"

static int
https_check_subject(const char *v, char *why, size_t whylen)
{
	return tls_cert_check_subject(v, why, whylen);
}

static const struct config_key https_config_keys[] = {
	{ "https", "listen", CFG_LIST, 0, 0, "0.0.0.0:8443", "addresses to listen on (host:port)" },
	{ "https", "cert", CFG_STR, 0, 0, "",
	    "certificate chain (PEM); empty: https.crt made on first run next to [store] path" },
	{ "https", "key", CFG_STR, 0, 0, "",
	    "private key (PEM); empty: https.key made on first run next to [store] path" },
	{ "https", "subject", CFG_STR, 0, 0,
	    "/C=AU/ST=Some-State/O=Internet Widgits Pty Ltd/CN=localhost",
	    "subject of the certificate made on first run", https_check_subject },
	{ "https", "protocols", CFG_LIST, 0, 0, "TLSv1.2 TLSv1.3",
	    "TLS versions accepted (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)" },
	{ "https", "rules", CFG_STR, 0, 0, "",
	    "WOWHoneypot art directory; empty: [http] rules" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

static int
https_init(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct tls_server	*ts;

	if (tls_server_new(&ts, cfg, svc->proto->name, err, errlen) == -1)
		return -1;
	if (proto_http.init(svc, cfg, err, errlen) == -1) {
		tls_server_free(ts);
		return -1;
	}
	svc->transport = &tls_transport;
	svc->transport_state = ts;
	return 0;
}

static void
https_fini(struct service *svc)
{
	proto_http.fini(svc);
	tls_server_free(svc->transport_state);
	svc->transport_state = NULL;
	svc->transport = NULL;
}

static int
https_reload(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	return proto_http.reload(svc, cfg, err, errlen);
}

static void
https_on_incomplete(struct session *s, void *ctx, const uint8_t *in, size_t len,
    const char *why)
{
	proto_http.on_incomplete(s, ctx, in, len, why);
}

static ssize_t
https_on_read(struct session *s, void *ctx, const uint8_t *in, size_t len)
{
	return proto_http.on_read(s, ctx, in, len);
}

static void
https_on_close(struct session *s, void *ctx)
{
	proto_http.on_close(s, ctx);
}

static size_t
https_max_input(struct service *svc)
{
	return proto_http.max_input(svc);
}

const struct proto proto_https = {
	.name = "https",
	.default_listen = "0.0.0.0:8443",
	.config_keys = https_config_keys,
	.ctx_size = sizeof(struct http_ctx),
	.init = https_init,
	.reload = https_reload,
	.fini = https_fini,
	.on_read = https_on_read,
	.on_incomplete = https_on_incomplete,
	.on_close = https_on_close,
	.max_input = https_max_input,
};
