/*
 * syn.h - TCP SYN fingerprints: a pure, bounds-checked decoder of the SYN a listener saved
 * (TCP_SAVED_SYN: IPv4 or IPv6 header, extension headers, TCP header with options), its
 * p0f-like signature text, and the marks of SYNs hand-built by scanning tools.
 */
#ifndef HNP_FP_SYN_H
#define HNP_FP_SYN_H

#include <stddef.h>
#include <stdint.h>

#define SYN_MAX_OPTS		40	/* TCP option space is 40 bytes */
#define SYN_LAYOUT_MAX		(SYN_MAX_OPTS * 5 + 16)
#define SYN_SIG_MAX		(SYN_LAYOUT_MAX + 160)

/* Quirks (p0f's idea, our names: see docs/fingerprints.md). */
enum {
	SYN_Q_DF	= 1 << 0,	/* IPv4 don't-fragment */
	SYN_Q_IDPLUS	= 1 << 1,	/* DF set and IP ID not zero */
	SYN_Q_IDMINUS	= 1 << 2,	/* DF clear and IP ID zero */
	SYN_Q_ECN	= 1 << 3,	/* ECN bits in IP, or ECE/CWR in TCP */
	SYN_Q_ZERO	= 1 << 4,	/* the reserved IPv4 flag bit set */
	SYN_Q_FLOW	= 1 << 5,	/* IPv6 flow label not zero */
	SYN_Q_SEQ0	= 1 << 6,	/* sequence number zero */
	SYN_Q_ACKPLUS	= 1 << 7,	/* ACK number set without the ACK flag */
	SYN_Q_ACKFLAG	= 1 << 8,	/* ACK flag on a SYN */
	SYN_Q_UPTR	= 1 << 9,	/* urgent pointer set without URG */
	SYN_Q_URGF	= 1 << 10,	/* URG flag */
	SYN_Q_PUSHF	= 1 << 11,	/* PSH flag */
	SYN_Q_TS1ZERO	= 1 << 12,	/* own timestamp zero */
	SYN_Q_TS2PLUS	= 1 << 13,	/* echoed timestamp not zero on a SYN */
	SYN_Q_OPTPLUS	= 1 << 14,	/* non-zero bytes after EOL */
	SYN_Q_EXWS	= 1 << 15,	/* window scale above 14 */
	SYN_Q_BAD	= 1 << 16,	/* options malformed (cut or bad length) */
};
#define SYN_NQUIRKS	17

/* Tools whose hand-built SYN a kernel's never looks like. */
enum {
	SYN_TOOL_MIRAI		= 1 << 0,
	SYN_TOOL_MASSCAN	= 1 << 1,
	SYN_TOOL_ZMAP		= 1 << 2,
	SYN_TOOL_NMAP		= 1 << 3,
};
#define SYN_NTOOLS	4

struct syn_fp {
	int		 ver;		/* 4 or 6 */
	int		 ttl;		/* TTL or hop limit as received */
	int		 ittl;		/* initial TTL guessed: 32, 64, 128 or 255 */
	int		 ipid;		/* IPv4 identification; -1 for IPv6 */
	uint32_t	 flow;		/* IPv6 flow label */
	unsigned	 olen;		/* IPv4 option / IPv6 extension header bytes */
	uint8_t		 src[16], dst[16];	/* addresses (IPv4: first 4 bytes) */
	uint16_t	 sport, dport;
	uint32_t	 seq, ack;
	uint16_t	 win;
	uint8_t		 flags;		/* TCP flags byte */
	int		 mss;		/* -1 when absent */
	int		 wscale;	/* -1 when absent */
	uint8_t		 opts[SYN_MAX_OPTS];	/* option kinds in wire order, EOL excluded */
	unsigned	 nopts;
	int		 eol_pad;	/* -1: no EOL; else bytes after it */
	unsigned	 quirks;	/* SYN_Q_* */
	unsigned	 tools;		/* SYN_TOOL_* */
};

/*
 * Decodes p[0..len): an IPv4 or IPv6 header (extension headers walked) then a TCP header. Reads
 * nothing outside p. Returns 0 with *fp filled, or -1 when it is not a TCP segment over IP that
 * fits (options cut short still decode, with SYN_Q_BAD).
 */
int	syn_decode(const uint8_t *p, size_t len, struct syn_fp *fp);
/* The option layout ("mss,sok,ts,nop,ws"; "" without options) into out; returns its length. */
size_t	syn_layout(const struct syn_fp *fp, char *out, size_t outlen);
/*
 * The signature "ver:ittl:olen:mss:win,scale:layout:quirks" (docs/fingerprints.md) into out
 * (NUL-terminated, cut to outlen); returns its length.
 */
size_t	syn_sig(const struct syn_fp *fp, char *out, size_t outlen);
/* syn_sig with the layout syn_layout already wrote (it is not computed twice). */
size_t	syn_sig_layout(const struct syn_fp *fp, const char *layout, char *out, size_t outlen);
/* The name of tool bit i (0..SYN_NTOOLS-1): "mirai", "masscan", "zmap", "nmap". */
const char *syn_tool_name(unsigned i);

#endif
