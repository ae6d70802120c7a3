/* hex.h - hexadecimal digits: one decoder and one lower-case encoder for every module. */
#ifndef HNP_HEX_H
#define HNP_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of hex digit c (either case), or -1. */
int	hex_value(int c);
/* Writes p[0..n) as 2n lower-case hex digits and a NUL into out (2n + 1 bytes). */
void	hex_encode(const uint8_t *p, size_t n, char *out);
/* Reads exactly 2n hex digits (either case) of s, NUL-terminated, into out. 0, or -1. */
int	hex_decode(const char *s, uint8_t *out, size_t n);

#endif
