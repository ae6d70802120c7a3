/*
 * geo.c - country and AS of an address: libmaxminddb for MaxMind-format databases (GeoLite2 and
 * ip-location-db layouts), the store's asn_ranges table (geo_import.c) for AS numbers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <maxminddb.h>

#include "analyze/geo.h"
#include "core/config.h"
#include "core/xmalloc.h"

const struct config_key geo_config_keys[] = {
	{ "geo", "country_db", CFG_STR, 0, 0, "var/geo/country.mmdb",
	    "MaxMind-format country database (make geoip fetches one); absent: countries show --" },
	{ "geo", "asn_db", CFG_STR, 0, 0, "",
	    "MaxMind-format ASN database, used when the store has no ranges from hanipo geo import" },
	{ "geo", "asn_csv", CFG_STR, 0, 0, "var/geo/asn-ipv4.csv var/geo/asn-ipv6.csv",
	    "CSV files hanipo geo import reads when given none (ip-location-db asn format)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL },
};

struct geo {
	MMDB_s		 country, asn;
	int		 has_country, has_asn_mmdb;
	sqlite3_stmt	*asn_st;	/* lookup in the store's ranges, or NULL */
};

/* Opens path unless it is absent; -1 with err for a file that is there but unusable. */
static int
geo_mmdb_open(const char *path, MMDB_s *db, int *has, const char *what, char *err, size_t errlen)
{
	struct stat	 st;
	int		 rc;

	*has = 0;
	if (path == NULL || *path == '\0' || (stat(path, &st) == -1 && errno == ENOENT))
		return 0;
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, db)) != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s (%s): %s", path, what, rc == MMDB_IO_ERROR ?
		    strerror(errno) : MMDB_strerror(rc));
		return -1;
	}
	*has = 1;
	return 0;
}

static void
geo_store_open(struct geo *g, sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 rows = 0;

	if (db == NULL || sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM asn_ranges)", -1,
	    &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		rows = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rows && sqlite3_prepare_v2(db, "SELECT last, asn, org FROM asn_ranges WHERE first <= ? "
	    "ORDER BY first DESC LIMIT 1", -1, &g->asn_st, NULL) != SQLITE_OK)
		g->asn_st = NULL;
}

struct geo *
geo_open_paths(const char *country_db, const char *asn_db, sqlite3 *db, char *err,
    size_t errlen)
{
	struct geo	*g = xcalloc(1, sizeof(*g));

	if (geo_mmdb_open(country_db, &g->country, &g->has_country, "country database", err,
	    errlen) == -1 || geo_mmdb_open(asn_db, &g->asn, &g->has_asn_mmdb, "ASN database",
	    err, errlen) == -1) {
		geo_close(g);
		return NULL;
	}
	geo_store_open(g, db);
	return g;
}

struct geo *
geo_open(const struct config *cfg, sqlite3 *db, char *err, size_t errlen)
{
	struct geo	*g;
	char		 why[1024];

	g = geo_open_paths(config_get(cfg, "geo", "country_db"), config_get(cfg, "geo", "asn_db"),
	    db, why, sizeof(why));
	if (g == NULL)
		snprintf(err, errlen, "%s (from %s: [geo] country_db, %s: [geo] asn_db)", why,
		    config_origin(cfg, "geo", "country_db"), config_origin(cfg, "geo", "asn_db"));
	return g;
}

void
geo_close(struct geo *g)
{
	if (g == NULL)
		return;
	if (g->has_country)
		MMDB_close(&g->country);
	if (g->has_asn_mmdb)
		MMDB_close(&g->asn);
	sqlite3_finalize(g->asn_st);
	free(g);
}

int
geo_has_country(const struct geo *g)
{
	return g != NULL && g->has_country;
}

int
geo_has_asn(const struct geo *g)
{
	return g != NULL && (g->asn_st != NULL || g->has_asn_mmdb);
}

/* A two-letter upper-case code from an entry's string value. */
static int
geo_code(MMDB_entry_data_s *d, char out[3])
{
	const char	*s;

	if (!d->has_data || d->type != MMDB_DATA_TYPE_UTF8_STRING || d->data_size != 2)
		return 0;
	s = d->utf8_string;
	if (s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
		return 0;
	out[0] = s[0];
	out[1] = s[1];
	out[2] = '\0';
	return 1;
}

static int
geo_mmdb_country(MMDB_s *db, const struct sockaddr *sa, char out[3])
{
	MMDB_lookup_result_s	 r;
	MMDB_entry_data_s	 d;
	int			 mmerr;

	r = MMDB_lookup_sockaddr(db, sa, &mmerr);
	if (mmerr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if (mmerr != MMDB_SUCCESS || !r.found_entry)
		return mmerr != MMDB_SUCCESS ? -1 : 0;
	/* GeoLite2 layout, then its registered country, then ip-location-db's flat one. */
	if (MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL) == MMDB_SUCCESS &&
	    geo_code(&d, out))
		return 1;
	if (MMDB_get_value(&r.entry, &d, "registered_country", "iso_code", NULL) ==
	    MMDB_SUCCESS && geo_code(&d, out))
		return 1;
	if (MMDB_get_value(&r.entry, &d, "country_code", NULL) == MMDB_SUCCESS &&
	    geo_code(&d, out))
		return 1;
	return 0;
}

static void
geo_copy_org(char *dst, const char *src, size_t n)
{
	size_t	 i, o = 0;

	for (i = 0; i < n && o + 1 < GEO_ORG_MAX; i++)
		dst[o++] = src[i] == '\0' ? ' ' : src[i];
	/* Never end inside a UTF-8 sequence. */
	while (o > 0 && i < n && ((unsigned char)dst[o - 1] & 0xc0) == 0x80)
		o--;
	if (o > 0 && i < n && ((unsigned char)dst[o - 1] & 0xc0) == 0xc0)
		o--;
	dst[o] = '\0';
}

static int
geo_mmdb_asn(MMDB_s *db, const struct sockaddr *sa, struct geo_info *out)
{
	MMDB_lookup_result_s	 r;
	MMDB_entry_data_s	 d;
	int			 mmerr;

	r = MMDB_lookup_sockaddr(db, sa, &mmerr);
	if (mmerr == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if (mmerr != MMDB_SUCCESS || !r.found_entry)
		return mmerr != MMDB_SUCCESS ? -1 : 0;
	if (MMDB_get_value(&r.entry, &d, "autonomous_system_number", NULL) != MMDB_SUCCESS ||
	    !d.has_data || d.type != MMDB_DATA_TYPE_UINT32)
		return 0;
	out->asn = d.uint32;
	if (MMDB_get_value(&r.entry, &d, "autonomous_system_organization", NULL) ==
	    MMDB_SUCCESS && d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
		geo_copy_org(out->as_org, d.utf8_string, d.data_size);
	return 1;
}

/* An address as the store's 16-byte range key: IPv4 as ::ffff:a.b.c.d. */
static void
geo_key(const struct sockaddr *sa, uint8_t key[16])
{
	if (sa->sa_family == AF_INET) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static int
geo_store_asn(struct geo *g, const struct sockaddr *sa, struct geo_info *out)
{
	sqlite3_stmt	*st = g->asn_st;
	uint8_t		 key[16];
	int		 rc, found = 0;

	geo_key(sa, key);
	sqlite3_bind_blob(st, 1, key, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16 &&
	    memcmp(sqlite3_column_blob(st, 0), key, 16) >= 0) {
		out->asn = (uint32_t)sqlite3_column_int64(st, 1);
		geo_copy_org(out->as_org, (const char *)sqlite3_column_text(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		found = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

/* Parses ip into ss (IPv4-mapped IPv6 as IPv4). */
static int
geo_parse(const char *ip, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		struct in_addr	 a;

		memcpy(&a, s6->sin6_addr.s6_addr + 12, 4);
		memset(ss, 0, sizeof(*ss));
		s4->sin_family = AF_INET;
		s4->sin_addr = a;
		return 0;
	}
	s6->sin6_family = AF_INET6;
	return 0;
}

int
geo_lookup(struct geo *g, const char *ip, struct geo_info *out)
{
	struct sockaddr_storage	 ss;
	int			 any = 0, rc;

	memcpy(out->country, "--", 3);
	out->asn = 0;
	out->as_org[0] = '\0';
	if (ip == NULL || geo_parse(ip, &ss) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (g->has_country) {
		if ((rc = geo_mmdb_country(&g->country, (struct sockaddr *)&ss, out->country)) == -1)
			return -1;
		any |= rc;
	}
	if (g->asn_st != NULL)
		rc = geo_store_asn(g, (struct sockaddr *)&ss, out);
	else if (g->has_asn_mmdb)
		rc = geo_mmdb_asn(&g->asn, (struct sockaddr *)&ss, out);
	else
		rc = 0;
	if (rc == -1) {
		memcpy(out->country, "--", 3);
		return -1;
	}
	return any | rc;
}

const char *
geo_as_text(const struct geo_info *gi, char *buf, size_t len)
{
	if (gi->asn == 0)
		snprintf(buf, len, "--");
	else if (gi->as_org[0] == '\0')
		snprintf(buf, len, "AS%u", gi->asn);
	else
		snprintf(buf, len, "AS%u %s", gi->asn, gi->as_org);
	return buf;
}
