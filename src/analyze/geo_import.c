/*
 * geo_import.c - `hanipo geo import`: loads ASN ranges from CSV (ip-location-db's asn format:
 * first,last,asn,organisation) into the store's asn_ranges table, IPv4 and IPv6 in one key space
 * (16-byte addresses, IPv4 as ::ffff:a.b.c.d) so one indexed lookup answers either.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/geo.h"

#define GEO_CSV_LINE	4096

/* Splits one CSV line (RFC 4180 quotes) into at most max fields, in place. Returns the count. */
static size_t
gi_csv(char *s, char **f, size_t max)
{
	size_t	 n = 0;
	char	*o;

	for (;;) {
		if (n == max)
			return n + 1;	/* too many */
		if (*s == '"') {
			f[n++] = o = ++s;
			for (;;) {
				if (*s == '\0')
					return 0;	/* unterminated quote */
				if (*s == '"' && s[1] == '"') {
					*o++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else
					*o++ = *s++;
			}
			*o = '\0';
			if (*s != ',' && *s != '\0')
				return 0;
		} else {
			f[n++] = s;
			while (*s != ',' && *s != '\0')
				s++;
		}
		if (*s == '\0') {
			if (f[n - 1] != s)
				*s = '\0';
			return n;
		}
		*s++ = '\0';
	}
}

static int
gi_addr(const char *s, uint8_t key[16], int *family)
{
	struct in_addr	 a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &a4, 4);
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, key) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

/* Parses one line into the statement's parameters; NULL when fine, else the reason. */
static const char *
gi_line(char *line, sqlite3_stmt *st, uint8_t first[16], uint8_t last[16])
{
	char		*f[5], *end;
	size_t		 n;
	int		 fa, fb;
	unsigned long	 asn;

	if ((n = gi_csv(line, f, 4)) < 3 || n > 4)
		return n == 0 ? "bad quoting" : "expected first,last,asn,organisation";
	if (gi_addr(f[0], first, &fa) == -1 || gi_addr(f[1], last, &fb) == -1)
		return "not an IPv4 or IPv6 address";
	if (fa != fb)
		return "range mixes IPv4 and IPv6";
	if (memcmp(first, last, 16) > 0)
		return "range ends before it starts";
	errno = 0;
	asn = strtoul(f[2], &end, 10);
	if (f[2][0] < '0' || f[2][0] > '9' || *end != '\0' || errno != 0 || asn > 0xffffffffUL)
		return "bad AS number";
	sqlite3_bind_blob(st, 1, first, 16, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, last, 16, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)asn);
	sqlite3_bind_text(st, 4, n == 4 ? f[3] : "", -1, SQLITE_TRANSIENT);
	return NULL;
}

static long long
gi_file(sqlite3 *db, sqlite3_stmt *st, const char *path, void (*warn)(const char *, void *),
    void *arg, long long *bad, char *err, size_t errlen)
{
	FILE		*fp;
	char		 line[GEO_CSV_LINE + 2], msg[GEO_CSV_LINE + 256];
	const char	*why;
	uint8_t		 first[16], last[16];
	unsigned long	 lineno = 0;
	long long	 rows = 0;
	size_t		 n;
	int		 skipping = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strlen(line);
		if (skipping) {		/* the rest of an overlong line */
			skipping = n > 0 && line[n - 1] != '\n';
			continue;
		}
		lineno++;
		if (n > 0 && line[n - 1] != '\n' && !feof(fp)) {
			snprintf(msg, sizeof(msg), "%s:%lu: line longer than %d bytes", path, lineno,
			    GEO_CSV_LINE);
			if (warn != NULL)
				warn(msg, arg);
			(*bad)++;
			skipping = 1;
			continue;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || (lineno == 1 && strncmp(line, "ip_range_start", 14) == 0))
			continue;
		if ((why = gi_line(line, st, first, last)) != NULL) {
			snprintf(msg, sizeof(msg), "%s:%lu: %s", path, lineno, why);
			if (warn != NULL)
				warn(msg, arg);
			(*bad)++;
			continue;
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			snprintf(err, errlen, "%s:%lu: %s", path, lineno, sqlite3_errmsg(db));
			sqlite3_reset(st);
			fclose(fp);
			return -1;
		}
		sqlite3_reset(st);
		rows++;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return rows;
}

long long
geo_import_asn(sqlite3 *db, const char *const *files, size_t nfiles,
    void (*warn)(const char *msg, void *arg), void *arg, char *err, size_t errlen)
{
	sqlite3_stmt	*st = NULL;
	long long	 total = 0, r, bad = 0;
	size_t		 i;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "DELETE FROM asn_ranges", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO asn_ranges (first, last, asn, org) "
	    "VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		goto fail;
	}
	for (i = 0; i < nfiles; i++) {
		if ((r = gi_file(db, st, files[i], warn, arg, &bad, err, errlen)) == -1)
			goto fail;
		total += r;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
		goto fail;
	}
	return total;
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
