/* test_sniff.c - unit tests for the protocol sniffer table and the RDP Connection Request parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "proto/parse/rdp.h"
#include "proto/parse/sniff.h"

#define B(s)	(const uint8_t *)(s), sizeof(s) - 1

struct scase {
	const char	*bytes;
	size_t		 len;
	int		 rc;
	const char	*name;
};

#define S(s, rc, name)	{ (s), sizeof(s) - 1, (rc), (name) }

static const struct scase scases[] = {
	S("\x16\x03\x01\x00\xf4\x01", SNIFF_MATCH, "tls"),
	S("\x16\x03", SNIFF_MORE, NULL),
	S("\x80\x2e\x01\x03\x01", SNIFF_MATCH, "tls"),
	S("GET / HTTP/1.1\r\n", SNIFF_MATCH, "http"),
	S("GE", SNIFF_MORE, NULL),
	S("OPTIONS ", SNIFF_MORE, NULL),			/* sip or rtsp or http: wait */
	S("OPTIONS / HTTP/1.1\r\n", SNIFF_MATCH, "http"),
	S("OPTIONS sip:1@2 SIP/2.0\r\n", SNIFF_MATCH, "sip"),
	S("OPTIONS rtsp://x/ RTSP/1.0\r\n", SNIFF_MATCH, "rtsp"),
	S("SSH-2.0-libssh\r\n", SNIFF_MATCH, "ssh"),
	S("\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00", SNIFF_MATCH, "rdp"),
	S("\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00" "Cookie", SNIFF_MATCH, "rdp"),
	S("\x03\x00\x00\x16\x11\xe0\x00\x00\x00\x01\x00\xc1\x02", SNIFF_MATCH, "s7comm"),
	S("\x00\x00\x00\x85\xffSMBr", SNIFF_MATCH, "smb"),
	S("\x00\x00\x00\x45\xfeSMB@", SNIFF_MATCH, "smb"),
	S("*1\r\n$4\r\nINFO\r\n", SNIFF_MATCH, "redis"),
	S("PING\r\n", SNIFF_MATCH, "redis"),
	S("CNXN\x00\x00\x00\x01", SNIFF_MATCH, "adb"),
	S("\xff\xfb\x1f", SNIFF_MATCH, "telnet"),
	S("ATZ\r", SNIFF_MATCH, "elm327"),
	S("at sp 0\r", SNIFF_MATCH, "elm327"),
	S("\x10\x10\x00\x04MQTT\x04", SNIFF_MATCH, "mqtt"),
	S("JDWP-Handshake", SNIFF_MATCH, "jdwp"),
	S("\x12\x01\x00\x2f\x00\x00", SNIFF_MATCH, "mssql"),
	S("\x00\x00\x00\x08\x04\xd2\x16\x2f", SNIFF_MATCH, "postgres"),
	S("\xf9\xbe\xb4\xd9version", SNIFF_MATCH, "bitcoin"),
	S("\x04\x01\x00\x50\x01\x02\x03\x04\x00", SNIFF_MATCH, "socks4"),
	S("\x05\x01\x00", SNIFF_MATCH, "socks5"),
	S("hello\r\n", SNIFF_NONE, NULL),
	S("get / HTTP/1.1\r\n", SNIFF_NONE, NULL),		/* methods are case-sensitive */
	S("\x16\x04\x01", SNIFF_NONE, NULL),
};

static void
test_sniff_case(void **state)
{
	const struct scase	*c = *state;
	const char		*name;

	assert_int_equal(sniff((const uint8_t *)c->bytes, c->len, &name), c->rc);
	if (c->name != NULL)
		assert_string_equal(name, c->name);
	else
		assert_null(name);
	assert_string_equal(sniff_name((const uint8_t *)c->bytes, c->len),
	    c->name ? c->name : "unknown");
}

static void
test_sniff_empty(void **state)
{
	const char	*name;

	assert_int_equal(sniff(NULL, 0, &name), SNIFF_MORE);
	assert_int_equal(sniff((const uint8_t *)"x", 0, &name), SNIFF_MORE);
}

static void
test_rdp_nmap(void **state)
{
	static const uint8_t	 p[] = "\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00"
				    "Cookie: mstshash=nmap\r\n\x01\x00\x08\x00\x03\x00\x00\x00";
	static const uint8_t	 want[] = "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00"
				    "\x02\x1f\x08\x00\x02\x00\x00\x00";
	struct rdp_cr		 cr;
	const char		*why;
	uint8_t			 cc[19];
	int			 sel, fail;

	assert_int_equal(rdp_parse_cr(p, sizeof(p) - 1, 4096, &cr, &why), RDP_DONE);
	assert_int_equal(cr.tpkt_len, 42);
	assert_int_equal(cr.cookie_len, 4);
	assert_memory_equal(cr.cookie, "nmap", 4);
	assert_true(cr.has_neg);
	assert_int_equal(cr.protocols, 3);
	assert_int_equal(rdp_build_cc(&cr, RDP_POLICY_NLA, cc, &sel, &fail), 19);
	assert_memory_equal(cc, want, 19);
	assert_int_equal(sel, RDP_PROTO_HYBRID);
	assert_int_equal(rdp_build_cc(&cr, RDP_POLICY_TLS, cc, &sel, &fail), 19);
	assert_int_equal(sel, RDP_PROTO_SSL);
	/* Every prefix waits for more. */
	for (size_t i = 0; i < sizeof(p) - 1; i++)
		assert_int_equal(rdp_parse_cr(p, i, 4096, &cr, &why), RDP_MORE);
}

static void
test_rdp_bad(void **state)
{
	struct rdp_cr	 cr;
	const char	*why;

	assert_int_equal(rdp_parse_cr(B("G"), 4096, &cr, &why), RDP_BAD);
	assert_string_equal(why, "not_tpkt");
	assert_int_equal(rdp_parse_cr(B("\x03\x00\x10\x01"), 4096, &cr, &why), RDP_BAD);
	assert_string_equal(why, "oversize");
	assert_int_equal(rdp_parse_cr(B("\x03\x00\x00\x0b\x06\xd0"), 4096, &cr, &why), RDP_BAD);
	assert_string_equal(why, "not_cr");
	assert_int_equal(rdp_parse_cr(B("\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x10"), 4096, &cr,
	    &why), RDP_BAD);
	assert_string_equal(why, "class");
}

int
main(void)
{
	struct CMUnitTest	 t[sizeof(scases) / sizeof(scases[0]) + 3];
	size_t			 i, n = 0;

	memset(t, 0, sizeof(t));
	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		t[n].name = scases[i].name ? scases[i].name : "no match or not yet";
		t[n].test_func = test_sniff_case;
		t[n++].initial_state = (void *)(uintptr_t)&scases[i];
	}
	t[n].name = "sniff_empty";
	t[n++].test_func = test_sniff_empty;
	t[n].name = "rdp_nmap";
	t[n++].test_func = test_rdp_nmap;
	t[n].name = "rdp_bad";
	t[n++].test_func = test_rdp_bad;
	return _cmocka_run_group_tests("sniff", t, n, NULL, NULL);
}
