/*
 * rdp.c - the RDP sensor: reads the X.224 Connection Request (cookie "mstshash=", routing token,
 * RDP_NEG_REQ with its requested protocols), records it and answers the Connection Confirm a
 * Windows server with Network Level Authentication sends; the client's next bytes (its TLS
 * ClientHello, usually) are recorded and the connection closed. A malformed TPKT is recorded and
 * the connection closed without a word, as Windows does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "proto/parse/rdp.h"
#include "proto/parse/sniff.h"
#include "proto/proto.h"

static int
rdp_check_security(const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "nla") == 0 || strcmp(v, "tls") == 0 || strcmp(v, "rdp") == 0)
		return 0;
	snprintf(why, whylen, "expected nla, tls or rdp");
	return -1;
}

static const struct config_key rdp_config_keys[] = {
	{ "rdp", "listen", CFG_LIST, 0, 0, "0.0.0.0:3389", "addresses to listen on (host:port)" },
	{ "rdp", "security", CFG_STR, 0, 0, "nla",
	    "what the server requires: nla (CredSSP, Windows' default), tls, or rdp",
	    rdp_check_security },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

struct rdp_state {
	int	 policy;
};

struct rdp_ctx {
	int	 confirmed;	/* the Connection Confirm went out: the next bytes are recorded */
};

static struct buf	 rdp_fields;	/* an event's fields (loop thread only) */

static void
rdp_fields_begin(struct jsonw *w)
{
	if (rdp_fields.max == 0)
		buf_init(&rdp_fields, HNP_MAX_FIELDS_JSON);
	rdp_fields.len = 0;
	jsonw_init(w, &rdp_fields);
	jsonw_object_begin(w);
}

static int
rdp_init(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct rdp_state	*st = xcalloc(1, sizeof(*st));
	const char		*sec = config_get(cfg, "rdp", "security");

	st->policy = strcmp(sec, "tls") == 0 ? RDP_POLICY_TLS :
	    strcmp(sec, "rdp") == 0 ? RDP_POLICY_RDP : RDP_POLICY_NLA;
	svc->state = st;
	return 0;
}

static void
rdp_fini(struct service *svc)
{
	free(svc->state);
	svc->state = NULL;
}

static size_t
rdp_max_input(struct service *svc)
{
	return HNP_MAX_RDP_PDU;
}

/* Records bytes that are not a Connection Request (or came after it): a payload event. */
static void
rdp_payload(struct session *s, const uint8_t *in, size_t len, const char *error,
    const char *why)
{
	struct jsonw	 w;
	struct evt	*ev;

	rdp_fields_begin(&w);
	jsonw_key(&w, "detected");
	jsonw_str(&w, sniff_name(in, len));
	if (error != NULL) {
		jsonw_key(&w, "error");
		jsonw_str(&w, error);
	}
	if (why != NULL) {
		jsonw_key(&w, "incomplete");
		jsonw_str(&w, why);
	}
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "payload", &w, in, len, len);
	session_emit(s, ev);
}

static void
rdp_protocols_field(struct jsonw *w, uint32_t p)
{
	uint32_t	 bit;

	jsonw_key(w, "requested");
	jsonw_array_begin(w);
	if (p == 0)
		jsonw_str(w, "rdp");
	for (bit = 1; bit != 0 && bit <= p; bit <<= 1)
		if (p & bit)
			jsonw_str(w, rdp_proto_name(bit));
	jsonw_array_end(w);
}

static void
rdp_request(struct session *s, struct rdp_state *st, const struct rdp_cr *cr,
    const uint8_t *in)
{
	struct jsonw		 w;
	struct evt		*ev;
	uint8_t			 cc[19];
	char			 corr[33];
	size_t			 n;
	int			 sel, fail;
	int64_t			 seq;

	n = rdp_build_cc(cr, st->policy, cc, &sel, &fail);
	rdp_fields_begin(&w);
	if (cr->cookie != NULL) {
		jsonw_key(&w, "cookie");
		jsonw_bytes(&w, cr->cookie, cr->cookie_len);
	}
	if (cr->token != NULL) {
		jsonw_key(&w, "routing_token");
		jsonw_bytes(&w, cr->token, cr->token_len);
	}
	if (cr->has_neg) {
		jsonw_key(&w, "requested_protocols");
		jsonw_int(&w, cr->protocols);
		rdp_protocols_field(&w, cr->protocols);
		jsonw_key(&w, "neg_flags");
		jsonw_int(&w, cr->neg_flags);
	}
	if (cr->has_correlation) {
		hex_encode(cr->correlation, 16, corr);
		jsonw_key(&w, "correlation_id");
		jsonw_str(&w, corr);
	}
	if (cr->extra > 0) {
		jsonw_key(&w, "extra_bytes");
		jsonw_int(&w, (int64_t)cr->extra);
	}
	if (sel >= 0) {
		jsonw_key(&w, "selected");
		jsonw_str(&w, rdp_proto_name((uint32_t)sel));
	} else {
		jsonw_key(&w, "failure");
		jsonw_int(&w, fail);
	}
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "request", &w, in, cr->tpkt_len, cr->tpkt_len);
	seq = session_emit(s, ev);
	session_reply(s, seq, cc, n);
	if (sel < 0)
		session_close_after_reply(s, "negotiation_failure");
}

static ssize_t
rdp_on_read(struct session *s, void *vctx, const uint8_t *in, size_t len)
{
	struct rdp_ctx		*c = vctx;
	struct rdp_state	*st = session_service(s)->state;
	struct rdp_cr		 cr;
	const char		*why;
	int			 rc;

	if (c->confirmed) {
		/* What follows the Confirm (a TLS ClientHello, MCS Connect Initial): record, close. */
		rdp_payload(s, in, len, NULL, NULL);
		session_close_after_reply(s, "done");
		return (ssize_t)len;
	}
	rc = rdp_parse_cr(in, len, HNP_MAX_RDP_PDU, &cr, &why);
	if (rc == RDP_MORE)
		return 0;
	if (rc == RDP_BAD) {
		rdp_payload(s, in, len, why, NULL);
		session_close_after_reply(s, "malformed");
		return (ssize_t)len;
	}
	c->confirmed = 1;
	rdp_request(s, st, &cr, in);
	return (ssize_t)cr.tpkt_len;
}

static void
rdp_on_incomplete(struct session *s, void *vctx, const uint8_t *in, size_t len,
    const char *why)
{
	rdp_payload(s, in, len, NULL, why);
}

const struct proto proto_rdp = {
	.name = "rdp",
	.default_listen = "0.0.0.0:3389",
	.config_keys = rdp_config_keys,
	.ctx_size = sizeof(struct rdp_ctx),
	.init = rdp_init,
	.fini = rdp_fini,
	.on_read = rdp_on_read,
	.on_incomplete = rdp_on_incomplete,
	.max_input = rdp_max_input,
};
