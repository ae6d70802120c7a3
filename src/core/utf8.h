/* utf8.h - strict UTF-8 decoding of one sequence (no overlongs, surrogates or code points past U+10FFFF). */
#ifndef HNP_UTF8_H
#define HNP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length (1..4) of the valid UTF-8 sequence at p[0..len), or 0 when there is none (len 0, a
 * stray or invalid byte, a sequence cut short). Stores the code point in *cp when cp is not NULL.
 */
size_t	utf8_decode(const uint8_t *p, size_t len, uint32_t *cp);

#endif
