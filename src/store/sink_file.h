/* sink_file.h - an append-only log file that can be reopened after rotation (shared by file sinks). */
#ifndef HNP_SINK_FILE_H
#define HNP_SINK_FILE_H

#include <stdio.h>

struct sink_file {
	char	*path;
	FILE	*fp;
};

/* Opens path for appending (mode 0640, created if missing). Returns 0, or -1 with err naming origin. */
int	sink_file_open(struct sink_file *f, const char *path, const char *origin, char *err,
	    size_t errlen);
int	sink_file_reopen(struct sink_file *f);
void	sink_file_close(struct sink_file *f);

#endif
