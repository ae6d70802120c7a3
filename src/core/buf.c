/* buf.c - capped byte buffer: grows by doubling up to its maximum, never past it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static int
buf_reserve(struct buf *b, size_t need)
{
	size_t	 ncap;
	uint8_t	*p;

	if (need > b->max)
		return -1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > b->max - b->len || buf_reserve(b, b->len + n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

size_t
buf_append_some(struct buf *b, const void *p, size_t n)
{
	size_t	 room = b->max - b->len;

	if (n > room)
		n = room;
	if (buf_append(b, p, n) == -1)
		return 0;
	return n;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	size_t	 room;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 > b->max - b->len ||
	    buf_reserve(b, b->len + (size_t)n + 1) == -1)
		return -1;
	room = b->cap - b->len;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, room, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

uint8_t *
buf_tail(struct buf *b, size_t want)
{
	if (want > b->max - b->len)
		want = b->max - b->len;
	if (want == 0 || buf_reserve(b, b->len + want) == -1)
		return NULL;
	return b->data + b->len;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

size_t
buf_room(const struct buf *b)
{
	return b->max - b->len;
}

size_t
fmt_int(char out[24], long long v)
{
	char			 tmp[24];
	size_t			 i = sizeof(tmp), n;
	unsigned long long	 u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--i] = '-';
	n = sizeof(tmp) - i;
	memcpy(out, tmp + i, n);
	return n;
}

int
buf_put_int(struct buf *b, long long v)
{
	char	 tmp[24];

	return buf_append(b, tmp, fmt_int(tmp, v));
}
