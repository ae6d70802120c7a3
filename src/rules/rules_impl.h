/* rules_impl.h - private structures and helpers shared by the rules engine's source files. */
#ifndef HNP_RULES_IMPL_H
#define HNP_RULES_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <string.h>

#include "rules/rules.h"

#define RULES_MAX_FILE		(8u * 1024 * 1024)	/* XML, body, default page, huntrules */
#define RULES_MAX_DEFAULTS	1024			/* default pages */
#define RULES_MAX_HUNT		1024			/* huntrules.txt patterns */
#define RULES_MATCH_LIMIT	1000000			/* pcre2 match limit per search */
#define RULES_DEPTH_LIMIT	250000			/* pcre2 backtracking depth */
#define RULES_HEAP_LIMIT	(20 * 1024)		/* pcre2 heap for one match, KiB */
#define RULES_LIT_MAX		16			/* prefilter literal bytes kept */

/*
 * One compiled pattern. lit is a byte string every match contains (litlen 0: none known), so a
 * subject without it is skipped without running PCRE2.
 */
struct rules_re {
	pcre2_code	*code;
	int		 jit;			/* JIT-compiled: pcre2_jit_match */
	size_t		 litlen;
	uint8_t		 lit[RULES_LIT_MAX];
};

/* A file read at load time (body file); shared by every rule that names it. */
struct rules_file {
	char	*name;
	uint8_t	*data;
	size_t	 len;
};

/* One enabled match & response rule. */
struct rules_rule {
	unsigned		 id;
	char			*method;	/* NULL: any method */
	size_t			 method_len;
	struct rules_re		*uri;
	size_t			 nuri;
	struct rules_re		*hdr;
	size_t			 nhdr;
	struct rules_re		*body;
	size_t			 nbody;
	struct rule_header	*headers;	/* owned names and values */
	size_t			 nheaders;
	uint8_t			*body_own;	/* NULL when the body is a cached file */
	char			*note;
	struct rule_response	 resp;		/* points into the above */
};

/* One default page. */
struct rules_page {
	char			*name;
	uint8_t			*body;
	struct rule_response	 resp;
};

struct rules {
	struct rules_rule	**rule;		/* descending id */
	size_t			  nrule;
	struct rules_page	 *page;		/* sorted by name */
	size_t			  npage;
	struct rules_re		 *hunt;
	size_t			  nhunt;
	struct rules_file	 *file;
	size_t			  nfile;
	pcre2_match_context	 *mctx;		/* limits; shared read-only */
};

/* rules_util.c */

/* Writes "fmt ..." into err (always NUL-terminated when errlen > 0); returns -1. */
int	rules_err(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Returns "dir/name" (one slash between them) in malloc'd memory, or NULL. */
char	*rules_path(const char *dir, const char *name);
/*
 * Reads a whole regular file of at most RULES_MAX_FILE bytes into malloc'd memory (one spare NUL
 * byte after the data). Returns 0, or -1 with errno set (EFBIG when too large, EINVAL when not a
 * regular file).
 */
int	rules_read_file(const char *path, uint8_t **data, size_t *len);
/* Narrows [*p, *p + *len) as Python's str.strip() does (ASCII and Unicode white space in UTF-8). */
void	rules_strip(const uint8_t **p, size_t *len);
/* Copies n bytes into a new NUL-terminated string, or NULL on ENOMEM. */
char	*rules_strndup(const void *p, size_t n);

/* rules_re.c */

/*
 * Compiles a pattern (UTF, invalid UTF subjects allowed, UCP; JIT when available) into *re.
 * Returns 0, or -1 with a message naming PCRE2's error and the offset in msg.
 */
int	rules_re_compile(struct rules_re *re, const char *pat, size_t len, char *msg,
	    size_t msglen);
void	rules_re_free(struct rules_re *re);
/*
 * Copies into lit (at most max bytes) a literal that every match of the pattern contains, as
 * found by a conservative reading of its syntax; returns its length, 0 when none is known.
 */
size_t	rules_re_literal(const char *pat, size_t len, uint8_t *lit, size_t max);
/*
 * 0 when s[0..len) lacks the pattern's required literal (the search cannot match). memchr and a
 * short memcmp, not memmem: glibc's memmem costs ~250 instructions on a 50-byte subject; the
 * literal is at most RULES_LIT_MAX bytes, so the work stays linear in len.
 */
static inline int
rules_re_may_match(const struct rules_re *re, const uint8_t *s, size_t len)
{
	const uint8_t	*p, *last;

	if (re->litlen == 0)
		return 1;
	if (len < re->litlen)
		return 0;
	last = s + (len - re->litlen);
	for (p = s; p <= last && (p = memchr(p, re->lit[0], (size_t)(last - p) + 1)) != NULL; p++)
		if (memcmp(p + 1, re->lit + 1, re->litlen - 1) == 0)
			return 1;
	return 0;
}
/* A match context carrying the match, depth and heap limits, or NULL on ENOMEM. */
pcre2_match_context *rules_re_context(void);
/*
 * Unanchored search of s[start..len) for code. Returns 1 and sets *ms, *me to the match, or 0
 * when it does not match, hits a limit or fails (all treated as "no match").
 */
int	rules_re_search(const struct rules_re *re, pcre2_match_context *mctx,
	    pcre2_match_data *md, const uint8_t *s, size_t len, size_t start, size_t *ms,
	    size_t *me);

/* rules_xml.c */

/*
 * Parses one mrrules XML file at path; body files are looked up in artdir and cached in r.
 * Appends the enabled rules to *rules / *n (grown with realloc; the caller frees them with
 * rules_rule_free even on error). Returns 0, or -1 with err holding "path:line: message".
 */
int	rules_xml_load(struct rules *r, const char *artdir, const char *path,
	    struct rules_rule ***rules, size_t *n, char *err, size_t errlen);
/* Frees one rule and the patterns it owns (not the cached body file it may point to). */
void	rules_rule_free(struct rules_rule *rule);

#endif
