/* rules_re.c - PCRE2 wrapper: Python-like unanchored search over bytes with hard work limits. */
#include <stdio.h>

#include "rules/rules_impl.h"

/* Compiles one rule pattern; see rules_impl.h. */
pcre2_code *
rules_re_compile(const char *pat, size_t len, char *msg, size_t msglen)
{
	pcre2_code	*code;
	PCRE2_UCHAR	 ebuf[256];
	PCRE2_SIZE	 eoff;
	int		 ecode;

	code = pcre2_compile((PCRE2_SPTR)pat, len,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP, &ecode, &eoff, NULL);
	if (code == NULL) {
		if (pcre2_get_error_message(ecode, ebuf, sizeof(ebuf)) < 0)
			snprintf((char *)ebuf, sizeof(ebuf), "error %d", ecode);
		snprintf(msg, msglen, "%s at offset %zu", (const char *)ebuf, (size_t)eoff);
		return NULL;
	}
	/* JIT is only a speed-up: fall back to the interpreter silently. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

/* Match context with the limits every search runs under. */
pcre2_match_context *
rules_re_context(void)
{
	pcre2_match_context	*mctx;

	if ((mctx = pcre2_match_context_create(NULL)) == NULL)
		return NULL;
	pcre2_set_match_limit(mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, RULES_DEPTH_LIMIT);
	pcre2_set_heap_limit(mctx, RULES_HEAP_LIMIT);
	return mctx;
}

/* One unanchored search; errors and limits count as no match. */
int
rules_re_search(const pcre2_code *code, pcre2_match_context *mctx,
    pcre2_match_data *md, const uint8_t *s, size_t len, size_t start, size_t *ms, size_t *me)
{
	static const uint8_t	 empty[1];
	PCRE2_SIZE		*ov;
	size_t			 jitsize = 0;
	int			 rc;

	if (s == NULL) {
		s = empty;
		len = 0;
	}
	if (start > len)
		return 0;
	/* A JIT-compiled pattern is matched directly (pcre2_match's checks cost ~100 instructions). */
	if (pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jitsize) == 0 && jitsize > 0)
		rc = pcre2_jit_match(code, (PCRE2_SPTR)s, len, start, 0, md, mctx);
	else
		rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, 0, md, mctx);
	/* JIT's default 32 KiB stack is small: retry with the interpreter (heap-limited). */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, PCRE2_NO_JIT, md, mctx);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(md);
	if (ms != NULL)
		*ms = ov[0];
	if (me != NULL)
		*me = ov[1];
	return 1;
}
