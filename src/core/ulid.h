/* ulid.h - ULIDs: 26-character, time-sortable unique ids for events and sessions. */
#ifndef HNP_ULID_H
#define HNP_ULID_H

#include <stddef.h>
#include <stdint.h>

#define ULID_LEN	26

/*
 * Writes a NUL-terminated ULID for time ts_us (microseconds since the epoch) into out[ULID_LEN + 1].
 * Ids made by one process are strictly increasing, even within one millisecond.
 */
void	ulid_make(char out[ULID_LEN + 1], int64_t ts_us);
/* A ULID from ts_us and 80 given bits (deterministic ids: imported events). */
void	ulid_encode(char out[ULID_LEN + 1], int64_t ts_us, const uint8_t rnd[10]);
/* The 128 bits of a ULID's text (upper case, as made here): 48 of time, then 80. -1 if not one. */
int	ulid_decode(const char *text, size_t len, uint8_t bin[16]);

#endif
