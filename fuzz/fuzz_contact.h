/* fuzz_contact.h - the invariants of a parsed contact's e-mail lists, shared by fuzz_rdap and fuzz_whois. */
#ifndef FUZZ_CONTACT_H
#define FUZZ_CONTACT_H

#include <string.h>

#include "abuse/contact.h"

#include "fuzz_check.h"

/* At most CONTACT_MAX_EMAILS addresses, each NUL-terminated within its slot and holding '@'. */
static void
check_list(const struct email_list *l)
{
	size_t	 i;

	CHECK(l->n <= CONTACT_MAX_EMAILS);
	for (i = 0; i < l->n; i++) {
		CHECK(strlen(l->v[i]) < CONTACT_EMAIL_LEN);
		CHECK(strchr(l->v[i], '@') != NULL);
	}
}

#endif
