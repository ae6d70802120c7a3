/*
 * ssh_kex.h - what an SSH client says before any encryption: its identification line and its
 * first binary packet, the SSH_MSG_KEXINIT (RFC 4253 4.2, 6, 7.1), read from the raw stream; and
 * the HASSH fingerprint of it (MD5 of "kex;ciphers;macs;compression", client to server lists).
 * Pure: no I/O, no allocation.
 */
#ifndef HNP_SSH_KEX_H
#define HNP_SSH_KEX_H

#include <stddef.h>
#include <stdint.h>

/* The name-lists of a KEXINIT, in wire order. */
enum {
	SSH_KEX_ALGS, SSH_KEX_HOSTKEY, SSH_KEX_ENC_CS, SSH_KEX_ENC_SC, SSH_KEX_MAC_CS,
	SSH_KEX_MAC_SC, SSH_KEX_CMP_CS, SSH_KEX_CMP_SC, SSH_KEX_LANG_CS, SSH_KEX_LANG_SC,
	SSH_KEX_NLISTS
};

#define SSH_IDENT_MAX		255	/* identification line with its CR LF (RFC 4253 4.2) */
#define SSH_KEX_PACKET_MAX	35000	/* packet_length a peer must accept (RFC 4253 6.1) */
/* Bytes the head of a client stream may take: the line and the packet with its length. */
#define SSH_CLIENT_HEAD_MAX	(SSH_IDENT_MAX + 4 + SSH_KEX_PACKET_MAX)

struct ssh_span {
	const uint8_t	*p;
	size_t		 len;
};

struct ssh_client_head {
	struct ssh_span	 ident;		/* "SSH-2.0-..." without CR LF */
	struct ssh_span	 packet;	/* the first binary packet, length field included */
	int		 kexinit;	/* the packet is a well-formed KEXINIT */
	struct ssh_span	 lists[SSH_KEX_NLISTS];
	int		 first_kex_follows;
	size_t		 len;		/* bytes of the stream the head takes */
};

/* ssh_client_head results */
#define SSH_HEAD_MORE		0	/* incomplete: feed more bytes */
#define SSH_HEAD_OK		1	/* h is filled (kexinit says whether the packet is one) */
#define SSH_HEAD_NOT_SSH	(-1)	/* the stream does not open with an identification line */

/*
 * Parses the opening of a client stream in[0..len): the identification line (CR LF or a bare LF)
 * and, after it, the first packet. Spans point into in. A packet whose length is out of bounds,
 * or that is not a well-formed KEXINIT, still ends the head (kexinit 0, packet empty when its
 * length is out of bounds).
 */
int	ssh_client_head(const uint8_t *in, size_t len, struct ssh_client_head *h);

/*
 * The HASSH algorithms text "kex;enc;mac;cmp" of a KEXINIT into out (cut to outlen - 1) and
 * its MD5 in hex into hash[33]. Returns the length the text has uncut.
 */
size_t	ssh_hassh(const struct ssh_client_head *h, char *out, size_t outlen, char hash[33]);

#endif
