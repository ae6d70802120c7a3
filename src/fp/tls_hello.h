/*
 * tls_hello.h - pure parsers of the raw TLS ClientHello and ServerHello handshake messages, and the
 * fingerprints built from them: JA3 (string and MD5), JA3S, JA4 (TLS client). Raw bytes only:
 * OpenSSL's accessors drop GREASE and unknown extensions, which gives wrong fingerprints.
 */
#ifndef HNP_FP_TLS_HELLO_H
#define HNP_FP_TLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* A span of the message (NULL, 0 when absent). */
struct fp_span {
	const uint8_t	*p;
	size_t		 len;
};

/* A ClientHello: every span points into the message given to tls_client_hello_parse. */
struct tls_client_hello {
	uint16_t	 legacy_version;
	struct fp_span	 ciphers;	/* 2-byte suites, wire order, GREASE included */
	struct fp_span	 exts;		/* the whole extensions block (type, length, body)* */
	size_t		 nexts;		/* extensions in it */
	struct fp_span	 groups;	/* supported_groups (10): 2-byte ids */
	struct fp_span	 point_formats;	/* ec_point_formats (11): 1-byte values */
	struct fp_span	 sigalgs;	/* signature_algorithms (13): 2-byte values */
	struct fp_span	 versions;	/* supported_versions (43): 2-byte values */
	struct fp_span	 alpn;		/* ALPN (16): the protocol_name_list (1-byte length, bytes)* */
	struct fp_span	 sni;		/* server_name (0): the first host_name */
	int		 has_sni, has_alpn;
};

/* A ServerHello (or HelloRetryRequest): what JA3S takes. */
struct tls_server_hello {
	uint16_t	 legacy_version;
	uint16_t	 cipher;
	struct fp_span	 exts;
};

/* Handshake message types. */
#define TLS_HS_CLIENT_HELLO	1
#define TLS_HS_SERVER_HELLO	2

/* Lengths of the text forms (without the NUL). */
#define FP_MD5_HEX_LEN		32
#define FP_JA4_LEN		36	/* t13d1516h2_8daaf6152771_e5627efa2ab1 */

/*
 * Parses a ClientHello handshake message (type 1, 3-byte length, body) at msg[0..len). Trailing
 * bytes past the message's own length are ignored. Returns 0, or -1 when it is not a well-formed
 * ClientHello (then h is unusable).
 */
int	tls_client_hello_parse(const uint8_t *msg, size_t len, struct tls_client_hello *h);
/* The same for a ServerHello (type 2). */
int	tls_server_hello_parse(const uint8_t *msg, size_t len, struct tls_server_hello *h);

/* Whether v is one of the 16 GREASE values (RFC 8701). */
int	tls_is_grease(uint16_t v);

/*
 * Appends the JA3 string ("771,4865-4866,0-11-10,29-23,0") to out. Returns 0, -1 when out's
 * maximum was reached.
 */
int	fp_ja3(const struct tls_client_hello *h, struct buf *out);
/* Appends the JA3S string ("771,4866,43-51") to out. 0 or -1 as fp_ja3. */
int	fp_ja3s(const struct tls_server_hello *h, struct buf *out);
/* Writes the JA4 (TLS over TCP) of h into out, NUL-terminated. Returns 0, -1 on ENOMEM. */
int	fp_ja4(const struct tls_client_hello *h, char out[FP_JA4_LEN + 1]);
/* Lowercase hex MD5 of p[0..len), NUL-terminated. */
void	fp_md5_hex(const void *p, size_t len, char out[FP_MD5_HEX_LEN + 1]);

#endif
