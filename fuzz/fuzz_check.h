/* fuzz_check.h - the entry point's prototype and CHECK(), an invariant that aborts (kept in release builds). */
#ifndef HNP_FUZZ_CHECK_H
#define HNP_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x); \
		abort();						\
	}								\
} while (0)

#endif
