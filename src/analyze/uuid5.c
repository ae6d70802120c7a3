/* uuid5.c - SHA-1 of namespace and name, version and variant bits set (RFC 9562 5.5). */
#include <stdio.h>

#include <openssl/evp.h>

#include "analyze/uuid5.h"

const uint8_t uuid5_ns_stix_sco[16] = {
	0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
	0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
};

const uint8_t uuid5_ns_hanipo[16] = {
	0xe6, 0x21, 0x18, 0x52, 0xab, 0xe6, 0x51, 0x9d,
	0xb6, 0x37, 0xb6, 0x41, 0x0a, 0xba, 0x38, 0x0a,
};

void
uuid5(const uint8_t ns[16], const void *name, size_t len, char out[UUID_STR_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	EVP_MD_CTX		*ctx = EVP_MD_CTX_new();
	uint8_t			 d[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0;
	int			 i, o = 0;

	EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
	EVP_DigestUpdate(ctx, ns, 16);
	EVP_DigestUpdate(ctx, name, len);
	EVP_DigestFinal_ex(ctx, d, &n);
	EVP_MD_CTX_free(ctx);
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[d[i] >> 4];
		out[o++] = hex[d[i] & 15];
	}
	out[o] = '\0';
}
