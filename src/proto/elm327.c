/*
 * elm327.c - the ELM327 sensor: a WiFi OBD-II dongle (TCP 35000) in a car with its engine idling.
 * Input is cut into CR-terminated lines (LF ignored, a line longer than the adapter's buffer is
 * answered "?"); each line is one `command` event, and its reply goes out once that event is
 * stored. The vehicle profile ([elm327] version, vin, voltage) is what ATI, 0902 and ATRV say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/session.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "proto/parse/elm327.h"
#include "proto/proto.h"

static const struct config_key elm_config_keys[] = {
	{ "elm327", "listen", CFG_LIST, 0, 0, "0.0.0.0:35000",
	    "addresses to listen on (host:port)" },
	{ "elm327", "version", CFG_STR, 0, 0, "ELM327 v1.5", "what ATZ and ATI print",
	    elm_check_version },
	{ "elm327", "vin", CFG_STR, 0, 0, "1FMCU9GD0KUA39712",
	    "vehicle identification number (mode 09 PID 02)", elm_check_vin },
	{ "elm327", "voltage", CFG_STR, 0, 0, "13.9", "volts ATRV reports (engine running)",
	    elm_check_voltage },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* Raw bytes of a line kept at most: past it the line is answered "?" without waiting for CR. */
#define ELM_RAW_LINE	(HNP_MAX_ELM_LINE * 4)

struct elm_ctx {
	struct elm_state	 st;
	int64_t			 start_us;
};

static struct buf	 elm_out, elm_fields;	/* loop thread only */

static int
elm_init_svc(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct elm_profile	*p = xcalloc(1, sizeof(*p));

	snprintf(p->version, sizeof(p->version), "%s", config_get(cfg, "elm327", "version"));
	snprintf(p->vin, sizeof(p->vin), "%s", config_get(cfg, "elm327", "vin"));
	snprintf(p->voltage, sizeof(p->voltage), "%s", config_get(cfg, "elm327", "voltage"));
	svc->state = p;
	return 0;
}

static void
elm_fini(struct service *svc)
{
	free(svc->state);
	svc->state = NULL;
}

static size_t
elm_max_input(struct service *svc)
{
	return ELM_RAW_LINE + 1;
}

static int
elm_on_accept(struct session *s, void *vctx)
{
	struct elm_ctx	*c = vctx;
	uint32_t	 seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint32_t)time_now_us();
	elm_init(&c->st, session_service(s)->state, seed);
	/* The engine has been running a few minutes when the attacker arrives. */
	c->start_us = time_now_us() - (int64_t)(120 + seed % 900) * 1000000;
	return 0;
}

static const char *
elm_kind_name(int kind)
{
	switch (kind) {
	case ELM_AT:
		return "at";
	case ELM_OBD:
		return "obd";
	case ELM_EMPTY:
		return "empty";
	}
	return "unknown";
}

/* One line: its event, then its reply gated on it. */
static void
elm_command(struct session *s, struct elm_ctx *c, const uint8_t *line, size_t len,
    const uint8_t *raw, size_t raw_len, const char *incomplete)
{
	struct jsonw	 w;
	struct evt	*ev;
	size_t		 reply, reply_len;
	int		 kind;
	int64_t		 seq;

	if (elm_out.max == 0) {
		buf_init(&elm_out, HNP_MAX_PENDING_OUT);
		buf_init(&elm_fields, HNP_MAX_FIELDS_JSON);
	}
	elm_out.len = 0;
	c->st.uptime_s = (uint32_t)((time_now_us() - c->start_us) / 1000000);
	kind = elm_exec(&c->st, line, len, &elm_out, &reply, &reply_len);
	elm_fields.len = 0;
	jsonw_init(&w, &elm_fields);
	jsonw_object_begin(&w);
	jsonw_key(&w, "command");
	jsonw_bytes(&w, line, len);
	jsonw_key(&w, "type");
	jsonw_str(&w, elm_kind_name(kind));
	jsonw_key(&w, "reply");
	jsonw_bytes(&w, elm_out.data + reply, reply_len);
	if (incomplete != NULL) {
		jsonw_key(&w, "incomplete");
		jsonw_str(&w, incomplete);
	}
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "command", &w, raw, raw_len, raw_len);
	seq = session_emit(s, ev);
	if (incomplete == NULL)
		session_reply(s, seq, elm_out.data, elm_out.len);
}

static ssize_t
elm_on_read(struct session *s, void *vctx, const uint8_t *in, size_t len)
{
	struct elm_ctx	*c = vctx;
	const uint8_t	*cr;
	size_t		 n;

	/* Line feeds between lines are ignored (a client ending lines with CR LF). */
	for (n = 0; n < len && in[n] == '\n'; n++)
		;
	if (n > 0)
		return (ssize_t)n;
	cr = memchr(in, '\r', len);
	if (cr == NULL && len <= ELM_RAW_LINE)
		return 0;
	n = cr != NULL ? (size_t)(cr - in) : ELM_RAW_LINE;
	elm_command(s, c, in, n, in, cr != NULL ? n + 1 : n, NULL);
	return (ssize_t)(cr != NULL ? n + 1 : n);
}

static void
elm_on_incomplete(struct session *s, void *vctx, const uint8_t *in, size_t len,
    const char *why)
{
	elm_command(s, vctx, in, len, in, len, why);
}

const struct proto proto_elm327 = {
	.name = "elm327",
	.default_listen = "0.0.0.0:35000",
	.config_keys = elm_config_keys,
	.ctx_size = sizeof(struct elm_ctx),
	.init = elm_init_svc,
	.fini = elm_fini,
	.on_accept = elm_on_accept,
	.on_read = elm_on_read,
	.on_incomplete = elm_on_incomplete,
	.max_input = elm_max_input,
};
