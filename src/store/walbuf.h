/* walbuf.h - an SQLite VFS shim that writes a commit's WAL frames with one write(2) (walbuf.c). */
#ifndef HNP_WALBUF_H
#define HNP_WALBUF_H

/* Registers the shim (once) and returns its VFS name for sqlite3_open_v2, or NULL if unavailable. */
const char	*walbuf_vfs_name(void);
/*
 * The same, also buffering the database file's contiguous writes (bulk loads in rollback-journal
 * mode, synchronous not OFF): `hanipo import`.
 */
const char	*walbuf_bulk_vfs_name(void);

#endif
