/*
 * writelock.c - event sequence numbers are handed out by the one process that writes events (the
 * daemon's store writer counts from max(seq) at start; an import does the same): two writers
 * would give the same numbers and one would lose its batch. An advisory lock file beside the
 * store keeps a second writer out with a clear message instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/writelock.h"

int
writelock_take(const char *path, char *err, size_t errlen)
{
	char	 lock[4096], pid[32];
	int	 fd, n;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >= sizeof(lock)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		n = (int)read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen, "%s: the store is being written by another hanipo process%s%s%s "
		    "(stop it first, or use another store)", path, *pid ? " (pid " : "", pid,
		    *pid ? ")" : "");
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == 0) {
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (pwrite(fd, pid, (size_t)n, 0) != n)
			(void)0;	/* the pid is only a hint for the message above */
	}
	return fd;
}

void
writelock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
