/*
 * report_day.c - days in a time zone: the zone is applied with TZ and tzset (glibc reads the
 * system's zoneinfo), and a day's bounds come from mktime of its local midnights, so days of 23
 * or 25 hours (DST) come out right.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze/report.h"

#define ZONEINFO	"/usr/share/zoneinfo/"

static int
zone_name_ok(const char *z)
{
	char	 path[PATH_MAX];
	size_t	 i;

	if (*z == '\0' || *z == '/' || strstr(z, "..") != NULL || strlen(z) > 64)
		return 0;
	for (i = 0; z[i]; i++)
		if (!(z[i] == '/' || z[i] == '_' || z[i] == '-' || z[i] == '+' ||
		    (z[i] >= 'A' && z[i] <= 'Z') || (z[i] >= 'a' && z[i] <= 'z') ||
		    (z[i] >= '0' && z[i] <= '9')))
			return 0;
	snprintf(path, sizeof(path), ZONEINFO "%s", z);
	return access(path, R_OK) == 0;
}

int
report_set_zone(const char *zone, char *name, size_t namelen)
{
	FILE	*fp;
	char	 line[128];

	if (zone != NULL) {
		if (strcmp(zone, "UTC") != 0 && !zone_name_ok(zone))
			return -1;
		setenv("TZ", zone, 1);
		tzset();
		snprintf(name, namelen, "%s", zone);
		return 0;
	}
	tzset();
	if ((zone = getenv("TZ")) != NULL && *zone != '\0') {
		snprintf(name, namelen, "%s", *zone == ':' ? zone + 1 : zone);
		return 0;
	}
	if ((fp = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			snprintf(name, namelen, "%s", line);
		}
		fclose(fp);
		if (*name != '\0')
			return 0;
	}
	snprintf(name, namelen, "%s", tzname[0]);
	return 0;
}

static int64_t
day_at(int y, int m, int dd, int h)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = dd;
	tm.tm_hour = h;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000000;
}

int
report_day(const char *date, int64_t now_us, struct report_day *d)
{
	struct tm	 tm;
	time_t		 t;
	int		 y, m, dd, n = 0, h;

	memset(d, 0, sizeof(*d));
	if (date == NULL) {
		t = (time_t)(now_us / 1000000);
		localtime_r(&t, &tm);
		tm.tm_mday -= 1;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		localtime_r(&t, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon + 1;
		dd = tm.tm_mday;
	} else {
		if (sscanf(date, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10 ||
		    date[10] != '\0' || m < 1 || m > 12 || dd < 1 || dd > 31 || y < 1970)
			return -1;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = dd;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		localtime_r(&t, &tm);
		if (tm.tm_mday != dd)
			return -1;	/* 2026-02-30 */
	}
	snprintf(d->date, sizeof(d->date), "%04d-%02d-%02d", y, m, dd);
	d->start = day_at(y, m, dd, 0);
	d->end = day_at(y, m, dd + 1, 0);
	d->prev_start = day_at(y, m, dd - 1, 0);
	for (h = 0; h < 24; h++) {
		int64_t	 s = day_at(y, m, dd, h);

		if (d->nhours > 0 && s <= d->hour[d->nhours - 1])
			continue;	/* the hour a DST change skips */
		d->hour[d->nhours++] = s;
	}
	d->hour[d->nhours] = d->end;
	return 0;
}
