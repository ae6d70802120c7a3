/* schema.h - the SQLite schema and its migrations. */
#ifndef HNP_SCHEMA_H
#define HNP_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

/*
 * Page size of a new store: 4 KiB, set explicitly (SQLite's default is a build option). 8 KiB
 * pages made the import 3 % faster (12 % before its writes were combined, walbuf.c) and cost the
 * daemon's small commits 3-5 % CPU per connection (docs/performance.md). A store keeps the size
 * it was made with.
 */
#define SCHEMA_PAGE_SIZE	4096

/* Sets the page size of a store that is still empty (before its WAL); no-op otherwise. */
void	schema_page_size(sqlite3 *db);
/* Brings db up to the latest version in one transaction. Returns 0, or -1 with err. */
int	schema_migrate(sqlite3 *db, char *err, size_t errlen);
/* Opens an existing store for queries (read-write handle, no create). NULL with err. */
sqlite3	*schema_open_existing(const char *path, char *err, size_t errlen);

#endif
