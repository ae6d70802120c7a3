/* test_http_req.c - unit tests for the HTTP request-head parser, http_sniff and the chunked decoder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto/parse/http_req.h"

#define DEF_MAX		HNP_MAX_HTTP_HEADER_BYTES
#define IN(s)		.in = (s), .inlen = sizeof(s) - 1
#define CL(n)		.has_cl = 1, .cl = (n)
#define DONE		HTTP_PARSE_DONE
#define MORE		HTTP_PARSE_MORE
#define TOO_BIG		HTTP_PARSE_TOO_BIG
#define NOT_HTTP	HTTP_PARSE_NOT_HTTP

/*
 * One parser case. Expectations are exact: flags, the number of headers, content_length (-1
 * unless has_cl), host and user_agent (empty when NULL); method/target/version are checked when
 * not NULL. head_len must be inlen - tail on DONE and 0 otherwise.
 */
struct pcase {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	size_t		 max_head;	/* 0: DEF_MAX */
	int		 rc;
	size_t		 tail;		/* bytes after the head (body, next request) */
	unsigned	 flags;
	const char	*method;
	const char	*target;
	const char	*version;
	int		 has_cl;
	int64_t		 cl;
	const char	*host;
	const char	*ua;
	size_t		 nh;
};

static const struct pcase pcases[] = {
	{ .name = "normal GET",
	  IN("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\n"
	     "Accept: */*\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "GET", .target = "/index.html", .version = "HTTP/1.1",
	  .host = "example.com", .ua = "curl/8.0", .nh = 3 },
	{ .name = "POST with body",
	  IN("POST /login HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n"
	     "Content-Type: application/x-www-form-urlencoded\r\n\r\nuser=a&pw=b"),
	  .rc = DONE, .tail = 11, .flags = HTTP_F_HTTP11, .method = "POST", .target = "/login",
	  .version = "HTTP/1.1", CL(11), .host = "h", .nh = 3 },
	{ .name = "bare LF",
	  IN("GET / HTTP/1.0\nHost: x\n\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP10 | HTTP_F_BARE_LF, .method = "GET", .target = "/",
	  .version = "HTTP/1.0", .host = "x", .nh = 1 },
	{ .name = "mixed endings CRLF LF CRLF",
	  IN("GET / HTTP/1.1\r\nHost: x\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BARE_LF, .method = "GET", .host = "x", .nh = 1 },
	{ .name = "mixed endings LF CRLF LF",
	  IN("GET / HTTP/1.1\nA: b\r\n\nNEXT"), .rc = DONE, .tail = 4,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BARE_LF, .method = "GET", .nh = 1 },
	{ .name = "missing version",
	  IN("GET /index.html\r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .method = "GET", .target = "/index.html", .version = "" },
	{ .name = "missing version, space in target",
	  IN("GET /a b\r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .method = "GET", .target = "/a b", .version = "" },
	{ .name = "space in target",
	  IN("GET /a b HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "GET", .target = "/a b", .version = "HTTP/1.1" },
	{ .name = "many spaces in target",
	  IN("GET  /a  b  HTTP/1.0\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP10,
	  .method = "GET", .target = " /a  b ", .version = "HTTP/1.0" },
	{ .name = "method only",
	  IN("GET\r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .method = "GET", .target = "", .version = "" },
	{ .name = "method and version, no target",
	  IN("GET HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "GET", .target = "", .version = "HTTP/1.1" },
	{ .name = "empty method",
	  IN(" / HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "", .target = "/", .version = "HTTP/1.1" },
	{ .name = "HTTP/2.0 version",
	  IN("GET / HTTP/2.0\r\n\r\n"), .rc = DONE, .flags = 0,
	  .method = "GET", .target = "/", .version = "HTTP/2.0" },
	{ .name = "HTTP/10.12 version",
	  IN("GET / HTTP/10.12\r\n\r\n"), .rc = DONE, .flags = 0,
	  .target = "/", .version = "HTTP/10.12" },
	{ .name = "lowercase http/ is no version",
	  IN("GET / http/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .target = "/ http/1.1", .version = "" },
	{ .name = "truncated version",
	  IN("GET / HTTP/1.\r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .target = "/ HTTP/1.", .version = "" },
	{ .name = "version with trailing junk",
	  IN("GET / HTTP/1.1x\r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .target = "/ HTTP/1.1x", .version = "" },
	{ .name = "trailing space after version",
	  IN("GET / HTTP/1.1 \r\n\r\n"), .rc = DONE, .flags = HTTP_F_NO_VERSION,
	  .method = "GET", .target = "/ HTTP/1.1 ", .version = "" },
	{ .name = "leading CRLFs skipped",
	  IN("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11, .method = "GET", .target = "/", .host = "a", .nh = 1 },
	{ .name = "leading LF and CRLF skipped",
	  IN("\n\r\nGET / HTTP/1.1\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BARE_LF, .method = "GET" },
	{ .name = "only empty lines",
	  IN("\r\n\r\n\n"), .rc = MORE, .flags = HTTP_F_BARE_LF, .method = "" },
	{ .name = "empty input", .in = "", .inlen = 0, .rc = MORE, .method = "" },
	{ .name = "method FOOBAR",
	  IN("FOOBAR /x HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "FOOBAR", .target = "/x" },
	{ .name = "lowercase get",
	  IN("get / HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "get", .target = "/" },
	{ .name = "HEAD",
	  IN("HEAD / HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_HEAD,
	  .method = "HEAD" },
	{ .name = "lowercase head is not HEAD",
	  IN("head / HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11, .method = "head" },
	{ .name = "HEADX is not HEAD",
	  IN("HEADX / HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11, .method = "HEADX" },
	{ .name = "binary garbage",
	  IN("\x01\x02\xff GET\0 x\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_BINARY | HTTP_F_NO_VERSION, .method = "\x01\x02\xff" },
	{ .name = "binary garbage without end",
	  IN("\x7f\x45\x4c\x46\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0"),
	  .rc = MORE },
	{ .name = "lone CR is a byte",
	  IN("GET /\rx HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BINARY,
	  .method = "GET", .target = "/\rx" },
	{ .name = "CR CR LF line is not empty",
	  IN("GET / HTTP/1.1\r\n\r\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BAD_HEADER, .nh = 1 },
	{ .name = "tab is not binary",
	  IN("GET\t/ HTTP/1.1\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .method = "GET\t/", .target = "" },
	{ .name = "TLS ClientHello",
	  IN("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"), .rc = NOT_HTTP },
	{ .name = "TLS 1.0 record",
	  IN("\x16\x03\x00\x00\x10"), .rc = NOT_HTTP },
	{ .name = "SSLv2 ClientHello",
	  IN("\x80\x2e\x01\x03\x01\x00\x15"), .rc = NOT_HTTP },
	{ .name = "SSH banner",
	  IN("SSH-2.0-OpenSSH_9.2p1\r\n\r\n"), .rc = NOT_HTTP },
	{ .name = "lone 0x16 waits",
	  IN("\x16"), .rc = MORE },
	{ .name = "header without colon",
	  IN("GET / HTTP/1.1\r\nHost: a\r\nGarbageLine\r\nX: y\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BAD_HEADER, .host = "a", .nh = 3 },
	{ .name = "obs-fold kept as its own line",
	  IN("GET / HTTP/1.1\r\nX-A: one\r\n two\r\nHost: h\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BAD_HEADER, .host = "h", .nh = 3 },
	{ .name = "folded Host is not Host",
	  IN("GET / HTTP/1.1\r\nX-A: one\r\n\tHost: evil\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BAD_HEADER, .nh = 2 },
	{ .name = "space before colon is kept in the name",
	  IN("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11, .nh = 1 },
	{ .name = "empty header name",
	  IN("GET / HTTP/1.1\r\n: x\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11, .nh = 1 },
	{ .name = "incomplete head",
	  IN("GET / HTTP/1.1\r\nHost: x\r\n"), .rc = MORE, .flags = HTTP_F_HTTP11,
	  .method = "GET", .target = "/", .host = "x", .nh = 1 },
	{ .name = "incomplete request line",
	  IN("GET / HTTP/1.1"), .rc = MORE, .method = "" },
	{ .name = "too big, request line still parsed",
	  IN("GET /x HTTP/1.1\r\nHost: abc\r\nX-Long: aaaaaaaaaa"), .max_head = 35,
	  .rc = TOO_BIG, .flags = HTTP_F_HTTP11, .method = "GET", .target = "/x",
	  .host = "abc", .nh = 1 },
	{ .name = "max_head 1",
	  IN("GET / HTTP/1.1\r\n\r\n"), .max_head = 1, .rc = TOO_BIG },
	/* Content-Length. */
	{ .name = "CL zero", IN("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11, CL(0), .nh = 1 },
	{ .name = "CL blanks trimmed", IN("POST / HTTP/1.1\r\nContent-Length: \t 7 \t\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, CL(7), .nh = 1 },
	{ .name = "CL leading zeros", IN("POST / HTTP/1.1\r\ncontent-length: 0000012\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, CL(12), .nh = 1 },
	{ .name = "CL non-numeric", IN("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL negative", IN("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL plus sign", IN("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL hex", IN("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL empty", IN("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL inner space", IN("POST / HTTP/1.1\r\nContent-Length: 1 0\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL 2^62 accepted",
	  IN("POST / HTTP/1.1\r\nContent-Length: 4611686018427387904\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, CL((int64_t)1 << 62), .nh = 1 },
	{ .name = "CL 2^62+1 refused",
	  IN("POST / HTTP/1.1\r\nContent-Length: 4611686018427387905\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL huge",
	  IN("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999999999\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL list of equal values", IN("POST / HTTP/1.1\r\nContent-Length: 5, 5,5\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, CL(5), .nh = 1 },
	{ .name = "CL list of different values",
	  IN("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL list with empty element", IN("POST / HTTP/1.1\r\nContent-Length: 5,\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "CL duplicate equal",
	  IN("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, CL(5), .nh = 2 },
	{ .name = "CL duplicate different",
	  IN("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 2 },
	{ .name = "CL bad then good stays bad",
	  IN("POST / HTTP/1.1\r\nContent-Length: x\r\nContent-Length: 6\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 2 },
	/* Transfer-Encoding. */
	{ .name = "chunked",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
	  .rc = DONE, .tail = 15, .flags = HTTP_F_HTTP11 | HTTP_F_CHUNKED, .nh = 1 },
	{ .name = "chunked and CL",
	  IN("POST / HTTP/1.1\r\nContent-Length: 10\r\nTransfer-Encoding: Chunked\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CHUNKED, .nh = 2 },
	{ .name = "gzip, chunked",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CHUNKED, .nh = 1 },
	{ .name = "chunked, gzip: length unknown",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 2 },
	{ .name = "two TE headers, chunked last",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CHUNKED, .nh = 2 },
	{ .name = "TE chunked with trailing comma",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding: chunked , \r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CHUNKED, .nh = 1 },
	{ .name = "TE chunkedx",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding: chunkedx\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	{ .name = "TE empty",
	  IN("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_BAD_LENGTH, .nh = 1 },
	/* Connection and Expect. */
	{ .name = "Connection close", IN("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CONN_CLOSE, .nh = 1 },
	{ .name = "Connection Keep-Alive", IN("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP10 | HTTP_F_KEEP_ALIVE, .nh = 1 },
	{ .name = "Connection list", IN("GET / HTTP/1.1\r\nConnection: Upgrade,  CLOSE \r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CONN_CLOSE, .nh = 1 },
	{ .name = "Connection both",
	  IN("GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_CONN_CLOSE | HTTP_F_KEEP_ALIVE, .nh = 2 },
	{ .name = "Connection closed is not close",
	  IN("GET / HTTP/1.1\r\nConnection: closed, keep-alivex\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, .nh = 1 },
	{ .name = "Expect 100-continue", IN("PUT / HTTP/1.1\r\nExpect: 100-Continue\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11 | HTTP_F_EXPECT_CONTINUE, .nh = 1 },
	{ .name = "Expect other", IN("PUT / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n"),
	  .rc = DONE, .flags = HTTP_F_HTTP11, .nh = 1 },
	/* Host and User-Agent. */
	{ .name = "Host and UA first occurrence, trimmed",
	  IN("GET / HTTP/1.1\r\nhOST:   a.example:8080  \r\nUSER-AGENT:\tMozilla/5.0 (X)\t\r\n"
	     "Host: b\r\nUser-Agent: other\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .host = "a.example:8080", .ua = "Mozilla/5.0 (X)", .nh = 4 },
	{ .name = "empty Host is still the first",
	  IN("GET / HTTP/1.1\r\nHost:\r\nHost: b\r\n\r\n"), .rc = DONE, .flags = HTTP_F_HTTP11,
	  .host = "", .nh = 2 },
	{ .name = "Host without value separator", IN("GET / HTTP/1.1\r\nHost\r\n\r\n"), .rc = DONE,
	  .flags = HTTP_F_HTTP11 | HTTP_F_BAD_HEADER, .nh = 1 },
};

static const uint8_t *
U(const char *s)
{
	return (const uint8_t *)s;
}

static void
assert_span(struct http_span sp, const uint8_t *base, size_t len, const char *want,
    const char *what)
{
	assert_true(sp.p != NULL || sp.len == 0);
	if (sp.len > 0) {
		assert_true(sp.p >= base);
		assert_true(sp.len <= len && (size_t)(sp.p - base) <= len - sp.len);
	}
	if (want == NULL)
		return;
	if (sp.len != strlen(want) || (sp.len > 0 && memcmp(sp.p, want, sp.len) != 0))
		fail_msg("%s: got \"%.*s\" (%zu), want \"%s\"", what, (int)sp.len,
		    sp.p ? (const char *)sp.p : "", sp.len, want);
}

/* Parses a private copy of exactly len bytes, so a read past len is caught by ASan. */
static int
parse_copy(const char *in, size_t len, size_t max_head, struct http_req *r, uint8_t **copy)
{
	*copy = malloc(len ? len : 1);
	assert_non_null(*copy);
	memcpy(*copy, in, len);
	return http_req_parse(*copy, len, max_head, r);
}

static void
test_parse_case(void **state)
{
	const struct pcase	*c = *state;
	struct http_req		*r = malloc(sizeof(*r));
	uint8_t			*buf;
	size_t			 i;
	int			 rc;

	assert_non_null(r);
	rc = parse_copy(c->in, c->inlen, c->max_head ? c->max_head : DEF_MAX, r, &buf);
	assert_int_equal(rc, c->rc);
	assert_int_equal(r->head_len, c->rc == DONE ? c->inlen - c->tail : 0);
	if (r->flags != c->flags)
		fail_msg("flags 0x%x, want 0x%x", r->flags, c->flags);
	assert_int_equal(r->nheaders, c->nh);
	assert_true(r->content_length == (c->has_cl ? c->cl : -1));
	assert_span(r->line, buf, c->inlen, NULL, "line");
	assert_span(r->method, buf, c->inlen, c->method, "method");
	assert_span(r->target, buf, c->inlen, c->target, "target");
	assert_span(r->version, buf, c->inlen, c->version, "version");
	assert_span(r->host, buf, c->inlen, c->host ? c->host : "", "host");
	assert_span(r->user_agent, buf, c->inlen, c->ua ? c->ua : "", "user_agent");
	for (i = 0; i < r->nheaders; i++) {
		assert_span(r->headers[i].name, buf, c->inlen, NULL, "name");
		assert_span(r->headers[i].value, buf, c->inlen, NULL, "value");
	}
	free(buf);
	free(r);
}

/* Two results over buffers a and b (same bytes) are equal, span offsets included. */
static void
assert_same_span(struct http_span x, const uint8_t *a, struct http_span y, const uint8_t *b)
{
	assert_int_equal(x.len, y.len);
	if (x.len > 0)
		assert_int_equal(x.p - a, y.p - b);
}

static void
assert_same_req(const struct http_req *x, const uint8_t *a, const struct http_req *y,
    const uint8_t *b)
{
	size_t	 i;

	assert_int_equal(x->head_len, y->head_len);
	assert_int_equal(x->flags, y->flags);
	assert_true(x->content_length == y->content_length);
	assert_int_equal(x->nheaders, y->nheaders);
	assert_same_span(x->line, a, y->line, b);
	assert_same_span(x->method, a, y->method, b);
	assert_same_span(x->target, a, y->target, b);
	assert_same_span(x->version, a, y->version, b);
	assert_same_span(x->host, a, y->host, b);
	assert_same_span(x->user_agent, a, y->user_agent, b);
	for (i = 0; i < x->nheaders; i++) {
		assert_same_span(x->headers[i].name, a, y->headers[i].name, b);
		assert_same_span(x->headers[i].value, a, y->headers[i].value, b);
	}
}

/* Every DONE case, fed one byte at a time: MORE until the head is complete, then the same result. */
static void
test_incremental(void **state)
{
	struct http_req	*whole = malloc(sizeof(*whole)), *part = malloc(sizeof(*part));
	uint8_t		*wb, *pb;
	size_t		 i, n, cases = 0;
	int		 rc;

	(void)state;
	assert_non_null(whole);
	assert_non_null(part);
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase	*c = &pcases[i];

		if (c->rc != DONE || c->max_head != 0)
			continue;
		cases++;
		assert_int_equal(parse_copy(c->in, c->inlen, DEF_MAX, whole, &wb), DONE);
		for (n = 0; n <= c->inlen; n++) {
			rc = parse_copy(c->in, n, DEF_MAX, part, &pb);
			if (n < whole->head_len)
				assert_int_equal(rc, MORE);
			else {
				assert_int_equal(rc, DONE);
				assert_same_req(whole, wb, part, pb);
			}
			free(pb);
		}
		free(wb);
	}
	assert_true(cases > 50);
	free(whole);
	free(part);
}

static void
test_pipelined(void **state)
{
	static const char in[] =
	    "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
	    "POST /b HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody"
	    "\r\nHEAD /c HTTP/1.0\n\n"
	    "GET /d HTTP/1.1\r\n";
	static const char *targets[] = { "/a", "/b", "/c" };
	struct http_req	 r;
	const uint8_t	*p = U(in);
	size_t		 left = sizeof(in) - 1, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(http_req_parse(p, left, DEF_MAX, &r), DONE);
		assert_span(r.target, p, left, targets[i], "target");
		assert_true(r.head_len <= left);
		p += r.head_len;
		left -= r.head_len;
		if (r.content_length > 0) {
			assert_true((size_t)r.content_length <= left);
			assert_memory_equal(p, "body", 4);
			p += r.content_length;
			left -= (size_t)r.content_length;
		}
	}
	assert_true(r.flags & HTTP_F_HEAD);
	assert_int_equal(http_req_parse(p, left, DEF_MAX, &r), MORE);
	assert_int_equal(left, strlen("GET /d HTTP/1.1\r\n"));
}

static void
test_long_method(void **state)
{
	char		 in[300];
	struct http_req	 r;
	size_t		 n;

	(void)state;
	memset(in, 'A', 200);
	memcpy(in + 200, " / HTTP/1.1\r\n\r\n", 15);
	n = 215;
	assert_int_equal(http_req_parse(U(in), n, DEF_MAX, &r), DONE);
	assert_int_equal(r.method.len, 200);
	assert_ptr_equal(r.method.p, U(in));
	assert_span(r.target, U(in), n, "/", "target");
	assert_int_equal(r.flags, HTTP_F_HTTP11);
	assert_int_equal(r.head_len, n);
	assert_null(http_sniff(U(in), n));
}

static void
test_too_many_headers(void **state)
{
	char		*in = malloc(8192);
	struct http_req	*r = malloc(sizeof(*r));
	const struct http_header *h;
	size_t		 n = 0, i;
	int		 k;

	(void)state;
	assert_non_null(in);
	assert_non_null(r);
	k = snprintf(in, 8192, "GET / HTTP/1.1\r\n");
	n = (size_t)k;
	for (i = 0; i < 150; i++) {
		k = snprintf(in + n, 8192 - n, "%s-%zu: v%zu\r\n", i == 120 ? "Host" : "X", i, i);
		n += (size_t)k;
	}
	n += (size_t)snprintf(in + n, 8192 - n, "Host: late\r\n\r\nNEXT");
	assert_int_equal(http_req_parse(U(in), n, DEF_MAX, r), DONE);
	assert_int_equal(r->head_len, n - 4);
	assert_int_equal(r->nheaders, HNP_MAX_HTTP_HEADERS);
	assert_int_equal(r->flags, HTTP_F_HTTP11 | HTTP_F_TOO_MANY_HEADERS);
	assert_int_equal(r->host.len, 0);
	assert_span(r->headers[99].name, U(in), n, "X-99", "name");
	assert_span(r->headers[99].value, U(in), n, "v99", "value");
	h = http_req_header(r, "x-0");
	assert_non_null(h);
	assert_span(h->value, U(in), n, "v0", "value");
	assert_null(http_req_header(r, "X-100"));
	free(in);
	free(r);
}

/* A head of exactly n bytes: DONE at max_head n, TOO_BIG at n - 1, MORE while short of max_head. */
static void
test_max_head_boundary(void **state)
{
	static const char in[] = "GET /boundary HTTP/1.1\r\nHost: x\r\n\r\nBODY";
	struct http_req	 r;
	uint8_t		*b;
	size_t		 n = sizeof(in) - 1 - 4;

	(void)state;
	assert_int_equal(parse_copy(in, n, n, &r, &b), DONE);
	assert_int_equal(r.head_len, n);
	free(b);
	assert_int_equal(parse_copy(in, n + 4, n, &r, &b), DONE);
	assert_int_equal(r.head_len, n);
	free(b);
	assert_int_equal(parse_copy(in, n, n - 1, &r, &b), TOO_BIG);
	assert_int_equal(r.head_len, 0);
	assert_span(r.host, b, n, "x", "host");
	free(b);
	assert_int_equal(parse_copy(in, n + 4, n - 1, &r, &b), TOO_BIG);
	free(b);
	/* One byte short of the head, below max_head: wait. */
	assert_int_equal(parse_copy(in, n - 1, n, &r, &b), MORE);
	free(b);
	assert_int_equal(parse_copy(in, n - 1, n - 1, &r, &b), TOO_BIG);
	free(b);
	assert_int_equal(parse_copy(in, n - 1, n + 100, &r, &b), MORE);
	free(b);
	assert_int_equal(parse_copy(in, 0, 0, &r, &b), TOO_BIG);
	free(b);
}

static void
test_header_lookup(void **state)
{
	static const char in[] = "GET / HTTP/1.1\r\nX-Thing: one\r\nx-thing: two\r\nHost : h\r\n"
	    "NoColon\r\n\r\n";
	struct http_req			 r;
	const struct http_header	*h;

	(void)state;
	assert_int_equal(http_req_parse(U(in), sizeof(in) - 1, DEF_MAX, &r), DONE);
	h = http_req_header(&r, "X-THING");
	assert_non_null(h);
	assert_span(h->value, U(in), sizeof(in) - 1, "one", "value");
	assert_null(http_req_header(&r, "X-Thin"));
	assert_null(http_req_header(&r, "X-Things"));
	assert_null(http_req_header(&r, "Host"));
	assert_non_null(http_req_header(&r, "host "));
	h = http_req_header(&r, "nocolon");
	assert_non_null(h);
	assert_int_equal(h->value.len, 0);
	assert_null(http_req_header(&r, ""));
}

struct scase {
	const char	*in;
	size_t		 len;
	const char	*want;
};

#define SC(s, w)	{ (s), sizeof(s) - 1, (w) }

static void
test_sniff(void **state)
{
	static const struct scase sc[] = {
		SC("GET / HTTP/1.1\r\n", "http"),
		SC("GET ", "http"),
		SC("A ", "http"),
		SC("M-SEARCH * HTTP/1.1", "http"),
		SC("PRI * HTTP/2.0", "http"),
		SC("MY_METHOD2 /", "http"),
		SC("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 /", "http"),	/* 32 chars */
		SC("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456 /", NULL),	/* 33 chars */
		SC("GET", NULL),
		SC("G", NULL),
		SC("", NULL),
		SC("get / HTTP/1.1", NULL),
		SC(" GET /", NULL),
		SC("GET\t/", NULL),
		SC("\x16", NULL),
		SC("\x16\x03", NULL),
		SC("\x16\x03\x01", "tls"),
		SC("\x16\x03\x00\x00", "tls"),
		SC("\x16\x03\x04", "tls"),
		SC("\x16\x03\x05", NULL),
		SC("\x16\x02\x01", NULL),
		SC("\x80\x2e\x01\x03\x01", "tls"),
		SC("\x80\x2e\x01", NULL),
		SC("\x80\x2e\x02\x03", NULL),
		SC("SSH-2.0-OpenSSH_9.2\r\n", "ssh"),
		SC("SSH-", "ssh"),
		SC("SSH", NULL),
		SC("\0\0\0\0", NULL),
	};
	size_t		 i;
	const char	*got;

	(void)state;
	for (i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		got = http_sniff(U(sc[i].in), sc[i].len);
		if ((got == NULL) != (sc[i].want == NULL) ||
		    (got != NULL && strcmp(got, sc[i].want) != 0))
			fail_msg("sniff case %zu: got %s, want %s", i, got ? got : "NULL",
			    sc[i].want ? sc[i].want : "NULL");
	}
	assert_null(http_sniff(NULL, 0));
}

/* Chunked decoder. */

struct ccase {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	int		 rc;
	const char	*out;		/* decoded bytes (with outcap large) */
	size_t		 tail;		/* bytes left unconsumed when rc is 1 */
	size_t		 outcap;	/* 0: large */
	uint64_t	 dropped;
};

static const struct ccase ccases[] = {
	{ "simple", IN("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), 1, "hello world", 0, 0, 0 },
	{ "extensions", IN("5;name=val;x=\"a b\"\r\nhello\r\n0;last\r\n\r\n"), 1, "hello", 0, 0, 0 },
	{ "blank before extension", IN("5 ;a=b\r\nhello\r\n0\r\n\r\n"), 1, "hello", 0, 0, 0 },
	{ "trailers", IN("5\r\nhello\r\n0\r\nX-Trailer: a\r\nY: b\r\n\r\n"), 1, "hello", 0, 0, 0 },
	{ "bare LF", IN("5\nhello\n0\nT: x\n\n"), 1, "hello", 0, 0, 0 },
	{ "mixed endings", IN("3\r\nabc\n2\ncd\r\n0\n\r\n"), 1, "abccd", 0, 0, 0 },
	{ "hex sizes", IN("A\r\n0123456789\r\n00b\r\nabcdefghijk\r\n0\r\n\r\n"), 1,
	  "0123456789abcdefghijk", 0, 0, 0 },
	{ "binary data", IN("4\r\n\r\n\0\n\r\n0\r\n\r\n"), 1, NULL, 0, 0, 0 },
	{ "only last chunk", IN("0\r\n\r\n"), 1, "", 0, 0, 0 },
	{ "data after end", IN("0\r\n\r\nGET / HTTP/1.1\r\n\r\n"), 1, "", 18, 0, 0 },
	{ "data after trailers", IN("1\r\nz\r\n0\r\nA: b\r\n\r\nXYZ"), 1, "z", 3, 0, 0 },
	{ "CR CR LF trailer line is not empty", IN("0\r\n\r\r\n\r\n"), 1, "", 0, 0, 0 },
	{ "out cap", IN("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), 1, "hell", 0, 4, 7 },
	{ "out cap exact", IN("5\r\nhello\r\n0\r\n\r\n"), 1, "hello", 0, 5, 0 },
	{ "incomplete size", IN("5"), 0, "", 0, 0, 0 },
	{ "incomplete data", IN("5\r\nhel"), 0, "hel", 0, 0, 0 },
	{ "incomplete trailers", IN("5\r\nhello\r\n0\r\nX: y\r\n"), 0, "hello", 0, 0, 0 },
	{ "2^40 is allowed", IN("10000000000\r\nabc"), 0, "abc", 0, 0, 0 },
	{ "many leading zeros", IN("000000000000000000000000000000001\r\nx\r\n0\r\n\r\n"), 1,
	  "x", 0, 0, 0 },
	{ "empty size line", IN("\r\n"), -1, "", 0, 0, 0 },
	{ "non-hex size", IN("g\r\n"), -1, "", 0, 0, 0 },
	{ "negative size", IN("-1\r\n"), -1, "", 0, 0, 0 },
	{ "0x prefix", IN("0x5\r\nhello\r\n"), -1, "", 0, 0, 0 },
	{ "leading blank", IN(" 5\r\nhello\r\n"), -1, "", 0, 0, 0 },
	{ "blank inside size", IN("5 5\r\n"), -1, "", 0, 0, 0 },
	{ "CR not followed by LF", IN("5\rXhello"), -1, "", 0, 0, 0 },
	{ "missing CRLF after data", IN("5\r\nhelloX\r\n0\r\n\r\n"), -1, "hello", 0, 0, 0 },
	{ "CR then junk after data", IN("5\r\nhello\rX"), -1, "hello", 0, 0, 0 },
	{ "overflow 2^40+1", IN("10000000001\r\n"), -1, "", 0, 0, 0 },
	{ "overflow 64 bits", IN("FFFFFFFFFFFFFFFFFFFFFFFF\r\n"), -1, "", 0, 0, 0 },
};

static void
check_chunked(const struct ccase *cc, const size_t *splits, size_t nsplits)
{
	struct http_chunked	 c;
	uint8_t			*out, *in;
	size_t			 cap = cc->outcap ? cc->outcap : 4096, avail, k;
	int			 rc = 0;

	out = malloc(cap);
	assert_non_null(out);
	http_chunked_init(&c);
	for (k = 0; k <= nsplits; k++) {
		avail = k < nsplits ? splits[k] : cc->inlen;
		if (avail < c.consumed)
			continue;
		/* a private copy of only the new bytes, so ASan catches a read past them */
		in = malloc(avail - c.consumed + 1);
		assert_non_null(in);
		memcpy(in, cc->in + c.consumed, avail - c.consumed);
		rc = http_chunked_feed(&c, in, avail - c.consumed, out, cap);
		free(in);
		if (rc != 0)
			break;
		assert_int_equal(c.consumed, avail);
	}
	if (rc != cc->rc)
		fail_msg("%s: rc %d, want %d", cc->name, rc, cc->rc);
	if (rc == 1) {
		assert_int_equal(c.consumed, cc->inlen - cc->tail);
		/* Once done, more input is not consumed. */
		assert_int_equal(http_chunked_feed(&c, U(cc->in) + c.consumed,
		    cc->inlen - c.consumed, out, cap), 1);
		assert_int_equal(c.consumed, cc->inlen - cc->tail);
	} else if (rc == 0)
		assert_int_equal(c.consumed, cc->inlen);
	else
		assert_int_equal(http_chunked_feed(&c, U("0\r\n\r\n"), 5, out, cap), -1);
	if (cc->out != NULL) {
		assert_int_equal(c.out_len, strlen(cc->out));
		assert_memory_equal(out, cc->out, c.out_len);
	} else if (rc == 1) {
		assert_int_equal(c.out_len, 4);
		assert_memory_equal(out, "\r\n\0\n", 4);
	}
	assert_true(c.dropped == cc->dropped);
	free(out);
}

static void
test_chunked_case(void **state)
{
	const struct ccase	*cc = *state;
	size_t			*splits, i, j, n;

	/* Whole. */
	check_chunked(cc, NULL, 0);
	/* One byte at a time. */
	splits = malloc((cc->inlen + 1) * sizeof(*splits));
	assert_non_null(splits);
	for (i = 0; i < cc->inlen; i++)
		splits[i] = i;
	check_chunked(cc, splits, cc->inlen);
	/* Split in two at every position, and in three at every pair. */
	for (i = 0; i <= cc->inlen; i++) {
		check_chunked(cc, &i, 1);
		for (j = i; j <= cc->inlen && cc->inlen < 64; j++) {
			splits[0] = i;
			splits[1] = j;
			check_chunked(cc, splits, 2);
		}
	}
	/* Random splits (fixed seed). */
	srand(1234);
	for (j = 0; j < 50; j++) {
		n = 0;
		for (i = 0; i < cc->inlen; i++) {
			if (rand() % 4 == 0)
				splits[n++] = i;
		}
		check_chunked(cc, splits, n);
	}
	free(splits);
}

static void
test_chunked_long_lines(void **state)
{
	struct http_chunked	 c;
	uint8_t			*in = malloc(10000), out[16];
	size_t			 i;

	(void)state;
	assert_non_null(in);
	/* Size line with a 5000-byte extension. */
	memcpy(in, "5;", 2);
	memset(in + 2, 'a', 5000);
	http_chunked_init(&c);
	assert_int_equal(http_chunked_feed(&c, in, 5002, out, sizeof(out)), -1);
	/* 4000 bytes of extension is fine. */
	memcpy(in + 4000, "\r\nhello\r\n0\r\n\r\n", 15);
	http_chunked_init(&c);
	assert_int_equal(http_chunked_feed(&c, in, 4015, out, sizeof(out)), 1);
	assert_int_equal(c.out_len, 5);
	/* Trailer line of 5000 bytes, fed in pieces. */
	memcpy(in, "0\r\nX: ", 6);
	memset(in + 6, 'b', 5000);
	http_chunked_init(&c);
	for (i = 0; i < 5006 && c.consumed == i; i += 1000) {
		size_t	 n = 5006 - i < 1000 ? 5006 - i : 1000;

		if (http_chunked_feed(&c, in + c.consumed, n, out, sizeof(out)) == -1)
			break;
	}
	assert_int_equal(http_chunked_feed(&c, in + c.consumed, 0, out, sizeof(out)), -1);
	/* Many short trailer lines, more than 64 KiB in all. */
	http_chunked_init(&c);
	assert_int_equal(http_chunked_feed(&c, U("0\r\n"), 3, out, sizeof(out)), 0);
	for (i = 0; i < 20000; i++) {
		if (http_chunked_feed(&c, U("A: b\r\n"), 6, out, sizeof(out)) != 0)
			break;
	}
	assert_true(i < 20000);
	assert_int_equal(http_chunked_feed(&c, U("\r\n"), 2, out, sizeof(out)), -1);
	/* Zero-length feed and NULL out. */
	http_chunked_init(&c);
	assert_int_equal(http_chunked_feed(&c, in, 0, NULL, 0), 0);
	assert_int_equal(http_chunked_feed(&c, U("3\r\nabc\r\n0\r\n\r\n"), 13, NULL, 0), 1);
	assert_int_equal(c.out_len, 0);
	assert_true(c.dropped == 3);
	free(in);
}

int
main(void)
{
	size_t			 np = sizeof(pcases) / sizeof(pcases[0]);
	size_t			 nc = sizeof(ccases) / sizeof(ccases[0]);
	struct CMUnitTest	*t = calloc(np + nc + 16, sizeof(*t));
	size_t			 n = 0, i;
	int			 rc;

	if (t == NULL)
		return 1;
	for (i = 0; i < np; i++) {
		t[n].name = pcases[i].name;
		t[n].test_func = test_parse_case;
		t[n++].initial_state = (void *)(uintptr_t)&pcases[i];
	}
	for (i = 0; i < nc; i++) {
		t[n].name = ccases[i].name;
		t[n].test_func = test_chunked_case;
		t[n++].initial_state = (void *)(uintptr_t)&ccases[i];
	}
#define ADD(f)	do { t[n].name = #f; t[n++].test_func = f; } while (0)
	ADD(test_incremental);
	ADD(test_pipelined);
	ADD(test_long_method);
	ADD(test_too_many_headers);
	ADD(test_max_head_boundary);
	ADD(test_header_lookup);
	ADD(test_sniff);
	ADD(test_chunked_long_lines);
#undef ADD
	rc = _cmocka_run_group_tests("http_req", t, n, NULL, NULL);
	free(t);
	return rc;
}
