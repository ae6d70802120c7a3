/*
 * feed.c - Atom (RFC 4287) over the store: entry ids, titles and times derive from the day, the
 * zone and the sensor only, so the same store gives the same feed. Text is XML-escaped; sensor
 * names in tag URIs are percent-encoded. Counts come from report_totals (the rollups, folded by
 * the caller).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analyze/feed.h"
#include "analyze/report.h"
#include "core/timeutil.h"

static void
xml_str(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char	 c = (unsigned char)*s;

		if (c == '&')
			fputs("&amp;", fp);
		else if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '"')
			fputs("&quot;", fp);
		else if (c < 0x20 && c != '\t' && c != '\n')
			fputc('?', fp);
		else
			fputc(c, fp);
	}
}

static void
uri_part(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char	 c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '/')
			fputc(c, fp);
		else
			fprintf(fp, "%%%02X", c);
	}
}

/* Events, sources, requests and logins of [start, end). */
static int
feed_counts(sqlite3 *db, int64_t start, int64_t end, const char *sensor, int64_t *events,
    int64_t *sources, int64_t *req, int64_t *login)
{
	json_t	*kinds = NULL;
	int	 rc;

	rc = report_totals(db, start, end, sensor, &kinds, events, sources);
	*req = json_integer_value(json_object_get(kinds, "request"));
	*login = json_integer_value(json_object_get(kinds, "login"));
	json_decref(kinds);
	return rc;
}

static void
feed_time(char *out, size_t len, int64_t us)
{
	time_format_offset(us, 0, "%Y-%m-%dT%H:%M:%SZ", out, len);
}

/* The date days_back days before now's date in the current zone. */
static int
feed_date(int64_t now_us, int days_back, char date[11])
{
	struct tm	 tm;
	time_t		 t = (time_t)(now_us / 1000000);

	localtime_r(&t, &tm);
	tm.tm_mday -= days_back;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	localtime_r(&t, &tm);
	if (strftime(date, 11, "%Y-%m-%d", &tm) != 10)
		return -1;
	return 0;
}

int
feed_write(FILE *fp, sqlite3 *db, const char *zone_name, const char *lang, const char *sensor,
    int days, const char *link_base, int64_t now_us, char *err, size_t errlen)
{
	struct report_day	 d;
	char			 date[11], t[40];
	int			 i, first = 1;
	int64_t			 ev, src, req, login;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	xml_str(fp, report_text(lang, "title"));
	fputs(" (", fp);
	xml_str(fp, sensor ? sensor : report_text(lang, "all_sensors"));
	fputs(", ", fp);
	xml_str(fp, zone_name);
	fputs(")</title>\n<id>tag:hanipo.invalid,2026:daily/", fp);
	uri_part(fp, sensor ? sensor : "all");
	fputc('/', fp);
	uri_part(fp, zone_name);
	fputs("</id>\n<author><name>hanipo</name></author>\n", fp);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	for (i = 0; i < days; i++) {
		if (feed_date(now_us, i + 1, date) == -1 || report_day(date, now_us, &d) == -1)
			continue;
		if (feed_counts(db, d.start, d.end, sensor, &ev, &src, &req, &login) == -1)
			goto dberr;
		if (ev == 0)
			continue;
		feed_time(t, sizeof(t), d.end);
		if (first) {
			fprintf(fp, "<updated>%s</updated>\n", t);
			first = 0;
		}
		fprintf(fp, "<entry>\n<title>");
		xml_str(fp, report_text(lang, "title"));
		fprintf(fp, " %s</title>\n<id>tag:hanipo.invalid,2026:daily/", date);
		uri_part(fp, sensor ? sensor : "all");
		fputc('/', fp);
		uri_part(fp, zone_name);
		fprintf(fp, "/%s</id>\n<updated>%s</updated>\n", date, t);
		if (link_base != NULL) {
			fputs("<link rel=\"alternate\" type=\"text/html\" href=\"", fp);
			xml_str(fp, link_base);
			fprintf(fp, "/%s.html\"/>\n", date);
		}
		fputs("<summary>", fp);
		xml_str(fp, report_text(lang, "events"));
		fprintf(fp, ": %lld, ", (long long)ev);
		xml_str(fp, report_text(lang, "sources_n"));
		fprintf(fp, ": %lld, ", (long long)src);
		xml_str(fp, report_text(lang, "requests"));
		fprintf(fp, ": %lld, ", (long long)req);
		xml_str(fp, report_text(lang, "logins"));
		fprintf(fp, ": %lld</summary>\n</entry>\n", (long long)login);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (first) {
		/* No day with events: the feed's time is the end of yesterday. */
		report_day(NULL, now_us, &d);
		feed_time(t, sizeof(t), d.end);
		fprintf(fp, "<updated>%s</updated>\n", t);
	}
	fputs("</feed>\n", fp);
	return ferror(fp) ? -1 : 0;
dberr:
	snprintf(err, errlen, "feed: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
