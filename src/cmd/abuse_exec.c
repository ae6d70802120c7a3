/*
 * abuse_exec.c - `hanipo abuse ...` runs the hanipo-abuse program installed beside hanipo. The
 * abuse commands need libcurl (RDAP over HTTPS, SMTP), whose dependency tree (GnuTLS, Kerberos,
 * LDAP, ...) would add ~3.5 MB of mapped pages to every `hanipo run`; kept apart, the sensors'
 * process never loads it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

#define ABUSE_PROGRAM	"hanipo-abuse"

int
cmd_abuse_exec(int argc, char **argv)
{
	char	 self[PATH_MAX], path[PATH_MAX + sizeof(ABUSE_PROGRAM) + 1], *slash;
	ssize_t	 n;

	(void)argc;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		fprintf(stderr, "hanipo abuse: cannot find this program: %s\n", strerror(errno));
		return CMD_EXIT_USAGE;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/%s", self, ABUSE_PROGRAM);
	argv[0] = (char *)ABUSE_PROGRAM;
	execv(path, argv);
	fprintf(stderr, "hanipo abuse: %s: %s\n", path, strerror(errno));
	return CMD_EXIT_USAGE;
}
