/*
 * fuzz_telnet_opt.c - libFuzzer target: the Telnet option parser never writes past its buffers,
 * gives back no more data than it was fed, whatever the pieces the input arrives in, and gives the
 * same data whether the input comes whole or in pieces.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/parse/telnet_opt.h"

#include "fuzz_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		 whole[1 << 16], piece[16], joined[1 << 16];
	struct tn_parser	 p, q;
	struct tn_out		 o;
	size_t			 off, n, njoined = 0, nwhole;

	if (size > sizeof(whole))
		size = sizeof(whole);
	tn_init(&p);
	o.data = whole;
	tn_feed(&p, data, size, &o);
	CHECK(o.data_len <= size);
	nwhole = o.data_len;
	tn_init(&q);
	for (off = 0; off < size; off += n) {
		n = 1 + (data[off] % 7);
		if (n > size - off)
			n = size - off;
		o.data = piece;
		tn_feed(&q, data + off, n, &o);
		CHECK(o.data_len <= n);
		memcpy(joined + njoined, piece, o.data_len);
		njoined += o.data_len;
		CHECK(q.sb_len <= sizeof(q.sb));
		CHECK(strlen(q.ttype) < sizeof(q.ttype));
		CHECK(q.seen_len < sizeof(q.seen));
	}
	CHECK(njoined == nwhole && memcmp(joined, whole, nwhole) == 0);
	CHECK(p.have_naws == q.have_naws && p.naws_w == q.naws_w && p.naws_h == q.naws_h);
	CHECK(strcmp(p.ttype, q.ttype) == 0);
	return 0;
}
