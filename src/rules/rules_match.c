/* rules_match.c - finds the first rule (descending mrrid) whose trigger holds for a request. */
#include <string.h>

#include "rules/rules_impl.h"

/* Every pattern must be found somewhere in the subject (re.search, ANDed). */
static int
all_match(const struct rules *r, pcre2_code *const *codes, size_t n, pcre2_match_data *md,
    const uint8_t *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!rules_re_search(codes[i], r->mctx, md, s, len, 0, NULL, NULL))
			return 0;
	return 1;
}

static int
rule_holds(const struct rules *r, const struct rules_rule *rule,
    const struct rules_request *req, pcre2_match_data *md)
{
	if (rule->method != NULL && (req->method_len != rule->method_len ||
	    (rule->method_len > 0 && memcmp(req->method, rule->method, rule->method_len) != 0)))
		return 0;
	if (!all_match(r, rule->uri, rule->nuri, md, req->uri, req->uri_len))
		return 0;
	if (!all_match(r, rule->hdr, rule->nhdr, md, req->headers, req->headers_len))
		return 0;
	/* WOWHoneypot skips body rules when the body is empty ("if len(body) == 0"). */
	if (rule->nbody > 0 && (!req->has_body || req->body_len == 0))
		return 0;
	return all_match(r, rule->body, rule->nbody, md, req->body, req->body_len);
}

/*
 * Returns the response of the first rule, in descending mrrid order, whose method, uri, header
 * and body conditions all hold; NULL when none does (or on ENOMEM). Re-entrant: the match data
 * is per call.
 */
const struct rule_response *
rules_match(const struct rules *r, const struct rules_request *req)
{
	pcre2_match_data		*md;
	const struct rule_response	*resp = NULL;
	size_t				 i;

	if (r == NULL || req == NULL || r->nrule == 0)
		return NULL;
	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		return NULL;
	for (i = 0; i < r->nrule; i++)
		if (rule_holds(r, r->rule[i], req, md)) {
			resp = &r->rule[i]->resp;
			break;
		}
	pcre2_match_data_free(md);
	return resp;
}
