/* http_req.h - pure HTTP/1.x request-head parser and chunked-body decoder: bytes in, spans out, no I/O. */
#ifndef HNP_HTTP_REQ_H
#define HNP_HTTP_REQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/limits.h"

struct http_span {
	const uint8_t	*p;	/* points into the caller's buffer */
	size_t		 len;
};

struct http_header {
	struct http_span	 name;
	struct http_span	 value;		/* leading/trailing blanks trimmed */
};

/* flags */
#define HTTP_F_BARE_LF		0x0001	/* a line ended in LF without CR */
#define HTTP_F_NO_VERSION	0x0002	/* request line has no HTTP/x.y at its end */
#define HTTP_F_HTTP10		0x0004
#define HTTP_F_HTTP11		0x0008
#define HTTP_F_CHUNKED		0x0010	/* Transfer-Encoding: chunked */
#define HTTP_F_BAD_LENGTH	0x0020	/* Content-Length not a number, negative or conflicting */
#define HTTP_F_CONN_CLOSE	0x0040	/* Connection: close */
#define HTTP_F_KEEP_ALIVE	0x0080	/* Connection: keep-alive */
#define HTTP_F_TOO_MANY_HEADERS	0x0100	/* lines past HNP_MAX_HTTP_HEADERS were not parsed */
#define HTTP_F_BAD_HEADER	0x0200	/* a header line without ':' (kept, empty value) */
#define HTTP_F_BINARY		0x0400	/* NUL or control bytes in the request line */
#define HTTP_F_EXPECT_CONTINUE	0x0800	/* Expect: 100-continue */
#define HTTP_F_HEAD		0x1000	/* method is HEAD */

struct http_req {
	struct http_span	 line;		/* request line without its line ending */
	struct http_span	 method;	/* up to the first space (whole line if none) */
	struct http_span	 target;	/* between the first and the last space (to the end
						   of the line when there is no version) */
	struct http_span	 version;	/* after the last space, when it looks like HTTP/x.y */
	struct http_header	 headers[HNP_MAX_HTTP_HEADERS];
	size_t			 nheaders;
	struct http_span	 host;		/* Host header value, empty when absent */
	struct http_span	 user_agent;	/* User-Agent header value, empty when absent */
	size_t			 head_len;	/* bytes up to and including the blank line */
	int64_t			 content_length;	/* -1 when absent or bad */
	unsigned		 flags;		/* HTTP_F_* */
};

/* http_req_parse results */
#define HTTP_PARSE_DONE		1	/* out describes a complete head of out->head_len bytes */
#define HTTP_PARSE_MORE		0	/* no blank line yet within max_head bytes */
#define HTTP_PARSE_TOO_BIG	(-1)	/* max_head bytes and still no end of head */
#define HTTP_PARSE_NOT_HTTP	(-2)	/* not an HTTP request (a TLS record, ...): see http_sniff */

/*
 * Parses the request head at buf[0..len). Tolerant: bare LF, a missing version, any method,
 * empty lines before the request line (skipped, counted in head_len), header lines without ':'.
 * Never reads past len; out's spans point into buf.
 */
int	http_req_parse(const uint8_t *buf, size_t len, size_t max_head, struct http_req *out);

/* What the first bytes of a connection look like: "tls", "ssh", "http", or NULL (unknown). */
const char *http_sniff(const uint8_t *buf, size_t len);

/* Case-insensitive header lookup; the first match, or NULL. */
const struct http_header *http_req_header(const struct http_req *r, const char *name);

/*
 * Incremental chunked-body decoder. Call http_chunked_feed with in = the body bytes (those after
 * the head) from offset c->consumed on, as they arrive; it advances c->consumed. Decoded data is
 * appended to out at c->out_len (at most outcap in total: the rest is counted in dropped, not stored).
 * out must be the same buffer on every call.
 */
struct http_chunked {
	int		 state;		/* private */
	uint64_t	 chunk_left;	/* private */
	size_t		 line_len;	/* private: bytes of the current size/trailer line */
	size_t		 consumed;	/* input bytes used so far */
	size_t		 out_len;	/* decoded bytes stored in out */
	uint64_t	 dropped;	/* decoded bytes past outcap */
};
void	http_chunked_init(struct http_chunked *c);
/* Returns 1 when the last chunk and trailers are complete, 0 need more, -1 malformed. */
int	http_chunked_feed(struct http_chunked *c, const uint8_t *in, size_t len, uint8_t *out,
	    size_t outcap);

#endif
