/*
 * sig_load.c - reads the signature text format (docs/signatures.md): "keyword value" lines grouped
 * by "sig ID", every error reported as file:line.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hex.h"
#include "analyze/sig_impl.h"
#include "core/xmalloc.h"

struct sig_parser {
	struct sigdb	*db;
	const char	*file;		/* db->files[...] */
	unsigned	 line;
	struct sig_rec	*cur;		/* the signature being read, or NULL */
	char		*err;
	size_t		 errlen;
};

static int	sp_error(struct sig_parser *p, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

static int
sp_error(struct sig_parser *p, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(p->err, p->errlen, "%s:%u: ", p->file, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
sp_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits s in place into whitespace-separated words (at most max); -1 when there are more. */
static int
sp_words(char *s, char **w, size_t max, size_t *n)
{
	*n = 0;
	for (;;) {
		while (sp_is_space(*s))
			s++;
		if (*s == '\0')
			return 0;
		if (*n == max)
			return -1;
		w[(*n)++] = s;
		while (*s != '\0' && !sp_is_space(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

/* Decodes a value word's escapes (\\ \s \t \r \n \0 \xHH) into a new string; -1 on a bad one. */
static int
sp_unescape(const char *w, char **out, size_t *outlen)
{
	size_t	 n = strlen(w), i, o = 0;
	char	*d = xmalloc(n + 1);
	int	 h, l;

	for (i = 0; i < n; i++) {
		if (w[i] != '\\') {
			d[o++] = w[i];
			continue;
		}
		switch (w[++i]) {
		case '\\': d[o++] = '\\'; break;
		case 's': d[o++] = ' '; break;
		case 't': d[o++] = '\t'; break;
		case 'r': d[o++] = '\r'; break;
		case 'n': d[o++] = '\n'; break;
		case '0': d[o++] = '\0'; break;
		case 'x':
			if (i + 2 >= n || (h = hex_value((unsigned char)w[i + 1])) < 0 || (l = hex_value((unsigned char)w[i + 2])) < 0)
				goto bad;
			d[o++] = (char)(h << 4 | l);
			i += 2;
			break;
		default:
			goto bad;
		}
	}
	d[o] = '\0';
	*out = d;
	*outlen = o;
	return 0;
bad:
	free(d);
	return -1;
}

static int
sp_valid_id(const char *s)
{
	size_t	 i;

	if (!(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_' || s[i] == '.'))
			return 0;
	return i <= 64;
}

static int
sp_valid_cve(const char *s)
{
	size_t	 i, digits = 0;

	if (strncmp(s, "CVE-", 4) != 0)
		return 0;
	for (i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[8] != '-')
		return 0;
	for (i = 9; isdigit((unsigned char)s[i]); i++)
		digits++;
	return s[i] == '\0' && digits >= 4 && digits <= 8;
}

static char **
sp_strv_add(char **v, size_t *n, const char *s)
{
	v = xreallocarray(v, *n + 1, sizeof(*v));
	v[(*n)++] = xstrdup(s);
	return v;
}

static void
sp_strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
sp_cond_free(struct sig_cond *c)
{
	sp_strv_free(c->words, c->nwords);
	free(c->wlen);
	pcre2_code_free(c->re);
}

void	sig_rec_free(struct sig_rec *r);

void
sig_rec_free(struct sig_rec *r)
{
	size_t	 i, k;

	free((char *)r->pub.id);
	free((char *)r->pub.name);
	free((char *)r->pub.category);
	free((char *)r->pub.note);
	sp_strv_free(r->cves, r->pub.ncves);
	sp_strv_free(r->owasp, r->pub.nowasp);
	free(r->abuse);
	sp_strv_free(r->protos, r->nprotos);
	sp_strv_free(r->kinds, r->nkinds);
	for (i = 0; i < r->nclauses; i++) {
		for (k = 0; k < r->clauses[i].nconds; k++)
			sp_cond_free(&r->clauses[i].conds[k]);
		free(r->clauses[i].conds);
	}
}

static const struct {
	const char	*name;
	enum sig_field	 f;
} sp_fields[] = {
	{ "proto", SF_PROTO }, { "kind", SF_KIND }, { "sensor", SF_SENSOR },
	{ "src_ip", SF_SRC_IP }, { "src_port", SF_SRC_PORT }, { "dst_port", SF_DST_PORT },
	{ "tags", SF_TAGS }, { "payload", SF_PAYLOAD }, { "request_line", SF_REQUEST_LINE },
	{ "header_lines", SF_HEADERS }, { "body", SF_BODY }, { "decoded_uri", SF_DECODED_URI },
};

static int
sp_field(struct sig_parser *p, const char *name, struct sig_fref *out)
{
	struct sigdb	*db = p->db;
	size_t		 i;

	for (i = 0; i < sizeof(sp_fields) / sizeof(sp_fields[0]); i++)
		if (strcmp(sp_fields[i].name, name) == 0) {
			out->f = sp_fields[i].f;
			out->key = -1;
			return 0;
		}
	if (*name == '\0')
		return sp_error(p, "empty field name");
	for (i = 0; name[i] != '\0'; i++)
		if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
			return sp_error(p, "bad field name \"%s\" (letters, digits and _)", name);
	out->f = SF_JSON;
	for (i = 0; i < db->nkeys; i++)
		if (strcmp(db->keys[i], name) == 0) {
			out->key = (int)i;
			return 0;
		}
	if (db->nkeys == SIG_MAX_JSON_KEYS)
		return sp_error(p, "more than %d distinct field names", SIG_MAX_JSON_KEYS);
	db->keys[db->nkeys] = xstrdup(name);
	out->key = (int)db->nkeys++;
	return 0;
}

static int
sp_op(const char *s, enum sig_op *op, int *neg)
{
	static const struct { const char *name; enum sig_op op; } ops[] = {
		{ "is", SO_IS }, { "contains", SO_CONTAINS }, { "icontains", SO_ICONTAINS },
		{ "starts", SO_STARTS }, { "istarts", SO_ISTARTS }, { "ends", SO_ENDS },
		{ "regex", SO_REGEX },
	};
	size_t	 i;

	*neg = 0;
	if (*s == '!') {
		*neg = 1;
		s++;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, s) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

/* Cuts the next whitespace-delimited token off *s (NUL-terminated in place). */
static char *
sp_token(char **s)
{
	char	*t;

	while (sp_is_space(**s))
		(*s)++;
	if (**s == '\0')
		return NULL;
	t = *s;
	while (**s != '\0' && !sp_is_space(**s))
		(*s)++;
	if (**s != '\0')
		*(*s)++ = '\0';
	while (sp_is_space(**s))
		(*s)++;
	return t;
}

static int
sp_match(struct sig_parser *p, char *v)
{
	struct sig_rec		*r = p->cur;
	struct sig_clause	*cl;
	struct sig_cond		 c;
	char			*fields, *opname, *f, *next, *w[SIG_MAX_WORDS];
	size_t			 i, nw;
	PCRE2_UCHAR		 ebuf[256];
	PCRE2_SIZE		 eoff;
	int			 ecode;

	memset(&c, 0, sizeof(c));
	if ((fields = sp_token(&v)) == NULL || (opname = sp_token(&v)) == NULL || *v == '\0')
		return sp_error(p, "match needs FIELD OP VALUE");
	if (sp_op(opname, &c.op, &c.neg) == -1)
		return sp_error(p, "unknown operator \"%s\" (is, contains, icontains, starts, "
		    "istarts, ends, regex; ! before one negates it)", opname);
	for (f = fields; f != NULL; f = next) {
		if ((next = strchr(f, '|')) != NULL)
			*next++ = '\0';
		if (c.nfields == SIG_MAX_ALT_FIELDS)
			return sp_error(p, "more than %d fields in one condition", SIG_MAX_ALT_FIELDS);
		if (sp_field(p, f, &c.fields[c.nfields++]) == -1)
			return -1;
	}
	cl = &r->clauses[r->nclauses - 1];
	if (cl->nconds == SIG_MAX_CONDS)
		return sp_error(p, "more than %d conditions in one alternative", SIG_MAX_CONDS);
	if (c.op == SO_REGEX) {
		c.re = pcre2_compile((PCRE2_SPTR)v, strlen(v), 0, &ecode, &eoff, NULL);
		if (c.re == NULL) {
			if (pcre2_get_error_message(ecode, ebuf, sizeof(ebuf)) < 0)
				snprintf((char *)ebuf, sizeof(ebuf), "error %d", ecode);
			return sp_error(p, "bad regex: %s at offset %zu", (const char *)ebuf,
			    (size_t)eoff);
		}
		(void)pcre2_jit_compile(c.re, PCRE2_JIT_COMPLETE);	/* only a speed-up */
	} else {
		if (sp_words(v, w, SIG_MAX_WORDS, &nw) == -1)
			return sp_error(p, "more than %d values", SIG_MAX_WORDS);
		c.words = xcalloc(nw, sizeof(*c.words));
		c.wlen = xcalloc(nw, sizeof(*c.wlen));
		for (i = 0; i < nw; i++) {
			if (sp_unescape(w[i], &c.words[c.nwords], &c.wlen[c.nwords]) == -1) {
				sp_cond_free(&c);
				return sp_error(p, "bad escape in \"%s\" (\\\\ \\s \\t \\r \\n \\0 "
				    "\\xHH)", w[i]);
			}
			if (c.op == SO_ICONTAINS || c.op == SO_ISTARTS) {
				size_t	 k;

				for (k = 0; k < c.wlen[c.nwords]; k++)
					c.words[c.nwords][k] =
					    (char)tolower((unsigned char)c.words[c.nwords][k]);
			}
			c.nwords++;
		}
	}
	cl->conds = xreallocarray(cl->conds, cl->nconds + 1, sizeof(*cl->conds));
	cl->conds[cl->nconds++] = c;
	return 0;
}

static int
sp_end_sig(struct sig_parser *p)
{
	struct sig_rec	*r = p->cur;
	unsigned	 line = p->line;
	int		 rc = 0;

	if (r == NULL)
		return 0;
	p->line = r->pub.line;
	if (r->pub.name == NULL)
		rc = sp_error(p, "signature %s has no name", r->pub.id);
	else if (r->pub.category == NULL)
		rc = sp_error(p, "signature %s has no category", r->pub.id);
	else if (r->pub.nowasp == 0)
		rc = sp_error(p, "signature %s has no owasp line", r->pub.id);
	else if (r->pub.nabuseipdb == 0)
		rc = sp_error(p, "signature %s has no abuseipdb line", r->pub.id);
	else if (r->clauses[r->nclauses - 1].nconds == 0 &&
	    (r->nclauses > 1 || (r->nprotos == 0 && r->nkinds == 0)))
		rc = sp_error(p, "signature %s: %s", r->pub.id, r->nclauses > 1 ?
		    "an \"or\" with no match after it" : "no proto, kind or match line");
	p->line = line;
	if (r->pub.note == NULL)
		r->pub.note = xstrdup("");
	p->cur = NULL;
	return rc;
}

static int
sp_list(struct sig_parser *p, char *v, char ***vec, size_t *n, int (*valid)(const char *),
    const char *what)
{
	char	*w[SIG_MAX_WORDS];
	size_t	 nw, i;

	if (sp_words(v, w, SIG_MAX_WORDS, &nw) == -1 || *n + nw > SIG_MAX_WORDS)
		return sp_error(p, "more than %d values", SIG_MAX_WORDS);
	if (nw == 0)
		return sp_error(p, "%s needs a value", what);
	for (i = 0; i < nw; i++) {
		if (valid != NULL && !valid(w[i]))
			return sp_error(p, "bad %s \"%s\"", what, w[i]);
		*vec = sp_strv_add(*vec, n, w[i]);
	}
	return 0;
}

static int
sp_valid_owasp(const char *s)
{
	return sig_owasp_title(s) != NULL;
}

static int
sp_valid_word(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return i > 0 && i <= 32;
}

static int
sp_abuseipdb(struct sig_parser *p, char *v)
{
	struct sig_rec	*r = p->cur;
	char		*w[SIG_MAX_WORDS], *s, *end;
	size_t		 nw, i;
	long		 c;

	for (s = v; *s != '\0'; s++)
		if (*s == ',')
			*s = ' ';
	if (sp_words(v, w, SIG_MAX_WORDS, &nw) == -1 || r->pub.nabuseipdb + nw > SIG_MAX_WORDS)
		return sp_error(p, "more than %d values", SIG_MAX_WORDS);
	if (nw == 0)
		return sp_error(p, "abuseipdb needs a category number");
	for (i = 0; i < nw; i++) {
		errno = 0;
		c = strtol(w[i], &end, 10);
		if (!isdigit((unsigned char)*w[i]) || *end != '\0' || sig_abuseipdb_name((int)c) ==
		    NULL || errno != 0)
			return sp_error(p, "bad AbuseIPDB category \"%s\" (1-23)", w[i]);
		r->abuse = xreallocarray(r->abuse, r->pub.nabuseipdb + 1, sizeof(*r->abuse));
		r->abuse[r->pub.nabuseipdb++] = (int)c;
	}
	r->pub.abuseipdb = r->abuse;
	return 0;
}

static int
sp_once(struct sig_parser *p, const char **slot, const char *v, const char *what)
{
	if (*slot != NULL)
		return sp_error(p, "second %s line", what);
	if (*v == '\0')
		return sp_error(p, "%s needs a value", what);
	*slot = xstrdup(v);
	return 0;
}

static int
sp_start_sig(struct sig_parser *p, char *v)
{
	struct sigdb	*db = p->db;
	struct sig_rec	*r;

	if (sp_end_sig(p) == -1)
		return -1;
	if (!sp_valid_id(v))
		return sp_error(p, "bad signature id \"%s\" (a-z 0-9 . _ -, starting with a letter "
		    "or digit, at most 64)", v);
	if (db->n == SIG_MAX_SIGS)
		return sp_error(p, "more than %d signatures", SIG_MAX_SIGS);
	if (db->n == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 64;
		db->recs = xreallocarray(db->recs, db->cap, sizeof(*db->recs));
	}
	r = &db->recs[db->n++];
	memset(r, 0, sizeof(*r));
	r->pub.id = xstrdup(v);
	r->pub.file = p->file;
	r->pub.line = p->line;
	r->nclauses = 1;
	p->cur = r;
	return 0;
}

static int
sp_line(struct sig_parser *p, char *s)
{
	struct sig_rec	*r;
	char		*kw = s, *v;
	int		 rc;

	while (*s != '\0' && !sp_is_space(*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (sp_is_space(*s))
		s++;
	v = s;
	if (strcmp(kw, "sig") == 0)
		return sp_start_sig(p, v);
	if ((r = p->cur) == NULL)
		return sp_error(p, "\"%s\" outside a signature (start one with \"sig ID\")", kw);
	if (strcmp(kw, "name") == 0)
		return sp_once(p, &r->pub.name, v, "name");
	if (strcmp(kw, "note") == 0)
		return sp_once(p, &r->pub.note, v, "note");
	if (strcmp(kw, "category") == 0) {
		if (!sp_valid_word(v))
			return sp_error(p, "bad category \"%s\" (one word)", v);
		return sp_once(p, &r->pub.category, v, "category");
	}
	if (strcmp(kw, "cve") == 0) {
		if (strcmp(v, "-") == 0)
			return 0;
		rc = sp_list(p, v, &r->cves, &r->pub.ncves, sp_valid_cve, "CVE id");
		r->pub.cves = (const char *const *)r->cves;
		return rc;
	}
	if (strcmp(kw, "owasp") == 0) {
		rc = sp_list(p, v, &r->owasp, &r->pub.nowasp, sp_valid_owasp,
		    "OWASP IoT Top 10 code (I1-I10)");
		r->pub.owasp = (const char *const *)r->owasp;
		return rc;
	}
	if (strcmp(kw, "abuseipdb") == 0)
		return sp_abuseipdb(p, v);
	if (strcmp(kw, "proto") == 0)
		return sp_list(p, v, &r->protos, &r->nprotos, sp_valid_word, "protocol");
	if (strcmp(kw, "kind") == 0)
		return sp_list(p, v, &r->kinds, &r->nkinds, sp_valid_word, "kind");
	if (strcmp(kw, "match") == 0)
		return sp_match(p, v);
	if (strcmp(kw, "or") == 0) {
		if (*v != '\0')
			return sp_error(p, "\"or\" takes no value");
		if (r->clauses[r->nclauses - 1].nconds == 0)
			return sp_error(p, "\"or\" with no match before it");
		if (r->nclauses == SIG_MAX_CLAUSES)
			return sp_error(p, "more than %d alternatives", SIG_MAX_CLAUSES);
		r->nclauses++;
		return 0;
	}
	return sp_error(p, "unknown keyword \"%s\"", kw);
}

int
sig_parse(struct sigdb *db, const char *name, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct sig_parser	 p;
	char			 line[SIG_MAX_LINE + 1];
	const char		*s = text, *end = text + len, *nl;
	size_t			 n;

	memset(&p, 0, sizeof(p));
	p.db = db;
	p.err = err;
	p.errlen = errlen;
	if (db->nfiles == SIG_MAX_FILES) {
		snprintf(err, errlen, "%s: more than %d signature files", name, SIG_MAX_FILES);
		return -1;
	}
	db->files = xreallocarray(db->files, db->nfiles + 1, sizeof(*db->files));
	db->files[db->nfiles] = xstrdup(name);
	p.file = db->files[db->nfiles++];
	if (len > SIG_MAX_FILE_BYTES)
		return sp_error(&p, "file larger than %d bytes", SIG_MAX_FILE_BYTES);
	while (s < end) {
		p.line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = (size_t)(nl - s);
		if (n > SIG_MAX_LINE)
			return sp_error(&p, "line longer than %d bytes", SIG_MAX_LINE);
		if (memchr(s, '\0', n) != NULL)
			return sp_error(&p, "NUL byte (write \\0 in a value)");
		memcpy(line, s, n);
		s = nl + 1;
		while (n > 0 && (line[n - 1] == '\r' || sp_is_space(line[n - 1])))
			n--;
		line[n] = '\0';
		n = 0;
		while (sp_is_space(line[n]))
			n++;
		if (line[n] == '\0' || line[n] == '#')
			continue;
		if (sp_line(&p, line + n) == -1)
			return -1;
	}
	p.line++;
	return sp_end_sig(&p);
}

static int
sp_read_file(struct sigdb *db, const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	char		*text;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_size > SIG_MAX_FILE_BYTES) {
		snprintf(err, errlen, "%s: %s", path, st.st_size > SIG_MAX_FILE_BYTES ?
		    "larger than 4 MiB" : strerror(errno));
		close(fd);
		return -1;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size && (r = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	rc = sig_parse(db, path, text, got, err, errlen);
	free(text);
	return rc;
}

static int
sp_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
sp_is_sig_file(const char *name)
{
	size_t	 n = strlen(name);

	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".sig") == 0;
}

static int
sp_read_dir(struct sigdb *db, const char *path, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, full[4096];
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((d = opendir(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < SIG_MAX_FILES + 1)
		if (sp_is_sig_file(de->d_name))
			names = sp_strv_add(names, &n, de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), sp_cmp_str);
	if (n == 0) {
		snprintf(err, errlen, "%s: no *.sig files", path);
		rc = -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", path, names[i]) >= sizeof(full)) {
			snprintf(err, errlen, "%s: path too long", path);
			rc = -1;
		} else
			rc = sp_read_file(db, full, err, errlen);
	}
	sp_strv_free(names, n);
	return rc;
}

struct sigdb *
sigdb_load(const char *path, char *err, size_t errlen)
{
	struct sigdb	*db = xcalloc(1, sizeof(*db));
	struct stat	 st;
	int		 rc;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	} else if (S_ISDIR(st.st_mode))
		rc = sp_read_dir(db, path, err, errlen);
	else
		rc = sp_read_file(db, path, err, errlen);
	if (rc == 0)
		rc = sig_finish(db, err, errlen);
	if (rc == -1) {
		sigdb_free(db);
		return NULL;
	}
	return db;
}

struct sigdb *
sigdb_load_mem(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	struct sigdb	*db = xcalloc(1, sizeof(*db));

	if (sig_parse(db, name, text, len, err, errlen) == -1 ||
	    sig_finish(db, err, errlen) == -1) {
		sigdb_free(db);
		return NULL;
	}
	return db;
}
