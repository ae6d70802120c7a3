/* writelock.h - one writer of events per store: the daemon or an import, never both. */
#ifndef HNP_WRITELOCK_H
#define HNP_WRITELOCK_H

#include <stddef.h>

/*
 * Takes the store's writer lock (flock on "PATH.lock", never on the database file itself: closing
 * another descriptor of that file would drop SQLite's own locks). Returns the descriptor to keep
 * open while writing, or -1 with err naming who holds it.
 */
int	writelock_take(const char *path, char *err, size_t errlen);
/* Releases it (fd from writelock_take; -1 is ignored). */
void	writelock_release(int fd);

#endif
