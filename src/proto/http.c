/*
 * http.c - the HTTP sensor, answering as WOWHoneypot does for the same art directory (rules in
 * descending id, default pages otherwise, its header order and Server header), with its bugs fixed:
 * Content-Length in bytes, no body for HEAD, keep-alive and pipelining, every request recorded
 * (malformed, cut short, not UTF-8) with its exact bytes, and every reply sent only after its event
 * is durable.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "proto/http.h"
#include "proto/parse/http_req.h"
#include "proto/proto.h"
#include "rules/rules.h"

static const struct config_key http_config_keys[] = {
	{ "http", "listen", CFG_LIST, 0, 0, "0.0.0.0:8080", "addresses to listen on (host:port)" },
	{ "http", "rules", CFG_STR, 0, 0, "data/art",
	    "WOWHoneypot art directory (mrrules.xml, default/, huntrules.txt)" },
	{ "http", "server_header", CFG_STR, 0, 0, "Apache", "Server header of every reply" },
	{ "http", "max_header_bytes", CFG_SIZE, 256, HNP_MAX_HTTP_HEADER_BYTES,
	    HNP_STR(HNP_MAX_HTTP_HEADER_BYTES),
	    "request line and headers" },
	{ "http", "max_body_bytes", CFG_SIZE, 0, HNP_MAX_HTTP_BODY_BYTES,
	    HNP_STR(HNP_MAX_HTTP_BODY_BYTES),
	    "request body kept; a longer body is cut and the connection closed" },
	{ "http", "max_requests", CFG_INT, 1, HNP_MAX_HTTP_REQUESTS, HNP_STR(HNP_MAX_HTTP_REQUESTS),
	    "requests per connection (keep-alive)" },
	{ "http", "keepalive", CFG_BOOL, 0, 0, "true",
	    "keep connections open between requests (WOWHoneypot: false)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* Loaded once per service; replaced whole on SIGHUP. */
struct http_state {
	struct rules	*rules;
	char		*server;
	size_t		 max_head, max_body;
	unsigned	 max_requests;
	int		 keepalive;
	uint64_t	 rnd;
};

/*
 * Scratch space for one request at a time (the loop is single-threaded): reused so a request costs
 * no allocation for its rule-view URI, header block and reply; shrunk when a big one passes.
 */
static struct {
	struct buf	 uri, hdrs, reply;
	struct buf	 fields;	/* an event's fields as JSON text (jsonw) */
	int		 ready;
} http_scratch;

#define HTTP_SCRATCH_KEEP	(64 * 1024)

static void
http_scratch_reset(void)
{
	struct buf	*bufs[] = { &http_scratch.uri, &http_scratch.hdrs, &http_scratch.reply,
			    &http_scratch.fields };
	size_t		 i;

	if (!http_scratch.ready) {
		buf_init(&http_scratch.uri, HNP_MAX_HTTP_HEADER_BYTES * 3);
		buf_init(&http_scratch.hdrs, HNP_MAX_HTTP_HEADER_BYTES * 2);
		buf_init(&http_scratch.reply, HNP_MAX_PENDING_OUT);
		buf_init(&http_scratch.fields, HNP_MAX_FIELDS_JSON);
		http_scratch.ready = 1;
	}
	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
		if (bufs[i]->cap > HTTP_SCRATCH_KEEP)
			buf_free(bufs[i]);
		bufs[i]->len = 0;
	}
}


static const char *
http_reason(int status)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 206, "Partial Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
		{ 304, "Not Modified" }, { 307, "Temporary Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" },
		{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
		{ 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Unknown";
}

static uint32_t
http_random(struct http_state *st)
{
	/* xorshift64*: default-page choice only, not security. */
	st->rnd ^= st->rnd >> 12;
	st->rnd ^= st->rnd << 25;
	st->rnd ^= st->rnd >> 27;
	return (uint32_t)((st->rnd * 2685821657736338717ULL) >> 32);
}

/*
 * The rules directory of a service: its section's `rules` when set ([https] rules may be empty:
 * then [http]'s); every other key is [http]'s, so HTTPS answers as HTTP does.
 */
static const char *
http_rules_section(const struct config *cfg, const char *section)
{
	const char	*v = config_get(cfg, section, "rules");

	return v != NULL && *v != '\0' ? section : "http";
}

static int
http_load(struct http_state **out, const struct config *cfg, const char *section, char *err,
    size_t errlen)
{
	struct http_state	*st = xcalloc(1, sizeof(*st));
	const char		*rs = http_rules_section(cfg, section);
	char			 why[1024];

	if (rules_load(config_get(cfg, rs, "rules"), &st->rules, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s (from %s: [%s] rules)", why,
		    config_origin(cfg, rs, "rules"), rs);
		free(st);
		return -1;
	}
	st->server = xstrdup(config_get(cfg, "http", "server_header"));
	st->max_head = (size_t)config_int(cfg, "http", "max_header_bytes");
	st->max_body = (size_t)config_int(cfg, "http", "max_body_bytes");
	st->max_requests = (unsigned)config_int(cfg, "http", "max_requests");
	st->keepalive = config_bool(cfg, "http", "keepalive");
	if (getrandom(&st->rnd, sizeof(st->rnd), 0) != sizeof(st->rnd) || st->rnd == 0)
		st->rnd = (uint64_t)time(NULL) | 1;
	*out = st;
	return 0;
}

static void
http_state_free(struct http_state *st)
{
	if (st == NULL)
		return;
	rules_free(st->rules);
	free(st->server);
	free(st);
}

static int
http_init(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct http_state	*st;

	if (http_load(&st, cfg, svc->proto->name, err, errlen) == -1)
		return -1;
	svc->state = st;
	log_info("%s: %zu rules, %zu default pages from %s", svc->proto->name,
	    rules_count(st->rules), rules_default_count(st->rules),
	    config_get(cfg, http_rules_section(cfg, svc->proto->name), "rules"));
	return 0;
}

static int
http_reload(struct service *svc, const struct config *cfg, char *err, size_t errlen)
{
	struct http_state	*st;

	if (http_load(&st, cfg, svc->proto->name, err, errlen) == -1)
		return -1;
	http_state_free(svc->state);
	svc->state = st;
	log_info("%s: reloaded %zu rules", svc->proto->name, rules_count(st->rules));
	return 0;
}

static void
http_fini(struct service *svc)
{
	http_state_free(svc->state);
	svc->state = NULL;
}

static size_t
http_max_input(struct service *svc)
{
	struct http_state	*st = svc->state;

	return st->max_head + st->max_body;
}

/* Appends "Date: <now>\r\n" ("Fri, 27 Nov 2026 06:37:58 GMT"), formatted once per second. */
static void
http_date(struct buf *b)
{
	static char	 line[64];
	static size_t	 len;
	static time_t	 last;
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (now != last || len == 0) {
		gmtime_r(&now, &tm);
		len = strftime(line, sizeof(line), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		last = now;
	}
	buf_append(b, line, len);
}

static void
http_put(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static void
http_put_header(struct buf *b, const char *name, const char *value)
{
	http_put(b, name);
	buf_append(b, ": ", 2);
	http_put(b, value);
	buf_append(b, "\r\n", 2);
}

/* The Connection header of a reply: none (HTTP/1.1 keep-alive), close, keep-alive (HTTP/1.0). */
#define HTTP_CONN_NONE		0
#define HTTP_CONN_CLOSE		1
#define HTTP_CONN_KEEP_ALIVE	2

/*
 * Builds a reply in WOWHoneypot's header order: Date, the rule's headers, Server unless the rule
 * set one, Content-Type unless set, Content-Length (bytes), then Connection when closing.
 */
static void
http_build_reply(struct buf *b, struct http_state *st, const char *version, int status,
    const struct rule_header *hdrs, size_t nhdrs, const uint8_t *body, size_t body_len,
    int head, int conn)
{
	size_t	 i;
	int	 has_server = 0, has_type = 0;

	http_put(b, version);
	buf_append(b, " ", 1);
	buf_put_int(b, status);
	buf_append(b, " ", 1);
	http_put(b, http_reason(status));
	buf_append(b, "\r\n", 2);
	http_date(b);
	for (i = 0; i < nhdrs; i++) {
		if (strcmp(hdrs[i].name, "Server") == 0)
			has_server = 1;
		if (strcmp(hdrs[i].name, "Content-Type") == 0)
			has_type = 1;
		if (strcasecmp(hdrs[i].name, "Content-Length") == 0)
			continue;	/* we count the bytes ourselves */
		http_put_header(b, hdrs[i].name, hdrs[i].value);
	}
	if (!has_server)
		http_put_header(b, "Server", st->server);
	if (!has_type)
		http_put(b, "Content-Type: text/html\r\n");
	http_put(b, "Content-Length: ");
	buf_put_int(b, (long long)body_len);
	buf_append(b, "\r\n", 2);
	if (conn == HTTP_CONN_CLOSE)
		http_put(b, "Connection: close\r\n");
	else if (conn == HTTP_CONN_KEEP_ALIVE)
		http_put(b, "Connection: keep-alive\r\n");
	buf_append(b, "\r\n", 2);
	if (!head)
		buf_append(b, body, body_len);
}

/* Apache's page for a request it cannot parse. */
static const char http_400_body[] =
    "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
    "<title>400 Bad Request</title>\n</head><body>\n<h1>Bad Request</h1>\n"
    "<p>Your browser sent a request that this server could not understand.<br />\n</p>\n"
    "</body></html>\n";

static void
http_reply_400(struct session *s, struct http_state *st, int64_t seq)
{
	struct buf	 b;

	buf_init(&b, 4096);
	http_build_reply(&b, st, "HTTP/1.1", 400, NULL, 0, (const uint8_t *)http_400_body,
	    sizeof(http_400_body) - 1, 0, HTTP_CONN_CLOSE);
	session_reply(s, seq, b.data, b.len);
	buf_free(&b);
	session_close_after_reply(s, "bad_request");
}

/* Starts an event's fields object in the scratch buffer (which it empties). */
static void
http_fields_begin(struct jsonw *w)
{
	if (!http_scratch.ready)
		http_scratch_reset();
	http_scratch.fields.len = 0;
	jsonw_init(w, &http_scratch.fields);
	jsonw_object_begin(w);
}

/* "key": the span's bytes as a JSON string (invalid UTF-8 as U+FFFD). */
static void
http_span_field(struct jsonw *w, const char *key, struct http_span sp)
{
	jsonw_key(w, key);
	jsonw_bytes(w, sp.p, sp.len);
}

static void
http_str_field(struct jsonw *w, const char *key, const char *val)
{
	jsonw_key(w, key);
	jsonw_str(w, val);
}

static void
http_int_field(struct jsonw *w, const char *key, int64_t val)
{
	jsonw_key(w, key);
	jsonw_int(w, val);
}

/* The target as WOWHoneypot's rules see it: spaces as %20, '"' as %22. */
static void
http_rule_uri(struct buf *b, struct http_span t)
{
	size_t	 i;

	for (i = 0; i < t.len; i++) {
		if (t.p[i] == ' ')
			buf_append(b, "%20", 3);
		else if (t.p[i] == '"')
			buf_append(b, "%22", 3);
		else
			buf_append(b, t.p + i, 1);
	}
}

struct http_hunt_arg {
	struct session	*s;
	const char	*request_id;
	int64_t		 last_seq;
};

static void
http_hunt_cb(void *arg, const char *tool, const char *url, size_t url_len)
{
	struct http_hunt_arg	*ha = arg;
	struct jsonw		 w;
	int64_t			 seq;

	http_fields_begin(&w);
	jsonw_key(&w, "url");
	jsonw_bytes(&w, url, url_len);
	http_str_field(&w, "tool", tool);
	http_str_field(&w, "request", ha->request_id);
	jsonw_object_end(&w);
	seq = session_emit(ha->s, session_evt_text(ha->s, "download_url", &w));
	if (seq > ha->last_seq)
		ha->last_seq = seq;
}

/* "flags": the names of the flags set, when any is. */
static void
http_flags_field(struct jsonw *w, unsigned flags)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ HTTP_F_BARE_LF, "bare_lf" }, { HTTP_F_NO_VERSION, "no_version" },
		{ HTTP_F_CHUNKED, "chunked" }, { HTTP_F_BAD_LENGTH, "bad_length" },
		{ HTTP_F_TOO_MANY_HEADERS, "too_many_headers" },
		{ HTTP_F_BAD_HEADER, "bad_header" }, { HTTP_F_BINARY, "binary" },
		{ HTTP_F_EXPECT_CONTINUE, "expect_continue" },
	};
	size_t	 i;
	int	 any = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		if (!any) {
			jsonw_key(w, "flags");
			jsonw_array_begin(w);
			any = 1;
		}
		jsonw_str(w, names[i].name);
	}
	if (any)
		jsonw_array_end(w);
}

/* The path part of a target (before '?'), for rankings. */
static struct http_span
http_path(struct http_span t)
{
	const uint8_t	*q = memchr(t.p, '?', t.len);

	if (q != NULL)
		t.len = (size_t)(q - t.p);
	return t;
}

/*
 * Records and answers one request whose raw bytes are in[0..raw_len): head parsed into r, body
 * (decoded) in body[0..body_len). truncated: the body was cut at the cap (or why != NULL: the
 * connection ended before the request was complete, so nothing is answered).
 */
static void
http_handle(struct session *s, struct http_ctx *c, struct http_state *st,
    const struct http_req *r, const uint8_t *raw, size_t raw_len, uint64_t raw_total,
    const uint8_t *body, size_t body_len, int truncated, const char *why)
{
	struct rules_request		 mr;
	const struct rule_response	*resp = NULL;
	struct buf			*uri = &http_scratch.uri, *hdrs = &http_scratch.hdrs;
	struct buf			*reply = &http_scratch.reply;
	struct jsonw			 w;
	struct evt			*ev;
	struct http_hunt_arg		 hunt;
	const uint8_t			*nul;
	size_t				 i, vl;
	int64_t				 seq;
	int				 bad, closing, status, conn;
	char				 version[16], reqid[ULID_LEN + 1];

	bad = (r->flags & (HTTP_F_NO_VERSION | HTTP_F_BINARY)) != 0;
	c->nrequests++;
	http_scratch_reset();
	http_rule_uri(uri, r->target);
	for (i = 0; i < r->nheaders; i++) {
		if (i > 0)
			buf_append(hdrs, "\n", 1);
		buf_append(hdrs, r->headers[i].name.p, r->headers[i].name.len);
		buf_append(hdrs, ": ", 2);
		buf_append(hdrs, r->headers[i].value.p, r->headers[i].value.len);
	}
	if (!bad && why == NULL) {
		memset(&mr, 0, sizeof(mr));
		mr.method = r->method.p;
		mr.method_len = r->method.len;
		mr.uri = uri->data ? uri->data : (const uint8_t *)"";
		mr.uri_len = uri->len;
		mr.headers = hdrs->data ? hdrs->data : (const uint8_t *)"";
		mr.headers_len = hdrs->len;
		mr.body = body;
		mr.body_len = body_len;
		mr.has_body = body_len > 0 || (r->flags & HTTP_F_CHUNKED);
		resp = rules_match(st->rules, &mr);
		if (resp == NULL)
			resp = rules_default(st->rules, http_random(st));
	}
	status = bad ? 400 : resp ? resp->status : 200;
	closing = bad || truncated || !st->keepalive || c->nrequests >= st->max_requests ||
	    (r->flags & (HTTP_F_CONN_CLOSE | HTTP_F_BAD_LENGTH)) ||
	    ((r->flags & HTTP_F_HTTP10) && !(r->flags & HTTP_F_KEEP_ALIVE)) ||
	    !(r->flags & (HTTP_F_HTTP10 | HTTP_F_HTTP11));

	http_fields_begin(&w);
	http_span_field(&w, "method", r->method);
	http_span_field(&w, "uri", r->target);
	http_span_field(&w, "path", http_path(r->target));
	http_span_field(&w, "version", r->version);
	if (r->host.len)
		http_span_field(&w, "host", r->host);
	if (r->user_agent.len)
		http_span_field(&w, "user_agent", r->user_agent);
	http_int_field(&w, "headers", (int64_t)r->nheaders);
	http_int_field(&w, "body_len", (int64_t)body_len);
	http_flags_field(&w, r->flags);
	if (why != NULL)
		http_str_field(&w, "incomplete", why);
	else {
		http_int_field(&w, "status", status);
		if (resp != NULL && resp->id != 0) {
			http_int_field(&w, "rule", resp->id);
			if (resp->note)
				http_str_field(&w, "rule_note", resp->note);
		} else if (resp != NULL && resp->note)
			http_str_field(&w, "page", resp->note);
	}
	if (truncated) {
		jsonw_key(&w, "truncated");
		jsonw_bool(&w, 1);
	}
	session_put_fields(s, &w);	/* the connection's fingerprints (TLS) */
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "request", &w, raw, raw_len, raw_total);
	memcpy(reqid, ev->id, sizeof(reqid));
	hunt.s = s;
	hunt.request_id = reqid;
	seq = session_emit(s, ev);
	hunt.last_seq = seq;
	if (seq >= 0)
		rules_hunt(st->rules, raw, raw_len, http_hunt_cb, &hunt);
	if (why != NULL)
		return;		/* cut short: recorded, nobody to answer */
	if (bad) {
		http_reply_400(s, st, hunt.last_seq);
		return;
	}
	/* The request's version (up to a NUL, at most 15 bytes), or HTTP/1.1. */
	vl = r->flags & (HTTP_F_HTTP10 | HTTP_F_HTTP11) ? r->version.len : 0;
	if (vl > sizeof(version) - 1)
		vl = sizeof(version) - 1;
	if (vl > 0 && (nul = memchr(r->version.p, '\0', vl)) != NULL)
		vl = (size_t)(nul - r->version.p);
	if (vl == 0) {
		memcpy(version, "HTTP/1.1", 9);
	} else {
		memcpy(version, r->version.p, vl);
		version[vl] = '\0';
	}
	conn = closing ? HTTP_CONN_CLOSE : (r->flags & HTTP_F_HTTP10) ? HTTP_CONN_KEEP_ALIVE :
	    HTTP_CONN_NONE;
	if (resp != NULL)
		http_build_reply(reply, st, version, status, resp->headers, resp->nheaders,
		    resp->body, resp->body_len, (r->flags & HTTP_F_HEAD) != 0, conn);
	else
		http_build_reply(reply, st, version, 200, NULL, 0, (const uint8_t *)"", 0,
		    (r->flags & HTTP_F_HEAD) != 0, conn);
	session_reply(s, hunt.last_seq, reply->data, reply->len);
	if (closing)
		session_close_after_reply(s, "done");
}

/* Records bytes that are not an HTTP request (TLS on the plain port, garbage) and answers 400. */
static void
http_not_http(struct session *s, struct http_state *st, const uint8_t *in, size_t len,
    const char *why)
{
	const char	*kind = http_sniff(in, len);
	struct jsonw	 w;
	struct evt	*ev;
	int64_t		 seq;

	http_fields_begin(&w);
	http_str_field(&w, "detected", kind ? kind : "unknown");
	if (why != NULL)
		http_str_field(&w, "incomplete", why);
	else
		http_int_field(&w, "status", 400);
	jsonw_object_end(&w);
	ev = session_evt_payload(s, "payload", &w, in, len, len);
	seq = session_emit(s, ev);
	if (why == NULL || strcmp(why, "oversize") == 0)
		http_reply_400(s, st, seq);
}

static void
http_reset(struct http_ctx *c)
{
	c->have_head = 0;
	c->scan_from = 0;
	c->head_len = 0;
	c->content_length = -1;
	c->flags = 0;
	c->sent_continue = 0;
	buf_free(&c->body);
}

/* Where the head ends (just past the blank line), searching from c->scan_from; 0 if not yet. */
static size_t
http_find_head_end(struct http_ctx *c, const uint8_t *in, size_t len)
{
	size_t	 i = c->scan_from > 3 ? c->scan_from - 3 : 0;

	/* Skip leading blank lines as the parser does. */
	for (; i < len; i++) {
		if (in[i] != '\n')
			continue;
		if (i + 1 < len && in[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n')
			return i + 3;
	}
	c->scan_from = len;
	return 0;
}

static ssize_t
http_on_read(struct session *s, void *vctx, const uint8_t *in, size_t len)
{
	struct http_ctx		*c = vctx;
	struct http_state	*st = session_service(s)->state;
	struct http_req		 r;
	const char		*sniff;
	size_t			 need, body_have;
	int			 rc, parsed = 0;	/* r holds this call's parse of the head */

	if (!c->have_head) {
		/* Bytes that can't be HTTP: wait for the whole TLS record, then record it. */
		sniff = http_sniff(in, len);
		if (sniff != NULL && strcmp(sniff, "tls") == 0 && in[0] == 0x16) {
			need = len >= 5 ? 5 + (((size_t)in[3] << 8) | in[4]) : 5;
			if (len < need)
				return 0;
			http_not_http(s, st, in, len, NULL);	/* the record and whatever followed */
			return (ssize_t)len;
		}
		if (http_find_head_end(c, in, len) == 0 && len < st->max_head)
			return 0;
		rc = http_req_parse(in, len, st->max_head, &r);
		if (rc == HTTP_PARSE_MORE)
			return 0;
		if (rc == HTTP_PARSE_TOO_BIG) {
			http_not_http(s, st, in, len < st->max_head ? len : st->max_head,
			    "oversize");
			return (ssize_t)len;
		}
		if (rc == HTTP_PARSE_NOT_HTTP) {
			http_not_http(s, st, in, len, NULL);
			return (ssize_t)len;
		}
		c->have_head = 1;
		parsed = 1;
		c->head_len = r.head_len;
		c->content_length = r.content_length;
		c->flags = r.flags;
		if (c->flags & HTTP_F_CHUNKED) {
			http_chunked_init(&c->chunked);
			buf_init(&c->body, st->max_body);
		}
	}
	body_have = len - c->head_len;
	/* RFC 9110 10.1.1: an HTTP/1.0 request's expectation is ignored, as Apache does. */
	if ((c->flags & HTTP_F_EXPECT_CONTINUE) && (c->flags & HTTP_F_HTTP11) &&
	    !c->sent_continue && body_have == 0 &&
	    (c->content_length > 0 || (c->flags & HTTP_F_CHUNKED))) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

		c->sent_continue = 1;
		session_reply(s, 0, cont, sizeof(cont) - 1);
	}
	if (c->flags & HTTP_F_CHUNKED) {
		size_t	 before = c->chunked.consumed;
		uint8_t	*out;
		size_t	 want;
		int	 cut;

		/*
		 * The decoder writes into body's storage. Decoded bytes never outnumber the input,
		 * so room for what came in (up to max_body) is enough: memory grows with the bytes
		 * an attacker actually sends, not with the cap.
		 */
		want = c->body.len + (body_have - before);
		if (want > st->max_body)
			want = st->max_body;
		if (c->body.cap < want) {
			size_t	 ncap = c->body.cap ? c->body.cap : 1024;

			while (ncap < want)
				ncap = ncap > st->max_body / 2 ? st->max_body : ncap * 2;
			if ((out = realloc(c->body.data, ncap)) == NULL)
				return -1;
			c->body.data = out;
			c->body.cap = ncap;
		}
		rc = http_chunked_feed(&c->chunked, in + c->head_len + before,
		    body_have - before, c->body.data, c->body.cap);
		c->body.len = c->chunked.out_len;
		if (rc == 0 && c->chunked.dropped == 0 && len < st->max_head + st->max_body)
			return 0;
		if (!parsed)
			http_req_parse(in, c->head_len, c->head_len, &r);
		need = c->head_len + c->chunked.consumed;
		cut = rc != 1 || c->chunked.dropped > 0;
		/* A cut body keeps as many raw bytes as a cut Content-Length body would. */
		http_handle(s, c, st, &r, in,
		    cut && need > c->head_len + st->max_body ? c->head_len + st->max_body : need,
		    need, c->body.data, c->body.len, cut, NULL);
		if (rc == -1)
			session_close_after_reply(s, "bad_chunked");
	} else {
		uint64_t	 cl = c->content_length > 0 ? (uint64_t)c->content_length : 0;
		int		 cut = cl > st->max_body;
		size_t		 want = cut ? st->max_body : (size_t)cl;

		if (body_have < want)
			return 0;
		if (!parsed)
			http_req_parse(in, c->head_len, c->head_len, &r);
		need = c->head_len + want;
		http_handle(s, c, st, &r, in, need, c->head_len + cl, in + c->head_len, want,
		    cut, NULL);
	}
	http_reset(c);
	return (ssize_t)need;
}

static void
http_on_incomplete(struct session *s, void *vctx, const uint8_t *in, size_t len,
    const char *why)
{
	struct http_ctx		*c = vctx;
	struct http_state	*st = session_service(s)->state;
	struct http_req		 r;

	if (c->have_head && http_req_parse(in, c->head_len, c->head_len, &r) ==
	    HTTP_PARSE_DONE) {
		size_t	 body = len - c->head_len;

		http_handle(s, c, st, &r, in, len, len,
		    (c->flags & HTTP_F_CHUNKED) ? c->body.data : in + c->head_len,
		    (c->flags & HTTP_F_CHUNKED) ? c->body.len : body, 1, why);
	} else if (!c->have_head && http_req_parse(in, len, st->max_head, &r) ==
	    HTTP_PARSE_DONE) {
		/* A whole head nobody will answer (pipelined past the limit, ...). */
		http_handle(s, c, st, &r, in, len, len, in + r.head_len, len - r.head_len, 0,
		    why);
	} else
		http_not_http(s, st, in, len, why);
	http_reset(c);
}

static void
http_on_close(struct session *s, void *vctx)
{
	http_reset(vctx);
}

const struct proto proto_http = {
	.name = "http",
	.default_listen = "0.0.0.0:8080",
	.config_keys = http_config_keys,
	.ctx_size = sizeof(struct http_ctx),
	.init = http_init,
	.reload = http_reload,
	.fini = http_fini,
	.on_read = http_on_read,
	.on_incomplete = http_on_incomplete,
	.on_close = http_on_close,
	.max_input = http_max_input,
};
