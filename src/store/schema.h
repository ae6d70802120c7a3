/* schema.h - the SQLite schema and its migrations. */
#ifndef HNP_SCHEMA_H
#define HNP_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

/*
 * Page size of a new store: 8 KiB. An event is ~500 bytes; with 8 KiB pages an import writes
 * half the pages (and page writes) of SQLite's 4 KiB default, 12 % less import time, while the
 * daemon's small commits cost the same (docs/performance.md). A store keeps the size it was made
 * with.
 */
#define SCHEMA_PAGE_SIZE	8192

/* Sets the page size of a store that is still empty (before its WAL); no-op otherwise. */
void	schema_page_size(sqlite3 *db);
/* Brings db up to the latest version in one transaction. Returns 0, or -1 with err. */
int	schema_migrate(sqlite3 *db, char *err, size_t errlen);
/* Opens an existing store for queries (read-write handle, no create). NULL with err. */
sqlite3	*schema_open_existing(const char *path, char *err, size_t errlen);

#endif
