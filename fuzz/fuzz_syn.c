/*
 * fuzz_syn.c - libFuzzer target: the SYN decoder never reads outside its input, is deterministic,
 * writes bounded, NUL-terminated layout and signature texts, and every signature it writes is
 * one the database's pattern matcher parses and matches against itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/fpdb.h"
#include "fp/syn.h"

#include "fuzz_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct syn_fp	 a, b;
	char		 sig[SYN_SIG_MAX], sig2[SYN_SIG_MAX], lay[SYN_LAYOUT_MAX], tiny[8];
	uint8_t		*copy;
	size_t		 n;
	int		 ra, rb;

	/* An exact-size copy: ASan flags any read past the end. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	ra = syn_decode(copy, size, &a);
	rb = syn_decode(copy, size, &b);
	CHECK(ra == rb);
	if (ra == 0) {
		CHECK(a.ver == 4 || a.ver == 6);
		CHECK(a.nopts <= SYN_MAX_OPTS);
		CHECK(a.mss >= -1 && a.mss <= 65535);
		CHECK(a.wscale >= -1 && a.wscale <= 255);
		CHECK(a.eol_pad >= -1 && a.eol_pad < 40);
		CHECK(a.tools < (1u << SYN_NTOOLS));
		n = syn_layout(&a, lay, sizeof(lay));
		CHECK(n == strlen(lay) && n < sizeof(lay));
		n = syn_sig(&a, sig, sizeof(sig));
		CHECK(n == strlen(sig) && n < sizeof(sig));
		syn_sig(&b, sig2, sizeof(sig2));
		CHECK(strcmp(sig, sig2) == 0);
		syn_sig_layout(&a, lay, sig2, sizeof(sig2));
		CHECK(strcmp(sig, sig2) == 0);
		n = syn_sig(&a, tiny, sizeof(tiny));
		CHECK(n < sizeof(tiny) && n == strlen(tiny));
		if (strlen(sig) < 256)
			CHECK(fpdb_syn_match(sig, sig) == 1);
	}
	free(copy);
	return 0;
}
