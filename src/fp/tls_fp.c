/*
 * tls_fp.c - JA3 and JA3S (salesforce/ja3) and JA4 for TLS over TCP (FoxIO JA4.md, BSD-3) from
 * parsed raw hellos. JA4S, JA4H, JA4SSH and JA4T are under a non-commercial licence and are not
 * built. Where FoxIO's implementations disagree with the spec (non-alphanumeric ALPN: hex first
 * and last digits; one-character ALPN: that character twice; GREASE in signature algorithms:
 * ignored), the spec wins.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/buf.h"
#include "fp/tls_hello.h"

static const char hexd[] = "0123456789abcdef";

static uint16_t
u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Calls fn for the type of every extension of a block (type, 2-byte length, body)*, in wire
 * order, stopping at a malformed one.
 */
static void
fp_ext_types(struct fp_span exts, void (*fn)(void *, uint16_t), void *arg)
{
	size_t	 off = 0, l;

	while (exts.len - off >= 4) {
		l = u16(exts.p + off + 2);
		if (exts.len - off - 4 < l)
			return;
		fn(arg, u16(exts.p + off));
		off += 4 + l;
	}
}

/* Appends the decimal 2-byte values of a list joined by '-', GREASE skipped if asked. */
struct dashlist {
	struct buf	*out;
	int		 first, skip_grease, err;
};

static void
dash_add(void *arg, uint16_t v)
{
	struct dashlist	*d = arg;

	if (d->skip_grease && tls_is_grease(v))
		return;
	if (!d->first && buf_append(d->out, "-", 1) == -1)
		d->err = 1;
	if (buf_put_int(d->out, v) == -1)
		d->err = 1;
	d->first = 0;
}

static int
dash_u16s(struct buf *out, struct fp_span sp, int skip_grease)
{
	struct dashlist	 d = { out, 1, skip_grease, 0 };
	size_t		 i;

	for (i = 0; i + 1 < sp.len; i += 2)
		dash_add(&d, u16(sp.p + i));
	return d.err ? -1 : 0;
}

int
fp_ja3(const struct tls_client_hello *h, struct buf *out)
{
	struct dashlist	 d = { out, 1, 1, 0 };
	size_t		 i;
	int		 err = 0;

	err |= buf_put_int(out, h->legacy_version);
	err |= buf_append(out, ",", 1);
	err |= dash_u16s(out, h->ciphers, 1);
	err |= buf_append(out, ",", 1);
	fp_ext_types(h->exts, dash_add, &d);
	err |= d.err ? -1 : 0;
	err |= buf_append(out, ",", 1);
	err |= dash_u16s(out, h->groups, 1);
	err |= buf_append(out, ",", 1);
	for (i = 0; i < h->point_formats.len; i++) {
		if (i > 0)
			err |= buf_append(out, "-", 1);
		err |= buf_put_int(out, h->point_formats.p[i]);
	}
	return err ? -1 : 0;
}

int
fp_ja3s(const struct tls_server_hello *h, struct buf *out)
{
	struct dashlist	 d = { out, 1, 0, 0 };
	int		 err = 0;

	err |= buf_put_int(out, h->legacy_version);
	err |= buf_append(out, ",", 1);
	err |= buf_put_int(out, h->cipher);
	err |= buf_append(out, ",", 1);
	fp_ext_types(h->exts, dash_add, &d);
	return err || d.err ? -1 : 0;
}

void
fp_md5_hex(const void *p, size_t len, char out[FP_MD5_HEX_LEN + 1])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	if (EVP_Digest(p, len, md, &mdlen, EVP_md5(), NULL) != 1)
		mdlen = 0;
	for (i = 0; i < 16; i++) {
		out[2 * i] = i < mdlen ? hexd[md[i] >> 4] : '0';
		out[2 * i + 1] = i < mdlen ? hexd[md[i] & 15] : '0';
	}
	out[FP_MD5_HEX_LEN] = '\0';
}

/* The JA4 version code of a TLS version number. */
static const char *
ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	}
	return "00";
}

static int
is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The two ALPN characters of part a, from the first protocol of the list. */
static void
ja4_alpn(const struct tls_client_hello *h, char out[2])
{
	const uint8_t	*v;
	size_t		 n;

	out[0] = out[1] = '0';
	if (h->alpn.len < 1 || (n = h->alpn.p[0]) == 0 || n > h->alpn.len - 1)
		return;
	v = h->alpn.p + 1;
	if (is_alnum(v[0]) && is_alnum(v[n - 1])) {
		out[0] = (char)v[0];
		out[1] = (char)v[n - 1];
	} else {
		out[0] = hexd[v[0] >> 4];
		out[1] = hexd[v[n - 1] & 15];
	}
}

static int
cmp_u16(const void *a, const void *b)
{
	uint16_t	 x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* Collects extension types for JA4: all but GREASE (count), and those sorted in part c. */
struct ja4_exts {
	uint16_t	*v;
	size_t		 n, count;
};

static void
ja4_ext_add(void *arg, uint16_t t)
{
	struct ja4_exts	*e = arg;

	if (tls_is_grease(t))
		return;
	e->count++;
	if (t != 0x0000 && t != 0x0010)
		e->v[e->n++] = t;
}

/* Appends v[0..n) as 4-digit hex joined by ','. */
static void
hex_list(struct buf *b, const uint16_t *v, size_t n)
{
	char	 x[5];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_append(b, ",", 1);
		x[0] = hexd[v[i] >> 12];
		x[1] = hexd[(v[i] >> 8) & 15];
		x[2] = hexd[(v[i] >> 4) & 15];
		x[3] = hexd[v[i] & 15];
		buf_append(b, x, 4);
	}
}

/* The first 12 hex digits of SHA-256 of b's bytes; zeros when empty is asked for. */
static void
sha12(const struct buf *b, int empty, char out[12])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	if (empty || EVP_Digest(b->data ? b->data : (const uint8_t *)"", b->len, md, &mdlen,
	    EVP_sha256(), NULL) != 1 || mdlen < 6) {
		memset(out, '0', 12);
		return;
	}
	for (i = 0; i < 6; i++) {
		out[2 * i] = hexd[md[i] >> 4];
		out[2 * i + 1] = hexd[md[i] & 15];
	}
}

/* Two decimal digits, capped at 99. */
static void
two_digits(size_t n, char out[2])
{
	if (n > 99)
		n = 99;
	out[0] = (char)('0' + n / 10);
	out[1] = (char)('0' + n % 10);
}

int
fp_ja4(const struct tls_client_hello *h, char out[FP_JA4_LEN + 1])
{
	struct ja4_exts	 e = { NULL, 0, 0 };
	struct buf	 b;
	uint16_t	*v, ver = h->legacy_version, best = 0;
	size_t		 i, nc = 0, ns = 0, room = (h->ciphers.len + h->exts.len) / 2 + 1;
	const char	*vs;

	/* One array for the ciphers, then the extension types, then the signature algorithms. */
	if ((v = calloc(room, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i + 1 < h->versions.len; i += 2) {
		uint16_t	 x = u16(h->versions.p + i);

		if (!tls_is_grease(x) && x > best)
			best = x;
	}
	if (h->versions.p != NULL && best != 0)
		ver = best;
	vs = ja4_version(ver);
	out[0] = 't';
	out[1] = vs[0];
	out[2] = vs[1];
	out[3] = h->has_sni ? 'd' : 'i';
	for (i = 0; i + 1 < h->ciphers.len; i += 2)
		if (!tls_is_grease(u16(h->ciphers.p + i)))
			v[nc++] = u16(h->ciphers.p + i);
	two_digits(nc, out + 4);
	buf_init(&b, room * 5 + 16);
	qsort(v, nc, sizeof(*v), cmp_u16);
	hex_list(&b, v, nc);
	out[10] = '_';
	sha12(&b, nc == 0, out + 11);
	buf_free(&b);

	e.v = v;
	fp_ext_types(h->exts, ja4_ext_add, &e);
	two_digits(e.count, out + 6);
	ja4_alpn(h, out + 8);
	qsort(e.v, e.n, sizeof(*v), cmp_u16);
	buf_init(&b, room * 5 + 16);
	hex_list(&b, e.v, e.n);
	for (i = 0; i + 1 < h->sigalgs.len; i += 2) {
		uint16_t	 x = u16(h->sigalgs.p + i);

		if (!tls_is_grease(x))
			v[ns++] = x;	/* e.v's values are hashed into b already */
	}
	if (ns > 0) {
		buf_append(&b, "_", 1);
		hex_list(&b, v, ns);
	}
	out[23] = '_';
	sha12(&b, e.n == 0, out + 24);
	buf_free(&b);
	out[FP_JA4_LEN] = '\0';
	free(v);
	return 0;
}
