/* fuzz_whois.c - libFuzzer target: whois texts (any registry's form, HTML) never crash the parser,
 * and what it returns is within its bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abuse/whois.h"

#include "fuzz_contact.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct contact	 c;
	char		 err[256];
	const char	*queries[] = { "192.0.2.1", "2001:db8::1", "200.57.141.161" };
	size_t		 i;

	for (i = 0; i < 3; i++)
		if (whois_parse((const char *)data, size, queries[i], &c, err, sizeof(err)) == 0) {
			check_list(&c.abuse);
			check_list(&c.fallback);
			check_list(&c.desk);
			CHECK(strlen(c.network) < sizeof(c.network));
			CHECK(strlen(c.referral) < sizeof(c.referral));
		}
	return 0;
}
