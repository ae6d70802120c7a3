/* sink_file.c - append-only log files for the sinks, reopened on SIGHUP so logrotate works. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmalloc.h"
#include "store/sink_file.h"

static FILE *
sink_file_fopen(const char *path)
{
	int	 fd;
	FILE	*fp;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1)
		return NULL;
	if ((fp = fdopen(fd, "a")) == NULL)
		close(fd);
	return fp;
}

int
sink_file_open(struct sink_file *f, const char *path, const char *origin, char *err,
    size_t errlen)
{
	if ((f->fp = sink_file_fopen(path)) == NULL) {
		snprintf(err, errlen, "%s: cannot open %s: %s", origin, path, strerror(errno));
		return -1;
	}
	f->path = xstrdup(path);
	return 0;
}

int
sink_file_reopen(struct sink_file *f)
{
	FILE	*fp;

	if ((fp = sink_file_fopen(f->path)) == NULL) {
		log_error("cannot reopen %s: %s", f->path, strerror(errno));
		return -1;
	}
	fclose(f->fp);
	f->fp = fp;
	return 0;
}

void
sink_file_close(struct sink_file *f)
{
	if (f->fp != NULL)
		fclose(f->fp);
	free(f->path);
	f->fp = NULL;
	f->path = NULL;
}
