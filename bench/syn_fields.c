/*
 * syn_fields.c - time of the connect event's SYN work without the kernel: decode a saved Linux SYN,
 * write its syn_* fields as JSON text, name it from the shipped database (what session_new adds
 * per connection besides one getsockopt), without and with the cache of SYN shapes the daemon
 * uses. Usage: syn_fields [DATABASE] [ITERATIONS].
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "fp/fpdb.h"
#include "fp/synevt.h"

/* IPv4 + TCP SYN as Linux sends it over loopback (TTL 64, DF, mss,sok,ts,nop,ws). */
static const uint8_t syn[] = {
	0x45, 0x00, 0x00, 0x3c, 0x1b, 0x9f, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 127, 0, 0, 1,
	127, 0, 0, 1, 0x9c, 0x40, 0x1f, 0x90, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,
	0xa0, 0x02, 0xff, 0xd7, 0, 0, 0, 0, 2, 4, 0xff, 0xd7, 4, 2, 8, 10,
	0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
};

/* ns per call of fn over n iterations; b holds the last text. */
static double
syn_time(json_t *(*fn)(void *, const uint8_t *, size_t, struct jsonw *), void *arg, long n,
    struct buf *b)
{
	struct jsonw	 w;
	struct timespec	 t0, t1;
	json_t		*tags;
	long		 i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		b->len = 0;
		jsonw_init(&w, b);
		jsonw_object_begin(&w);
		tags = fn(arg, syn, sizeof(syn), &w);
		jsonw_object_end(&w);
		json_decref(tags);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
	    (double)n;
}

int
main(int argc, char **argv)
{
	struct fpdb		*db = fpdb_new();
	struct fp_syn_cache	*cache;
	struct buf		 b;
	char			 err[1024];
	long			 n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	double			 ns, cached;

	if (n <= 0)
		n = 1;
	if (fpdb_load(db, argc > 1 ? argv[1] : "data/fingerprints.txt", err, sizeof(err)) == -1) {
		fprintf(stderr, "syn_fields: %s\n", err);
		return 2;
	}
	buf_init(&b, 65536);
	cache = fp_syn_cache_new(db);
	ns = syn_time(fp_syn_fields, db, n, &b);
	cached = syn_time(fp_syn_fields_cached, cache, n, &b);
	printf("%.*s\n%.0f ns per connection, %.0f through the cache (%ld iterations, %zu database "
	    "entries)\n", (int)b.len, (const char *)b.data, ns, cached, n, fpdb_count(db));
	fp_syn_cache_free(cache);
	buf_free(&b);
	fpdb_free(db);
	return 0;
}
