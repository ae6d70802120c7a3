/*
 * geo.h - where an address is: country from a MaxMind-format database (libmaxminddb, [geo]
 * country_db), AS number and organisation from the ranges `hanipo geo import` loaded into the
 * store, else from a MaxMind ASN database ([geo] asn_db). Without any database every answer is
 * unknown ("--", AS 0) and nothing fails.
 */
#ifndef HNP_GEO_H
#define HNP_GEO_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/config.h"

#define GEO_ORG_MAX	128

struct geo_info {
	char		 country[3];		/* ISO 3166-1 alpha-2 ("JP"), "--" when unknown */
	uint32_t	 asn;			/* 0 when unknown */
	char		 as_org[GEO_ORG_MAX];	/* "" when unknown; UTF-8, may need escaping to show */
};

struct geo;

/*
 * Opens the databases the configuration names. db is an open store (its asn_ranges table is used
 * when it has rows) or NULL. A database file that is absent is no database; one that is present
 * but not a valid MaxMind DB gives NULL with err = "PATH ([geo] KEY from ORIGIN): reason".
 */
struct geo *geo_open(const struct config *cfg, sqlite3 *db, char *err, size_t errlen);
/* The same with explicit paths (NULL or "": none); for tests. */
struct geo *geo_open_paths(const char *country_db, const char *asn_db, sqlite3 *db, char *err,
	    size_t errlen);
/*
 * Looks up a textual IPv4 or IPv6 address. Always fills out (unknown parts as above); returns 1
 * when anything was found, 0 when nothing was, -1 for an address that does not parse or a
 * database error (out is then all unknown).
 */
int	geo_lookup(struct geo *g, const char *ip, struct geo_info *out);
/* Whether a country database, an ASN source is open. */
int	geo_has_country(const struct geo *g);
int	geo_has_asn(const struct geo *g);
void	geo_close(struct geo *g);

/* Builds "AS13335 Cloudflare" / "--" into buf (size >= GEO_ORG_MAX + 16). */
const char *geo_as_text(const struct geo_info *gi, char *buf, size_t len);

/*
 * Replaces the store's ASN ranges with the rows of CSV files in the format of
 * @ip-location-db/asn (start,end,asn,organisation; IPv4 or IPv6 ranges). Bad lines are reported
 * as "file:line: reason" through warn and skipped. Returns the rows loaded, or -1 with err
 * (nothing changed).
 */
long long geo_import_asn(sqlite3 *db, const char *const *files, size_t nfiles,
	    void (*warn)(const char *msg, void *arg), void *arg, char *err, size_t errlen);

/* [geo] configuration keys. */
extern const struct config_key geo_config_keys[];

#endif
