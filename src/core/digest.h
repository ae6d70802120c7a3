/* digest.h - SHA-256 of a buffer without OpenSSL 3's per-call provider lookup. */
#ifndef HNP_DIGEST_H
#define HNP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_LEN	32

/* out = SHA-256(p[0..n)). Safe from any thread. */
void	digest_sha256(const void *p, size_t n, uint8_t out[DIGEST_SHA256_LEN]);
/* out = SHA-256(a[0..an) || b[0..bn)). */
void	digest_sha256_pair(const void *a, size_t an, const void *b, size_t bn,
	    uint8_t out[DIGEST_SHA256_LEN]);

#endif
