/* rdp.h - RDP X.224 Connection Request parser and Connection Confirm builder (MS-RDPBCGR 2.2.1.1-2). */
#ifndef HNP_RDP_H
#define HNP_RDP_H

#include <stddef.h>
#include <stdint.h>

#define RDP_MORE	0	/* a prefix of a valid request: wait for more bytes */
#define RDP_DONE	1	/* one whole request in buf[0..tpkt_len) */
#define RDP_BAD		(-1)	/* not a valid Connection Request: why says what */

/* requestedProtocols / selectedProtocol bits. */
#define RDP_PROTO_RDP		0x00
#define RDP_PROTO_SSL		0x01
#define RDP_PROTO_HYBRID	0x02
#define RDP_PROTO_RDSTLS	0x04
#define RDP_PROTO_HYBRID_EX	0x08
#define RDP_PROTO_RDSAAD	0x10

/* RDP_NEG_FAILURE codes. */
#define RDP_FAIL_SSL_REQUIRED		1
#define RDP_FAIL_HYBRID_REQUIRED	5

struct rdp_cr {
	size_t		 tpkt_len;	/* bytes of the whole request */
	const uint8_t	*cookie;	/* IDENTIFIER of "Cookie: mstshash=IDENTIFIER\r\n" */
	size_t		 cookie_len;
	const uint8_t	*token;		/* a routing token line, without its CRLF */
	size_t		 token_len;
	int		 has_neg;	/* an RDP_NEG_REQ was present */
	uint8_t		 neg_flags;
	uint32_t	 protocols;	/* requestedProtocols */
	int		 has_correlation;
	uint8_t		 correlation[16];
	size_t		 extra;		/* bytes after what was understood */
};

/*
 * Parses the Connection Request at buf[0..len); a TPKT longer than max is bad. Returns RDP_DONE,
 * RDP_MORE or RDP_BAD (then *why is a short reason: "not_tpkt", "short", "oversize",
 * "length_mismatch", "not_cr", "class", "cookie_unterminated", "bad_neg_req").
 */
int	rdp_parse_cr(const uint8_t *buf, size_t len, size_t max, struct rdp_cr *out,
	    const char **why);

/* What a server requiring `policy` (one of RDP_POLICY_*) answers. */
#define RDP_POLICY_NLA	0	/* CredSSP required (Windows' default) */
#define RDP_POLICY_TLS	1	/* TLS required */
#define RDP_POLICY_RDP	2	/* standard RDP security accepted */

/*
 * Writes the Connection Confirm (or RDP_NEG_FAILURE) for cr into out (19 bytes at most) and
 * returns its length; *selected is the protocol chosen, or -1 for a failure (*failure its code).
 */
size_t	rdp_build_cc(const struct rdp_cr *cr, int policy, uint8_t out[19], int *selected,
	    int *failure);
/* Names of protocol bits for events: "ssl", "hybrid", ...; "rdp" for 0. */
const char *rdp_proto_name(uint32_t bit);

#endif
