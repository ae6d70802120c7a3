/*
 * tls_hello.c - parses raw ClientHello and ServerHello handshake messages into spans of the
 * message (no copy, no allocation): the lists the fingerprints and the tls_hello event need.
 */
#include <string.h>

#include "fp/tls_hello.h"

/* A bounded reader over the message. */
struct rd {
	const uint8_t	*p;
	size_t		 len, off;
	int		 bad;
};

static uint32_t
rd_int(struct rd *r, size_t n)
{
	uint32_t	 v = 0;
	size_t		 i;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		v = v << 8 | r->p[r->off + i];
	r->off += n;
	return v;
}

/* A vector with an n-byte length prefix. */
static struct fp_span
rd_vec(struct rd *r, size_t n)
{
	struct fp_span	 sp = { NULL, 0 };
	size_t		 l = rd_int(r, n);

	if (r->bad || r->len - r->off < l) {
		r->bad = 1;
		return sp;
	}
	sp.p = r->p + r->off;
	sp.len = l;
	r->off += l;
	return sp;
}

int
tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* The body of a handshake message of the given type, or -1. */
static int
tls_hs_body(const uint8_t *msg, size_t len, int type, struct rd *r)
{
	size_t	 l;

	if (len < 4 || msg[0] != type)
		return -1;
	l = (size_t)msg[1] << 16 | (size_t)msg[2] << 8 | msg[3];
	if (len - 4 < l)
		return -1;
	r->p = msg + 4;
	r->len = l;
	r->off = 0;
	r->bad = 0;
	return 0;
}

/* The body of an extension that is itself a vector with an n-byte length filling it. */
static struct fp_span
tls_ext_list(struct fp_span body, size_t n)
{
	struct rd	 r = { body.p, body.len, 0, 0 };
	struct fp_span	 sp = rd_vec(&r, n);

	if (r.bad) {
		sp.p = NULL;
		sp.len = 0;
	}
	return sp;
}

/* The first host_name of a server_name extension body. */
static struct fp_span
tls_sni_name(struct fp_span body)
{
	struct rd	 r = { body.p, body.len, 0, 0 };
	struct fp_span	 list = rd_vec(&r, 2), none = { NULL, 0 };
	struct rd	 l = { list.p, list.len, 0, r.bad };

	while (!l.bad && l.off < l.len) {
		unsigned	 type = rd_int(&l, 1);
		struct fp_span	 name = rd_vec(&l, 2);

		if (!l.bad && type == 0)
			return name;
	}
	return none;
}

static int
tls_client_exts(struct tls_client_hello *h)
{
	struct rd	 r = { h->exts.p, h->exts.len, 0, 0 };

	h->nexts = 0;
	while (r.off < r.len) {
		unsigned	 type = rd_int(&r, 2);
		struct fp_span	 body = rd_vec(&r, 2);

		if (r.bad)
			return -1;
		h->nexts++;
		switch (type) {
		case 0:
			if (!h->has_sni)
				h->sni = tls_sni_name(body);
			h->has_sni = 1;
			break;
		case 10:
			if (h->groups.p == NULL)
				h->groups = tls_ext_list(body, 2);
			break;
		case 11:
			if (h->point_formats.p == NULL)
				h->point_formats = tls_ext_list(body, 1);
			break;
		case 13:
			if (h->sigalgs.p == NULL)
				h->sigalgs = tls_ext_list(body, 2);
			break;
		case 16:
			if (!h->has_alpn)
				h->alpn = tls_ext_list(body, 2);
			h->has_alpn = 1;
			break;
		case 43:
			if (h->versions.p == NULL)
				h->versions = tls_ext_list(body, 1);
			break;
		}
	}
	return 0;
}

int
tls_client_hello_parse(const uint8_t *msg, size_t len, struct tls_client_hello *h)
{
	struct rd	 r;

	memset(h, 0, sizeof(*h));
	if (tls_hs_body(msg, len, TLS_HS_CLIENT_HELLO, &r) == -1)
		return -1;
	h->legacy_version = (uint16_t)rd_int(&r, 2);
	rd_int(&r, 32);			/* random */
	rd_vec(&r, 1);			/* session id */
	h->ciphers = rd_vec(&r, 2);
	rd_vec(&r, 1);			/* compression methods */
	if (r.bad || (h->ciphers.len & 1))
		return -1;
	if (r.off < r.len) {
		h->exts = rd_vec(&r, 2);
		if (r.bad)
			return -1;
		if (tls_client_exts(h) == -1)
			return -1;
	}
	return 0;
}

int
tls_server_hello_parse(const uint8_t *msg, size_t len, struct tls_server_hello *h)
{
	struct rd	 r;

	memset(h, 0, sizeof(*h));
	if (tls_hs_body(msg, len, TLS_HS_SERVER_HELLO, &r) == -1)
		return -1;
	h->legacy_version = (uint16_t)rd_int(&r, 2);
	rd_int(&r, 32);			/* random */
	rd_vec(&r, 1);			/* session id */
	h->cipher = (uint16_t)rd_int(&r, 2);
	rd_int(&r, 1);			/* compression method */
	if (r.bad)
		return -1;
	if (r.off < r.len) {
		h->exts = rd_vec(&r, 2);
		if (r.bad)
			return -1;
	}
	return 0;
}
