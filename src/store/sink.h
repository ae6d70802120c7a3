/* sink.h - an output that receives committed events in batches (access_log, JSON lines, ...). */
#ifndef HNP_SINK_H
#define HNP_SINK_H

#include <stddef.h>

#include "core/config.h"
#include "core/evt.h"

struct sink_ops {
	const char	*name;
	/* Returns 0 and *state, 1 when the config leaves the sink off, -1 with err. */
	int	(*open)(const struct config *cfg, void **state, char *err, size_t errlen);
	/* Writes a batch of committed events (called from the writer thread only). */
	int	(*append)(void *state, struct evt *const *evs, size_t n);
	int	(*reopen)(void *state);
	void	(*close)(void *state);
};

extern const struct sink_ops sink_accesslog;
extern const struct sink_ops sink_jsonl;

#endif
