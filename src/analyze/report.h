/*
 * report.h - the daily report: one pass over a day's events (in a time zone) builds the report
 * as a JSON object (the json format as is); the Markdown and HTML renderers read that object,
 * so every format says the same thing.
 */
#ifndef HNP_REPORT_H
#define HNP_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <sqlite3.h>

#define REPORT_TOP	10	/* rows per ranking */
#define REPORT_NEW_MAX	20	/* values listed per "new" category */
#define REPORT_STR_MAX	512	/* bytes of an attacker string kept in the report */

struct report_day {
	char		 date[11];	/* YYYY-MM-DD */
	int64_t		 start, end;	/* µs, [start, end) */
	int64_t		 prev_start;	/* the day before: [prev_start, start) */
	int64_t		 hour[25];	/* hour starts (a day has 23 to 25 hours), then end */
	int		 nhours;
};

/*
 * Sets the process time zone to zone ("UTC", an IANA name such as "Asia/Tokyo", or NULL: the
 * system's) and writes its display name into name. Returns 0, or -1 for an unknown zone.
 */
int	report_set_zone(const char *zone, char *name, size_t namelen);
/*
 * The day date ("YYYY-MM-DD"; NULL: yesterday as of now_us) in the current zone. 0, or -1 for a
 * malformed date.
 */
int	report_day(const char *date, int64_t now_us, struct report_day *d);

/* Geo and signature lookups for the report (NULL members: shown as "--" / the bare id). */
struct report_lookup {
	/* Country code and "AS<n> name" of an address, or NULL. */
	const char	*(*country)(void *arg, const char *ip);
	const char	*(*asn)(void *arg, const char *ip, char *out, size_t outlen);
	/* A signature's record as a JSON object {name, cves[], category, owasp[]}, or NULL. */
	json_t		*(*signature)(void *arg, const char *id);
	void		*arg;
};

/*
 * Builds the report of day d over db (sensor: only that sensor's events, or NULL). The first-seen
 * table must be folded first (firstseen_fold). Returns the report object, or NULL with err.
 */
json_t	*report_build(sqlite3 *db, const struct report_day *d, const char *zone_name,
	    const char *sensor, const struct report_lookup *lk, char *err, size_t errlen);

/*
 * Totals of [start, end) (sensor: one sensor, or NULL): events, distinct sources and a new
 * object of per-kind counts in *kinds (the caller frees it, also on error). From the rollups when
 * both ends are whole UTC hours, else from the events. 0, or -1 (sqlite3_errmsg tells).
 */
int	report_totals(sqlite3 *db, int64_t start, int64_t end, const char *sensor, json_t **kinds,
	    int64_t *events, int64_t *sources);

/* Renderers: 0, or -1 on a write error. lang is "ja" or "en". */
int	report_render_json(FILE *fp, const json_t *r);
int	report_render_md(FILE *fp, const json_t *r, const char *lang);
int	report_render_html(FILE *fp, const json_t *r, const char *lang);

/* A label of the report in lang ("ja" or "en"); key itself when unknown. */
const char *report_text(const char *lang, const char *key);

#endif
