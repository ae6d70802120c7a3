/*
 * fuzz_shell_parse.c - libFuzzer target: the shell command parser keeps its invariants (words are
 * NUL-terminated inside the arena, caps hold), and the fake shell runs every line (split at LF)
 * within its output cap, its events always before the output they cause.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/jsonw.h"
#include "proto/parse/shell_parse.h"
#include "proto/shell.h"

#include "fuzz_check.h"

static int64_t	 seq, out_seq;
static int	 ended;

static int
inside(const struct shp_line *l, const char *w)
{
	return w >= l->arena && w < l->arena + l->used && memchr(w, '\0',
	    (size_t)(l->arena + l->used - w)) != NULL;
}

static void
check_parse(const uint8_t *data, size_t size)
{
	static struct shp_line	 l;
	size_t			 i, k;

	shp_parse(&l, data, size);
	CHECK(l.ncmds <= HNP_SHELL_MAX_CMDS);
	CHECK(l.used <= sizeof(l.arena));
	for (i = 0; i < l.ncmds; i++) {
		const struct shp_cmd	*c = &l.cmds[i];

		CHECK(c->argc <= HNP_SHELL_MAX_ARGS);
		CHECK(c->argv[c->argc] == NULL);
		CHECK(c->argc > 0 || c->out != NULL || c->in != NULL);
		for (k = 0; k < c->argc; k++)
			CHECK(inside(&l, c->argv[k]));
		CHECK(c->out == NULL || inside(&l, c->out));
		CHECK(c->in == NULL || inside(&l, c->in));
		CHECK(i + 1 < l.ncmds || c->op == SHP_END);
	}
}

static int64_t
on_event(void *arg, const char *kind, const struct jsonw *w, const void *raw, size_t len)
{
	(void)arg; (void)raw; (void)len;
	CHECK(strcmp(kind, "command") == 0 || strcmp(kind, "download_url") == 0);
	CHECK(jsonw_done(w) == 0);
	return ++seq;
}

static int
on_out(void *arg, int64_t s, const void *p, size_t len)
{
	(void)arg; (void)p;
	CHECK(s == seq && s >= out_seq);
	CHECK(len <= 2 * (HNP_SHELL_MAX_OUTPUT + 1024));
	out_seq = s;
	return 0;
}

static void
on_exit_(void *arg, int status)
{
	(void)arg; (void)status;
	ended = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct shell_profile	 prof;
	static int			 ready;
	struct shell_io			 io = { NULL, on_event, on_out, on_exit_ };
	struct shell			*sh;
	const uint8_t			*p = data, *end = data + size, *nl;
	char				 err[256];

	if (!ready) {
		struct config	*cfg;

		config_register(shell_config_keys);
		cfg = config_new();
		CHECK(shell_profile_load(&prof, cfg, err, sizeof(err)) == 0);
		config_free(cfg);
		ready = 1;
	}
	check_parse(data, size);
	seq = out_seq = 0;
	ended = 0;
	sh = shell_new(&prof, &io, "root", size > 0 && data[0] & 1 ? SHELL_CRLF : 0);
	while (p < end && !ended) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (shell_line(sh, p, (size_t)(nl - p)) == 1)
			CHECK(ended);
		p = nl + (nl < end);
	}
	shell_free(sh);
	return 0;
}
