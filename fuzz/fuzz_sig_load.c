/* fuzz_sig_load.c - libFuzzer target: the signature file parser, then classification of a few fixed events. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/sig_impl.h"
#include "core/evt.h"

#include "fuzz_check.h"

static const char	 http_fields[] =
    "{\"method\":\"GET\",\"uri\":\"/a%20b?x=1+2\",\"path\":\"/a%20b\",\"user_agent\":\"x\"}";
static const char	 http_payload[] = "GET /a%20b?x=1+2 HTTP/1.1\r\nHost: x\r\n\r\nbody=whoami";
static const char	 login_fields[] = "{\"user\":\"root\",\"password\":\"xc3511\",\"success\":true}";

/* Input: a signature file. One that loads must give consistent records and classify sanely. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigdb		*db;
	const struct sig	*s;
	struct evt		*ev[3];
	char			 err[256], *before, *after;
	size_t			 i, k, n;
	int			 m;

	memset(err, 'x', sizeof(err));
	if ((db = sigdb_load_mem("fuzz.sig", (const char *)data, size, err, sizeof(err))) == NULL) {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(strncmp(err, "fuzz.sig:", 9) == 0);
		return 0;
	}
	n = sigdb_count(db);
	for (i = 0; i < n; i++) {
		s = sigdb_at(db, i);
		CHECK(s != NULL && s->id != NULL && s->name != NULL && s->category != NULL);
		CHECK(sigdb_find(db, s->id) == s);
		CHECK(s->nowasp > 0 && s->nabuseipdb > 0);
		for (k = 0; k < s->nowasp; k++)
			CHECK(sig_owasp_title(s->owasp[k]) != NULL);
		for (k = 0; k < s->nabuseipdb; k++)
			CHECK(sig_abuseipdb_name(s->abuseipdb[k]) != NULL);
	}
	ev[0] = evt_new_text("s", "http", "request", http_fields, sizeof(http_fields) - 1);
	evt_set_payload(ev[0], http_payload, sizeof(http_payload) - 1, sizeof(http_payload) - 1);
	ev[1] = evt_new_text("s", "telnet", "login", login_fields, sizeof(login_fields) - 1);
	ev[2] = evt_new("s", "tcp", "payload", NULL);
	evt_set_payload(ev[2], data, size, size);
	for (i = 0; i < 3; i++) {
		m = sigdb_classify(db, ev[i]);
		CHECK(m >= 0 && (size_t)m <= n);
		CHECK((size_t)m == json_array_size(ev[i]->tags));
		/* Classifying again gives the same tags, and so does it without the prefilter. */
		before = json_dumps(ev[i]->tags, 0);
		CHECK(sigdb_classify(db, ev[i]) == m);
		db->no_prefilter = 1;
		CHECK(sigdb_classify(db, ev[i]) == m);
		db->no_prefilter = 0;
		after = json_dumps(ev[i]->tags, 0);
		CHECK((before == NULL) == (after == NULL));
		CHECK(before == NULL || strcmp(before, after) == 0);
		free(before);
		free(after);
		for (k = 0; k < (size_t)m; k++)
			CHECK(sigdb_find(db, json_string_value(json_array_get(ev[i]->tags, k))) !=
			    NULL);
		evt_free(ev[i]);
	}
	sigdb_free(db);
	return 0;
}
