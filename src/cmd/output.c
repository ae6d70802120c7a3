/*
 * output.c - where reports, feeds and exports go: stdout, or -o FILE written to FILE.tmp and
 * renamed into place when complete, so a reader never sees half a report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

FILE *
cmd_output_open(const char *cmd, const char *path, char **tmp)
{
	FILE	*fp;
	size_t	 n;

	*tmp = NULL;
	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	n = strlen(path) + 5;
	if ((*tmp = malloc(n)) == NULL)
		return NULL;
	snprintf(*tmp, n, "%s.tmp", path);
	if ((fp = fopen(*tmp, "w")) == NULL) {
		fprintf(stderr, "hanipo %s: %s: %s\n", cmd, *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return fp;
}

int
cmd_output_close(const char *cmd, FILE *fp, const char *path, char *tmp, int ok)
{
	int	 rc = 0;

	if (fp == NULL)
		return -1;
	if (fflush(fp) == EOF || ferror(fp)) {
		fprintf(stderr, "hanipo %s: write error: %s\n", cmd, strerror(errno));
		rc = -1;
	}
	if (fp != stdout && fclose(fp) == EOF && rc == 0) {
		fprintf(stderr, "hanipo %s: %s: %s\n", cmd, tmp, strerror(errno));
		rc = -1;
	}
	if (tmp != NULL) {
		if (rc == 0 && ok && rename(tmp, path) == -1) {
			fprintf(stderr, "hanipo %s: %s: %s\n", cmd, path, strerror(errno));
			rc = -1;
		}
		if (rc == -1 || !ok)
			remove(tmp);
		free(tmp);
	}
	return rc;
}
