/* rules_match.c - finds the first rule (descending mrrid) whose trigger holds for a request. */
#include <string.h>

#include "rules/rules_impl.h"

/* Match data, created by the first search a prefilter lets through (most requests need none). */
struct mstate {
	pcre2_match_data	*md;
	int			 nomem;
};

/* Every pattern must be found somewhere in the subject (re.search, ANDed). */
static int
all_match(const struct rules *r, const struct rules_re *re, size_t n, struct mstate *m,
    const uint8_t *s, size_t len)
{
	size_t	 i;

	/* The literals first: a rule whose subject lacks one fails without any search. */
	for (i = 0; i < n; i++)
		if (!rules_re_may_match(&re[i], s, len))
			return 0;
	if (m->md == NULL && (m->md = pcre2_match_data_create(1, NULL)) == NULL) {
		m->nomem = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!rules_re_search(&re[i], r->mctx, m->md, s, len, 0, NULL, NULL))
			return 0;
	return 1;
}

static int
rule_holds(const struct rules *r, const struct rules_rule *rule,
    const struct rules_request *req, struct mstate *m)
{
	if (rule->method != NULL && (req->method_len != rule->method_len ||
	    (rule->method_len > 0 && memcmp(req->method, rule->method, rule->method_len) != 0)))
		return 0;
	if (rule->nuri > 0 && !all_match(r, rule->uri, rule->nuri, m, req->uri, req->uri_len))
		return 0;
	if (rule->nhdr > 0 &&
	    !all_match(r, rule->hdr, rule->nhdr, m, req->headers, req->headers_len))
		return 0;
	/* WOWHoneypot skips body rules when the body is empty ("if len(body) == 0"). */
	if (rule->nbody > 0 && (!req->has_body || req->body_len == 0))
		return 0;
	return rule->nbody == 0 ||
	    all_match(r, rule->body, rule->nbody, m, req->body, req->body_len);
}

/*
 * Returns the response of the first rule, in descending mrrid order, whose method, uri, header
 * and body conditions all hold; NULL when none does (or on ENOMEM). Re-entrant: the match data
 * is per call.
 */
const struct rule_response *
rules_match(const struct rules *r, const struct rules_request *req)
{
	struct mstate			 m = { NULL, 0 };
	const struct rule_response	*resp = NULL;
	size_t				 i;

	if (r == NULL || req == NULL || r->nrule == 0)
		return NULL;
	for (i = 0; i < r->nrule && !m.nomem; i++)
		if (rule_holds(r, r->rule[i], req, &m)) {
			resp = &r->rule[i]->resp;
			break;
		}
	pcre2_match_data_free(m.md);
	return resp;
}
