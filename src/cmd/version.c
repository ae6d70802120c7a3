/* version.c - `hanipo version`: the version and the library versions it runs with. */
#include <getopt.h>
#include <stdio.h>

#include <event2/event.h>
#include <expat.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "cmd/cmd.h"
#include "config.h"

int
cmd_version(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int				 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			printf("usage: hanipo version\n");
			return CMD_EXIT_OK;
		}
		return CMD_EXIT_USAGE;
	}
	printf("hanipo %s\n", HANIPO_VERSION);
	printf("libevent %s, %s, SQLite %s, jansson %s, %s\n", event_get_version(),
	    OpenSSL_version(OPENSSL_VERSION), sqlite3_libversion(), jansson_version_str(),
	    XML_ExpatVersion());
	return CMD_EXIT_OK;
}
