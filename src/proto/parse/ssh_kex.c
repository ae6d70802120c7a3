/*
 * ssh_kex.c - reads an SSH client's identification line and first packet (its KEXINIT) from the
 * raw stream, before any encryption, and computes the HASSH fingerprint of it.
 */
#include <string.h>

#include <openssl/evp.h>

#include "proto/parse/ssh_kex.h"

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Parses a KEXINIT payload p[0..len) into h's lists. 1 when well-formed, else 0. */
static int
parse_kexinit(const uint8_t *p, size_t len, struct ssh_client_head *h)
{
	size_t	 off = 1 + 16, i;
	uint32_t n;

	if (len < off || p[0] != 20)		/* SSH_MSG_KEXINIT, cookie */
		return 0;
	for (i = 0; i < SSH_KEX_NLISTS; i++) {
		if (len - off < 4)
			return 0;
		n = get_u32(p + off);
		off += 4;
		if (n > len - off)
			return 0;
		h->lists[i].p = p + off;
		h->lists[i].len = n;
		off += n;
	}
	if (len - off < 5)			/* first_kex_packet_follows, reserved */
		return 0;
	h->first_kex_follows = p[off] != 0;
	return 1;
}

int
ssh_client_head(const uint8_t *in, size_t len, struct ssh_client_head *h)
{
	const uint8_t	*nl;
	size_t		 ilen, scan, plen, pad;

	memset(h, 0, sizeof(*h));
	scan = len < SSH_IDENT_MAX ? len : SSH_IDENT_MAX;
	if (len >= 4 && memcmp(in, "SSH-", 4) != 0)
		return SSH_HEAD_NOT_SSH;
	if (len < 4 && memcmp(in, "SSH-", len) != 0)
		return SSH_HEAD_NOT_SSH;
	if ((nl = memchr(in, '\n', scan)) == NULL)
		return len >= SSH_IDENT_MAX ? SSH_HEAD_NOT_SSH : SSH_HEAD_MORE;
	ilen = (size_t)(nl - in);
	h->ident.p = in;
	h->ident.len = ilen > 0 && in[ilen - 1] == '\r' ? ilen - 1 : ilen;
	in += ilen + 1;
	len -= ilen + 1;
	h->len = ilen + 1;
	if (len < 4)
		return SSH_HEAD_MORE;
	plen = get_u32(in);
	if (plen < 5 || plen > SSH_KEX_PACKET_MAX) {
		h->len += 4;			/* not a packet we can frame: stop here */
		return SSH_HEAD_OK;
	}
	if (len - 4 < plen)
		return SSH_HEAD_MORE;
	h->packet.p = in;
	h->packet.len = 4 + plen;
	h->len += 4 + plen;
	pad = in[4];
	if (pad + 1 <= plen)
		h->kexinit = parse_kexinit(in + 5, plen - 1 - pad, h);
	if (!h->kexinit)
		memset(h->lists, 0, sizeof(h->lists));
	return SSH_HEAD_OK;
}

size_t
ssh_hassh(const struct ssh_client_head *h, char *out, size_t outlen, char hash[33])
{
	static const int	 which[4] = { SSH_KEX_ALGS, SSH_KEX_ENC_CS, SSH_KEX_MAC_CS,
				    SSH_KEX_CMP_CS };
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	EVP_MD_CTX		*ctx;
	size_t			 i, o = 0, total = 0;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1)
		mdlen = 0;
	for (i = 0; i < 4; i++) {
		const struct ssh_span	*s = &h->lists[which[i]];
		size_t			 k;

		if (i > 0) {
			if (ctx != NULL)
				EVP_DigestUpdate(ctx, ";", 1);
			if (o + 1 < outlen)
				out[o++] = ';';
			total++;
		}
		if (ctx != NULL && s->len > 0)
			EVP_DigestUpdate(ctx, s->p, s->len);
		for (k = 0; k < s->len && o + 1 < outlen; k++)
			out[o++] = (char)s->p[k];
		total += s->len;
	}
	if (outlen > 0)
		out[o] = '\0';
	if (ctx != NULL && EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		mdlen = 0;
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 16; i++) {
		hash[2 * i] = i < mdlen ? hex[md[i] >> 4] : '0';
		hash[2 * i + 1] = i < mdlen ? hex[md[i] & 15] : '0';
	}
	hash[32] = '\0';
	return total;
}
