/*
 * syn.c - decodes the SYN a listener saved (TCP_SAVED_SYN) into its fingerprint: TTL, IP ID,
 * window, MSS, window scale, option layout, quirks, and the marks of hand-built scanner SYNs.
 * Pure: no I/O, no allocation, never reads outside the bytes given.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "fp/syn.h"

#define TCP_PSH	0x08
#define TCP_ACK	0x10
#define TCP_URG	0x20
#define TCP_ECE	0x40
#define TCP_CWR	0x80

#define SYN_MAX_EXTHDRS	8

static const char *const syn_quirk_names[SYN_NQUIRKS] = {
	"df", "id+", "id-", "ecn", "0+", "flow", "seq-", "ack+", "ackf+", "uptr+", "urgf+",
	"pushf+", "ts1-", "ts2+", "opt+", "exws", "bad",
};

static const char *const syn_tool_names[SYN_NTOOLS] = {
	"mirai", "masscan", "zmap", "nmap",
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* IPv4 header; *off is set to the TCP header. -1 when it is not TCP or does not fit. */
static int
syn_ipv4(const uint8_t *p, size_t len, struct syn_fp *fp, size_t *off)
{
	size_t		 ihl;
	uint16_t	 frag;

	if (len < 20)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len || p[9] != 6)
		return -1;
	frag = get16(p + 6);
	if ((frag & 0x1fff) != 0)
		return -1;		/* a later fragment has no TCP header */
	fp->ver = 4;
	fp->ttl = p[8];
	fp->ipid = get16(p + 4);
	fp->olen = (unsigned)(ihl - 20);
	memcpy(fp->src, p + 12, 4);
	memcpy(fp->dst, p + 16, 4);
	if (frag & 0x4000) {
		fp->quirks |= SYN_Q_DF;
		if (fp->ipid != 0)
			fp->quirks |= SYN_Q_IDPLUS;
	} else if (fp->ipid == 0)
		fp->quirks |= SYN_Q_IDMINUS;
	if (frag & 0x8000)
		fp->quirks |= SYN_Q_ZERO;
	if (p[1] & 0x03)
		fp->quirks |= SYN_Q_ECN;
	*off = ihl;
	return 0;
}

/* IPv6 header and extension headers; *off is set to the TCP header. */
static int
syn_ipv6(const uint8_t *p, size_t len, struct syn_fp *fp, size_t *off)
{
	size_t	 o = 40, hl;
	int	 nh, i;

	if (len < 40)
		return -1;
	fp->ver = 6;
	fp->ttl = p[7];
	fp->ipid = -1;
	fp->flow = (uint32_t)(p[1] & 0x0f) << 16 | (uint32_t)p[2] << 8 | p[3];
	if (fp->flow != 0)
		fp->quirks |= SYN_Q_FLOW;
	if (((p[0] & 0x0f) << 4 | p[1] >> 4) & 0x03)
		fp->quirks |= SYN_Q_ECN;
	memcpy(fp->src, p + 8, 16);
	memcpy(fp->dst, p + 24, 16);
	nh = p[6];
	for (i = 0; nh != 6; i++) {
		if (i >= SYN_MAX_EXTHDRS || len - o < 8)
			return -1;
		switch (nh) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
			hl = ((size_t)p[o + 1] + 1) * 8;
			break;
		case 44:	/* fragment: only a first fragment has the TCP header */
			if ((get16(p + o + 2) & 0xfff8) != 0)
				return -1;
			hl = 8;
			break;
		case 51:	/* authentication header */
			hl = ((size_t)p[o + 1] + 2) * 4;
			break;
		default:
			return -1;
		}
		if (hl > len - o)
			return -1;
		nh = p[o];
		o += hl;
	}
	fp->olen = (unsigned)(o - 40);
	*off = o;
	return 0;
}

static void
syn_add_opt(struct syn_fp *fp, uint8_t kind)
{
	if (fp->nopts < SYN_MAX_OPTS)
		fp->opts[fp->nopts++] = kind;
}

/* The options in p[0..len): layout, MSS, window scale, timestamps, malformations. */
static void
syn_options(const uint8_t *p, size_t len, struct syn_fp *fp)
{
	size_t	 i = 0, l, j;
	uint8_t	 k;

	while (i < len) {
		k = p[i];
		if (k == 0) {
			fp->eol_pad = (int)(len - i - 1);
			for (j = i + 1; j < len; j++)
				if (p[j] != 0)
					fp->quirks |= SYN_Q_OPTPLUS;
			return;
		}
		syn_add_opt(fp, k);
		if (k == 1) {
			i++;
			continue;
		}
		if (len - i < 2 || (l = p[i + 1]) < 2 || l > len - i) {
			fp->quirks |= SYN_Q_BAD;
			return;
		}
		switch (k) {
		case 2:
			if (l == 4)
				fp->mss = get16(p + i + 2);
			else
				fp->quirks |= SYN_Q_BAD;
			break;
		case 3:
			if (l == 3) {
				fp->wscale = p[i + 2];
				if (fp->wscale > 14)
					fp->quirks |= SYN_Q_EXWS;
			} else
				fp->quirks |= SYN_Q_BAD;
			break;
		case 4:
			if (l != 2)
				fp->quirks |= SYN_Q_BAD;
			break;
		case 8:
			if (l == 10) {
				if (get32(p + i + 2) == 0)
					fp->quirks |= SYN_Q_TS1ZERO;
				if (get32(p + i + 6) != 0)
					fp->quirks |= SYN_Q_TS2PLUS;
			} else
				fp->quirks |= SYN_Q_BAD;
			break;
		}
		i += l;
	}
}

/* Only an MSS option (or none). */
static int
syn_mss_only(const struct syn_fp *fp)
{
	return (fp->nopts == 0 || (fp->nopts == 1 && fp->opts[0] == 2)) &&
	    !(fp->quirks & SYN_Q_BAD);
}

/* The marks of hand-built SYNs (docs/fingerprints.md, "tool tags"). */
static unsigned
syn_tools(const struct syn_fp *fp)
{
	static const uint8_t	 zmap_win[] = { 2, 1, 3, 1, 1, 4 };
	unsigned		 t = 0;
	uint32_t		 dst;
	int			 nodf = !(fp->quirks & SYN_Q_DF);

	if (fp->ver == 4) {
		dst = get32(fp->dst);
		/* Mirai's scanner: tcph->seq = iph->daddr. */
		if (fp->seq == dst)
			t |= SYN_TOOL_MIRAI;
		/* masscan: IP ID = dst ^ dport ^ seq, no DF, MSS option only. */
		if (nodf && syn_mss_only(fp) &&
		    (uint32_t)fp->ipid == ((dst ^ fp->dport ^ fp->seq) & 0xffff))
			t |= SYN_TOOL_MASSCAN;
		/*
		 * ZMap: window 65535, no DF; IP ID 54321 and at most an MSS option (< 4.1), or its
		 * "windows" options (>= 4.1).
		 */
		if (nodf && fp->win == 65535 && ((fp->ipid == 54321 && syn_mss_only(fp)) ||
		    (fp->nopts == sizeof(zmap_win) && memcmp(fp->opts, zmap_win,
		    sizeof(zmap_win)) == 0 && fp->mss == 1460 && fp->wscale == 8)))
			t |= SYN_TOOL_ZMAP;
	}
	/*
	 * Nmap -sS: window 1024 (2048 in older releases), one MSS option of 1460, no DF. Not 3072
	 * or 4096, which p0f also lists: an lwIP device (no DF, MSS option only, window at least
	 * twice the MSS) may send those.
	 */
	if (nodf && !(t & SYN_TOOL_MASSCAN) && fp->nopts == 1 && fp->opts[0] == 2 &&
	    fp->mss == 1460 && (fp->win == 1024 || fp->win == 2048))
		t |= SYN_TOOL_NMAP;
	return t;
}

int
syn_decode(const uint8_t *p, size_t len, struct syn_fp *fp)
{
	size_t		 off, doff, olen;
	const uint8_t	*t;

	memset(fp, 0, sizeof(*fp));
	fp->mss = fp->wscale = fp->eol_pad = -1;
	if (len < 1)
		return -1;
	if ((p[0] >> 4) == 4) {
		if (syn_ipv4(p, len, fp, &off) == -1)
			return -1;
	} else if ((p[0] >> 4) == 6) {
		if (syn_ipv6(p, len, fp, &off) == -1)
			return -1;
	} else
		return -1;
	if (len - off < 20)
		return -1;
	t = p + off;
	fp->sport = get16(t);
	fp->dport = get16(t + 2);
	fp->seq = get32(t + 4);
	fp->ack = get32(t + 8);
	doff = (size_t)(t[12] >> 4) * 4;
	fp->flags = t[13];
	fp->win = get16(t + 14);
	if (doff < 20)
		return -1;
	olen = doff - 20;
	if (olen > len - off - 20) {
		olen = len - off - 20;	/* options cut short */
		fp->quirks |= SYN_Q_BAD;
	}
	syn_options(t + 20, olen, fp);
	fp->ittl = fp->ttl <= 32 ? 32 : fp->ttl <= 64 ? 64 : fp->ttl <= 128 ? 128 : 255;
	if (fp->flags & (TCP_ECE | TCP_CWR))
		fp->quirks |= SYN_Q_ECN;
	if (fp->seq == 0)
		fp->quirks |= SYN_Q_SEQ0;
	if (fp->ack != 0 && !(fp->flags & TCP_ACK))
		fp->quirks |= SYN_Q_ACKPLUS;
	if (fp->flags & TCP_ACK)
		fp->quirks |= SYN_Q_ACKFLAG;
	if (get16(t + 18) != 0 && !(fp->flags & TCP_URG))
		fp->quirks |= SYN_Q_UPTR;
	if (fp->flags & TCP_URG)
		fp->quirks |= SYN_Q_URGF;
	if (fp->flags & TCP_PSH)
		fp->quirks |= SYN_Q_PUSHF;
	fp->tools = syn_tools(fp);
	return 0;
}

/* Appends s to out[*o..outlen) (cut, always NUL-terminated when outlen > 0). */
static void
syn_put(char *out, size_t outlen, size_t *o, const char *s)
{
	size_t	 n = strlen(s);

	if (*o >= outlen)
		return;
	if (n > outlen - *o - 1)
		n = outlen - *o - 1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
}

/* Appends the decimal v (snprintf costs several hundred instructions a call). */
static void
syn_put_int(char *out, size_t outlen, size_t *o, long long v)
{
	char	 tmp[24];

	tmp[fmt_int(tmp, v)] = '\0';
	syn_put(out, outlen, o, tmp);
}

static const char *
syn_opt_name(uint8_t k, char *tmp, size_t tmplen)
{
	switch (k) {
	case 1:
		return "nop";
	case 2:
		return "mss";
	case 3:
		return "ws";
	case 4:
		return "sok";
	case 5:
		return "sack";
	case 8:
		return "ts";
	default:
		tmp[0] = '?';
		tmp[1 + fmt_int(tmp + 1, k)] = '\0';
		return tmp;
	}
}

size_t
syn_layout(const struct syn_fp *fp, char *out, size_t outlen)
{
	char		 tmp[32];
	size_t		 o = 0;
	unsigned	 i;

	if (outlen > 0)
		out[0] = '\0';
	for (i = 0; i < fp->nopts && i < SYN_MAX_OPTS; i++) {
		if (i > 0)
			syn_put(out, outlen, &o, ",");
		syn_put(out, outlen, &o, syn_opt_name(fp->opts[i], tmp, sizeof(tmp)));
	}
	if (fp->eol_pad >= 0) {
		syn_put(out, outlen, &o, fp->nopts ? ",eol+" : "eol+");
		syn_put_int(out, outlen, &o, fp->eol_pad);
	}
	return o;
}

size_t
syn_sig(const struct syn_fp *fp, char *out, size_t outlen)
{
	char	 lay[SYN_LAYOUT_MAX];

	syn_layout(fp, lay, sizeof(lay));
	return syn_sig_layout(fp, lay, out, outlen);
}

size_t
syn_sig_layout(const struct syn_fp *fp, const char *lay, char *out, size_t outlen)
{
	size_t		 o = 0;
	unsigned	 i, first = 1;

	if (outlen > 0)
		out[0] = '\0';
	syn_put_int(out, outlen, &o, fp->ver);
	syn_put(out, outlen, &o, ":");
	syn_put_int(out, outlen, &o, fp->ittl);
	syn_put(out, outlen, &o, ":");
	syn_put_int(out, outlen, &o, fp->olen);
	syn_put(out, outlen, &o, ":");
	if (fp->mss >= 0)
		syn_put_int(out, outlen, &o, fp->mss);
	else
		syn_put(out, outlen, &o, "-");
	syn_put(out, outlen, &o, ":");
	syn_put_int(out, outlen, &o, fp->win);
	syn_put(out, outlen, &o, ",");
	if (fp->wscale >= 0)
		syn_put_int(out, outlen, &o, fp->wscale);
	else
		syn_put(out, outlen, &o, "-");
	syn_put(out, outlen, &o, ":");
	syn_put(out, outlen, &o, lay);
	syn_put(out, outlen, &o, ":");
	for (i = 0; i < SYN_NQUIRKS; i++)
		if (fp->quirks & (1u << i)) {
			if (!first)
				syn_put(out, outlen, &o, ",");
			syn_put(out, outlen, &o, syn_quirk_names[i]);
			first = 0;
		}
	return o;
}

const char *
syn_tool_name(unsigned i)
{
	return i < SYN_NTOOLS ? syn_tool_names[i] : "?";
}
