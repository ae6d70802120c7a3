/*
 * bootstrap.c - RFC 9224 bootstrap files: IP prefixes matched by longest prefix, ASN ranges, domains
 * by longest suffix, object tags. Pure (files are read or fetched by the caller).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abuse/bootstrap.h"
#include "abuse/ipnet.h"
#include "core/xmalloc.h"

struct boot_entry {
	char		*key;			/* as written in the file */
	size_t		 svc;			/* index into services */
};

struct boot_service {
	char		*urls[BOOT_MAX_URLS];
	size_t		 nurls;
};

struct bootstrap {
	struct boot_entry	*ent;
	size_t			 nent, capent;
	struct boot_service	*svc;
	size_t			 nsvc, capsvc;
};

struct bootstrap *
bootstrap_new(void)
{
	return xcalloc(1, sizeof(struct bootstrap));
}

void
bootstrap_free(struct bootstrap *b)
{
	size_t	 i, k;

	if (b == NULL)
		return;
	for (i = 0; i < b->nent; i++)
		free(b->ent[i].key);
	for (i = 0; i < b->nsvc; i++)
		for (k = 0; k < b->svc[i].nurls; k++)
			free(b->svc[i].urls[k]);
	free(b->ent);
	free(b->svc);
	free(b);
}

/* An http(s) URL with a host: scheme "://" then at least one host character, no spaces. */
static int
url_usable(const char *u)
{
	const char	*h;
	size_t		 i;

	if (strncasecmp(u, "https://", 8) == 0)
		h = u + 8;
	else if (strncasecmp(u, "http://", 7) == 0)
		h = u + 7;
	else
		return 0;
	if (*h == '\0' || *h == '/' || *h == ':')
		return 0;
	for (i = 0; u[i] != '\0'; i++)
		if ((unsigned char)u[i] <= ' ' || u[i] == '"' || u[i] == '<' || u[i] == '>' ||
		    u[i] == '\\' || (unsigned char)u[i] >= 0x7f)
			return 0;
		else if (u[i] == '%' && (!isxdigit((unsigned char)u[i + 1]) ||
		    !isxdigit((unsigned char)u[i + 2])))
			return 0;
	return 1;
}

/* A service: [[entries], [urls]], or [[owners], [tags], [urls]] for object tags (RFC 8521). */
static int
boot_service_add(struct bootstrap *b, const json_t *svc)
{
	size_t		 m = json_array_size(svc);
	const json_t	*ents = json_array_get(svc, m - 2), *urls = json_array_get(svc, m - 1), *v;
	struct boot_service s;
	size_t		 i;

	memset(&s, 0, sizeof(s));
	json_array_foreach(urls, i, v)
		if (json_is_string(v) && url_usable(json_string_value(v)) &&
		    s.nurls < BOOT_MAX_URLS)
			s.urls[s.nurls++] = xstrdup(json_string_value(v));
	if (s.nurls == 0)
		return 0;
	if (b->nsvc == b->capsvc) {
		b->capsvc = b->capsvc ? b->capsvc * 2 : 16;
		b->svc = xreallocarray(b->svc, b->capsvc, sizeof(b->svc[0]));
	}
	b->svc[b->nsvc] = s;
	json_array_foreach(ents, i, v) {
		if (!json_is_string(v))
			continue;
		if (b->nent == b->capent) {
			b->capent = b->capent ? b->capent * 2 : 64;
			b->ent = xreallocarray(b->ent, b->capent, sizeof(b->ent[0]));
		}
		b->ent[b->nent].key = xstrdup(json_string_value(v));
		b->ent[b->nent].svc = b->nsvc;
		b->nent++;
	}
	b->nsvc++;
	return 0;
}

int
bootstrap_add_json(struct bootstrap *b, const json_t *root, char *err, size_t errlen)
{
	const json_t	*svcs = json_object_get(root, "services"), *svc;
	size_t		 i;

	if (!json_is_object(root) || !json_is_array(svcs)) {
		snprintf(err, errlen, "bootstrap file has no \"services\" array");
		return -1;
	}
	json_array_foreach(svcs, i, svc)
		if (!json_is_array(svc) || json_array_size(svc) < 2 || json_array_size(svc) > 3 ||
		    !json_is_array(json_array_get(svc, 0)) ||
		    !json_is_array(json_array_get(svc, 1)) ||
		    !json_is_array(json_array_get(svc, json_array_size(svc) - 1))) {
			snprintf(err, errlen, "bootstrap service %zu is not [[entries], [urls]]",
			    i + 1);
			return -1;
		}
	json_array_foreach(svcs, i, svc)
		boot_service_add(b, svc);
	return 0;
}

int
bootstrap_add(struct bootstrap *b, const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*root = json_loadb(text, len, 0, &jerr);
	int		 rc;

	if (root == NULL) {
		snprintf(err, errlen, "bootstrap file is not JSON: line %d: %s", jerr.line,
		    jerr.text);
		return -1;
	}
	rc = bootstrap_add_json(b, root, err, errlen);
	json_decref(root);
	return rc;
}

static int
parse_asn(const char *s, unsigned long long *out)
{
	char	*end;

	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno != 0 || *out > 4294967295ULL)
		return -1;
	return *end == '\0' ? 0 : -1;
}

/* How well entry key matches the query: -1 no match, else a score (longer match is better). */
static int
match_ip(const char *key, const struct ipaddr *q, int qlen)
{
	struct ipaddr	 p;
	int		 len;

	if (ipnet_parse(key, &p, &len) == -1 || len < 0 || p.family != q->family)
		return -1;
	if (!ipnet_contains(&p, len, q) || (qlen >= 0 && qlen < len))
		return -1;
	return len;
}

static int
match_asn(const char *key, unsigned long long asn)
{
	unsigned long long lo, hi;
	char		 tmp[48], *dash;

	if (strlen(key) >= sizeof(tmp))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", key);
	if ((dash = strchr(tmp, '-')) != NULL)
		*dash++ = '\0';
	if (parse_asn(tmp, &lo) == -1 || parse_asn(dash != NULL ? dash : tmp, &hi) == -1)
		return -1;
	return asn >= lo && asn <= hi ? 1 : -1;
}

static int
match_dns(const char *key, const char *q)
{
	size_t	 kl = strlen(key), ql = strlen(q);

	if (kl == 0 || kl > ql || strcasecmp(q + ql - kl, key) != 0)
		return -1;
	if (kl < ql && q[ql - kl - 1] != '.')
		return -1;
	return (int)kl;
}

int
bootstrap_lookup(const struct bootstrap *b, enum boot_kind kind, const char *query,
    const char **urls, size_t max)
{
	struct ipaddr		 q;
	unsigned long long	 asn = 0;
	const char		*tag = NULL;
	int			 qlen = -1, score, best = -1;
	size_t			 i, bi = 0, n;

	switch (kind) {
	case BOOT_IP:
		if (ipnet_parse(query, &q, &qlen) == -1)
			return -1;
		break;
	case BOOT_ASN:
		if (parse_asn(query, &asn) == -1)
			return -1;
		break;
	case BOOT_DNS:
		if (*query == '\0')
			return -1;
		break;
	case BOOT_TAG:
		if ((tag = strrchr(query, '-')) == NULL || tag[1] == '\0')
			return -1;
		tag++;
		break;
	}
	for (i = 0; i < b->nent; i++) {
		switch (kind) {
		case BOOT_IP:
			score = match_ip(b->ent[i].key, &q, qlen);
			break;
		case BOOT_ASN:
			score = match_asn(b->ent[i].key, asn);
			break;
		case BOOT_DNS:
			score = match_dns(b->ent[i].key, query);
			break;
		default:
			score = strcasecmp(b->ent[i].key, tag) == 0 ? 1 : -1;
			break;
		}
		if (score > best) {
			best = score;
			bi = i;
		}
	}
	if (best < 0)
		return 0;
	for (n = 0; n < b->svc[b->ent[bi].svc].nurls && n < max; n++)
		urls[n] = b->svc[b->ent[bi].svc].urls[n];
	return (int)n;
}

int
bootstrap_pick(const char *const *urls, size_t n, char *out, size_t outlen)
{
	const char	*u = NULL;
	size_t		 i, l;

	for (i = 0; i < n && u == NULL; i++)
		if (strncasecmp(urls[i], "https://", 8) == 0)
			u = urls[i];
	for (i = 0; i < n && u == NULL; i++)
		if (strncasecmp(urls[i], "http://", 7) == 0)
			u = urls[i];
	if (u == NULL)
		return -1;
	l = strlen(u);
	if (l + 2 > outlen)
		return -1;
	snprintf(out, outlen, "%s%s", u, l > 0 && u[l - 1] == '/' ? "" : "/");
	return 0;
}
