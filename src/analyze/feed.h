/* feed.h - the Atom feed of daily reports: one entry per complete past day that has events. */
#ifndef HNP_FEED_H
#define HNP_FEED_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

/*
 * Writes the feed for the days days before today (in the current zone, zone_name for display)
 * as of now_us, newest first, each entry summarising its day (events, sources, kinds). sensor
 * limits to one sensor (NULL: all). link_base, when set, links each entry to
 * link_base/YYYY-MM-DD.html. Returns 0, or -1 with err (a database or write error).
 */
int	feed_write(FILE *fp, sqlite3 *db, const char *zone_name, const char *lang,
	    const char *sensor, int days, const char *link_base, int64_t now_us, char *err,
	    size_t errlen);

#endif
