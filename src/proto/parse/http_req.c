/* http_req.c - tolerant HTTP/1.x request-head parser and protocol sniffer: pure, no allocation, no I/O. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/parse/http_req.h"

#define CL_MAX		((int64_t)1 << 62)	/* largest Content-Length accepted */
#define METHOD_MAX	32			/* http_sniff: longest method token */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * Case-insensitive (ASCII) equality of a span and a NUL-terminated string. Lengths first: inlined
 * with a literal, strlen is a constant, and most header names differ in length from most names
 * looked for.
 */
static inline int
span_ieq(const uint8_t *p, size_t len, const char *s)
{
	size_t	 i;

	if (len != strlen(s))
		return 0;
	for (i = 0; i < len; i++) {
		if (lower(p[i]) != lower((uint8_t)s[i]))
			return 0;
	}
	return 1;
}

static void
trim(const uint8_t **p, size_t *len)
{
	while (*len > 0 && is_blank((*p)[0])) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((*p)[*len - 1]))
		(*len)--;
}

/*
 * Splits a comma list: returns the next trimmed element of [*p, end) in *ep, *elen (possibly empty)
 * and advances *p past it and its comma. Returns 0 when the list is exhausted.
 */
static int
next_elem(const uint8_t **p, const uint8_t *end, const uint8_t **ep, size_t *elen)
{
	const uint8_t	*s = *p, *c;

	if (s == NULL)
		return 0;
	if ((c = memchr(s, ',', (size_t)(end - s))) == NULL)
		c = end;
	*ep = s;
	*elen = (size_t)(c - s);
	trim(ep, elen);
	*p = c < end ? c + 1 : NULL;
	return 1;
}

/* "HTTP/" 1*DIGIT "." 1*DIGIT, exactly. */
static int
is_version(const uint8_t *p, size_t len)
{
	size_t	 i = 5, n;

	if (len < 8 || memcmp(p, "HTTP/", 5) != 0)
		return 0;
	for (n = 0; i < len && is_digit(p[i]); i++)
		n++;
	if (n == 0 || i >= len || p[i] != '.')
		return 0;
	for (i++, n = 0; i < len && is_digit(p[i]); i++)
		n++;
	return n > 0 && i == len;
}

static void
parse_request_line(const uint8_t *p, size_t len, struct http_req *r)
{
	const uint8_t	*sp1, *sp2;
	size_t		 i;

	r->line.p = p;
	r->line.len = len;
	for (i = 0; i < len; i++) {
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f) {
			r->flags |= HTTP_F_BINARY;
			break;
		}
	}
	r->method.p = p;
	if ((sp1 = memchr(p, ' ', len)) == NULL) {
		r->method.len = len;
		r->target.p = p + len;
		r->version.p = p + len;
		r->flags |= HTTP_F_NO_VERSION;
	} else {
		r->method.len = (size_t)(sp1 - p);
		for (sp2 = p + len - 1; *sp2 != ' '; sp2--)
			;
		r->target.p = sp1 + 1;
		if (is_version(sp2 + 1, (size_t)(p + len - sp2 - 1))) {
			r->target.len = sp2 > sp1 ? (size_t)(sp2 - sp1 - 1) : 0;
			r->version.p = sp2 + 1;
			r->version.len = (size_t)(p + len - sp2 - 1);
			if (r->version.len == 8 && memcmp(r->version.p, "HTTP/1.0", 8) == 0)
				r->flags |= HTTP_F_HTTP10;
			else if (r->version.len == 8 && memcmp(r->version.p, "HTTP/1.1", 8) == 0)
				r->flags |= HTTP_F_HTTP11;
		} else {
			r->target.len = (size_t)(p + len - sp1 - 1);
			r->version.p = p + len;
			r->flags |= HTTP_F_NO_VERSION;
		}
	}
	if (r->method.len == 4 && memcmp(p, "HEAD", 4) == 0)
		r->flags |= HTTP_F_HEAD;
}

/*
 * One header line (without its line ending). An obsolete line folding (a line starting with a
 * blank) is not joined to the previous header: it is kept as a header of its own, parsed like any
 * other line (its name starts with the blank, so lookups never match it), and flagged BAD_HEADER.
 */
static void
parse_header_line(const uint8_t *p, size_t len, struct http_req *r)
{
	struct http_header	*h;
	const uint8_t		*colon;

	if (r->nheaders >= HNP_MAX_HTTP_HEADERS) {
		r->flags |= HTTP_F_TOO_MANY_HEADERS;
		return;
	}
	h = &r->headers[r->nheaders++];
	h->name.p = p;
	if (is_blank(p[0]))
		r->flags |= HTTP_F_BAD_HEADER;
	if ((colon = memchr(p, ':', len)) == NULL) {
		h->name.len = len;
		h->value.p = p + len;
		h->value.len = 0;
		r->flags |= HTTP_F_BAD_HEADER;
		return;
	}
	h->name.len = (size_t)(colon - p);
	h->value.p = colon + 1;
	h->value.len = (size_t)(p + len - colon - 1);
	trim(&h->value.p, &h->value.len);
}

/* Content-Length: 1*DIGIT, or a list of identical ones; -1 when bad. */
static int64_t
parse_length(const uint8_t *p, size_t len)
{
	const uint8_t	*cur = p, *end = p + len, *e;
	size_t		 elen, i;
	int64_t		 v, first = -1;

	while (next_elem(&cur, end, &e, &elen)) {
		if (elen == 0)
			return -1;
		for (v = 0, i = 0; i < elen; i++) {
			if (!is_digit(e[i]) || v > (CL_MAX - (e[i] - '0')) / 10)
				return -1;
			v = v * 10 + (e[i] - '0');
		}
		if (first != -1 && v != first)
			return -1;
		first = v;
	}
	return first;
}

/* Derives host, user_agent, content_length and the header flags from the parsed headers. */
static void
interpret_headers(struct http_req *r)
{
	const struct http_header	*h;
	const uint8_t			*cur, *end, *e, *last_te = NULL;
	size_t				 i, elen, last_te_len = 0;
	int				 have_cl = 0, have_te = 0, bad_cl = 0;
	int64_t				 v;

	for (i = 0; i < r->nheaders; i++) {
		h = &r->headers[i];
		if (span_ieq(h->name.p, h->name.len, "host")) {
			if (r->host.len == 0 && r->host.p == NULL)
				r->host = h->value;
		} else if (span_ieq(h->name.p, h->name.len, "user-agent")) {
			if (r->user_agent.len == 0 && r->user_agent.p == NULL)
				r->user_agent = h->value;
		} else if (span_ieq(h->name.p, h->name.len, "content-length")) {
			v = parse_length(h->value.p, h->value.len);
			if (v == -1 || (have_cl && v != r->content_length))
				bad_cl = 1;
			have_cl = 1;
			r->content_length = v;
		} else if (span_ieq(h->name.p, h->name.len, "transfer-encoding")) {
			have_te = 1;
			cur = h->value.p;
			end = h->value.p + h->value.len;
			while (next_elem(&cur, end, &e, &elen)) {
				const uint8_t	*semi;

				if ((semi = memchr(e, ';', elen)) != NULL) {
					elen = (size_t)(semi - e);
					trim(&e, &elen);
				}
				if (elen > 0) {
					last_te = e;
					last_te_len = elen;
				}
			}
		} else if (span_ieq(h->name.p, h->name.len, "connection")) {
			cur = h->value.p;
			end = h->value.p + h->value.len;
			while (next_elem(&cur, end, &e, &elen)) {
				if (span_ieq(e, elen, "close"))
					r->flags |= HTTP_F_CONN_CLOSE;
				else if (span_ieq(e, elen, "keep-alive"))
					r->flags |= HTTP_F_KEEP_ALIVE;
			}
		} else if (span_ieq(h->name.p, h->name.len, "expect")) {
			cur = h->value.p;
			end = h->value.p + h->value.len;
			while (next_elem(&cur, end, &e, &elen)) {
				if (span_ieq(e, elen, "100-continue"))
					r->flags |= HTTP_F_EXPECT_CONTINUE;
			}
		}
	}
	if (bad_cl) {
		r->content_length = -1;
		r->flags |= HTTP_F_BAD_LENGTH;
	}
	if (have_te) {
		/* RFC 9112 6.3: Transfer-Encoding overrides Content-Length. */
		r->content_length = -1;
		if (last_te != NULL && span_ieq(last_te, last_te_len, "chunked"))
			r->flags |= HTTP_F_CHUNKED;
		else
			r->flags |= HTTP_F_BAD_LENGTH;	/* body length unknowable */
	}
}

/*
 * Parses the request head at buf[0..len), looking at no more than max_head bytes.
 * DONE: out describes the head, whose out->head_len bytes include leading empty lines and the
 * blank line. MORE / TOO_BIG: out describes the complete lines seen so far (head_len 0), so an
 * oversized head can still be recorded. NOT_HTTP: the bytes start with a TLS record or an SSH
 * banner (see http_sniff); out is empty. Absent spans have length 0 and point into buf.
 */
int
http_req_parse(const uint8_t *buf, size_t len, size_t max_head, struct http_req *out)
{
	const uint8_t	*nl, *s;
	size_t		 lim = len < max_head ? len : max_head;
	size_t		 pos = 0, llen;
	const char	*kind;
	int		 have_line = 0;

	out->line.p = out->method.p = out->target.p = out->version.p = buf;
	out->line.len = out->method.len = out->target.len = out->version.len = 0;
	out->host.p = out->user_agent.p = NULL;
	out->host.len = out->user_agent.len = 0;
	out->nheaders = 0;
	out->head_len = 0;
	out->content_length = -1;
	out->flags = 0;

	kind = http_sniff(buf, lim);
	if (kind != NULL && (strcmp(kind, "tls") == 0 || strcmp(kind, "ssh") == 0)) {
		out->host.p = out->user_agent.p = buf;
		return HTTP_PARSE_NOT_HTTP;
	}

	while (pos < lim && (nl = memchr(buf + pos, '\n', lim - pos)) != NULL) {
		s = buf + pos;
		llen = (size_t)(nl - s);
		if (llen > 0 && s[llen - 1] == '\r')
			llen--;
		else
			out->flags |= HTTP_F_BARE_LF;
		pos = (size_t)(nl - buf) + 1;
		if (llen == 0) {
			if (!have_line)
				continue;	/* RFC 9112 2.2: empty lines before the request */
			out->head_len = pos;
			break;
		}
		if (!have_line) {
			parse_request_line(s, llen, out);
			have_line = 1;
		} else
			parse_header_line(s, llen, out);
	}
	interpret_headers(out);
	if (out->host.p == NULL)
		out->host.p = buf;
	if (out->user_agent.p == NULL)
		out->user_agent.p = buf;
	if (out->head_len > 0)
		return HTTP_PARSE_DONE;
	return len >= max_head ? HTTP_PARSE_TOO_BIG : HTTP_PARSE_MORE;
}

/*
 * Classifies the first bytes of a connection. Needs 3 bytes to say "tls" (record header
 * 0x16 0x03 0x00..0x04) or 4 (SSLv2 ClientHello 0x80 len 0x01 0x03), 4 for "ssh" ("SSH-"),
 * and a method token plus a space for "http"; a shorter input, even a prefix of one of these
 * (a lone 0x16), gives NULL: callers should sniff again when more bytes arrive.
 */
const char *
http_sniff(const uint8_t *buf, size_t len)
{
	size_t	 i;

	if (buf == NULL || len == 0)
		return NULL;
	if (len >= 3 && buf[0] == 0x16 && buf[1] == 0x03 && buf[2] <= 0x04)
		return "tls";
	if (len >= 4 && buf[0] == 0x80 && buf[2] == 0x01 && buf[3] == 0x03)
		return "tls";
	if (len >= 4 && memcmp(buf, "SSH-", 4) == 0)
		return "ssh";
	for (i = 0; i < len && i <= METHOD_MAX; i++) {
		if (buf[i] == ' ')
			return i > 0 ? "http" : NULL;
		if (!((buf[i] >= 'A' && buf[i] <= 'Z') || is_digit(buf[i]) ||
		    buf[i] == '-' || buf[i] == '_'))
			return NULL;
	}
	return NULL;
}

/* Case-insensitive, exact header-name lookup over the parsed headers; the first match, or NULL. */
const struct http_header *
http_req_header(const struct http_req *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nheaders && i < HNP_MAX_HTTP_HEADERS; i++) {
		if (span_ieq(r->headers[i].name.p, r->headers[i].name.len, name))
			return &r->headers[i];
	}
	return NULL;
}
