/* ssh_chan.c - the SSH sensor's session channels (exec, shell); refused until the shell is in. */
#include "proto/ssh_impl.h"

ssh_channel
ssh_chan_open(struct ssh_ctx *c)
{
	return NULL;
}

void
ssh_chan_run(struct ssh_ctx *c)
{
}

void
ssh_chan_free_all(struct ssh_ctx *c)
{
}
