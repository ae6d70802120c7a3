/* rules_re.c - PCRE2 wrapper: Python-like unanchored search over bytes with hard work limits. */
#include <stdio.h>
#include <string.h>

#include "rules/rules_impl.h"

/* Compiles one rule pattern; see rules_impl.h. */
int
rules_re_compile(struct rules_re *re, const char *pat, size_t len, char *msg, size_t msglen)
{
	PCRE2_UCHAR	 ebuf[256];
	PCRE2_SIZE	 eoff;
	size_t		 jitsize = 0;
	int		 ecode;

	memset(re, 0, sizeof(*re));
	re->code = pcre2_compile((PCRE2_SPTR)pat, len,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP, &ecode, &eoff, NULL);
	if (re->code == NULL) {
		if (pcre2_get_error_message(ecode, ebuf, sizeof(ebuf)) < 0)
			snprintf((char *)ebuf, sizeof(ebuf), "error %d", ecode);
		snprintf(msg, msglen, "%s at offset %zu", (const char *)ebuf, (size_t)eoff);
		return -1;
	}
	/* JIT is only a speed-up: fall back to the interpreter silently. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	/* Asked once here, not on every search (it cost ~40 instructions a search). */
	re->jit = pcre2_pattern_info(re->code, PCRE2_INFO_JITSIZE, &jitsize) == 0 &&
	    jitsize > 0;
	re->litlen = rules_re_literal(pat, len, re->lit, sizeof(re->lit));
	return 0;
}

void
rules_re_free(struct rules_re *re)
{
	pcre2_code_free(re->code);
	memset(re, 0, sizeof(*re));
}

/* Escapes that stand for one character or assertion and take no argument (\d, \b, \n...). */
static int
plain_escape(unsigned char c)
{
	return c != '\0' && strchr("dDsSwWbBAzZGKRXhHvVaefnrt", c) != NULL;
}

/* ASCII letters and digits: after a backslash they are escapes, not literals. */
static int
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Finds a required literal; see rules_impl.h. Only ASCII characters outside any group, class
 * or quantifier count, and only in patterns this reader fully understands: a top-level '|',
 * "(?" (options such as (?i), assertions), "(*" (verbs), \Q, and escapes that take an argument
 * (\x41, \1, \p{L}...) give up. The match is case-sensitive then (no caseless option is ever
 * passed to pcre2_compile), and an ASCII byte in a subject is always a whole character even in
 * invalid UTF-8, so a subject without the literal cannot match.
 */
size_t
rules_re_literal(const char *pat, size_t len, uint8_t *lit, size_t max)
{
	const unsigned char	*p = (const unsigned char *)pat;
	uint8_t			 cur[RULES_LIT_MAX];
	size_t			 i = 0, j, n = 0, best = 0, depth = 0;
	int			 last = 0;	/* the previous atom is cur[n - 1] */
	unsigned char		 c;

	if (max > sizeof(cur))
		max = sizeof(cur);
	while (i < len) {
		c = p[i];
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			/* A quantifier: its atom may repeat zero times or be split by the repeats. */
			if (c == '{') {
				for (j = i + 1; j < len && ((p[j] >= '0' && p[j] <= '9') ||
				    p[j] == ',' || p[j] == ' '); j++)
					;
				if (j >= len || p[j] != '}')
					return 0;	/* a literal '{' (PCRE2 versions differ) */
				i = j + 1;
			} else
				i++;
			if (last)
				n--;
			goto brk;
		}
		if (c == '\\') {
			if (i + 1 >= len)
				return 0;
			c = p[i + 1];
			i += 2;
			if (c >= 0x80 || (alnum(c) && !plain_escape(c)))
				return 0;
			if (alnum(c))
				goto brk;
			goto literal;
		}
		if (c == '|') {
			if (depth == 0)
				return 0;
			i++;
			goto brk;
		}
		if (c == '(') {
			if (i + 1 < len && (p[i + 1] == '?' || p[i + 1] == '*'))
				return 0;
			depth++;
			i++;
			goto brk;
		}
		if (c == ')') {
			if (depth == 0)
				return 0;
			depth--;
			i++;
			goto brk;
		}
		if (c == '[') {
			/* A class is one atom; find its end (a leading ']' is a member). */
			j = i + 1;
			if (j < len && p[j] == '^')
				j++;
			if (j < len && p[j] == ']')
				j++;
			for (; j < len && p[j] != ']'; j++) {
				if (p[j] == '\\') {
					if (j + 1 >= len || p[j + 1] == 'Q' || p[j + 1] == 'E')
						return 0;
					j++;
				} else if (p[j] == '[' && j + 1 < len && (p[j + 1] == ':' ||
				    p[j + 1] == '.' || p[j + 1] == '='))
					return 0;
			}
			if (j >= len)
				return 0;
			i = j + 1;
			goto brk;
		}
		if (c == '.' || c == '^' || c == '$' || c >= 0x80) {
			/* Any other atom; a UTF-8 character is read whole. */
			for (i++; c >= 0x80 && i < len && (p[i] & 0xc0) == 0x80; i++)
				;
			goto brk;
		}
		i++;
literal:
		if (depth > 0)
			goto brk;
		if (n < max) {
			cur[n++] = c;
			last = 1;
		} else
			last = 0;	/* kept prefix stays required */
		continue;
brk:
		/* Any other atom, or a group boundary: the run ends here. */
		if (n > best) {
			best = n;
			memcpy(lit, cur, n);
		}
		n = 0;
		last = 0;
	}
	if (depth != 0)
		return 0;
	if (n > best) {
		best = n;
		memcpy(lit, cur, n);
	}
	return best;
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
rules_re_search(const struct rules_re *re, pcre2_match_context *mctx,
    pcre2_match_data *md, const uint8_t *s, size_t len, size_t start, size_t *ms, size_t *me)
{
	static const uint8_t	 empty[1];
	PCRE2_SIZE		*ov;
	int			 rc;

	if (s == NULL) {
		s = empty;
		len = 0;
	}
	if (start > len || !rules_re_may_match(re, s, len))
		return 0;
	/* A JIT-compiled pattern is matched directly (pcre2_match's checks cost ~100 instructions). */
	if (re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, len, start, 0, md, mctx);
	else
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, 0, md, mctx);
	/* JIT's default 32 KiB stack is small: retry with the interpreter (heap-limited). */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, PCRE2_NO_JIT, md, mctx);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(md);
	if (ms != NULL)
		*ms = ov[0];
	if (me != NULL)
		*me = ov[1];
	return 1;
}
