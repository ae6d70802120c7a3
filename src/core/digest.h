/* digest.h - SHA-256 of a buffer without OpenSSL 3's per-call provider lookup. */
#ifndef HNP_DIGEST_H
#define HNP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_LEN	32

/* out = SHA-256(p[0..n)). Safe from any thread. */
void	digest_sha256(const void *p, size_t n, uint8_t out[DIGEST_SHA256_LEN]);

#endif
