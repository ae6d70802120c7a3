/*
 * catchall.c - the catch-all sensor: listens on any list or range of ports, optionally greets
 * with a banner, and records the first bytes of every connection (up to max_bytes) as a
 * `payload` event naming the protocol they look like (parse/sniff.c). When that protocol has a
 * sensor running (its section present), the connection is handed to it: the catch-all only
 * peeks at the socket (session_peek), so the sensor gets every byte, as if it had accepted the
 * connection itself. When the protocol has no running sensor, the bytes are only recorded.
 * Bytes past max_bytes are counted (the close event's bytes_in) and dropped.
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
#include "proto/parse/sniff.h"
#include "proto/proto.h"
#include "proto/service.h"

/*
 * Sniffed protocol -> the sensor (config section) that takes the connection over. A sensor that
 * reads the socket itself gets it untouched (a TLS sensor's transport starts at the first byte),
 * so adding one is one line here.
 */
static const struct {
	const char	*sniffed;
	const char	*sensor;
} catchall_handoff[] = {
	{ "http", "http" },
	{ "tls", "https" },
	{ "ssh", "ssh" },
	{ "rdp", "rdp" },
	{ "elm327", "elm327" },
};

static int catchall_check_banner(const char *, char *, size_t);

static const struct config_key catchall_config_keys[] = {
	{ "catchall", "listen", CFG_LIST, 0, 0, NULL,
	    "addresses to listen on: host:port or host:first-last (ranges open at most "
	    HNP_STR(HNP_MAX_RANGE_PORTS) " ports in all)" },
	{ "catchall", "banner", CFG_STR, 0, 0, "",
	    "sent on connect (C escapes \\r \\n \\t \\\\ \\xHH); empty: say nothing",
	    catchall_check_banner },
	{ "catchall", "max_bytes", CFG_SIZE, 1, HNP_MAX_CATCHALL_BYTES,
	    HNP_STR(HNP_CATCHALL_BYTES), "first bytes of a connection recorded" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

struct catchall_state {
	uint8_t		 banner[HNP_MAX_CATCHALL_BANNER];
	size_t		 banner_len;
	size_t		 max_bytes;
};

struct catchall_ctx {
	int	 recorded;	/* the first bytes are stored: the rest is dropped */
};

static struct buf	 catchall_fields;	/* loop thread only */

/* Decodes C escapes of v into out (at most max bytes). Length, or -1 with why. */
static long
catchall_unescape(const char *v, uint8_t *out, size_t max, char *why, size_t whylen)
{
	size_t	 n = 0;
	int	 c, h, l;

	while (*v != '\0') {
		c = (unsigned char)*v++;
		if (c == '\\') {
			switch (*v++) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': c = '\\'; break;
			case 'x':
				if ((h = hex_value((unsigned char)v[0])) < 0 || (l = hex_value((unsigned char)v[1])) < 0)
					goto bad;
				c = h << 4 | l;
				v += 2;
				break;
			default:
				goto bad;
			}
		}
		if (n >= max) {
			snprintf(why, whylen, "longer than %zu bytes", max);
			return -1;
		}
		out[n++] = (uint8_t)c;
	}
	return (long)n;
bad:
	snprintf(why, whylen, "unknown escape (\\r \\n \\t \\\\ \\xHH)");
	return -1;
}

static int
catchall_check_banner(const char *v, char *why, size_t whylen)
{
	uint8_t	 tmp[HNP_MAX_CATCHALL_BANNER];

	return catchall_unescape(v, tmp, sizeof(tmp), why, whylen) < 0 ? -1 : 0;
}

static int
catchall_init(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct catchall_state	*st = xcalloc(1, sizeof(*st));
	long			 n;

	n = catchall_unescape(config_get(cfg, "catchall", "banner"), st->banner,
	    sizeof(st->banner), err, errlen);
	if (n < 0) {
		free(st);
		return -1;
	}
	st->banner_len = (size_t)n;
	st->max_bytes = (size_t)config_int(cfg, "catchall", "max_bytes");
	svc->state = st;
	return 0;
}

static void
catchall_fini(struct service *svc)
{
	free(svc->state);
	svc->state = NULL;
}

static size_t
catchall_max_input(struct service *svc)
{
	struct catchall_state	*st = svc->state;

	return st->max_bytes;
}

static int
catchall_on_accept(struct session *s, void *vctx)
{
	struct catchall_state	*st = session_service(s)->state;

	/* Without peeking there is no clean hand-off: the bytes are then only recorded. */
	session_peek(s);
	if (st->banner_len > 0)
		session_reply(s, session_connect_seq(s), st->banner, st->banner_len);
	return 0;
}

/* The running sensor for a sniffed protocol, or NULL. */
static struct service *
catchall_target(const char *sniffed)
{
	size_t	 i;

	for (i = 0; i < sizeof(catchall_handoff) / sizeof(catchall_handoff[0]); i++)
		if (strcmp(catchall_handoff[i].sniffed, sniffed) == 0)
			return services_find(catchall_handoff[i].sensor);
	return NULL;
}

static void
catchall_record(struct session *s, const uint8_t *in, size_t len, const char *detected,
    const char *handoff, const char *why)
{
	struct jsonw	 w;
	struct evt	*ev;

	if (catchall_fields.max == 0)
		buf_init(&catchall_fields, HNP_MAX_FIELDS_JSON);
	catchall_fields.len = 0;
	jsonw_init(&w, &catchall_fields);
	jsonw_object_begin(&w);
	jsonw_key(&w, "detected");
	jsonw_str(&w, detected != NULL ? detected : "unknown");
	if (handoff != NULL) {
		jsonw_key(&w, "handoff");
		jsonw_str(&w, handoff);
	}
	if (why != NULL) {
		jsonw_key(&w, "incomplete");
		jsonw_str(&w, why);
	}
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "payload", &w, in, len, len);
	session_emit(s, ev);
}

static ssize_t
catchall_on_read(struct session *s, void *vctx, const uint8_t *in, size_t len)
{
	struct catchall_ctx	*c = vctx;
	struct catchall_state	*st = session_service(s)->state;
	struct service		*to;
	const char		*name;
	int			 rc;

	if (c->recorded)
		return (ssize_t)len;	/* past max_bytes: counted, dropped */
	rc = sniff(in, len, &name);
	if (rc == SNIFF_MATCH && session_peeking(s) && (to = catchall_target(name)) != NULL) {
		catchall_record(s, in, len, name, to->proto->name, NULL);
		if (session_handoff(s, to) == 0)
			return 0;
		return -1;
	}
	/* Gather up to max_bytes; the end of input or a timeout records less. */
	if (len < st->max_bytes)
		return 0;
	catchall_record(s, in, st->max_bytes, rc == SNIFF_MATCH ? name : NULL, NULL, NULL);
	c->recorded = 1;
	return (ssize_t)len;
}

static void
catchall_on_incomplete(struct session *s, void *vctx, const uint8_t *in, size_t len,
    const char *why)
{
	struct catchall_ctx	*c = vctx;

	if (c->recorded)
		return;
	catchall_record(s, in, len, sniff_name(in, len), NULL, why);
	c->recorded = 1;
}

const struct proto proto_catchall = {
	.name = "catchall",
	.default_listen = NULL,
	.config_keys = catchall_config_keys,
	.ctx_size = sizeof(struct catchall_ctx),
	.listen_ranges = 1,
	.init = catchall_init,
	.fini = catchall_fini,
	.on_accept = catchall_on_accept,
	.on_read = catchall_on_read,
	.on_incomplete = catchall_on_incomplete,
	.max_input = catchall_max_input,
};
