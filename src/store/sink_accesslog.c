/*
 * sink_accesslog.c - WOWHoneypot's access_log and hunting.log formats, so users' scripts keep working:
 * "[YYYY-MM-DD HH:MM:SS+0900] ip host "request line" status mrrid|False base64(raw request)".
 * Unlike WOWHoneypot, the base64 holds the exact bytes received and control bytes in the request
 * line are written as \xHH (no log injection).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "store/sink.h"
#include "store/sink_file.h"

struct accesslog {
	struct sink_file	 access, hunting;
	int			 offset_s;
	char			*sep;
	int			 masking;
	int64_t			 last_sec;
	char			 last_ts[40];
	struct buf		 line;		/* writer thread only */
	struct buf		 field;		/* one decoded field at a time; writer thread only */
};

static int
accesslog_open(const struct config *cfg, void **state, char *err, size_t errlen)
{
	const char		*ap = config_get(cfg, "log", "access_log");
	const char		*hp = config_get(cfg, "log", "hunting_log");
	const char		*tz = config_get(cfg, "log", "timezone");
	const char		*sep = config_get(cfg, "log", "separator");
	struct accesslog	*a;

	if ((ap == NULL || *ap == '\0') && (hp == NULL || *hp == '\0'))
		return 1;
	a = xcalloc(1, sizeof(*a));
	if (time_parse_offset(tz, &a->offset_s) == -1) {
		snprintf(err, errlen, "%s: [log] timezone: expected +HHMM, UTC or local, got \"%s\"",
		    config_origin(cfg, "log", "timezone"), tz);
		goto fail;
	}
	/* WOWHoneypot writes the separator in double quotes. */
	if (sep[0] == '"' && strlen(sep) >= 2 && sep[strlen(sep) - 1] == '"')
		a->sep = xstrndup(sep + 1, strlen(sep) - 2);
	else
		a->sep = xstrdup(sep);
	if (a->sep[0] == '\0') {
		free(a->sep);
		a->sep = xstrdup(" ");
	}
	a->masking = config_bool(cfg, "log", "ip_masking");
	buf_init(&a->line, HNP_MAX_PAYLOAD_BYTES * 2);
	buf_init(&a->field, HNP_MAX_PAYLOAD_BYTES);
	if (ap && *ap && sink_file_open(&a->access, ap, config_origin(cfg, "log", "access_log"),
	    err, errlen) == -1)
		goto fail;
	if (hp && *hp && sink_file_open(&a->hunting, hp, config_origin(cfg, "log", "hunting_log"),
	    err, errlen) == -1)
		goto fail;
	*state = a;
	return 0;
fail:
	sink_file_close(&a->access);
	free(a->sep);
	free(a);
	return -1;
}

/*
 * buf_append with its common case inline: the line's storage is kept from line to line, so a
 * piece almost always fits (~20 calls a line cost ~50 instructions each).
 */
static inline void
al_append(struct buf *b, const void *p, size_t n)
{
	if (n > 0 && n <= b->cap - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
	} else
		buf_append(b, p, n);
}

static void
al_put_int(struct buf *b, long long v)
{
	char	 tmp[24];

	al_append(b, tmp, fmt_int(tmp, v));
}

/*
 * Appends len bytes of s with control bytes (NUL included), backslash and DEL as \xHH; in_target
 * also maps ' ' and '"' as WOWHoneypot does.
 */
static void
accesslog_put(struct buf *b, const char *s, size_t len, int in_target)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, run = 0;
	char			 esc[4] = { '\\', 'x', 0, 0 };

	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f && c != '\\' && !(in_target && (c == ' ' || c == '"')))
			continue;
		al_append(b, s + run, i - run);
		run = i + 1;
		if (in_target && c == ' ')
			al_append(b, "%20", 3);
		else if (in_target && c == '"')
			al_append(b, "%22", 3);
		else {
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			al_append(b, esc, 4);
		}
	}
	al_append(b, s + run, len - run);
}

/* Raw bytes: printable ASCII as is (with '"' and ' ' as in a target), the rest as \xHH. */
static void
accesslog_put_bytes(struct buf *b, const uint8_t *p, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 esc[4] = { '\\', 'x', 0, 0 };
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (p[i] >= 0x80) {
			esc[2] = hex[p[i] >> 4];
			esc[3] = hex[p[i] & 15];
			al_append(b, esc, 4);
		} else
			accesslog_put(b, (const char *)p + i, 1, 1);
	}
}

/* The fields a line needs, looked up at once (evt_fields_get): keys[F_x] is vals[F_x]. */
enum { F_STATUS, F_RULE, F_HOST, F_METHOD, F_URI, F_VERSION, F_URL, F_N };
static const char *const accesslog_keys[F_N] = {
	"status", "rule", "host", "method", "uri", "version", "url",
};

/*
 * A string field's bytes (NUL included) and length, decoded into a->field (valid until the next
 * call); "" when absent or not a string.
 */
static const char *
accesslog_field(struct accesslog *a, const struct evt_value *v, size_t *len)
{
	a->field.len = 0;
	if (evt_value_str(v, &a->field) != 1 || a->field.len == 0) {
		*len = 0;
		return "";
	}
	*len = a->field.len;
	return (const char *)a->field.data;
}

static void
accesslog_str(struct buf *b, const char *s)
{
	al_append(b, s, strlen(s));
}

/* An integer field as digits, or the fallback text. */
static void
accesslog_int_or(struct buf *b, const struct evt_value *v, const char *fallback)
{
	int64_t	 n;

	if (!evt_value_int(v, &n)) {
		accesslog_str(b, fallback);
		return;
	}
	al_put_int(b, (long long)n);
}

/* Standard base64 of p[0..len) appended to b, whole or not at all; no allocation. */
static void
accesslog_base64(struct buf *b, const uint8_t *p, size_t len)
{
	size_t	 need = BASE64_LEN(len) + 1;	/* a NUL, as EVP_EncodeBlock wrote: lines cut as before */
	uint8_t	*o;

	if (len == 0 || len > INT_MAX || buf_room(b) < need || (o = buf_tail(b, need)) == NULL)
		return;
	b->len += base64_encode(o, p, len);
}

static void
accesslog_request(struct accesslog *a, const struct evt *ev, const struct evt_value *f,
    const char *ts)
{
	struct buf	*b = &a->line;
	const char	*host, *v;
	size_t		 hl, vl;

	b->len = 0;
	al_append(b, "[", 1);
	accesslog_str(b, ts);
	al_append(b, "]", 1);
	accesslog_str(b, a->sep);
	accesslog_str(b, a->masking ? "0.0.0.0" : ev->src_ip);
	accesslog_str(b, a->sep);
	host = accesslog_field(a, &f[F_HOST], &hl);
	if (hl == 0) {
		accesslog_str(b, "blank:");
		al_put_int(b, ev->dst_port);
	} else {
		/* WOWHoneypot: the Host header up to its first space, ":80" added without a port. */
		const char	*sp = memchr(host, ' ', hl);

		if (sp != NULL)
			hl = (size_t)(sp - host);
		accesslog_put(b, host, hl, 0);
		if (memchr(host, ':', hl) == NULL) {
			al_append(b, ":", 1);
			al_put_int(b, ev->dst_port);
		}
	}
	accesslog_str(b, a->sep);
	al_append(b, "\"", 1);
	if (strcmp(ev->kind, "payload") == 0 && ev->payload != NULL) {
		/* Not HTTP: its first line (at most 128 bytes), every odd byte as \xHH. */
		const uint8_t	*nl = memchr(ev->payload, '\n', ev->payload_len);

		vl = nl != NULL ? (size_t)(nl - ev->payload) : ev->payload_len;
		if (vl > 128)
			vl = 128;
		accesslog_put_bytes(b, ev->payload, vl);
	} else {
		v = accesslog_field(a, &f[F_METHOD], &vl);
		accesslog_put(b, v, vl, 0);
		al_append(b, " ", 1);
		v = accesslog_field(a, &f[F_URI], &vl);
		accesslog_put(b, v, vl, 1);
		v = accesslog_field(a, &f[F_VERSION], &vl);
		if (vl > 0) {
			al_append(b, " ", 1);
			accesslog_put(b, v, vl, 0);
		}
	}
	al_append(b, "\"", 1);
	accesslog_str(b, a->sep);
	accesslog_int_or(b, &f[F_STATUS], "-");
	accesslog_str(b, a->sep);
	accesslog_int_or(b, &f[F_RULE], "False");
	accesslog_str(b, a->sep);
	accesslog_base64(b, ev->payload, ev->payload_len);
	al_append(b, "\n", 1);
	fwrite(b->data, 1, b->len, a->access.fp);
}

static void
accesslog_hunt(struct accesslog *a, const struct evt *ev, const struct evt_value *f,
    const char *ts)
{
	struct buf	*b = &a->line;

	b->len = 0;
	al_append(b, "[", 1);
	accesslog_str(b, ts);
	al_append(b, "] ", 2);
	accesslog_str(b, a->masking ? "0.0.0.0" : ev->src_ip);
	al_append(b, " ", 1);
	{
		size_t		 ul;
		const char	*u = accesslog_field(a, &f[F_URL], &ul);

		accesslog_put(b, u, ul, 0);
	}
	al_append(b, "\n", 1);
	fwrite(b->data, 1, b->len, a->hunting.fp);
}

/* The bracketed time, formatted at most once per second (valid until the next call). */
static const char *
accesslog_time(struct accesslog *a, int64_t ts_us)
{
	int64_t	 sec = ts_us / 1000000;

	if (sec != a->last_sec || a->last_ts[0] == '\0') {
		time_format_offset(ts_us, a->offset_s, "%Y-%m-%d %H:%M:%S%z", a->last_ts,
		    sizeof(a->last_ts));
		a->last_sec = sec;
	}
	return a->last_ts;
}

static int
accesslog_append(void *state, struct evt *const *evs, size_t n)
{
	struct accesslog	*a = state;
	const char		*ts;
	size_t			 i;

	for (i = 0; i < n; i++) {
		const struct evt	*ev = evs[i];

		struct evt_value	 f[F_N];
		int64_t			 status;
		int			 req, hunt;

		if (strcmp(ev->proto, "http") != 0 && strcmp(ev->proto, "https") != 0)
			continue;
		req = a->access.fp && (strcmp(ev->kind, "request") == 0 ||
		    strcmp(ev->kind, "payload") == 0);
		hunt = a->hunting.fp && strcmp(ev->kind, "download_url") == 0;
		if (!req && !hunt)
			continue;
		evt_fields_get(ev, accesslog_keys, F_N, f);
		/* One line per answered request, as WOWHoneypot writes; the rest is in the store. */
		if (req && !evt_value_int(&f[F_STATUS], &status))
			continue;
		ts = accesslog_time(a, ev->ts);
		if (req)
			accesslog_request(a, ev, f, ts);
		else
			accesslog_hunt(a, ev, f, ts);
	}
	if (a->access.fp)
		fflush(a->access.fp);
	if (a->hunting.fp)
		fflush(a->hunting.fp);
	return 0;
}

static int
accesslog_reopen(void *state)
{
	struct accesslog	*a = state;
	int			 rc = 0;

	if (a->access.fp && sink_file_reopen(&a->access) == -1)
		rc = -1;
	if (a->hunting.fp && sink_file_reopen(&a->hunting) == -1)
		rc = -1;
	return rc;
}

static void
accesslog_close(void *state)
{
	struct accesslog	*a = state;

	sink_file_close(&a->access);
	sink_file_close(&a->hunting);
	buf_free(&a->line);
	buf_free(&a->field);
	free(a->sep);
	free(a);
}

const struct sink_ops sink_accesslog = {
	.name = "access_log",
	.open = accesslog_open,
	.append = accesslog_append,
	.reopen = accesslog_reopen,
	.close = accesslog_close,
};
