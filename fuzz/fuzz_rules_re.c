/* fuzz_rules_re.c - libFuzzer target: a pattern's prefilter never skips a subject it matches. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules/rules_impl.h"

#include "fuzz_check.h"

/*
 * Input: pattern NUL subject. The search (prefilter, then JIT or interpreter) must answer as a
 * plain pcre2_match does, and a matched subject must hold the pattern's literal.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pcre2_match_context	*mctx;
	static pcre2_match_data		*md;
	const uint8_t			*z, *s;
	struct rules_re			 re;
	pcre2_code			*plain;
	PCRE2_SIZE			 eoff;
	size_t				 plen, slen;
	char				 msg[300];
	int				 rc, ecode;

	if (mctx == NULL) {
		CHECK((mctx = rules_re_context()) != NULL);
		CHECK((md = pcre2_match_data_create(1, NULL)) != NULL);
	}
	if ((z = memchr(data, '\0', size)) == NULL || size > 4096)
		return 0;
	plen = (size_t)(z - data);
	s = z + 1;
	slen = size - plen - 1;
	if (rules_re_compile(&re, (const char *)data, plen, msg, sizeof(msg)) == -1)
		return 0;
	CHECK(re.litlen <= RULES_LIT_MAX);
	plain = pcre2_compile(data, plen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP, &ecode,
	    &eoff, NULL);
	CHECK(plain != NULL);
	/* The same engine as the search (JIT and interpreter disagree on a few invalid UTF-8 cases). */
	(void)pcre2_jit_compile(plain, PCRE2_JIT_COMPLETE);
	rc = pcre2_match(plain, s, slen, 0, 0, md, mctx);
	/* Limits and errors are "no match" for both; only a definite answer is compared. */
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
		CHECK((rc >= 0) == rules_re_search(&re, mctx, md, s, slen, 0, NULL, NULL));
		CHECK(rc < 0 || rules_re_may_match(&re, s, slen));
	}
	pcre2_code_free(plain);
	rules_re_free(&re);
	return 0;
}
