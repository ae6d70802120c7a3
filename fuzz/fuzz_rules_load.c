/* fuzz_rules_load.c - libFuzzer target: rules_load on an arbitrary mrrules.xml in a temp art dir. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/rules.h"

#include "fuzz_check.h"

static char	dir[64], xml[128], bodyf[128], local[128];

static void
cleanup(void)
{
	unlink(xml);
	unlink(bodyf);
	unlink(local);
	rmdir(dir);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE	*f;

	CHECK((f = fopen(path, "wb")) != NULL);
	CHECK(n == 0 || fwrite(p, 1, n, f) == n);
	CHECK(fclose(f) == 0);
}

/* Creates the temp art dir once, holding one body file "a.txt" for filename= attributes. */
static void
setup_once(void)
{
	if (dir[0] != '\0')
		return;
	snprintf(dir, sizeof(dir), "/tmp/hnp-fuzz-rules-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(xml, sizeof(xml), "%s/mrrules.xml", dir);
	snprintf(bodyf, sizeof(bodyf), "%s/a.txt", dir);
	snprintf(local, sizeof(local), "%s/mrrules_local.xml", dir);
	write_file(bodyf, "  body file\n", 12);
	atexit(cleanup);
}

/* Input: an mrrules.xml. A rule set that loads must answer a few fixed requests sanely. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char		*const methods[] = { "GET", "POST", "HEAD" };
	struct rules			*r;
	struct rules_request		 req;
	const struct rule_response	*resp;
	char				 err[256];
	size_t				 i;

	setup_once();
	write_file(xml, data, size);
	memset(err, 'x', sizeof(err));
	if (rules_load(dir, &r, err, sizeof(err)) == -1) {
		CHECK(r == NULL);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return 0;
	}
	CHECK(r != NULL);
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.method = (const uint8_t *)methods[i];
		req.method_len = strlen(methods[i]);
		req.uri = (const uint8_t *)"/login?x=whoami";
		req.uri_len = strlen((const char *)req.uri);
		req.headers = (const uint8_t *)"Host: x\nUser-Agent: y";
		req.headers_len = strlen((const char *)req.headers);
		req.body = (const uint8_t *)"a=b";
		req.body_len = 3;
		req.has_body = i == 1;
		if ((resp = rules_match(r, &req)) != NULL)
			CHECK(resp->status >= 100 && resp->status <= 999 && resp->note != NULL);
	}
	rules_free(r);
	return 0;
}
