/*
 * main_abuse.c - hanipo-abuse: the abuse commands (lookup, plan, render, send, status), run by
 * `hanipo abuse ...` (cmd/abuse_exec.c) so that only this program links libcurl.
 */
#include "cmd/cmd.h"

int
main(int argc, char **argv)
{
	return cmd_abuse(argc, argv);
}
