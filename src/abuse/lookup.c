/*
 * lookup.c - the abuse contact of an address: cache first, then RDAP (IANA bootstrap → the RIR's
 * /ip/ADDR, redirects followed), whois as the fallback (IANA → referral), and for JPNIC space
 * JPNIC's whois, since APNIC's answer names JPNIC itself, which does not act on abuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "abuse/bootstrap.h"
#include "abuse/fetch.h"
#include "abuse/lookup.h"
#include "abuse/rdap.h"
#include "abuse/whois.h"
#include "core/log.h"
#include "core/timeutil.h"

#define JPNIC_WHOIS	"whois.nic.ad.jp"
#define IANA_WHOIS	"whois.iana.org"
#define WHOIS_HOPS	3

static int
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static int
read_file(const char *path, struct buf *out, char *err, size_t errlen)
{
	FILE	*fp = fopen(path, "rb");
	uint8_t	*p;
	size_t	 n;

	if (fp == NULL) {
		abuse_fmt(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while ((p = buf_tail(out, 65536)) != NULL && (n = fread(p, 1, 65536 < buf_room(out) ?
	    65536 : buf_room(out), fp)) > 0)
		out->len += n;
	fclose(fp);
	return 0;
}

/* Adds one bootstrap file (path or URL) to b. */
static int
boot_add_one(struct bootstrap *b, const char *where, char *err, size_t errlen)
{
	struct buf	 data;
	char		 e2[512];
	int		 rc;

	buf_init(&data, 4 * 1024 * 1024);
	if (is_url(where)) {
		rc = fetch_http(where, "application/json", &data, e2, sizeof(e2));
		if (rc != 200) {
			if (rc > 0)
				abuse_fmt(e2, sizeof(e2), "%s: HTTP status %d", where, rc);
			abuse_fmt(err, errlen, "[abuse] rdap_bootstrap: %s", e2);
			buf_free(&data);
			return -1;
		}
	} else if (read_file(where, &data, e2, sizeof(e2)) == -1) {
		abuse_fmt(err, errlen, "[abuse] rdap_bootstrap: %s", e2);
		buf_free(&data);
		return -1;
	}
	rc = bootstrap_add(b, (const char *)data.data, data.len, e2, sizeof(e2));
	if (rc == -1)
		abuse_fmt(err, errlen, "[abuse] rdap_bootstrap: %s: %s", where, e2);
	buf_free(&data);
	return rc;
}

static struct bootstrap *
boot_load(const struct config *cfg, char *err, size_t errlen)
{
	static const char *const files[] = { "ipv4.json", "ipv6.json", "asn.json" };
	const char	*src = config_get(cfg, "abuse", "rdap_bootstrap");
	struct bootstrap *b = bootstrap_new();
	struct stat	 st;
	char		 where[2048];
	size_t		 i, l = strlen(src);
	int		 dir;

	dir = is_url(src) ? l > 0 && src[l - 1] == '/' :
	    stat(src, &st) == 0 && S_ISDIR(st.st_mode);
	for (i = 0; i < (dir ? 3u : 1u); i++) {
		if (dir)
			abuse_fmt(where, sizeof(where), "%s%s%s", src,
			    is_url(src) || src[l - 1] == '/' ? "" : "/", files[i]);
		else
			abuse_fmt(where, sizeof(where), "%s", src);
		if (boot_add_one(b, where, err, errlen) == -1) {
			bootstrap_free(b);
			return NULL;
		}
	}
	return b;
}

int
abuse_bootstrap_update(const struct config *cfg, const char *from, char *err, size_t errlen)
{
	static const char *const files[] = { "ipv4.json", "ipv6.json", "asn.json" };
	const char	*dir = config_get(cfg, "abuse", "rdap_bootstrap");
	struct bootstrap *b;
	struct buf	 data;
	struct stat	 st;
	char		 url[2048], path[2048], tmp[2100], e2[512];
	size_t		 i, l = strlen(from);
	FILE		*fp;
	int		 rc;

	if (is_url(dir) || stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		abuse_fmt(err, errlen, "%s: [abuse] rdap_bootstrap: \"%s\" is not a directory",
		    config_origin(cfg, "abuse", "rdap_bootstrap"), dir);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		abuse_fmt(url, sizeof(url), "%s%s%s", from, l > 0 && from[l - 1] == '/' ? "" : "/",
		    files[i]);
		abuse_fmt(path, sizeof(path), "%s/%s", dir, files[i]);
		abuse_fmt(tmp, sizeof(tmp), "%s.new", path);
		buf_init(&data, 4 * 1024 * 1024);
		b = bootstrap_new();
		rc = fetch_http(url, "application/json", &data, e2, sizeof(e2));
		if (rc != 200) {
			if (rc > 0)
				abuse_fmt(e2, sizeof(e2), "%s: HTTP status %d", url, rc);
		} else if (bootstrap_add(b, (const char *)data.data, data.len, e2,
		    sizeof(e2)) == -1) {
			rc = -1;
		} else if ((fp = fopen(tmp, "wb")) == NULL ||
		    fwrite(data.data, 1, data.len, fp) != data.len || fclose(fp) != 0 ||
		    rename(tmp, path) == -1) {
			abuse_fmt(e2, sizeof(e2), "%s: cannot write", path);
			rc = -1;
		}
		bootstrap_free(b);
		buf_free(&data);
		if (rc != 200) {
			abuse_fmt(err, errlen, "%s", e2);
			return -1;
		}
		printf("%s: %s\n", path, url);
	}
	return 0;
}

static int
rdap_lookup(const struct config *cfg, const char *addr, struct contact *c, char *err,
    size_t errlen)
{
	struct bootstrap *b;
	const char	*urls[BOOT_MAX_URLS];
	char		 base[1024], url[1200], e2[512];
	struct buf	 body;
	int		 n, status, rc;

	if ((b = boot_load(cfg, err, errlen)) == NULL)
		return -1;
	n = bootstrap_lookup(b, BOOT_IP, addr, urls, BOOT_MAX_URLS);
	if (n <= 0 || bootstrap_pick(urls, (size_t)n, base, sizeof(base)) == -1) {
		abuse_fmt(err, errlen, "%s: no RDAP service in the bootstrap", addr);
		bootstrap_free(b);
		return -1;
	}
	bootstrap_free(b);
	abuse_fmt(url, sizeof(url), "%sip/%s", base, addr);
	buf_init(&body, RDAP_MAX_BYTES);
	status = fetch_http(url, "application/rdap+json", &body, e2, sizeof(e2));
	if (status != 200) {
		if (status > 0)
			abuse_fmt(err, errlen, "%s: HTTP status %d", url, status);
		else
			abuse_fmt(err, errlen, "%s", e2);
		buf_free(&body);
		return -1;
	}
	rc = rdap_parse((const char *)body.data, body.len, addr, c, e2, sizeof(e2));
	if (rc == -1)
		abuse_fmt(err, errlen, "%s: %s", url, e2);
	buf_free(&body);
	return rc;
}

static int
whois_query(const char *server, const char *query, const char *addr, struct contact *c,
    char *err, size_t errlen)
{
	struct buf	 text;
	int		 rc;

	buf_init(&text, WHOIS_MAX_BYTES);
	rc = fetch_whois(server, query, &text, err, errlen);
	if (rc == 0)
		rc = whois_parse((const char *)text.data, text.len, addr, c, err, errlen);
	buf_free(&text);
	return rc;
}

/* whois from IANA down the referrals (or only the configured server). */
static int
whois_lookup(const struct config *cfg, const char *addr, struct contact *c, char *err,
    size_t errlen)
{
	const char	*fixed = config_get(cfg, "abuse", "whois_server");
	char		 server[256];
	int		 hop;

	abuse_fmt(server, sizeof(server), "%s", *fixed != '\0' ? fixed : IANA_WHOIS);
	for (hop = 0; hop < WHOIS_HOPS; hop++) {
		if (whois_query(server, addr, addr, c, err, errlen) == -1)
			return -1;
		if (*fixed != '\0' || c->referral[0] == '\0' ||
		    strcasecmp(c->referral, server) == 0)
			return 0;
		abuse_fmt(server, sizeof(server), "%s", c->referral);
	}
	return 0;
}

/* JPNIC space: the network's own [Abuse] from JPNIC's whois (English output). */
static void
jpnic_lookup(const struct config *cfg, const char *addr, struct contact *c)
{
	const char	*fixed = config_get(cfg, "abuse", "whois_server");
	struct contact	 jp;
	char		 q[128], err[512];

	abuse_fmt(q, sizeof(q), "%s/e", addr);
	if (whois_query(*fixed != '\0' ? fixed : JPNIC_WHOIS, q, addr, &jp, err,
	    sizeof(err)) == -1) {
		log_warn("abuse: JPNIC whois for %s: %s", addr, err);
		return;
	}
	c->abuse = jp.abuse;
	c->desk = jp.desk;
	email_list_subtract(&jp.fallback, &c->fallback);
	if (jp.network[0] != '\0')
		memcpy(c->network, jp.network, sizeof(c->network));
	if (jp.name[0] != '\0')
		memcpy(c->name, jp.name, sizeof(c->name));
	snprintf(c->registry, sizeof(c->registry), "jpnic");
	abuse_fmt(q, sizeof(q), "%s+jpnic-whois", c->source);
	abuse_fmt(c->source, sizeof(c->source), "%s", q);
}

int
abuse_lookup(sqlite3 *db, const struct config *cfg, const char *addr, enum lookup_mode mode,
    struct contact *c, int *cached, char *err, size_t errlen)
{
	struct ipaddr	 a;
	int64_t		 now = time_now_us();
	char		 rerr[512], canon[IPNET_TEXT_LEN];
	int		 rc;

	if (cached != NULL)
		*cached = 0;
	if (ipnet_parse(addr, &a, &rc) == -1 || rc != -1) {
		abuse_fmt(err, errlen, "\"%s\" is not an IP address", addr);
		return -1;
	}
	ipnet_ntop(&a, canon, sizeof(canon));
	if (mode != LOOKUP_REFRESH) {
		rc = abuse_cache_get(db, canon, now, mode == LOOKUP_OFFLINE, c, NULL);
		if (rc == 1) {
			if (cached != NULL)
				*cached = 1;
			return 0;
		}
		if (mode == LOOKUP_OFFLINE) {
			abuse_fmt(err, errlen, "%s: not in the lookup cache (offline)", canon);
			return -1;
		}
	}
	if (rdap_lookup(cfg, canon, c, rerr, sizeof(rerr)) == -1) {
		log_warn("abuse: RDAP for %s: %s; trying whois", canon, rerr);
		if (whois_lookup(cfg, canon, c, err, errlen) == -1) {
			snprintf(err + strlen(err), errlen - strlen(err), " (RDAP: %s)", rerr);
			return -1;
		}
	}
	if (c->jpnic)
		jpnic_lookup(cfg, canon, c);
	if (abuse_cache_put(db, canon, c, now, config_int(cfg, "abuse", "cache_ttl") *
	    INT64_C(1000000)) == -1)
		log_warn("abuse: cannot cache the lookup of %s: %s", canon, sqlite3_errmsg(db));
	return 0;
}
