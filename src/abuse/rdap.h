/* rdap.h - the abuse contact in an RDAP answer (RFC 9083): a pure parser, no I/O. */
#ifndef HNP_RDAP_H
#define HNP_RDAP_H

#include <stddef.h>

#include "abuse/contact.h"

#define RDAP_MAX_DEPTH	4	/* nested entities walked */
#define RDAP_MAX_BYTES	(2 * 1024 * 1024)	/* an answer larger than this is refused */

/*
 * Parses an RDAP answer (ip network, autnum or entity) for query (an address, a prefix, AS..., a
 * handle). Fills c: network (the cidr0 prefix holding the query, else start-end as one prefix or
 * "start - end"), name, handle, country, registry, the abuse role's e-mails (walked depth-first in
 * document order, jCard order by pref then type abuse), free-text fallbacks, registry desks, and
 * whether the answer is JPNIC's (country JP and a JPNIC mention). Returns 0, or -1 with err.
 */
int	rdap_parse(const char *text, size_t len, const char *query, struct contact *c, char *err,
	    size_t errlen);

#endif
