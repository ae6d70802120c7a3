/* buf.h - a byte buffer with a mandatory maximum; the only container for network bytes. */
#ifndef HNP_BUF_H
#define HNP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 len;	/* bytes in use */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* never grows past this */
};

/* Prepares an empty buffer that will hold at most max bytes; allocates lazily. */
void	buf_init(struct buf *b, size_t max);
/* Appends n bytes; returns 0, or -1 (and appends nothing) past max or on ENOMEM. */
int	buf_append(struct buf *b, const void *p, size_t n);
/* Appends as many of n bytes as fit under max; returns how many. */
size_t	buf_append_some(struct buf *b, const void *p, size_t n);
/* Appends a formatted string; -1 when it would pass max. */
int	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Makes room for up to want more bytes (never past max) and returns where they go; the caller
 * writes there and adds what it wrote to len. NULL on ENOMEM or when want is 0.
 */
uint8_t	*buf_tail(struct buf *b, size_t want);
/* Writes v in decimal into out (no NUL) and returns its length; snprintf costs ~600 instructions. */
size_t	fmt_int(char out[24], long long v);
/* Appends v in decimal; -1 past max. */
int	buf_put_int(struct buf *b, long long v);
/* Drops the first n bytes. */
void	buf_consume(struct buf *b, size_t n);
/* Frees the storage; the buffer may be used again after buf_init. */
void	buf_free(struct buf *b);
/* Space left under max. */
size_t	buf_room(const struct buf *b);

#endif
