/* contact.h - who is responsible for an address: the network and its abuse contact, from RDAP or whois. */
#ifndef HNP_CONTACT_H
#define HNP_CONTACT_H

#include <stddef.h>

#include <jansson.h>

#include "abuse/ipnet.h"

#define CONTACT_MAX_EMAILS	16
#define CONTACT_EMAIL_LEN	256	/* RFC 5321: at most 254 */

struct email_list {
	char	 v[CONTACT_MAX_EMAILS][CONTACT_EMAIL_LEN];
	size_t	 n;
};

struct contact {
	char			 network[IPNET_TEXT_LEN];	/* "a/len", "a - b", or "" */
	char			 name[128];			/* network name */
	char			 handle[128];
	char			 country[8];
	char			 registry[16];			/* arin, ripe, apnic, lacnic, afrinic, jpnic */
	char			 source[32];			/* rdap, whois, jpnic-whois */
	struct email_list	 abuse;		/* role-based abuse contact, best first */
	struct email_list	 fallback;	/* low confidence: free text mentioning abuse */
	struct email_list	 desk;		/* entries of abuse that are an RIR/NIR desk */
	int			 jpnic;		/* JPNIC space: the network's [Abuse] is at JPNIC */
	char			 referral[256];	/* whois: the server the answer refers to */
};

void	contact_init(struct contact *c);
/* snprintf for messages and texts where cutting is fine (no truncation warning). */
void	abuse_fmt(char *out, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Adds an address (trimmed, "mailto:" dropped) unless it is there already (case-insensitive). */
void	email_list_add(struct email_list *l, const char *s, size_t n);
/* Drops from l every address that is in except. */
void	email_list_subtract(struct email_list *l, const struct email_list *except);
int	email_list_has(const struct email_list *l, const char *s);
/* Finds e-mail addresses in free text and adds those to l that are not in except. */
void	email_scan_text(struct email_list *l, const char *text, size_t n,
	    const struct email_list *except);
/* Whether an address is a registry desk or a placeholder (hostmaster@nic.ad.jp, no-email@apnic.net). */
int	email_is_registry_desk(const char *s);
/* Moves registry desks found in abuse into desk (they stay in abuse). */
void	contact_mark_desks(struct contact *c);
/* The first address of abuse that is no registry desk, or NULL. */
const char *contact_best(const struct contact *c);

/* The contact as a JSON object and back (the lookup cache). */
json_t	*contact_to_json(const struct contact *c);
int	contact_from_json(const json_t *j, struct contact *c);

#endif
