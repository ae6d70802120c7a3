/* fuzz_rdap.c - libFuzzer target: RDAP answers, bootstrap files and jCards never crash the parsers,
 * and what they return is within its bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abuse/bootstrap.h"
#include "abuse/jcard.h"
#include "abuse/rdap.h"

#include "fuzz_contact.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct contact	 c;
	struct bootstrap *b;
	const char	*urls[BOOT_MAX_URLS], *why;
	char		 err[256], url[512];
	json_t		*j;
	json_error_t	 jerr;
	int		 n;

	if (rdap_parse((const char *)data, size, "192.0.2.1", &c, err, sizeof(err)) == 0) {
		check_list(&c.abuse);
		check_list(&c.fallback);
		check_list(&c.desk);
		CHECK(strlen(c.network) < sizeof(c.network));
	}
	b = bootstrap_new();
	if (bootstrap_add(b, (const char *)data, size, err, sizeof(err)) == 0) {
		n = bootstrap_lookup(b, BOOT_IP, "192.0.2.1", urls, BOOT_MAX_URLS);
		CHECK(n >= 0 && n <= BOOT_MAX_URLS);
		if (n > 0 && bootstrap_pick(urls, (size_t)n, url, sizeof(url)) == 0)
			CHECK(url[strlen(url) - 1] == '/');
		n = bootstrap_lookup(b, BOOT_IP, "2001:db8::1", urls, BOOT_MAX_URLS);
		CHECK(n >= 0 && n <= BOOT_MAX_URLS);
		n = bootstrap_lookup(b, BOOT_ASN, "AS64500", urls, BOOT_MAX_URLS);
		CHECK(n >= 0 && n <= BOOT_MAX_URLS);
	}
	bootstrap_free(b);
	if ((j = json_loadb((const char *)data, size, 0, &jerr)) != NULL) {
		struct email_list l;

		memset(&l, 0, sizeof(l));
		n = jcard_check(j, &why);
		jcard_emails(j, &l);
		check_list(&l);
		json_decref(j);
	}
	return 0;
}
