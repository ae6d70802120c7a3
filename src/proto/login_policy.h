/*
 * login_policy.h - which login attempts a sensor lets in (keys `accept` and `credentials`):
 *	any		every attempt
 *	list		only the pairs of the credentials file
 *	after:N		any pair once the source has failed N times (across its connections)
 *	repeat:N	a pair the source already sent, when it comes back within its first N
 *			attempts (the default, repeat:5: a bot repeating one pair gets in)
 * In every mode a pair of the credentials file gets in, and a source that got in once gets in
 * again with the same pair. Attempts are remembered per source address, for a bounded number of
 * addresses (the oldest forgotten first).
 */
#ifndef HNP_LOGIN_POLICY_H
#define HNP_LOGIN_POLICY_H

#include <stddef.h>

struct login_policy;

/* Config check of an `accept` value. */
int	login_policy_check_accept(const char *v, char *why, size_t whylen);
/*
 * A policy from an accept value and a credentials file (NULL or "": none). The file has one
 * "user:password" per line (the first ':' splits; '*' alone matches anything), '#' comments.
 * NULL with err ("file:line: message") on failure.
 */
struct login_policy *login_policy_new(const char *accept, const char *credentials, char *err,
	    size_t errlen);
void	login_policy_free(struct login_policy *p);
/* Decides one attempt from src_ip: 1 let in, 0 refused. Remembers it. */
int	login_policy_try(struct login_policy *p, const char *src_ip, const void *user, size_t ulen,
	    const void *pass, size_t plen);

#endif
