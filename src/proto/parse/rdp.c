/*
 * rdp.c - the first PDU of an RDP connection: TPKT + X.224 Connection Request with its optional
 * cookie or routing token, RDP_NEG_REQ and correlation info (MS-RDPBCGR 2.2.1.1), and the
 * Connection Confirm a Windows server sends back (2.2.1.2). Pure: no allocation, no I/O.
 */
#include <string.h>

#include "proto/parse/rdp.h"

#define TPKT_HDR	4
#define X224_CR_LEN	7	/* LI, code, dst-ref(2), src-ref(2), class */
#define COOKIE		"Cookie: mstshash="
#define COOKIE_ANY	"Cookie: "

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The length of the CRLF-terminated line at p[0..n), CRLF excluded; -1 without a CRLF. */
static long
line_len(const uint8_t *p, size_t n)
{
	size_t	 i;

	for (i = 0; i + 1 < n; i++)
		if (p[i] == '\r' && p[i + 1] == '\n')
			return (long)i;
	return -1;
}

static int
bad(const char **why, const char *reason)
{
	*why = reason;
	return RDP_BAD;
}

int
rdp_parse_cr(const uint8_t *buf, size_t len, size_t max, struct rdp_cr *out, const char **why)
{
	const uint8_t	*p, *end;
	size_t		 tl;
	long		 ll;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (len >= 1 && buf[0] != 0x03)
		return bad(why, "not_tpkt");
	if (len >= 2 && buf[1] != 0x00)
		return bad(why, "not_tpkt");
	if (len < TPKT_HDR)
		return RDP_MORE;
	tl = (size_t)buf[2] << 8 | buf[3];
	if (tl < TPKT_HDR + X224_CR_LEN)
		return bad(why, "short");
	if (tl > max)
		return bad(why, "oversize");
	if (len >= 5 && buf[4] != tl - 5)
		return bad(why, "length_mismatch");
	if (len >= 6 && (buf[5] & 0xf0) != 0xe0)
		return bad(why, "not_cr");
	if (len < tl)
		return RDP_MORE;
	if ((buf[10] & 0xf0) != 0)
		return bad(why, "class");
	out->tpkt_len = tl;
	p = buf + TPKT_HDR + X224_CR_LEN;
	end = buf + tl;
	if ((size_t)(end - p) >= sizeof(COOKIE_ANY) - 1 &&
	    memcmp(p, COOKIE_ANY, sizeof(COOKIE_ANY) - 1) == 0) {
		if ((ll = line_len(p, (size_t)(end - p))) < 0)
			return bad(why, "cookie_unterminated");
		if ((size_t)ll >= sizeof(COOKIE) - 1 &&
		    memcmp(p, COOKIE, sizeof(COOKIE) - 1) == 0) {
			out->cookie = p + sizeof(COOKIE) - 1;
			out->cookie_len = (size_t)ll - (sizeof(COOKIE) - 1);
		} else {
			out->token = p;
			out->token_len = (size_t)ll;
		}
		p += ll + 2;
	}
	if (end - p >= 8 && p[0] == 0x01) {
		if (p[2] != 0x08 || p[3] != 0x00)
			return bad(why, "bad_neg_req");
		out->has_neg = 1;
		out->neg_flags = p[1];
		out->protocols = le32(p + 4);
		p += 8;
		if ((out->neg_flags & 0x08) && end - p >= 36 && p[0] == 0x06 && p[2] == 36 &&
		    p[3] == 0) {
			out->has_correlation = 1;
			memcpy(out->correlation, p + 4, 16);
			p += 36;
		}
	}
	out->extra = (size_t)(end - p);
	return RDP_DONE;
}

size_t
rdp_build_cc(const struct rdp_cr *cr, int policy, uint8_t out[19], int *selected, int *failure)
{
	static const uint8_t	 head[] = { 0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00,
				    0x12, 0x34, 0x00 };
	uint32_t		 want = cr->protocols, v;
	int			 sel = -1, fail = 0;

	*selected = -1;
	*failure = 0;
	memcpy(out, head, sizeof(head));
	if (!cr->has_neg) {
		/* A legacy request: a bare Connection Confirm (nmap's TerminalServer match). */
		out[3] = 0x0b;
		out[4] = 0x06;
		*selected = RDP_PROTO_RDP;
		return 11;
	}
	switch (policy) {
	case RDP_POLICY_NLA:
		if (want & RDP_PROTO_HYBRID_EX)
			sel = RDP_PROTO_HYBRID_EX;
		else if (want & RDP_PROTO_HYBRID)
			sel = RDP_PROTO_HYBRID;
		else
			fail = RDP_FAIL_HYBRID_REQUIRED;
		break;
	case RDP_POLICY_TLS:
		if (want & RDP_PROTO_SSL)
			sel = RDP_PROTO_SSL;
		else
			fail = RDP_FAIL_SSL_REQUIRED;
		break;
	default:
		sel = RDP_PROTO_RDP;
		break;
	}
	if (sel >= 0) {
		out[11] = 0x02;		/* RDP_NEG_RSP */
		out[12] = 0x1f;		/* flags as Windows 10 sends them */
		v = (uint32_t)sel;
	} else {
		out[11] = 0x03;		/* RDP_NEG_FAILURE */
		out[12] = 0x00;
		v = (uint32_t)fail;
	}
	out[13] = 0x08;
	out[14] = 0x00;
	out[15] = (uint8_t)v;
	out[16] = (uint8_t)(v >> 8);
	out[17] = (uint8_t)(v >> 16);
	out[18] = (uint8_t)(v >> 24);
	*selected = sel;
	*failure = fail;
	return 19;
}

const char *
rdp_proto_name(uint32_t bit)
{
	switch (bit) {
	case RDP_PROTO_RDP:
		return "rdp";
	case RDP_PROTO_SSL:
		return "ssl";
	case RDP_PROTO_HYBRID:
		return "hybrid";
	case RDP_PROTO_RDSTLS:
		return "rdstls";
	case RDP_PROTO_HYBRID_EX:
		return "hybrid_ex";
	case RDP_PROTO_RDSAAD:
		return "rdsaad";
	}
	return "unknown";
}
