/* lookup.h - who is responsible for an address: cache, RDAP, whois fallback, the JPNIC branch. */
#ifndef HNP_LOOKUP_H
#define HNP_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "abuse/contact.h"
#include "core/config.h"

/* [abuse] keys: lookups, the reporter's identity, sending. */

enum lookup_mode {
	LOOKUP_CACHED,		/* the cache when fresh, else the network */
	LOOKUP_OFFLINE,		/* the cache only, even when expired */
	LOOKUP_REFRESH,		/* the network, then the cache */
};

/*
 * The contact for addr (an IPv4 or IPv6 address): from the store's cache (abuse_cache) when fresh,
 * else RDAP through the bootstrap ([abuse] rdap_bootstrap), whois when RDAP fails (IANA, then the
 * referral; [abuse] whois_server overrides every whois query), and, when the answer is JPNIC's
 * (decided from its content), JPNIC's whois "ADDR/e" for the network's own [Abuse]. A result is
 * cached for [abuse] cache_ttl. *cached tells whether it came from the cache (may be NULL).
 * Returns 0, or -1 with err.
 */
int	abuse_lookup(sqlite3 *db, const struct config *cfg, const char *addr, enum lookup_mode mode,
	    struct contact *c, int *cached, char *err, size_t errlen);

#define IANA_BOOTSTRAP	"https://data.iana.org/rdap/"

/*
 * Fetches ipv4.json, ipv6.json and asn.json from the URL base from (ending in /) and replaces
 * those in the [abuse] rdap_bootstrap directory, each only after it parses. 0, or -1 with err.
 */
int	abuse_bootstrap_update(const struct config *cfg, const char *from, char *err,
	    size_t errlen);

/* The cache: 1 with c and its fetch time, 0 when absent (or expired unless any_age), -1 on error. */
int	abuse_cache_get(sqlite3 *db, const char *addr, int64_t now_us, int any_age,
	    struct contact *c, int64_t *fetched_us);
int	abuse_cache_put(sqlite3 *db, const char *addr, const struct contact *c, int64_t now_us,
	    int64_t ttl_us);

#endif
