/*
 * auth.h - which login attempts a sensor lets in (Telnet, SSH): the keys `accept` and `credentials`
 * of its section.
 *	accept = any		every attempt succeeds
 *	accept = list		only pairs of the credentials file
 *	accept = after:N	(default after:3) a pair of the file, or the N-th attempt from a source
 *				address, whatever it tries; that address then keeps getting in with the
 *				pair that succeeded (and no other, as a real device with one password)
 *	credentials = FILE	"user:password" lines (split at the first ':'; '*' on either side
 *				matches anything; '#' comments); a bad line is an error naming file:line
 */
#ifndef HNP_AUTH_H
#define HNP_AUTH_H

#include <stddef.h>

#include "core/config.h"

#define AUTH_DEFAULT_ACCEPT	"after:3"

/* The two rows of a section's key table: AUTH_CONFIG_KEYS("telnet"), */
#define AUTH_CONFIG_KEYS(section) \
	{ section, "accept", CFG_STR, 0, 0, AUTH_DEFAULT_ACCEPT, \
	    "which logins succeed: any, list (the credentials file) or after:N (the N-th " \
	    "attempt of a source, then its pair)", auth_check_accept }, \
	{ section, "credentials", CFG_STR, 0, 0, NULL, \
	    "file of user:password lines that always succeed ('*' matches anything)", NULL }

struct auth;

/* Config check of an accept value. */
int	auth_check_accept(const char *value, char *why, size_t whylen);
/* Reads section's accept and credentials. 0 and *out, or -1 with err naming file:line. */
int	auth_load(struct auth **out, const struct config *cfg, const char *section, char *err,
	    size_t errlen);
/* Whether this attempt from src_ip succeeds (and counts it). */
int	auth_try(struct auth *a, const char *src_ip, const char *user, size_t ulen,
	    const char *pass, size_t plen);
void	auth_free(struct auth *a);

#endif
