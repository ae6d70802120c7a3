/*
 * import_cache.h - the same request from another client: honeypot logs repeat a few thousand
 * requests from many addresses, and a WOWHoneypot line's event, but for its time and client, is
 * decided by the bytes after the client address. A small direct-mapped table keeps, per such
 * tail, the event's fields, payload, payload digest and tags, so a repeat skips decoding,
 * building the fields and classifying (only when no signature for it tests the client).
 */
#ifndef HNP_IMPORT_CACHE_H
#define HNP_IMPORT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/import.h"

struct imp_cached {
	const char	*proto, *kind;		/* static strings */
	char		 dst_ip[EVT_IP_LEN];
	int		 dst_port;
	uint64_t	 payload_total;
	char		 sha[65];		/* "" without payload */
	const uint8_t	*fields, *payload, *tags;
	size_t		 flen, plen, tlen;
	uint64_t	 serial;		/* this event's number, never reused */
};

struct imp_cache;

struct imp_cache *imp_cache_new(void);
void	imp_cache_free(struct imp_cache *c);
/* The entry of a line whose bytes from the host field on are tail[0..len), or NULL. */
const struct imp_cached *imp_cache_get(struct imp_cache *c, const char *tail, size_t len);
/*
 * Keeps r's event (sha[65]: its payload digest in hex, "" without; tags: JSON text) for tail. Its
 * serial (which the lines that find it share), or 0 when it is not kept.
 */
uint64_t imp_cache_put(struct imp_cache *c, const char *tail, size_t len, const struct imp_rec *r,
	    const char *sha, const uint8_t *tags, size_t tlen);

#endif
