/*
 * fuzz_syn.c - libFuzzer target: the SYN decoder never reads outside its input, is deterministic,
 * writes bounded, NUL-terminated layout and signature texts, and every signature it writes is
 * one the database's pattern matcher parses and matches against itself; the connect event's
 * fields through the cache (kept across inputs, so earlier ones' shapes hit) are the uncached
 * text byte for byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "fp/fpdb.h"
#include "fp/syn.h"
#include "fp/synevt.h"

#include "fuzz_check.h"

/* Names for a few shapes, one of them longer than a cache slot keeps. */
static const char fuzz_db[] =
    "syn *:64:0:*:*,*:*:* Linux os\n"
    "syn *:128:0:*:*,*:*:* \"Windows \xc3\xa9\" os\n"
    "syn 6:255:*:*:*,*:*:* \""
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
    "\" "
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "\n";

/* The fields text fn writes for copy[0..size) into b, and its tags as text (malloc'd or NULL). */
static char *
fuzz_fields(json_t *(*fn)(void *, const uint8_t *, size_t, struct jsonw *), void *arg,
    const uint8_t *copy, size_t size, struct buf *b)
{
	struct jsonw	 w;
	json_t		*t;
	char		*d;

	b->len = 0;
	jsonw_init(&w, b);
	jsonw_object_begin(&w);
	t = fn(arg, copy, size, &w);
	jsonw_object_end(&w);
	CHECK(jsonw_done(&w) == 0);
	d = t != NULL ? json_dumps(t, JSON_COMPACT) : NULL;
	json_decref(t);
	return d;
}

static void
fuzz_cache(const uint8_t *copy, size_t size)
{
	static struct fpdb		*db;
	static struct fp_syn_cache	*cache;
	static struct buf		 a, b;
	char				 err[256], *ta, *tb;
	int				 k;

	if (cache == NULL) {
		db = fpdb_new();
		CHECK(fpdb_load_text(db, "fuzz", fuzz_db, sizeof(fuzz_db) - 1, err,
		    sizeof(err)) == 0);
		cache = fp_syn_cache_new(db);
		buf_init(&a, 65536);
		buf_init(&b, 65536);
	}
	ta = fuzz_fields(fp_syn_fields, db, copy, size, &a);
	for (k = 0; k < 2; k++) {
		tb = fuzz_fields(fp_syn_fields_cached, cache, copy, size, &b);
		CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
		CHECK((ta == NULL && tb == NULL) || (ta != NULL && tb != NULL &&
		    strcmp(ta, tb) == 0));
		free(tb);
	}
	free(ta);
}

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
	fuzz_cache(copy, size);
	free(copy);
	return 0;
}
