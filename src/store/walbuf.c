/*
 * walbuf.c - an SQLite VFS shim that turns a commit's WAL writes into one write(2). SQLite writes
 * each WAL frame as two pwrite(2)s (its 24-byte header, then the page), so a commit of five pages
 * costs ten system calls; the daemon commits hundreds of times a second. This shim keeps a
 * connection's contiguous WAL writes in a buffer and writes them at once:
 *   - with the page of a commit frame (its header's "database size" field is not zero), inside
 *     that xWrite, so a failure fails the commit as SQLite's own write would have;
 *   - when the buffer is full or a write is not contiguous;
 *   - before any other use of the WAL file (read, sync, truncate, size, close, lock, control);
 *   - at the latest before SQLite publishes a new WAL index header (xShmBarrier and xShmLock on
 *     the database file), so no reader, in this process or another, sees a frame not yet written.
 * A crash while frames are buffered loses only a commit that had not returned: no reply was sent
 * for it, and WAL recovery ignores frames past the last valid commit frame, as with SQLite's own
 * writes. Everything else passes through to the "unix" VFS. The shim is per connection (SQLite
 * gives a WAL file the database file of its connection: sqlite3_database_file_object), so it needs
 * no lock of its own.
 *
 * A second VFS of the same shim ("bulk", for `hanipo import`) also buffers the database file's
 * contiguous writes (the pages a rollback-journal commit writes in page order: an import appends
 * hundreds of MB) up to 120 KiB, a write(2) per 30 pages of 4 KiB instead of one per page. They
 * are written before any other use of the file (read, sync, size, truncate, lock, unlock, control,
 * close, the WAL index), so only their delay changes: SQLite writes a page after the journal that
 * covers it is synced, and the commit's xSync, before the journal is deleted, finds them written.
 * It needs a synchronous setting other than OFF (the import uses FULL in rollback mode).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/walbuf.h"

#define WALBUF_CAP	(64 * 1024)
#define DBBUF_CAP	(120 * 1024)	/* SQLite's unix VFS writes at most 128 KiB - 1 at once */

struct wb_file {
	sqlite3_file		 base;
	sqlite3_file		*real;		/* the unix file, right after this struct */
	struct wb_file		*wal;		/* database file: its connection's open WAL */
	struct wb_file		*db;		/* WAL file: its connection's database file */
	unsigned char		*buf;		/* WAL file: bytes not written yet ... */
	size_t			 len;
	sqlite3_int64		 off;		/* ... which belong at this offset */
	int			 commit_next;	/* the next write is a commit frame's page */
};

static sqlite3_vfs	 walbuf_vfs, bulk_vfs;

#define REAL(f)		(((struct wb_file *)(f))->real)
#define RM(f)		(REAL(f)->pMethods)

static int
wb_flush(struct wb_file *f)
{
	size_t	 len;

	if (f == NULL || f->len == 0)
		return SQLITE_OK;
	len = f->len;
	f->len = 0;
	return f->real->pMethods->xWrite(f->real, f->buf, (int)len, f->off);
}

/* Adds a write to f's buffer of cap bytes (the buffered bytes go first unless it continues them). */
static int
wb_append(struct wb_file *f, const void *p, int amt, sqlite3_int64 off, size_t cap)
{
	int	 rc;

	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len || f->len + (size_t)amt > cap))
		if ((rc = wb_flush(f)) != SQLITE_OK)
			return rc;
	if ((size_t)amt > cap)
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	if (f->buf == NULL && (f->buf = malloc(cap)) == NULL)
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)amt);
	f->len += (size_t)amt;
	return SQLITE_OK;
}

/* The WAL file's own methods: buffer writes, flush before anything else. */
static int
wal_write(sqlite3_file *file, const void *p, int amt, sqlite3_int64 off)
{
	struct wb_file	*f = (struct wb_file *)file;
	const unsigned char *b = p;
	int		 rc, commit = f->commit_next;

	f->commit_next = amt == 24 && (b[4] | b[5] | b[6] | b[7]) != 0;
	if ((rc = wb_append(f, p, amt, off, WALBUF_CAP)) != SQLITE_OK)
		return rc;
	return commit ? wb_flush(f) : SQLITE_OK;
}

/* A bulk database file's writes: buffered alike, flushed as the WAL's (the same methods). */
static int
bulk_write(sqlite3_file *file, const void *p, int amt, sqlite3_int64 off)
{
	return wb_append((struct wb_file *)file, p, amt, off, DBBUF_CAP);
}

static int
wal_close(sqlite3_file *file)
{
	struct wb_file	*f = (struct wb_file *)file;
	int		 rc = wb_flush(f), rc2;

	if (f->db != NULL && f->db->wal == f)
		f->db->wal = NULL;
	free(f->buf);
	f->buf = NULL;
	rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

#define FLUSHED(f)	do { int rc_ = wb_flush((struct wb_file *)(f)); \
			    if (rc_ != SQLITE_OK) return rc_; } while (0)

static int
wal_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
	FLUSHED(f);
	return RM(f)->xRead(REAL(f), p, amt, off);
}

static int
wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	FLUSHED(f);
	return RM(f)->xTruncate(REAL(f), size);
}

static int
wal_sync(sqlite3_file *f, int flags)
{
	FLUSHED(f);
	return RM(f)->xSync(REAL(f), flags);
}

static int
wal_size(sqlite3_file *f, sqlite3_int64 *size)
{
	FLUSHED(f);
	return RM(f)->xFileSize(REAL(f), size);
}

static int
wal_lock(sqlite3_file *f, int lock)
{
	FLUSHED(f);
	return RM(f)->xLock(REAL(f), lock);
}

static int
wal_unlock(sqlite3_file *f, int lock)
{
	FLUSHED(f);
	return RM(f)->xUnlock(REAL(f), lock);
}

static int
wal_control(sqlite3_file *f, int op, void *arg)
{
	FLUSHED(f);
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int
wal_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	*pp = NULL;
	FLUSHED(f);
	return RM(f)->xFetch(REAL(f), off, amt, pp);
}

/* Methods that pass straight through (both kinds of file). */
static int
pt_close(sqlite3_file *f)
{
	return RM(f)->xClose(REAL(f));
}

static int
pt_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
	return RM(f)->xRead(REAL(f), p, amt, off);
}

static int
pt_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
	return RM(f)->xWrite(REAL(f), p, amt, off);
}

static int
pt_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return RM(f)->xTruncate(REAL(f), size);
}

static int
pt_sync(sqlite3_file *f, int flags)
{
	return RM(f)->xSync(REAL(f), flags);
}

static int
pt_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return RM(f)->xFileSize(REAL(f), size);
}

static int
pt_lock(sqlite3_file *f, int lock)
{
	return RM(f)->xLock(REAL(f), lock);
}

static int
pt_unlock(sqlite3_file *f, int lock)
{
	return RM(f)->xUnlock(REAL(f), lock);
}

static int
pt_reserved(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int
pt_control(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int
pt_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int
pt_device(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int
pt_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	return RM(f)->xFetch(REAL(f), off, amt, pp);
}

static int
pt_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return RM(f)->xUnfetch(REAL(f), off, p);
}

/* The database file's shared-memory methods: the connection's WAL is flushed first. */
static int
db_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return RM(f)->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
db_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	FLUSHED(((struct wb_file *)f)->wal);
	return RM(f)->xShmLock(REAL(f), off, n, flags);
}

static void
db_shm_barrier(sqlite3_file *f)
{
	(void)wb_flush(((struct wb_file *)f)->wal);	/* flushed with the commit frame already */
	RM(f)->xShmBarrier(REAL(f));
}

static int
db_shm_unmap(sqlite3_file *f, int del)
{
	FLUSHED(((struct wb_file *)f)->wal);
	return RM(f)->xShmUnmap(REAL(f), del);
}

/* A bulk database file's WAL index methods: its own pages and its connection's WAL go first. */
static int
bulk_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	FLUSHED(f);
	return db_shm_lock(f, off, n, flags);
}

static void
bulk_shm_barrier(sqlite3_file *f)
{
	(void)wb_flush((struct wb_file *)f);
	db_shm_barrier(f);
}

static int
bulk_shm_unmap(sqlite3_file *f, int del)
{
	FLUSHED(f);
	return db_shm_unmap(f, del);
}

static const sqlite3_io_methods db_methods = {
	3, pt_close, pt_read, pt_write, pt_truncate, pt_sync, pt_size, pt_lock, pt_unlock,
	pt_reserved, pt_control, pt_sector, pt_device, db_shm_map, db_shm_lock, db_shm_barrier,
	db_shm_unmap, pt_fetch, pt_unfetch
};

static const sqlite3_io_methods wal_methods = {
	3, wal_close, wal_read, wal_write, wal_truncate, wal_sync, wal_size, wal_lock, wal_unlock,
	pt_reserved, wal_control, pt_sector, pt_device, db_shm_map, db_shm_lock, db_shm_barrier,
	db_shm_unmap, wal_fetch, pt_unfetch
};

static const sqlite3_io_methods bulk_methods = {
	3, wal_close, wal_read, bulk_write, wal_truncate, wal_sync, wal_size, wal_lock, wal_unlock,
	pt_reserved, wal_control, pt_sector, pt_device, db_shm_map, bulk_shm_lock, bulk_shm_barrier,
	bulk_shm_unmap, wal_fetch, pt_unfetch
};

static int
wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
	struct wb_file	*f = (struct wb_file *)file;
	sqlite3_vfs	*real = vfs->pAppData;
	int		 rc;

	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	rc = real->xOpen(real, name, f->real, flags, out);
	if (f->real->pMethods == NULL) {
		f->base.pMethods = NULL;
		return rc;
	}
	if ((flags & SQLITE_OPEN_WAL) && name != NULL) {
		f->base.pMethods = &wal_methods;
		f->db = (struct wb_file *)sqlite3_database_file_object(name);
		if (f->db != NULL && (f->db->base.pMethods == &db_methods ||
		    f->db->base.pMethods == &bulk_methods))
			f->db->wal = f;
		else
			f->db = NULL;
	} else if ((flags & SQLITE_OPEN_MAIN_DB) && vfs == &bulk_vfs)
		f->base.pMethods = &bulk_methods;
	else if (flags & SQLITE_OPEN_MAIN_DB)
		f->base.pMethods = &db_methods;
	else
		f->base.pMethods = &db_methods;	/* journals, temp files: all calls pass through */
	return rc;
}

/* The VFS's own methods go to the real one. */
#define RV(v)	((sqlite3_vfs *)(v)->pAppData)

static int
wb_delete(sqlite3_vfs *v, const char *name, int sync)
{
	return RV(v)->xDelete(RV(v), name, sync);
}

static int
wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return RV(v)->xAccess(RV(v), name, flags, out);
}

static int
wb_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
	return RV(v)->xFullPathname(RV(v), name, n, out);
}

static void *
wb_dlopen(sqlite3_vfs *v, const char *name)
{
	return RV(v)->xDlOpen(RV(v), name);
}

static void
wb_dlerror(sqlite3_vfs *v, int n, char *out)
{
	RV(v)->xDlError(RV(v), n, out);
}

static void (*wb_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	return RV(v)->xDlSym(RV(v), h, sym);
}

static void
wb_dlclose(sqlite3_vfs *v, void *h)
{
	RV(v)->xDlClose(RV(v), h);
}

static int
wb_random(sqlite3_vfs *v, int n, char *out)
{
	return RV(v)->xRandomness(RV(v), n, out);
}

static int
wb_sleep(sqlite3_vfs *v, int us)
{
	return RV(v)->xSleep(RV(v), us);
}

static int
wb_time(sqlite3_vfs *v, double *out)
{
	return RV(v)->xCurrentTime(RV(v), out);
}

static int
wb_lasterr(sqlite3_vfs *v, int n, char *out)
{
	return RV(v)->xGetLastError(RV(v), n, out);
}

static int
wb_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return RV(v)->xCurrentTimeInt64(RV(v), out);
}

/* Fills and registers v as a shim named name over "unix". name, or NULL if unavailable. */
static const char *
wb_register(sqlite3_vfs *v, const char *name)
{
	sqlite3_vfs	*real;

	if (v->zName != NULL)
		return v->zName;
	if ((real = sqlite3_vfs_find("unix")) == NULL || real->iVersion < 2)
		return NULL;
	v->iVersion = 2;
	v->szOsFile = (int)sizeof(struct wb_file) + real->szOsFile;
	v->mxPathname = real->mxPathname;
	v->zName = name;
	v->pAppData = real;
	v->xOpen = wb_open;
	v->xDelete = wb_delete;
	v->xAccess = wb_access;
	v->xFullPathname = wb_fullpath;
	v->xDlOpen = wb_dlopen;
	v->xDlError = wb_dlerror;
	v->xDlSym = wb_dlsym;
	v->xDlClose = wb_dlclose;
	v->xRandomness = wb_random;
	v->xSleep = wb_sleep;
	v->xCurrentTime = wb_time;
	v->xGetLastError = wb_lasterr;
	v->xCurrentTimeInt64 = wb_time64;
	if (sqlite3_vfs_register(v, 0) != SQLITE_OK) {
		v->zName = NULL;
		return NULL;
	}
	return v->zName;
}

const char *
walbuf_vfs_name(void)
{
	return wb_register(&walbuf_vfs, "hanipo-walbuf");
}

const char *
walbuf_bulk_vfs_name(void)
{
	return wb_register(&bulk_vfs, "hanipo-bulk");
}
