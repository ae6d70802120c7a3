/* sink_jsonl.c - one JSON object per event per line (for ELK/Filebeat and friends). */
#include <stdlib.h>

#include "core/xmalloc.h"
#include "store/sink.h"
#include "store/sink_file.h"

static int
jsonl_open(const struct config *cfg, void **state, char *err, size_t errlen)
{
	const char		*path = config_get(cfg, "log", "jsonl");
	struct sink_file	*f;

	if (path == NULL || *path == '\0')
		return 1;
	f = xcalloc(1, sizeof(*f));
	if (sink_file_open(f, path, config_origin(cfg, "log", "jsonl"), err, errlen) == -1) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
jsonl_append(void *state, struct evt *const *evs, size_t n)
{
	struct sink_file	*f = state;
	size_t			 i;

	for (i = 0; i < n; i++) {
		json_t	*j = evt_to_json(evs[i], 1);

		json_dumpf(j, f->fp, JSON_COMPACT);
		fputc('\n', f->fp);
		json_decref(j);
	}
	return fflush(f->fp) == 0 ? 0 : -1;
}

static int
jsonl_reopen(void *state)
{
	return sink_file_reopen(state);
}

static void
jsonl_close(void *state)
{
	sink_file_close(state);
	free(state);
}

const struct sink_ops sink_jsonl = {
	.name = "jsonl",
	.open = jsonl_open,
	.append = jsonl_append,
	.reopen = jsonl_reopen,
	.close = jsonl_close,
};
