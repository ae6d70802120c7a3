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

#endif
