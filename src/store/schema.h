/* schema.h - the SQLite schema and its migrations. */
#ifndef HNP_SCHEMA_H
#define HNP_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

#define SCHEMA_VERSION	5

/* Brings db up to SCHEMA_VERSION in one transaction. Returns 0, or -1 with err. */
int	schema_migrate(sqlite3 *db, char *err, size_t errlen);
/*
 * The events table's secondary indexes (events_ts, events_src): whether both exist (1, 0, or -1 on
 * error); dropping events_src, which a bulk import leaves out while it inserts; creating those
 * missing (in the caller's transaction, if any). 0, or -1 (sqlite3_errmsg tells).
 */
int	schema_events_indexed(sqlite3 *db);
int	schema_events_drop_indexes(sqlite3 *db);
int	schema_events_indexes(sqlite3 *db);
/* Opens an existing store for queries (read-write handle, no create). NULL with err. */
sqlite3	*schema_open_existing(const char *path, char *err, size_t errlen);

#endif
