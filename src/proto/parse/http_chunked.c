/* http_chunked.c - incremental decoder for chunked HTTP/1.1 request bodies (RFC 9112 7.1). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/hex.h"
#include "proto/parse/http_req.h"

#define CHUNK_MAX	((uint64_t)1 << 40)	/* largest chunk size accepted */
#define LINE_MAX_LEN	4096			/* longest size or trailer line */
#define TRAILER_MAX	HNP_MAX_HTTP_HEADER_BYTES	/* whole trailer section */

enum {
	S_SIZE0 = 0,	/* start of a chunk-size line: a hex digit must come */
	S_SIZE,		/* in the hex digits */
	S_SIZE_WS,	/* blanks after the digits */
	S_EXT,		/* chunk extensions: anything up to LF */
	S_SIZE_CR,	/* CR after the size: LF must come */
	S_DATA,		/* chunk_left data bytes to go */
	S_DATA_END,	/* CRLF or LF after the data */
	S_DATA_LF,	/* CR seen after the data: LF must come */
	S_TR0,		/* start of a trailer line (an empty one ends the body) */
	S_TR0_CR,	/* CR at the start of a trailer line */
	S_TR,		/* inside a trailer line */
	S_DONE,
	S_ERROR
};

/* Resets c for a new body. */
void
http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = S_SIZE0;
}

/* Ends the current size line: enters the data or, for the last chunk, the trailer section. */
static void
size_line_done(struct http_chunked *c, uint64_t size)
{
	c->line_len = 0;
	if (size == 0) {
		c->state = S_TR0;
		c->chunk_left = 0;	/* now counts trailer bytes */
	} else {
		c->state = S_DATA;
		c->chunk_left = size;
	}
}

/*
 * Decodes in[0..len), the body bytes from offset c->consumed on. Chunk-size lines are hex digits,
 * optional blanks and extensions after ';' (ignored), then CRLF or bare LF; sizes above 2^40 and
 * size/trailer lines longer than 4096 bytes are malformed. Stops right after the blank line that
 * ends the trailer section, so pipelined bytes after the body are left unconsumed.
 * Returns 1 done, 0 needs more, -1 malformed (and keeps returning it).
 */
int
http_chunked_feed(struct http_chunked *c, const uint8_t *in, size_t len, uint8_t *out,
    size_t outcap)
{
	size_t		 i = 0, n, room;
	uint8_t		 b;
	int		 d;

	if (out == NULL)
		outcap = 0;
	while (i < len && c->state != S_DONE && c->state != S_ERROR) {
		if (c->state == S_DATA) {
			n = len - i;
			if ((uint64_t)n > c->chunk_left)
				n = (size_t)c->chunk_left;
			room = c->out_len < outcap ? outcap - c->out_len : 0;
			if (room > n)
				room = n;
			if (room > 0) {
				memcpy(out + c->out_len, in + i, room);
				c->out_len += room;
			}
			c->dropped += n - room;
			c->chunk_left -= n;
			i += n;
			if (c->chunk_left == 0)
				c->state = S_DATA_END;
			continue;
		}
		b = in[i++];
		switch (c->state) {
		case S_SIZE0:
		case S_SIZE:
			if (++c->line_len > LINE_MAX_LEN) {
				c->state = S_ERROR;
				break;
			}
			if ((d = hex_value(b)) >= 0) {
				if (c->state == S_SIZE0)
					c->chunk_left = 0;
				c->chunk_left = c->chunk_left * 16 + (uint64_t)d;
				if (c->chunk_left > CHUNK_MAX)
					c->state = S_ERROR;
				else
					c->state = S_SIZE;
				break;
			}
			if (c->state == S_SIZE0) {
				c->state = S_ERROR;
				break;
			}
			/* FALLTHROUGH */
		case S_SIZE_WS:
			if (c->state == S_SIZE_WS && ++c->line_len > LINE_MAX_LEN)
				c->state = S_ERROR;
			else if (b == ' ' || b == '\t')
				c->state = S_SIZE_WS;
			else if (b == ';')
				c->state = S_EXT;
			else if (b == '\r')
				c->state = S_SIZE_CR;
			else if (b == '\n')
				size_line_done(c, c->chunk_left);
			else
				c->state = S_ERROR;
			break;
		case S_EXT:
			if (b == '\n')
				size_line_done(c, c->chunk_left);
			else if (++c->line_len > LINE_MAX_LEN)
				c->state = S_ERROR;
			break;
		case S_SIZE_CR:
			if (b == '\n')
				size_line_done(c, c->chunk_left);
			else
				c->state = S_ERROR;
			break;
		case S_DATA_END:
			if (b == '\r')
				c->state = S_DATA_LF;
			else if (b == '\n')
				c->state = S_SIZE0;
			else
				c->state = S_ERROR;
			break;
		case S_DATA_LF:
			c->state = b == '\n' ? S_SIZE0 : S_ERROR;
			break;
		case S_TR0:
		case S_TR0_CR:
		case S_TR:
			if (++c->chunk_left > TRAILER_MAX) {
				c->state = S_ERROR;
				break;
			}
			if (b == '\n') {
				if (c->state == S_TR0 || c->state == S_TR0_CR)
					c->state = S_DONE;
				else {
					c->state = S_TR0;
					c->line_len = 0;
				}
			} else if (++c->line_len > LINE_MAX_LEN)
				c->state = S_ERROR;
			else if (b == '\r' && c->state == S_TR0)
				c->state = S_TR0_CR;
			else
				c->state = S_TR;
			break;
		}
	}
	c->consumed += i;
	if (c->state == S_DONE)
		return 1;
	return c->state == S_ERROR ? -1 : 0;
}
