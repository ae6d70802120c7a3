/*
 * auth.c - login acceptance shared by the Telnet and SSH sensors (see auth.h): a credentials file
 * and a small table of source addresses (their attempt count and the pair that got them in),
 * bounded, oldest entry replaced when full.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/xmalloc.h"
#include "proto/auth.h"

#define AUTH_SOURCES	1024	/* source addresses remembered */

enum auth_mode { AUTH_ANY, AUTH_LIST, AUTH_AFTER };

struct auth_cred {
	char	*user, *pass;	/* "*": anything */
};

struct auth_source {
	char		 ip[64];
	unsigned	 tries;
	uint64_t	 pair;		/* hash of the pair that succeeded; 0 before */
	uint64_t	 used;		/* last use, for replacement */
};

struct auth {
	enum auth_mode		 mode;
	unsigned		 after;
	struct auth_cred	*creds;
	size_t			 ncreds;
	struct auth_source	*src;
	size_t			 nsrc;
	uint64_t		 clock;
};

static int
auth_parse_accept(const char *v, enum auth_mode *mode, unsigned *after)
{
	char	*end;
	long	 n;

	if (strcmp(v, "any") == 0) {
		*mode = AUTH_ANY;
		return 0;
	}
	if (strcmp(v, "list") == 0) {
		*mode = AUTH_LIST;
		return 0;
	}
	if (strncmp(v, "after:", 6) != 0)
		return -1;
	errno = 0;
	n = strtol(v + 6, &end, 10);
	if (end == v + 6 || *end != '\0' || errno != 0 || n < 1 || n > 1000)
		return -1;
	*mode = AUTH_AFTER;
	*after = (unsigned)n;
	return 0;
}

int
auth_check_accept(const char *value, char *why, size_t whylen)
{
	enum auth_mode	 m;
	unsigned	 n;

	if (auth_parse_accept(value, &m, &n) == 0)
		return 0;
	snprintf(why, whylen, "any, list or after:N (N from 1 to 1000)");
	return -1;
}

static int
auth_read_creds(struct auth *a, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[1024], *colon;
	size_t	 n, lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			snprintf(err, errlen, "%s:%zu: line too long", path, lineno);
			goto fail;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL) {
			snprintf(err, errlen, "%s:%zu: expected user:password", path, lineno);
			goto fail;
		}
		if (a->ncreds >= HNP_TELNET_MAX_CREDS) {
			snprintf(err, errlen, "%s:%zu: more than %d pairs", path, lineno,
			    HNP_TELNET_MAX_CREDS);
			goto fail;
		}
		*colon = '\0';
		a->creds = xreallocarray(a->creds, a->ncreds + 1, sizeof(*a->creds));
		a->creds[a->ncreds].user = xstrdup(line);
		a->creds[a->ncreds].pass = xstrdup(colon + 1);
		a->ncreds++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int
auth_load(struct auth **out, const struct config *cfg, const char *section, char *err,
    size_t errlen)
{
	struct auth	*a;
	const char	*acc = config_get(cfg, section, "accept");
	const char	*creds = config_get(cfg, section, "credentials");
	char		 why[512];

	a = xcalloc(1, sizeof(*a));
	if (acc == NULL || auth_parse_accept(acc, &a->mode, &a->after) == -1) {
		snprintf(err, errlen, "%s: [%s] accept: any, list or after:N",
		    config_origin(cfg, section, "accept"), section);
		goto fail;
	}
	if (creds != NULL && creds[0] != '\0' && auth_read_creds(a, creds, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: [%s] credentials: %s",
		    config_origin(cfg, section, "credentials"), section, why);
		goto fail;
	}
	if (a->mode == AUTH_LIST && a->ncreds == 0) {
		snprintf(err, errlen, "%s: [%s] accept = list needs a credentials file with pairs",
		    config_origin(cfg, section, "accept"), section);
		goto fail;
	}
	*out = a;
	return 0;
fail:
	auth_free(a);
	return -1;
}

void
auth_free(struct auth *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < a->ncreds; i++) {
		free(a->creds[i].user);
		free(a->creds[i].pass);
	}
	free(a->creds);
	free(a->src);
	free(a);
}

static int
auth_field_match(const char *pat, const char *s, size_t len)
{
	return strcmp(pat, "*") == 0 || (strlen(pat) == len && memcmp(pat, s, len) == 0);
}

static int
auth_listed(const struct auth *a, const char *user, size_t ulen, const char *pass, size_t plen)
{
	size_t	 i;

	for (i = 0; i < a->ncreds; i++)
		if (auth_field_match(a->creds[i].user, user, ulen) &&
		    auth_field_match(a->creds[i].pass, pass, plen))
			return 1;
	return 0;
}

/* FNV-1a of user, a separator and pass; never 0. */
static uint64_t
auth_pair_hash(const char *user, size_t ulen, const char *pass, size_t plen)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	for (i = 0; i < ulen; i++)
		h = (h ^ (uint8_t)user[i]) * 1099511628211ULL;
	h = (h ^ 0x100) * 1099511628211ULL;
	for (i = 0; i < plen; i++)
		h = (h ^ (uint8_t)pass[i]) * 1099511628211ULL;
	return h == 0 ? 1 : h;
}

static struct auth_source *
auth_source(struct auth *a, const char *ip)
{
	struct auth_source	*e, *old = NULL;
	size_t			 i;

	if (a->src == NULL)
		a->src = xcalloc(AUTH_SOURCES, sizeof(*a->src));
	for (i = 0; i < a->nsrc; i++) {
		e = &a->src[i];
		if (strcmp(e->ip, ip) == 0)
			return e;
		if (old == NULL || e->used < old->used)
			old = e;
	}
	e = a->nsrc < AUTH_SOURCES ? &a->src[a->nsrc++] : old;
	memset(e, 0, sizeof(*e));
	snprintf(e->ip, sizeof(e->ip), "%s", ip);
	return e;
}

int
auth_try(struct auth *a, const char *src_ip, const char *user, size_t ulen, const char *pass,
    size_t plen)
{
	struct auth_source	*e;
	uint64_t		 h;

	if (a->mode == AUTH_ANY)
		return 1;
	if (auth_listed(a, user, ulen, pass, plen))
		return 1;
	if (a->mode == AUTH_LIST)
		return 0;
	e = auth_source(a, src_ip);
	e->used = ++a->clock;
	h = auth_pair_hash(user, ulen, pass, plen);
	if (e->pair != 0)
		return e->pair == h;
	if (++e->tries >= a->after) {
		e->pair = h;
		return 1;
	}
	return 0;
}
