/* fuzz_http_req.c - libFuzzer target: HTTP request-head parser, http_sniff and chunked decoder invariants. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parse/http_req.h"

#include "fuzz_check.h"

static struct http_req	r1, r2;

/* The span lies within base[0..lim). */
static void
check_span(struct http_span s, const uint8_t *base, size_t lim)
{
	if (s.len == 0)
		return;
	CHECK(s.p != NULL && s.p >= base);
	CHECK(s.len <= lim && (size_t)(s.p - base) <= lim - s.len);
}

static void
same_span(struct http_span a, struct http_span b, const uint8_t *ba, const uint8_t *bb)
{
	CHECK(a.len == b.len);
	if (a.len > 0)
		CHECK(a.p - ba == b.p - bb);
}

static void
same_req(const struct http_req *a, const struct http_req *b, const uint8_t *ba, const uint8_t *bb)
{
	size_t	 i;

	CHECK(a->head_len == b->head_len);
	CHECK(a->flags == b->flags);
	CHECK(a->content_length == b->content_length);
	CHECK(a->nheaders == b->nheaders);
	same_span(a->line, b->line, ba, bb);
	same_span(a->method, b->method, ba, bb);
	same_span(a->target, b->target, ba, bb);
	same_span(a->version, b->version, ba, bb);
	same_span(a->host, b->host, ba, bb);
	same_span(a->user_agent, b->user_agent, ba, bb);
	for (i = 0; i < a->nheaders; i++) {
		same_span(a->headers[i].name, b->headers[i].name, ba, bb);
		same_span(a->headers[i].value, b->headers[i].value, ba, bb);
	}
}

static void
check_parse(const uint8_t *data, size_t size, size_t max_head)
{
	size_t			 lim = size < max_head ? size : max_head, i;
	const struct http_header *h;
	const char		*sniff;
	uint8_t			*copy;
	int			 rc, rc2;

	rc = http_req_parse(data, size, max_head, &r1);
	CHECK(rc == HTTP_PARSE_DONE || rc == HTTP_PARSE_MORE || rc == HTTP_PARSE_TOO_BIG ||
	    rc == HTTP_PARSE_NOT_HTTP);
	if (rc == HTTP_PARSE_DONE) {
		CHECK(r1.head_len > 0 && r1.head_len <= lim);
		CHECK(data[r1.head_len - 1] == '\n');
	} else
		CHECK(r1.head_len == 0);
	if (rc == HTTP_PARSE_MORE)
		CHECK(size < max_head);
	if (rc == HTTP_PARSE_TOO_BIG)
		CHECK(size >= max_head);
	sniff = http_sniff(data, lim);
	CHECK((rc == HTTP_PARSE_NOT_HTTP) == (sniff != NULL && strcmp(sniff, "http") != 0));
	CHECK(r1.nheaders <= HNP_MAX_HTTP_HEADERS);
	if (r1.flags & HTTP_F_TOO_MANY_HEADERS)
		CHECK(r1.nheaders == HNP_MAX_HTTP_HEADERS);
	if (r1.flags & HTTP_F_CHUNKED)
		CHECK(r1.content_length == -1);
	if (r1.flags & HTTP_F_BAD_LENGTH)
		CHECK(r1.content_length == -1);
	CHECK(r1.content_length >= -1 && r1.content_length <= ((int64_t)1 << 62));
	CHECK((r1.flags & (HTTP_F_HTTP10 | HTTP_F_HTTP11)) != (HTTP_F_HTTP10 | HTTP_F_HTTP11));
	if (r1.flags & HTTP_F_NO_VERSION)
		CHECK(r1.version.len == 0);
	check_span(r1.line, data, lim);
	check_span(r1.method, data, lim);
	check_span(r1.target, data, lim);
	check_span(r1.version, data, lim);
	check_span(r1.host, data, lim);
	check_span(r1.user_agent, data, lim);
	if (r1.line.len > 0) {
		CHECK(r1.method.p == r1.line.p && r1.method.len <= r1.line.len);
		CHECK(r1.target.len + r1.version.len <= r1.line.len);
	}
	for (i = 0; i < r1.nheaders; i++) {
		check_span(r1.headers[i].name, data, lim);
		check_span(r1.headers[i].value, data, lim);
		if (r1.headers[i].name.len < 64 && memchr(r1.headers[i].name.p, '\0',
		    r1.headers[i].name.len) == NULL) {
			char	 name[64];

			memcpy(name, r1.headers[i].name.p, r1.headers[i].name.len);
			name[r1.headers[i].name.len] = '\0';
			h = http_req_header(&r1, name);
			CHECK(h != NULL && h <= &r1.headers[i]);
		}
	}

	/* Determinism, on the same buffer and on a copy at another address. */
	rc2 = http_req_parse(data, size, max_head, &r2);
	CHECK(rc2 == rc);
	same_req(&r1, &r2, data, data);
	if ((copy = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	rc2 = http_req_parse(copy, size, max_head, &r2);
	CHECK(rc2 == rc);
	same_req(&r1, &r2, data, copy);
	free(copy);

	/* A complete head is self-contained: its bytes alone parse the same, one byte less is MORE. */
	if (rc == HTTP_PARSE_DONE) {
		size_t	 hl = r1.head_len;

		CHECK(http_req_parse(data, hl, max_head, &r2) == HTTP_PARSE_DONE);
		same_req(&r1, &r2, data, data);
		CHECK(http_req_parse(data, hl - 1, max_head, &r2) == HTTP_PARSE_MORE);
	}
}

struct chunk_result {
	int		 rc;
	size_t		 consumed;
	size_t		 out_len;
	uint64_t	 dropped;
};

/* Feeds data[0..size) to a fresh decoder in pieces ending at cuts[0..ncuts), then the rest. */
static struct chunk_result
run_chunked(const uint8_t *data, size_t size, const size_t *cuts, size_t ncuts, uint8_t *out,
    size_t outcap)
{
	struct http_chunked	 c;
	struct chunk_result	 res;
	size_t			 k, avail, before;
	int			 rc = 0;

	http_chunked_init(&c);
	for (k = 0; k <= ncuts; k++) {
		avail = k < ncuts ? cuts[k] : size;
		if (avail < c.consumed)
			continue;
		before = c.consumed;
		rc = http_chunked_feed(&c, data + c.consumed, avail - c.consumed, out, outcap);
		CHECK(c.consumed >= before && c.consumed <= avail);
		CHECK(c.out_len <= outcap);
		CHECK(c.out_len + c.dropped <= c.consumed);
		if (rc != 0)
			break;
		CHECK(c.consumed == avail);
	}
	res.rc = rc;
	res.consumed = c.consumed;
	res.out_len = c.out_len;
	res.dropped = c.dropped;
	return res;
}

static void
check_chunked(const uint8_t *data, size_t size)
{
	static uint8_t		 out1[4096], out2[4096];
	struct chunk_result	 a, b;
	size_t			 cut, outcap, i, *cuts;

	outcap = size > 0 ? (size_t)data[size - 1] * 16 : 0;
	if (outcap > sizeof(out1))
		outcap = sizeof(out1);
	cut = size > 1 ? ((size_t)data[0] << 8 | data[1]) % (size + 1) : 0;

	a = run_chunked(data, size, NULL, 0, out1, outcap);
	CHECK(a.rc >= -1 && a.rc <= 1);
	if (a.rc == 0)
		CHECK(a.consumed == size);
	b = run_chunked(data, size, &cut, 1, out2, outcap);
	CHECK(a.rc == b.rc && a.consumed == b.consumed && a.out_len == b.out_len &&
	    a.dropped == b.dropped);
	CHECK(memcmp(out1, out2, a.out_len) == 0);

	/* One byte at a time, for small inputs. */
	if (size <= 512 && (cuts = malloc((size + 1) * sizeof(*cuts))) != NULL) {
		for (i = 0; i < size; i++)
			cuts[i] = i;
		b = run_chunked(data, size, cuts, size, out2, outcap);
		CHECK(a.rc == b.rc && a.consumed == b.consumed && a.out_len == b.out_len &&
		    a.dropped == b.dropped);
		CHECK(memcmp(out1, out2, a.out_len) == 0);
		free(cuts);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 maxes[] = { 1, 4, 17, 64, 300, 4096, HNP_MAX_HTTP_HEADER_BYTES };
	size_t			 i;

	for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++)
		check_parse(data, size, maxes[i]);
	check_parse(data, size, size);
	check_parse(data, size, size + 1);
	if (size > 2)
		check_parse(data, size, size / 2);
	check_chunked(data, size);
	/* The body after a head, as the sensor would decode it. */
	if (http_req_parse(data, size, HNP_MAX_HTTP_HEADER_BYTES, &r1) == HTTP_PARSE_DONE)
		check_chunked(data + r1.head_len, size - r1.head_len);
	return 0;
}
