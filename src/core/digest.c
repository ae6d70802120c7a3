/*
 * digest.c - SHA-256 through OpenSSL's low-level interface: SHA256() and EVP_Digest() with
 * EVP_sha256() look the algorithm up in the provider on every call, which costs more than
 * hashing a few hundred bytes (and its first use maps ~1.7 MB more of libcrypto: the provider's
 * tables); the writer thread hashes every event (payload, chain leaf and link).
 */
#include <openssl/sha.h>

#include "core/digest.h"

void
digest_sha256(const void *p, size_t n, uint8_t out[DIGEST_SHA256_LEN])
{
	SHA256_CTX	 ctx;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, p, n);
	SHA256_Final(out, &ctx);
#pragma GCC diagnostic pop
}

void
digest_sha256_pair(const void *a, size_t an, const void *b, size_t bn,
    uint8_t out[DIGEST_SHA256_LEN])
{
	SHA256_CTX	 ctx;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, a, an);
	SHA256_Update(&ctx, b, bn);
	SHA256_Final(out, &ctx);
#pragma GCC diagnostic pop
}
