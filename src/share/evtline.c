/* evtline.c - renders an event as one escaped, width-bounded text line or one JSON line. */
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "share/escape.h"
#include "share/evtline.h"

/* Column budgets for attacker strings. */
#define W_PROTO		6
#define W_KIND		12
#define W_SRC		21
#define W_METHOD	16
#define W_URI		100
#define W_URL		120
#define W_TOOL		16
#define W_CRED		32
#define W_CMD		120
#define W_SHORT		24
#define W_JSON		160

/* Appends s (len bytes, from the store) escaped and cut to cols columns. */
static int
put_cell(struct buf *b, const char *s, size_t len, size_t cols)
{
	char	 tmp[1024];

	esc_cell(tmp, sizeof(tmp), s, len, cols);
	return buf_append(b, tmp, strlen(tmp));
}

/* Appends s escaped, cut and padded with spaces to exactly cols columns, then one space. */
static int
put_col(struct buf *b, const char *s, size_t cols)
{
	char	 tmp[512];
	size_t	 w;

	w = esc_cell(tmp, sizeof(tmp), s, strlen(s), cols);
	if (buf_append(b, tmp, strlen(tmp)) == -1)
		return -1;
	for (; w < cols; w++)
		if (buf_append(b, " ", 1) == -1)
			return -1;
	return buf_append(b, " ", 1);
}

static int
put_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* A field's value: a JSON string's bytes, an integer or real in decimal, else compact JSON. */
static int
put_field(struct buf *b, const json_t *v, size_t cols)
{
	char	*dump;
	int	 rc;

	if (json_is_string(v))
		return put_cell(b, json_string_value(v), json_string_length(v), cols);
	if (json_is_integer(v))
		return buf_printf(b, "%lld", (long long)json_integer_value(v));
	if ((dump = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)) == NULL)
		return put_str(b, "?");
	rc = put_cell(b, dump, strlen(dump), cols);
	free(dump);
	return rc;
}

static const json_t *
field(const struct evt *ev, const char *key)
{
	const json_t	*v = json_object_get(ev->fields, key);

	return json_is_null(v) ? NULL : v;
}

/* Appends " name=value" when the field is present. */
static int
put_opt(struct buf *b, const struct evt *ev, const char *key, const char *label, size_t cols)
{
	const json_t	*v = field(ev, key);

	if (v == NULL)
		return 0;
	if (buf_printf(b, " %s=", label) == -1)
		return -1;
	return put_field(b, v, cols);
}

static int
put_endpoint(struct buf *b, const char *ip, unsigned port, size_t cols)
{
	char	 tmp[EVT_IP_LEN + 16];

	if (strchr(ip, ':') != NULL)
		snprintf(tmp, sizeof(tmp), "[%s]:%u", ip, port);
	else
		snprintf(tmp, sizeof(tmp), "%s:%u", ip, port);
	return cols ? put_col(b, tmp, cols) : put_cell(b, tmp, strlen(tmp), 0);
}

static int	sum_generic(struct buf *, const struct evt *);

static int
sum_request(struct buf *b, const struct evt *ev)
{
	const json_t	*v;
	int		 rc = 0;

	if (field(ev, "method") == NULL)
		return sum_generic(b, ev);	/* not HTTP: an RDP Connection Request, ... */
	v = field(ev, "method");
	rc |= v ? put_field(b, v, W_METHOD) : put_str(b, "-");
	rc |= put_str(b, " ");
	v = field(ev, "uri");
	rc |= v ? put_field(b, v, W_URI) : put_str(b, "-");
	rc |= put_str(b, " ");
	v = field(ev, "status");
	rc |= v ? put_field(b, v, W_SHORT) : put_str(b, "-");
	rc |= put_opt(b, ev, "rule", "rule", W_SHORT);
	if (json_is_true(field(ev, "incomplete")))
		rc |= put_str(b, " (incomplete)");
	if (json_is_true(field(ev, "truncated")))
		rc |= put_str(b, " (truncated)");
	return rc ? -1 : 0;
}

static int
sum_download(struct buf *b, const struct evt *ev)
{
	const json_t	*v = field(ev, "url");
	int		 rc;

	rc = v ? put_field(b, v, W_URL) : put_str(b, "-");
	if ((v = field(ev, "tool")) != NULL) {
		rc |= put_str(b, " [");
		rc |= put_field(b, v, W_TOOL);
		rc |= put_str(b, "]");
	}
	return rc ? -1 : 0;
}

static int
sum_login(struct buf *b, const struct evt *ev)
{
	const json_t	*v;
	int		 rc;

	rc = put_str(b, "user=");
	v = field(ev, "user");
	rc |= v ? put_field(b, v, W_CRED) : put_str(b, "-");
	if (field(ev, "key_fp") != NULL && field(ev, "password") == NULL) {
		rc |= put_opt(b, ev, "key_type", "key", W_CRED);
		rc |= put_opt(b, ev, "key_fp", "fp", W_URI);
	} else {
		rc |= put_str(b, " pass=");
		if ((v = field(ev, "password")) == NULL)
			v = field(ev, "pass");
		rc |= v ? put_field(b, v, W_CRED) : put_str(b, "-");
	}
	if (json_is_true(field(ev, "success")))
		rc |= put_str(b, " (in)");
	return rc ? -1 : 0;
}

/* An SSH client's identification and HASSH. */
static int
sum_hello(struct buf *b, const struct evt *ev)
{
	const json_t	*v = field(ev, "version");
	int		 rc;

	rc = v ? put_field(b, v, W_URI) : put_str(b, "-");
	rc |= put_opt(b, ev, "hassh", "hassh", W_SHORT * 2);
	return rc ? -1 : 0;
}

/* A port-forwarding request: where to. */
static int
sum_tunnel(struct buf *b, const struct evt *ev)
{
	const json_t	*v = field(ev, "type");
	int		 rc;

	rc = v ? put_field(b, v, W_SHORT) : put_str(b, "-");
	rc |= put_opt(b, ev, "host", "host", W_URL);
	rc |= put_opt(b, ev, "port", "port", W_SHORT);
	return rc ? -1 : 0;
}

static int
sum_command(struct buf *b, const struct evt *ev)
{
	const json_t	*v;

	if ((v = field(ev, "command")) == NULL && (v = field(ev, "input")) == NULL)
		return put_str(b, "$");
	if (put_str(b, "$ ") == -1)
		return -1;
	return put_field(b, v, W_CMD);
}

static int
sum_close(struct buf *b, const struct evt *ev)
{
	const json_t	*v = field(ev, "reason");
	int		 rc;

	rc = v ? put_field(b, v, W_SHORT) : put_str(b, "-");
	if ((v = field(ev, "duration_ms")) != NULL) {
		rc |= put_str(b, " ");
		rc |= put_field(b, v, W_SHORT);
		rc |= put_str(b, "ms");
	}
	rc |= put_opt(b, ev, "bytes_in", "in", W_SHORT);
	rc |= put_opt(b, ev, "bytes_out", "out", W_SHORT);
	return rc ? -1 : 0;
}

/* connect: the other end, and the SYN fingerprint's TTL, MSS, name and tool when recorded. */
static int
sum_connect(struct buf *b, const struct evt *ev)
{
	const json_t	*v;
	int		 rc;

	rc = put_str(b, "-> ");
	rc |= put_endpoint(b, ev->dst_ip, ev->dst_port, 0);
	rc |= put_opt(b, ev, "syn_ttl", "ttl", W_SHORT);
	rc |= put_opt(b, ev, "syn_mss", "mss", W_SHORT);
	rc |= put_opt(b, ev, "syn_client", "client", W_SHORT);
	if ((v = field(ev, "syn_tool")) != NULL) {
		rc |= put_str(b, " [");
		rc |= put_field(b, v, W_TOOL);
		rc |= put_str(b, "]");
	}
	return rc ? -1 : 0;
}

static int
sum_payload(struct buf *b, const struct evt *ev)
{
	const json_t	*v = field(ev, "detected");
	int		 rc;

	rc = v ? put_field(b, v, W_SHORT) : put_str(b, "-");
	rc |= buf_printf(b, " %llu bytes", (unsigned long long)ev->payload_total);
	rc |= put_opt(b, ev, "status", "status", W_SHORT);
	if (json_is_true(field(ev, "incomplete")))
		rc |= put_str(b, " (incomplete)");
	return rc ? -1 : 0;
}

static int
sum_generic(struct buf *b, const struct evt *ev)
{
	if (json_object_size(ev->fields) == 0)
		return 0;
	return put_field(b, ev->fields, W_JSON);
}

static int
evtline_sum(struct buf *b, const struct evt *ev)
{
	static const struct {
		const char	*kind;
		int		(*fn)(struct buf *, const struct evt *);
	} sums[] = {
		{ "request", sum_request }, { "download_url", sum_download },
		{ "login", sum_login }, { "command", sum_command }, { "close", sum_close },
		{ "payload", sum_payload }, { "connect", sum_connect },
		{ "hello", sum_hello }, { "tunnel", sum_tunnel },
	};
	char	 iso[40];
	size_t	 i;

	if (put_str(b, time_format_iso(ev->ts, iso, sizeof(iso))) == -1 ||
	    put_str(b, " ") == -1 || put_col(b, ev->proto, W_PROTO) == -1 ||
	    put_col(b, ev->kind, W_KIND) == -1 ||
	    put_endpoint(b, ev->src_ip, ev->src_port, W_SRC) == -1)
		return -1;
	for (i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		if (strcmp(ev->kind, sums[i].kind) == 0)
			return sums[i].fn(b, ev);
	return sum_generic(b, ev);
}

int
evtline_text(struct buf *b, const struct evt *ev)
{
	struct evt	 view;
	int		 rc;

	if (ev->fields != NULL)
		return evtline_sum(b, ev);
	/* Fields held as text (a live event rather than one read back): a parsed view of them. */
	memcpy(&view, ev, sizeof(view));
	view.fields = evt_fields_json(ev);
	rc = evtline_sum(b, &view);
	json_decref(view.fields);
	return rc;
}

int
evtline_print(FILE *fp, const struct evt *ev)
{
	struct buf	 b;
	int		 rc = 0;

	buf_init(&b, EVTLINE_MAX);
	evtline_text(&b, ev);		/* a full buffer still prints what fit */
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.len--;
	if ((b.len > 0 && fwrite(b.data, 1, b.len, fp) != b.len) || putc('\n', fp) == EOF)
		rc = -1;
	buf_free(&b);
	return rc;
}

int
evtline_print_json(FILE *fp, const struct evt *ev)
{
	json_t	*j = evt_to_json(ev, 1);
	char	*s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	int	 rc = 0;

	if (s == NULL || fputs(s, fp) == EOF || putc('\n', fp) == EOF)
		rc = -1;
	free(s);
	json_decref(j);
	return rc;
}
