/*
 * login_policy.c - decides which login attempts get in (accept = any|list|after:N|repeat:N,
 * credentials = FILE), remembering a few pair hashes per source address in a bounded table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/limits.h"
#include "core/xmalloc.h"
#include "core/evt.h"
#include "proto/login_policy.h"

enum login_mode { LOGIN_ANY, LOGIN_LIST, LOGIN_AFTER, LOGIN_REPEAT };

#define LOGIN_PAIRS	8	/* pair hashes remembered per source */
#define LOGIN_BUCKETS	1024

struct login_source {
	char			 ip[EVT_IP_LEN];
	unsigned		 tries;
	uint64_t		 pairs[LOGIN_PAIRS];
	unsigned		 npairs;
	uint64_t		 in_pair;	/* the pair that got in (when in) */
	int			 in;
	uint64_t		 used;		/* last use (a counter) */
	struct login_source	*next;
};

struct login_cred {
	char	*user, *pass;		/* NULL: any */
};

struct login_policy {
	enum login_mode		 mode;
	unsigned		 n;
	struct login_cred	*creds;
	size_t			 ncreds;
	uint64_t		 seed;
	uint64_t		 clock;
	size_t			 nsources;
	struct login_source	*table[LOGIN_BUCKETS];
};

static int
login_parse_accept(const char *v, enum login_mode *mode, unsigned *n)
{
	const char	*arg = NULL;
	char		*end;
	long		 k;

	*n = 0;
	if (strcmp(v, "any") == 0)
		*mode = LOGIN_ANY;
	else if (strcmp(v, "list") == 0)
		*mode = LOGIN_LIST;
	else if (strncmp(v, "after:", 6) == 0) {
		*mode = LOGIN_AFTER;
		arg = v + 6;
	} else if (strncmp(v, "repeat:", 7) == 0) {
		*mode = LOGIN_REPEAT;
		arg = v + 7;
	} else
		return -1;
	if (arg == NULL)
		return 0;
	errno = 0;
	k = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || k < 1 || k > 1000)
		return -1;
	*n = (unsigned)k;
	return 0;
}

int
login_policy_check_accept(const char *v, char *why, size_t whylen)
{
	enum login_mode	 m;
	unsigned	 n;

	if (login_parse_accept(v, &m, &n) == -1) {
		snprintf(why, whylen, "any, list, after:N or repeat:N (N 1..1000)");
		return -1;
	}
	return 0;
}

/* Reads the credentials file. 0, or -1 with err. */
static int
login_load(struct login_policy *p, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	*line = NULL, *colon;
	size_t	 cap = 0, lineno = 0;
	ssize_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (n > HNP_MAX_CONFIG_VALUE || (colon = strchr(line, ':')) == NULL) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno,
			    n > HNP_MAX_CONFIG_VALUE ? "line too long" : "expected user:password");
			goto fail;
		}
		if (p->ncreds >= HNP_LOGIN_MAX_CREDS) {
			snprintf(err, errlen, "%s:%zu: more than %d credentials", path, lineno,
			    HNP_LOGIN_MAX_CREDS);
			goto fail;
		}
		*colon = '\0';
		p->creds = xreallocarray(p->creds, p->ncreds + 1, sizeof(*p->creds));
		p->creds[p->ncreds].user = strcmp(line, "*") == 0 ? NULL : xstrdup(line);
		p->creds[p->ncreds].pass = strcmp(colon + 1, "*") == 0 ? NULL : xstrdup(colon + 1);
		p->ncreds++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;
fail:
	free(line);
	fclose(f);
	return -1;
}

struct login_policy *
login_policy_new(const char *accept, const char *credentials, char *err, size_t errlen)
{
	struct login_policy	*p = xcalloc(1, sizeof(*p));

	if (login_parse_accept(accept, &p->mode, &p->n) == -1) {
		snprintf(err, errlen, "accept: %s: not any, list, after:N or repeat:N", accept);
		free(p);
		return NULL;
	}
	if (credentials != NULL && credentials[0] != '\0' &&
	    login_load(p, credentials, err, errlen) == -1) {
		login_policy_free(p);
		return NULL;
	}
	if (getrandom(&p->seed, sizeof(p->seed), 0) != sizeof(p->seed))
		p->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	return p;
}

void
login_policy_free(struct login_policy *p)
{
	struct login_source	*s, *next;
	size_t			 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncreds; i++) {
		free(p->creds[i].user);
		free(p->creds[i].pass);
	}
	free(p->creds);
	for (i = 0; i < LOGIN_BUCKETS; i++)
		for (s = p->table[i]; s != NULL; s = next) {
			next = s->next;
			free(s);
		}
	free(p);
}

/* FNV-1a, keyed by a per-process seed. */
static uint64_t
login_hash(uint64_t h, const void *data, size_t len)
{
	const uint8_t	*d = data;
	size_t		 i;

	for (i = 0; i < len; i++)
		h = (h ^ d[i]) * 1099511628211ULL;
	return h;
}

static void
login_forget_oldest(struct login_policy *p)
{
	struct login_source	**pp, **oldest = NULL, *s;
	size_t			 i;

	for (i = 0; i < LOGIN_BUCKETS; i++)
		for (pp = &p->table[i]; *pp != NULL; pp = &(*pp)->next)
			if (oldest == NULL || (*pp)->used < (*oldest)->used)
				oldest = pp;
	if (oldest == NULL)
		return;
	s = *oldest;
	*oldest = s->next;
	free(s);
	p->nsources--;
}

static struct login_source *
login_source(struct login_policy *p, const char *ip)
{
	unsigned		 b = (unsigned)(login_hash(p->seed, ip, strlen(ip)) % LOGIN_BUCKETS);
	struct login_source	*s;

	for (s = p->table[b]; s != NULL; s = s->next)
		if (strcmp(s->ip, ip) == 0)
			break;
	if (s == NULL) {
		if (p->nsources >= HNP_LOGIN_MAX_SOURCES)
			login_forget_oldest(p);
		s = xcalloc(1, sizeof(*s));
		snprintf(s->ip, sizeof(s->ip), "%s", ip);
		s->next = p->table[b];
		p->table[b] = s;
		p->nsources++;
	}
	s->used = ++p->clock;
	return s;
}

static int
login_field_eq(const char *want, const void *got, size_t len)
{
	return want == NULL || (strlen(want) == len && memcmp(want, got, len) == 0);
}

static int
login_listed(const struct login_policy *p, const void *user, size_t ulen, const void *pass,
    size_t plen)
{
	size_t	 i;

	for (i = 0; i < p->ncreds; i++)
		if (login_field_eq(p->creds[i].user, user, ulen) &&
		    login_field_eq(p->creds[i].pass, pass, plen))
			return 1;
	return 0;
}

int
login_policy_try(struct login_policy *p, const char *src_ip, const void *user, size_t ulen,
    const void *pass, size_t plen)
{
	struct login_source	*s = login_source(p, src_ip);
	uint64_t		 h;
	unsigned		 i;
	int			 seen = 0, in = 0;

	h = login_hash(p->seed, user, ulen);
	h = login_hash(h, "\0", 1);
	h = login_hash(h, pass, plen);
	for (i = 0; i < s->npairs; i++)
		if (s->pairs[i] == h)
			seen = 1;
	if (s->tries < UINT32_MAX)
		s->tries++;
	if (login_listed(p, user, ulen, pass, plen) || (s->in && s->in_pair == h))
		in = 1;
	else if (p->mode == LOGIN_ANY)
		in = 1;
	else if (p->mode == LOGIN_AFTER)
		in = s->tries > p->n;
	else if (p->mode == LOGIN_REPEAT)
		in = seen && s->tries <= p->n;
	if (!seen)
		s->pairs[s->npairs < LOGIN_PAIRS ? s->npairs++ : (s->tries % LOGIN_PAIRS)] = h;
	if (in) {
		s->in = 1;
		s->in_pair = h;
	}
	return in;
}
