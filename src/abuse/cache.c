/* cache.c - lookup results kept in the store (abuse_cache) with an expiry. */
#include <stdlib.h>

#include "abuse/lookup.h"

int
abuse_cache_get(sqlite3 *db, const char *addr, int64_t now_us, int any_age, struct contact *c,
    int64_t *fetched_us)
{
	sqlite3_stmt	*st;
	json_t		*j;
	json_error_t	 jerr;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT contact, fetched, expires FROM abuse_cache "
	    "WHERE query = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (!any_age && sqlite3_column_int64(st, 2) <= now_us) {
		sqlite3_finalize(st);
		return 0;
	}
	j = json_loads((const char *)sqlite3_column_text(st, 0), 0, &jerr);
	if (fetched_us != NULL)
		*fetched_us = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	rc = contact_from_json(j, c) == 0 ? 1 : 0;
	json_decref(j);
	return rc;
}

int
abuse_cache_put(sqlite3 *db, const char *addr, const struct contact *c, int64_t now_us,
    int64_t ttl_us)
{
	sqlite3_stmt	*st;
	json_t		*j = contact_to_json(c);
	char		*text = json_dumps(j, JSON_COMPACT);
	int		 rc;

	json_decref(j);
	if (text == NULL || sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO abuse_cache "
	    "(query, fetched, expires, contact) VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		free(text);
		return -1;
	}
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_us);
	sqlite3_bind_int64(st, 3, now_us + ttl_us);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(text);
	return rc == SQLITE_DONE ? 0 : -1;
}
