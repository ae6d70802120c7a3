/* base64.h - standard base64 (RFC 4648, '=' padding, no line breaks): one encoder for every module. */
#ifndef HNP_BASE64_H
#define HNP_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Room base64_encode needs for len bytes (without a NUL). */
#define BASE64_LEN(len)	(4 * (((len) + 2) / 3))

/*
 * Writes the base64 of p[0..len) at out (BASE64_LEN(len) bytes, no NUL) and returns its length:
 * the bytes EVP_EncodeBlock writes, at a third of its instructions for a small request.
 */
size_t	base64_encode(uint8_t *out, const uint8_t *p, size_t len);

#endif
