/* whois.h - the abuse contact in whois text (RFC 3912: free text, per-registry conventions). Pure. */
#ifndef HNP_WHOIS_H
#define HNP_WHOIS_H

#include <stddef.h>

#include "abuse/contact.h"

#define WHOIS_MAX_BYTES	(512 * 1024)	/* an answer is cut here */
#define WHOIS_MAX_LINES	8192

/*
 * Parses a whois answer for query (an address). RIPE/APNIC/AFRINIC: the "% Abuse contact for" line,
 * else abuse-mailbox of the mnt-irt irt / abuse-c role; ARIN: RAbuseEmail then OrgAbuseEmail;
 * LACNIC: abuse-c's nic-hdl block e-mail; JPNIC (also its HTML gateway): [Abuse]. The network is
 * the most specific inetnum/inet6num/NetRange/[Network Number] holding the query. Free-text
 * addresses on lines mentioning abuse are fallbacks; referral is set from "refer:"/"whois:" (IANA)
 * or the last "ReferralServer: whois://" (ARIN). Returns 0, or -1 with err for empty input.
 */
int	whois_parse(const char *text, size_t len, const char *query, struct contact *c, char *err,
	    size_t errlen);

#endif
