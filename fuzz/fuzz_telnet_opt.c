/*
 * fuzz_telnet_opt.c - libFuzzer target: the Telnet option parser never writes past its buffers,
 * gives back no more data than it was fed, answers only with well-formed commands, and never
 * answers the same option twice in a row when fed its own answers mirrored (no negotiation loop).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/parse/telnet_opt.h"

#include "fuzz_check.h"

/* Every answer is IAC verb opt, or the TTYPE SEND subnegotiation. */
static void
check_reply(const struct tn_out *o)
{
	size_t	 i = 0;

	CHECK(o->reply_len <= sizeof(o->reply));
	while (i < o->reply_len) {
		CHECK(o->reply[i] == TN_IAC && i + 3 <= o->reply_len);
		if (o->reply[i + 1] == TN_SB) {
			CHECK(i + 6 <= o->reply_len);
			CHECK(memcmp(o->reply + i, "\xff\xfa\x18\x01\xff\xf0", 6) == 0);
			i += 6;
			continue;
		}
		CHECK(o->reply[i + 1] >= TN_WILL && o->reply[i + 1] <= TN_DONT);
		i += 3;
	}
}

/* What a client obeying every request would answer: WILL<->DO, WONT<->DONT. */
static size_t
mirror(const struct tn_out *o, uint8_t *m)
{
	size_t	 i, n = 0;

	for (i = 0; i + 3 <= o->reply_len; i += 3) {
		if (o->reply[i + 1] == TN_SB) {
			i += 3;
			continue;
		}
		m[n++] = TN_IAC;
		m[n++] = o->reply[i + 1] == TN_DO ? TN_WILL : o->reply[i + 1] == TN_DONT ?
		    TN_WONT : o->reply[i + 1] == TN_WILL ? TN_DO : TN_DONT;
		m[n++] = o->reply[i + 2];
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		 buf[1 << 16], m[1024];
	struct tn_parser	 p;
	struct tn_out		 o;
	size_t			 off, n, k, mn;

	if (size > sizeof(buf))
		size = sizeof(buf);
	tn_init(&p);
	/* fed in pieces of varying size: state carries over */
	for (off = 0; off < size; off += n) {
		n = 1 + (data[off] % 7);
		if (n > size - off)
			n = size - off;
		o.data = buf;
		tn_feed(&p, data + off, n, &o);
		CHECK(o.data_len <= n);
		check_reply(&o);
		CHECK(p.sb_len <= sizeof(p.sb));
		CHECK(strlen(p.ttype) < sizeof(p.ttype));
		CHECK(p.seen_len < sizeof(p.seen));
		/* the client agrees to everything we answered: we must then go quiet */
		for (k = 0; k < 3 && p.state == 0; k++) {
			mn = mirror(&o, m);
			if (mn == 0)
				break;
			o.data = buf;
			tn_feed(&p, m, mn, &o);
			CHECK(o.data_len == 0);
			check_reply(&o);
		}
		CHECK(k < 3);
	}
	return 0;
}
