/* schema.h - the SQLite schema and its migrations. */
#ifndef HNP_SCHEMA_H
#define HNP_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

#define SCHEMA_VERSION	5

/* Brings db up to SCHEMA_VERSION in one transaction. Returns 0, or -1 with err. */
int	schema_migrate(sqlite3 *db, char *err, size_t errlen);
/* Opens an existing store for queries (read-write handle, no create). NULL with err. */
sqlite3	*schema_open_existing(const char *path, char *err, size_t errlen);

#endif
