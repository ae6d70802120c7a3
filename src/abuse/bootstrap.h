/* bootstrap.h - IANA RDAP bootstrap files (RFC 9224): which RDAP service answers for a query. */
#ifndef HNP_BOOTSTRAP_H
#define HNP_BOOTSTRAP_H

#include <stddef.h>

#include <jansson.h>

enum boot_kind { BOOT_IP, BOOT_ASN, BOOT_DNS, BOOT_TAG };

#define BOOT_MAX_URLS	8

struct bootstrap;

/*
 * Parses one bootstrap file ({"services": [[[entries], [urls]], ...]}); entries whose URLs are all
 * unusable are dropped. Several files may be added to one bootstrap (ipv4, ipv6, asn). Returns 0,
 * or -1 with err (not JSON, no services array, a service that is not [[entries], [urls]]).
 */
struct bootstrap *bootstrap_new(void);
int	bootstrap_add(struct bootstrap *b, const char *text, size_t len, char *err, size_t errlen);
int	bootstrap_add_json(struct bootstrap *b, const json_t *root, char *err, size_t errlen);
void	bootstrap_free(struct bootstrap *b);

/*
 * The base URLs for query (an address or prefix for BOOT_IP; "AS13335", "as287" or "287" for
 * BOOT_ASN; a domain; an entity handle "X-TAG"), of the longest matching prefix / the matching
 * range / the longest matching domain / the tag, in file order (pointers into b). Returns how
 * many (0: no entry), or -1 when query is not of the kind.
 */
int	bootstrap_lookup(const struct bootstrap *b, enum boot_kind kind, const char *query,
	    const char **urls, size_t max);
/*
 * The URL to use from a lookup's list: the first https one, else the first http one (local test
 * set-ups); with a trailing '/' added when missing, into out. Returns 0, or -1 when none.
 */
int	bootstrap_pick(const char *const *urls, size_t n, char *out, size_t outlen);

#endif
