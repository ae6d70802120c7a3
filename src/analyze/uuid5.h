/* uuid5.h - name-based UUIDs (RFC 9562 version 5, SHA-1), for deterministic STIX ids. */
#ifndef HNP_UUID5_H
#define HNP_UUID5_H

#include <stddef.h>
#include <stdint.h>

#define UUID_STR_LEN	36

/* STIX 2.1's namespace for cyber-observable ids (spec 2.9; python-stix2 SCO_DET_ID_NAMESPACE). */
extern const uint8_t uuid5_ns_stix_sco[16];
/* hanipo's own namespace for the other objects: uuid5(NAMESPACE_URL, "https://hanipo.invalid/stix"). */
extern const uint8_t uuid5_ns_hanipo[16];

/* The version 5 UUID of name[0..len) in namespace ns, as 36 characters and a NUL. */
void	uuid5(const uint8_t ns[16], const void *name, size_t len, char out[UUID_STR_LEN + 1]);

#endif
