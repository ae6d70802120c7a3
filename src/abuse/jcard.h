/* jcard.h - jCard (RFC 7095) as RDAP entities carry it: strict check and e-mail extraction. */
#ifndef HNP_JCARD_H
#define HNP_JCARD_H

#include <jansson.h>

#include "abuse/contact.h"

/*
 * Strict check of a jCard: ["vcard", [properties]], each property [name (string), params (object),
 * type (string), value...] with values nested at most two arrays deep. Returns the number of
 * properties, or -1 with why (static text).
 */
int	jcard_check(const json_t *card, const char **why);
/*
 * Appends the card's e-mail addresses to l ordered by pref (1 first, none last), then type abuse
 * first, then document order. Malformed properties are skipped (lenient, for RDAP answers).
 */
void	jcard_emails(const json_t *card, struct email_list *l);
/* The card's "fn" text, or NULL. */
const char *jcard_fn(const json_t *card);

#endif
