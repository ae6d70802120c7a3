/* escape.h - rendering attacker bytes on a terminal: escaping, display width, column truncation. */
#ifndef HNP_ESCAPE_H
#define HNP_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"

/*
 * What esc_term keeps and what it escapes, byte by byte:
 *   printable ASCII                     kept
 *   backslash                           "\\\\" (doubled)
 *   C0 controls, DEL                    "\xHH"
 *   valid printable UTF-8               kept
 *   C1 controls U+0080..U+009F, the bidi/invisible format characters (U+200B..U+200F,
 *   U+2028..U+202E, U+2060..U+206F, U+FEFF, U+FFF9..U+FFFB)   "\xHH" for each byte
 *   bytes of invalid UTF-8 (overlong, surrogate, > U+10FFFF, cut short)   "\xHH" each
 * The result is valid UTF-8 without a single control character.
 */

/* Output bytes for n input bytes in the worst case (NUL excluded). */
#define ESC_TERM_MAX(n)	((n) * 4)

/*
 * Escapes src for a terminal into dst, writing at most dstlen - 1 bytes and never splitting an
 * escape or a character; always NUL-terminates when dstlen > 0. Returns the bytes written.
 */
size_t	esc_term(char *dst, size_t dstlen, const void *src, size_t srclen);
/*
 * Appends the escaped form of src to b. Returns 0, or -1 when b's maximum is reached (what fit,
 * up to a whole escape, was appended). No NUL is appended.
 */
int	esc_term_buf(struct buf *b, const void *src, size_t srclen);
/*
 * Escapes src like esc_term and fits it into cols terminal columns (0: no column limit): when it
 * does not fit (in columns or in dstlen - 1 bytes) it is cut at a character or escape boundary
 * and "…" is appended within the limit. Returns the columns used.
 */
size_t	esc_cell(char *dst, size_t dstlen, const void *src, size_t srclen, size_t cols);
/*
 * Display columns of UTF-8 text (East Asian wide characters 2, combining marks 0, others 1;
 * a byte of invalid UTF-8 counts 1).
 */
size_t	esc_width(const char *s);
/*
 * Copies already-safe UTF-8 text s (e.g. esc_term output, our own labels) into dst, cut to cols
 * columns with "…" appended when it does not fit (see esc_cell). Anything unsafe in s is shown
 * as '?'. Returns the columns used.
 */
size_t	esc_trunc(char *dst, size_t dstlen, const char *s, size_t cols);
/*
 * Writes safe text s to fp padded with spaces to cols columns: on the right, or on the left
 * when right_align. Text wider than cols is written whole. Returns 0, or -1 on a write error.
 */
int	esc_fput_pad(FILE *fp, const char *s, size_t cols, int right_align);

#endif
