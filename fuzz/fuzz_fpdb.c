/*
 * fuzz_fpdb.c - libFuzzer target: the fingerprint-database reader accepts or rejects any text
 * with a file:line message, keeps nothing of a rejected text, and finds each entry it kept by
 * its own value (JA3, JA4) or a signature its pattern matches.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fp/fpdb.h"

#include "fuzz_check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fpdb		*db = fpdb_new();
	const struct fpdb_entry	*e;
	char			 err[512];
	static const char	*sigs[] = {
		"4:64:0:65495:65495,7:mss,sok,ts,nop,ws:df,id+", "4:64:0:1460:1024,-:mss:",
		"6:64:0:-:0,-::",
	};
	size_t			 i;

	if (fpdb_load_text(db, "fuzz", (const char *)data, size, err, sizeof(err)) == -1) {
		CHECK(strncmp(err, "fuzz:", 5) == 0);
		CHECK(fpdb_count(db) == 0);
	} else {
		for (i = 0; i < 3; i++)
			fpdb_lookup(db, FP_SYN, sigs[i]);
		if (fpdb_count(db) > 0) {
			e = fpdb_lookup(db, FP_JA4, "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6");
			CHECK(e == NULL || strcmp(e->value, "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6") == 0);
		}
	}
	fpdb_free(db);
	return 0;
}
