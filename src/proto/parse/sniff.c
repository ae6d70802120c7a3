/*
 * sniff.c - recognises the protocol a client speaks from its first bytes, for the catch-all and
 * for payload events. One row per protocol; each test says match, not yet (a prefix of the
 * signature: wait for more) or no. Pure: no allocation, no I/O.
 */
#include <string.h>

#include "proto/parse/sniff.h"

/* buf against a literal: MATCH when buf starts with it, MORE when buf is a prefix of it. */
static int
lit(const uint8_t *buf, size_t len, const char *s, size_t n)
{
	if (len >= n)
		return memcmp(buf, s, n) == 0 ? SNIFF_MATCH : SNIFF_NONE;
	return memcmp(buf, s, len) == 0 ? SNIFF_MORE : SNIFF_NONE;
}

#define LIT(b, l, s)	lit((b), (l), (s), sizeof(s) - 1)

/* The best of two answers: match over more over none. */
static int
best(int a, int b)
{
	return a > b ? a : b;
}

static int
any_lit(const uint8_t *buf, size_t len, const char *const *list)
{
	int	 r = SNIFF_NONE;

	for (; *list != NULL; list++)
		r = best(r, lit(buf, len, *list, strlen(*list)));
	return r;
}

static int
is_tls(const uint8_t *b, size_t n)
{
	/* A TLS record (handshake, 3.0-1.3) or an SSLv2-framed ClientHello. */
	if (n >= 1 && b[0] == 0x16) {
		if (n >= 2 && b[1] != 0x03)
			return SNIFF_NONE;
		if (n >= 3)
			return b[2] <= 0x04 ? SNIFF_MATCH : SNIFF_NONE;
		return SNIFF_MORE;
	}
	if (n >= 1 && (b[0] & 0xc0) == 0x80) {		/* 2-byte SSLv2 length, < 16k */
		if (n < 4)
			return SNIFF_MORE;
		return b[2] == 0x01 && (b[3] == 0x03 || b[3] == 0x00) ? SNIFF_MATCH : SNIFF_NONE;
	}
	return SNIFF_NONE;
}

static int
is_http(const uint8_t *b, size_t n)
{
	static const char *const m[] = { "GET ", "POST ", "HEAD ", "PUT ", "DELETE ",
		"OPTIONS ", "CONNECT ", "TRACE ", "PATCH ", "PROPFIND ", "MKCOL ", "COPY ",
		"MOVE ", "LOCK ", "UNLOCK ", "SEARCH ", "PRI * HTTP/2", NULL };

	return any_lit(b, n, m);
}

static int
is_sip(const uint8_t *b, size_t n)
{
	static const char *const m[] = { "OPTIONS sip:", "REGISTER sip:", "INVITE sip:",
		"SIP/2.0 ", NULL };

	return any_lit(b, n, m);
}

static int
is_rtsp(const uint8_t *b, size_t n)
{
	static const char *const m[] = { "OPTIONS rtsp://", "DESCRIBE ", "SETUP rtsp://",
		"PLAY rtsp://", NULL };

	return any_lit(b, n, m);
}

static int
is_ssh(const uint8_t *b, size_t n)
{
	return LIT(b, n, "SSH-");
}

/* TPKT + X.224 Connection Request: RDP, or Siemens S7 when COTP parameters follow. */
static int
x224_cr(const uint8_t *b, size_t n, int s7)
{
	if (n >= 1 && b[0] != 0x03)
		return SNIFF_NONE;
	if (n >= 2 && b[1] != 0x00)
		return SNIFF_NONE;
	if (n >= 6 && (b[5] & 0xf0) != 0xe0)
		return SNIFF_NONE;
	if (n < 12) {
		/* A bare 11-byte request is RDP's legacy form. */
		if (n == 11 && b[2] == 0 && b[3] == 11)
			return s7 ? SNIFF_NONE : SNIFF_MATCH;
		return SNIFF_MORE;
	}
	if (b[11] >= 0xc0 && b[11] <= 0xc2)
		return s7 ? SNIFF_MATCH : SNIFF_NONE;
	return s7 ? SNIFF_NONE : SNIFF_MATCH;
}

static int
is_rdp(const uint8_t *b, size_t n)
{
	return x224_cr(b, n, 0);
}

static int
is_s7(const uint8_t *b, size_t n)
{
	return x224_cr(b, n, 1);
}

static int
is_smb(const uint8_t *b, size_t n)
{
	/* NetBIOS session message, then an SMB1 or SMB2 header. */
	if (n >= 1 && b[0] != 0x00)
		return SNIFF_NONE;
	if (n < 5)
		return SNIFF_MORE;
	if (b[4] != 0xff && b[4] != 0xfe)
		return SNIFF_NONE;
	return lit(b + 5, n - 5, "SMB", 3);
}

static int
is_redis(const uint8_t *b, size_t n)
{
	static const char *const inl[] = { "PING\r\n", "INFO\r\n", "CONFIG ", "SLAVEOF ",
		"REPLICAOF ", "AUTH ", "FLUSHALL", "MODULE LOAD", NULL };
	size_t	 i;

	if (n >= 1 && b[0] == '*') {
		/* RESP: *<count>\r\n$ */
		for (i = 1; i < n && i < 12 && b[i] >= '0' && b[i] <= '9'; i++)
			;
		if (i == n)
			return SNIFF_MORE;
		if (i == 1 || i >= 12)
			return SNIFF_NONE;
		return lit(b + i, n - i, "\r\n$", 3);
	}
	return any_lit(b, n, inl);
}

static int
is_adb(const uint8_t *b, size_t n)
{
	return LIT(b, n, "CNXN");
}

static int
is_telnet(const uint8_t *b, size_t n)
{
	if (n >= 1 && b[0] != 0xff)
		return SNIFF_NONE;
	if (n < 2)
		return SNIFF_MORE;
	return b[1] >= 0xfb && b[1] <= 0xfe ? SNIFF_MATCH : SNIFF_NONE;
}

/* An AT command line ended by CR: "ATZ\r", "at sp 0\r". */
static int
is_elm327(const uint8_t *b, size_t n)
{
	size_t	 i;

	if (n >= 1 && b[0] != 'A' && b[0] != 'a')
		return SNIFF_NONE;
	if (n >= 2 && b[1] != 'T' && b[1] != 't')
		return SNIFF_NONE;
	for (i = 2; i < n && i < 32; i++) {
		if (b[i] == '\r')
			return i > 2 ? SNIFF_MATCH : SNIFF_NONE;
		if (b[i] < 0x20 || b[i] > 0x7e)
			return SNIFF_NONE;
	}
	return i < 32 ? SNIFF_MORE : SNIFF_NONE;
}

static int
is_mqtt(const uint8_t *b, size_t n)
{
	size_t	 i;

	if (n >= 1 && b[0] != 0x10)
		return SNIFF_NONE;
	/* Remaining length: 1 to 4 bytes, high bit = more. */
	for (i = 1; i < n && i < 5 && (b[i] & 0x80); i++)
		;
	if (i >= 5)
		return SNIFF_NONE;
	if (i >= n)
		return SNIFF_MORE;
	i++;
	return best(lit(b + i, n - i, "\0\4MQTT", 6), lit(b + i, n - i, "\0\6MQIsdp", 8));
}

static int
is_jdwp(const uint8_t *b, size_t n)
{
	return LIT(b, n, "JDWP-Handshake");
}

static int
is_mssql(const uint8_t *b, size_t n)
{
	/* TDS pre-login packet: type 0x12, status 0x01. */
	if (n >= 1 && b[0] != 0x12)
		return SNIFF_NONE;
	if (n < 2)
		return SNIFF_MORE;
	if (b[1] != 0x01)
		return SNIFF_NONE;
	if (n < 4)
		return SNIFF_MORE;
	return b[2] == 0 && b[3] >= 8 ? SNIFF_MATCH : SNIFF_NONE;
}

static int
is_postgres(const uint8_t *b, size_t n)
{
	/* StartupMessage (protocol 3.0) or SSLRequest / GSSENCRequest. */
	static const uint8_t	 v3[4] = { 0, 3, 0, 0 }, ssl[4] = { 0x04, 0xd2, 0x16, 0x2f },
				 gss[4] = { 0x04, 0xd2, 0x16, 0x30 };

	if (n >= 1 && b[0] != 0)
		return SNIFF_NONE;
	if (n < 8)
		return SNIFF_MORE;
	if (b[1] != 0)
		return SNIFF_NONE;
	if (memcmp(b + 4, v3, 4) == 0 || memcmp(b + 4, ssl, 4) == 0 || memcmp(b + 4, gss, 4) == 0)
		return SNIFF_MATCH;
	return SNIFF_NONE;
}

static int
is_bitcoin(const uint8_t *b, size_t n)
{
	return LIT(b, n, "\xf9\xbe\xb4\xd9");
}

static int
is_socks4(const uint8_t *b, size_t n)
{
	if (n >= 1 && b[0] != 0x04)
		return SNIFF_NONE;
	if (n < 2)
		return SNIFF_MORE;
	if (b[1] != 1 && b[1] != 2)
		return SNIFF_NONE;
	if (n < 9)
		return SNIFF_MORE;
	return memchr(b + 8, 0, n - 8) != NULL ? SNIFF_MATCH : SNIFF_MORE;
}

static int
is_socks5(const uint8_t *b, size_t n)
{
	size_t	 i;

	/* Greeting: 05, number of methods (1..9), that many method bytes, nothing more. */
	if (n >= 1 && b[0] != 0x05)
		return SNIFF_NONE;
	if (n < 2)
		return SNIFF_MORE;
	if (b[1] < 1 || b[1] > 9)
		return SNIFF_NONE;
	if (n < 2 + (size_t)b[1])
		return SNIFF_MORE;
	if (n > 2 + (size_t)b[1])
		return SNIFF_NONE;
	for (i = 2; i < n; i++)
		if (b[i] > 0x09 && b[i] < 0x80)
			return SNIFF_NONE;
	return SNIFF_MATCH;
}

/* First match wins: more specific rows before the ones they overlap (sip, rtsp before http). */
static const struct {
	const char	*name;
	int		(*test)(const uint8_t *, size_t);
} sniff_table[] = {
	{ "tls", is_tls },
	{ "ssh", is_ssh },
	{ "sip", is_sip },
	{ "rtsp", is_rtsp },
	{ "http", is_http },
	{ "rdp", is_rdp },
	{ "s7comm", is_s7 },
	{ "smb", is_smb },
	{ "redis", is_redis },
	{ "adb", is_adb },
	{ "telnet", is_telnet },
	{ "elm327", is_elm327 },
	{ "mqtt", is_mqtt },
	{ "jdwp", is_jdwp },
	{ "mssql", is_mssql },
	{ "postgres", is_postgres },
	{ "bitcoin", is_bitcoin },
	{ "socks4", is_socks4 },
	{ "socks5", is_socks5 },
};

int
sniff(const uint8_t *buf, size_t len, const char **name)
{
	size_t	 i;
	int	 r, more = 0;

	*name = NULL;
	if (buf == NULL || len == 0)
		return SNIFF_MORE;
	for (i = 0; i < sizeof(sniff_table) / sizeof(sniff_table[0]); i++) {
		r = sniff_table[i].test(buf, len);
		if (r == SNIFF_MATCH) {
			/* A longer signature still possible (sip over http) waits for its bytes. */
			if (more)
				return SNIFF_MORE;
			*name = sniff_table[i].name;
			return SNIFF_MATCH;
		}
		if (r == SNIFF_MORE)
			more = 1;
	}
	return more ? SNIFF_MORE : SNIFF_NONE;
}

const char *
sniff_name(const uint8_t *buf, size_t len)
{
	const char	*name;

	return sniff(buf, len, &name) == SNIFF_MATCH ? name : "unknown";
}
