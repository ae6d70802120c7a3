/* fetch.h - the network side of the lookups: HTTP GET with libcurl, whois over TCP (RFC 3912). */
#ifndef HNP_FETCH_H
#define HNP_FETCH_H

#include <stddef.h>

#include "core/buf.h"

#define FETCH_TIMEOUT_S		20	/* a whole HTTP exchange or whois query */

/*
 * GETs url (http or https; redirects followed, at most 5, to http/https only and from https
 * only to https; https checks certificates against the system's CA store) into out (capped by
 * out's maximum: a longer body is an error). accept may be NULL. Returns the HTTP status, or -1
 * with err.
 */
int	fetch_http(const char *url, const char *accept, struct buf *out, char *err, size_t errlen);
/*
 * Sends query + CRLF to server ("host", "host:port", "[v6]:port"; port 43 by default) and reads
 * the answer until the server closes, at most out's maximum. Returns 0, or -1 with err.
 */
int	fetch_whois(const char *server, const char *query, struct buf *out, char *err,
	    size_t errlen);

#endif
