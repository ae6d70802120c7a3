/*
 * fuzz_rdp.c - libFuzzer target: the RDP Connection Request parser keeps its spans inside the
 * input, gives the same answer for every prefix it calls complete, and the Confirm it builds is
 * a well-formed TPKT.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/parse/rdp.h"

#include "fuzz_check.h"

static void
check_inside(const uint8_t *buf, size_t len, const uint8_t *p, size_t n)
{
	if (p == NULL)
		return;
	CHECK(p >= buf && p + n <= buf + len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdp_cr	 cr, cr2;
	const char	*why;
	uint8_t		 cc[19];
	size_t		 n, i;
	int		 rc, rc2, sel, fail, policy;

	rc = rdp_parse_cr(data, size, 4096, &cr, &why);
	CHECK(rc == RDP_MORE || rc == RDP_DONE || rc == RDP_BAD);
	CHECK((rc == RDP_BAD) == (why != NULL));
	if (rc != RDP_DONE)
		return 0;
	CHECK(cr.tpkt_len >= 11 && cr.tpkt_len <= size && cr.tpkt_len <= 4096);
	check_inside(data, cr.tpkt_len, cr.cookie, cr.cookie_len);
	check_inside(data, cr.tpkt_len, cr.token, cr.token_len);
	CHECK(cr.cookie == NULL || cr.token == NULL);
	CHECK(cr.extra <= cr.tpkt_len - 11);
	/* Every shorter prefix needs more bytes (a complete request is never cut early). */
	for (i = 0; i < cr.tpkt_len; i++) {
		rc2 = rdp_parse_cr(data, i, 4096, &cr2, &why);
		CHECK(rc2 == RDP_MORE);
	}
	for (policy = RDP_POLICY_NLA; policy <= RDP_POLICY_RDP; policy++) {
		n = rdp_build_cc(&cr, policy, cc, &sel, &fail);
		CHECK(n == 11 || n == 19);
		CHECK(cc[0] == 3 && cc[1] == 0 && cc[3] == n && cc[4] == n - 5 && cc[5] == 0xd0);
		CHECK((sel >= 0) != (fail != 0));
		if (sel > 0)
			CHECK(((uint32_t)sel & cr.protocols) != 0);
	}
	return 0;
}
