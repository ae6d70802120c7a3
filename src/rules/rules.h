/* rules.h - WOWHoneypot-compatible rules: match & response rules, default pages, hunting rules. */
#ifndef HNP_RULES_H
#define HNP_RULES_H

#include <stddef.h>
#include <stdint.h>

struct rules;	/* one loaded art directory; immutable once loaded */

struct rule_header {
	const char	*name;
	const char	*value;
};

/* A response: a matched rule's, or a default page (id 0). Owned by the rules. */
struct rule_response {
	unsigned			 id;		/* mrrid; 0 for a default page */
	int				 status;	/* 100..999 */
	const struct rule_header	*headers;	/* file order; duplicate names collapsed, last wins */
							/* (exact names; the first position is kept) */
	size_t				 nheaders;
	const uint8_t			*body;
	size_t				 body_len;
	const char			*note;		/* <note>, or the default page's file name */
};

/* What a rule is matched against: byte ranges, not NUL-terminated, maybe not UTF-8. */
struct rules_request {
	const uint8_t	*method;	size_t method_len;
	const uint8_t	*uri;		size_t uri_len;		/* spaces as %20, '"' as %22 */
	const uint8_t	*headers;	size_t headers_len;	/* "Name: value" lines joined by LF */
	const uint8_t	*body;		size_t body_len;
	int		 has_body;	/* the request carried a body (even an empty chunked one) */
					/* <body> rules need has_body and body_len > 0 */
};

/*
 * Loads artdir/mrrules.xml, artdir/mrrules_local.xml (optional, overrides by id), the body files they
 * name, artdir/default/ (optional; *.html files not starting with '.', as WOWHoneypot; whitespace-
 * stripped; sorted by name) and artdir/huntrules.txt (optional). Returns 0 and *out (free with
 * rules_free), or -1 with err holding "file:line: message".
 */
int	rules_load(const char *artdir, struct rules **out, char *err, size_t errlen);
void	rules_free(struct rules *r);
size_t	rules_count(const struct rules *r);	/* enabled match & response rules */
size_t	rules_default_count(const struct rules *r);

/* The first rule, in descending mrrid order, whose every condition holds; NULL when none. */
const struct rule_response *rules_match(const struct rules *r, const struct rules_request *req);
/* Default page number rnd % count; NULL when the directory has none. */
const struct rule_response *rules_default(const struct rules *r, uint32_t rnd);

/*
 * Hunting: finds download commands in text (the raw request), never fetches anything.
 * For each distinct URL, calls cb(arg, tool, url, url_len) where tool names the command that
 * carries it ("wget", "curl", "tftp", "powershell", ...; "url" when only huntrules.txt found it).
 * url is NUL-terminated and valid only during the call. At most 64 URLs of at most 2048 bytes.
 * r may be NULL (no huntrules.txt patterns). Returns the number of URLs reported.
 */
typedef void (*rules_hunt_cb)(void *arg, const char *tool, const char *url, size_t url_len);
size_t	rules_hunt(const struct rules *r, const uint8_t *text, size_t len, rules_hunt_cb cb,
	    void *arg);

#endif
