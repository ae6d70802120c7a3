/* fuzz_rules.c - libFuzzer target: rules_match and rules_hunt over the shipped WOWHoneypot rules. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"

#ifndef HNP_SHARED_DEFAULT
#define HNP_SHARED_DEFAULT	"../shared"
#endif

#include "fuzz_check.h"

static struct rules	*rules;
static size_t		 nurls;

/* Loads $HANIPO_SHARED/data/wowhoneypot/art (default: the checkout's ../shared) once. */
static struct rules *
load_once(void)
{
	const char	*shared;
	char		 path[4096], err[512];

	if (rules != NULL)
		return rules;
	if ((shared = getenv("HANIPO_SHARED")) == NULL || shared[0] == '\0')
		shared = HNP_SHARED_DEFAULT;
	snprintf(path, sizeof(path), "%s/data/wowhoneypot/art", shared);
	if (rules_load(path, &rules, err, sizeof(err)) == -1) {
		fprintf(stderr, "fuzz_rules: %s\n", err);
		abort();
	}
	return rules;
}

static void
on_url(void *arg, const char *tool, const char *url, size_t len)
{
	CHECK(tool != NULL && tool[0] != '\0');
	CHECK(url != NULL && len > 0 && len <= 2048 && url[len] == '\0');
	CHECK(strlen(url) == len);
	nurls++;
}

/* Cuts the next NUL-separated field off [*p, end); the last field has no terminator. */
static const uint8_t *
field(const uint8_t **p, const uint8_t *end, size_t *len, int *last)
{
	const uint8_t	*start = *p, *z;

	z = memchr(start, '\0', (size_t)(end - start));
	*last = z == NULL;
	if (z == NULL)
		z = end;
	*len = (size_t)(z - start);
	*p = z == end ? end : z + 1;
	return start;
}

/* Input: method NUL uri NUL headers NUL body (a body only when the third NUL is present). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules			*r = load_once();
	struct rules_request		 req;
	const struct rule_response	*resp;
	const uint8_t			*p = data, *end = data + size;
	size_t				 n, i;
	int				 last = 0;

	memset(&req, 0, sizeof(req));
	req.method = field(&p, end, &req.method_len, &last);
	if (!last)
		req.uri = field(&p, end, &req.uri_len, &last);
	if (!last)
		req.headers = field(&p, end, &req.headers_len, &last);
	if (!last) {
		req.body = p;
		req.body_len = (size_t)(end - p);
		req.has_body = 1;
	}
	if ((resp = rules_match(r, &req)) != NULL) {
		CHECK(resp->id >= 1000 && resp->id <= 65535);
		CHECK(resp->status >= 100 && resp->status <= 999);
		CHECK(resp->body != NULL || resp->body_len == 0);
		CHECK(resp->note != NULL);
		for (i = 0; i < resp->nheaders; i++)
			CHECK(resp->headers[i].name != NULL && resp->headers[i].value != NULL);
	}
	resp = rules_default(r, size > 0 ? data[0] : 0);
	CHECK(resp != NULL && resp->id == 0 && resp->status == 200);
	nurls = 0;
	n = rules_hunt(r, data, size, on_url, NULL);
	CHECK(n == nurls && n <= 64);
	return 0;
}
