/* rules_xml.c - parses one WOWHoneypot mrrules XML file (expat) into compiled rules. */
#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "rules/rules_impl.h"

enum leaf {
	L_NONE, L_MRRID, L_ENABLE, L_NOTE, L_METHOD, L_URI, L_THDR, L_TBODY, L_STATUS,
	L_NAME, L_VALUE, L_RBODY
};

enum section { S_NONE, S_META, S_TRIGGER, S_RESPONSE };

/* The text of one leaf element. */
struct txt {
	char		*s;
	size_t		 len;
	unsigned long	 line;
	int		 set;
};

struct rhdr {
	struct txt	 name, value;
	unsigned long	 line;
};

/* Everything read from one <mrr>, validated only when </mrr> closes an enabled rule. */
struct tmprule {
	unsigned long	 line, meta_line, trig_line, resp_line;
	int		 has_meta, has_trigger, has_response;
	struct txt	 mrrid, enable, note, method, status, body;
	int		 body_cdata;
	char		*body_file;
	struct txt	*pat[3];	/* uri, header, body */
	size_t		 npat[3];
	struct rhdr	*hdr;
	size_t		 nhdr;
};

struct xstate {
	XML_Parser		  p;
	struct rules		 *r;
	const char		 *path, *artdir;
	char			 *err;
	size_t			  errlen;
	int			  failed;
	unsigned		  depth, skip, leaf_depth;
	enum section		  section;
	int			  in_mrr, in_rhdr, nmrr;
	enum leaf		  leaf;
	unsigned long		  leaf_line;
	int			  leaf_cdata;
	struct buf		  text;
	struct tmprule		  t;
	uint32_t		 *idline;	/* 65536 entries: line of each id's <mrrid>, 0 = unused */
	struct rules_rule	***out;
	size_t			 *nout;
};

static const char *const leaf_names[] = {
	"", "mrrid", "enable", "note", "method", "uri", "header", "body", "status", "name",
	"value", "body"
};

static void
xml_fail(struct xstate *x, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first error as "path:line: message" and stops the parser. */
static void
xml_fail(struct xstate *x, unsigned long line, const char *fmt, ...)
{
	char	 msg[768];
	va_list	 ap;

	if (x->failed)
		return;
	x->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rules_err(x->err, x->errlen, "%s:%lu: %s", x->path, line, msg);
	if (x->p != NULL)
		XML_StopParser(x->p, XML_FALSE);
}

static unsigned long
xml_line(struct xstate *x)
{
	return (unsigned long)XML_GetCurrentLineNumber(x->p);
}

static void
txt_free(struct txt *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

static void
tmprule_free(struct tmprule *t)
{
	size_t	 i, k;

	txt_free(&t->mrrid);
	txt_free(&t->enable);
	txt_free(&t->note);
	txt_free(&t->method);
	txt_free(&t->status);
	txt_free(&t->body);
	free(t->body_file);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < t->npat[k]; i++)
			txt_free(&t->pat[k][i]);
		free(t->pat[k]);
	}
	for (i = 0; i < t->nhdr; i++) {
		txt_free(&t->hdr[i].name);
		txt_free(&t->hdr[i].value);
	}
	free(t->hdr);
	memset(t, 0, sizeof(*t));
}

/* Frees one compiled rule; see rules_impl.h. */
void
rules_rule_free(struct rules_rule *rule)
{
	size_t	 i;

	if (rule == NULL)
		return;
	free(rule->method);
	for (i = 0; i < rule->nuri; i++)
		rules_re_free(&rule->uri[i]);
	for (i = 0; i < rule->nhdr; i++)
		rules_re_free(&rule->hdr[i]);
	for (i = 0; i < rule->nbody; i++)
		rules_re_free(&rule->body[i]);
	free(rule->uri);
	free(rule->hdr);
	free(rule->body);
	for (i = 0; i < rule->nheaders; i++) {
		free((char *)(uintptr_t)rule->headers[i].name);
		free((char *)(uintptr_t)rule->headers[i].value);
	}
	free(rule->headers);
	free(rule->body_own);
	free(rule->note);
	free(rule);
}

/* Opens a leaf element whose text is collected; a second one of a single-valued kind fails. */
static void
leaf_open(struct xstate *x, enum leaf kind, struct txt *once)
{
	if (once != NULL && once->set) {
		xml_fail(x, xml_line(x), "duplicate <%s> (first at line %lu)", leaf_names[kind],
		    once->line);
		return;
	}
	x->leaf = kind;
	x->leaf_depth = x->depth;
	x->leaf_line = xml_line(x);
	x->leaf_cdata = 0;
	x->text.len = 0;
}

static void
section_open(struct xstate *x, enum section s, int *has, unsigned long *line, const char *name)
{
	if (*has) {
		xml_fail(x, xml_line(x), "duplicate <%s> (first at line %lu)", name, *line);
		return;
	}
	*has = 1;
	*line = xml_line(x);
	x->section = s;
}

static void
body_attrs(struct xstate *x, const XML_Char **atts)
{
	size_t	 i;

	for (i = 0; atts[i] != NULL && atts[i + 1] != NULL; i += 2) {
		if (strcmp(atts[i], "filename") != 0)
			continue;
		free(x->t.body_file);
		if ((x->t.body_file = strdup(atts[i + 1])) == NULL)
			xml_fail(x, xml_line(x), "out of memory");
	}
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xstate	*x = ud;
	struct tmprule	*t = &x->t;
	struct rhdr	*h;

	x->depth++;
	if (x->failed || x->skip)
		return;
	if (x->leaf != L_NONE) {
		xml_fail(x, xml_line(x), "unexpected element <%s> inside <%s>", name,
		    leaf_names[x->leaf]);
		return;
	}
	switch (x->depth) {
	case 1:
		if (strcmp(name, "mrrs") != 0)
			xml_fail(x, xml_line(x), "root element is <%s>, expected <mrrs>", name);
		return;
	case 2:
		if (strcmp(name, "mrr") != 0)
			break;
		tmprule_free(t);
		t->line = xml_line(x);
		x->in_mrr = 1;
		x->nmrr++;
		return;
	case 3:
		if (strcmp(name, "meta") == 0)
			section_open(x, S_META, &t->has_meta, &t->meta_line, name);
		else if (strcmp(name, "trigger") == 0)
			section_open(x, S_TRIGGER, &t->has_trigger, &t->trig_line, name);
		else if (strcmp(name, "response") == 0)
			section_open(x, S_RESPONSE, &t->has_response, &t->resp_line, name);
		else
			break;
		return;
	case 4:
		if (x->section == S_META) {
			if (strcmp(name, "mrrid") == 0)
				leaf_open(x, L_MRRID, &t->mrrid);
			else if (strcmp(name, "enable") == 0)
				leaf_open(x, L_ENABLE, &t->enable);
			else if (strcmp(name, "note") == 0)
				leaf_open(x, L_NOTE, &t->note);
			else
				break;
			return;
		}
		if (x->section == S_TRIGGER) {
			/* Unknown trigger tags are ignored, as WOWHoneypot does (rule 1008). */
			if (strcmp(name, "method") == 0)
				leaf_open(x, L_METHOD, &t->method);
			else if (strcmp(name, "uri") == 0)
				leaf_open(x, L_URI, NULL);
			else if (strcmp(name, "header") == 0)
				leaf_open(x, L_THDR, NULL);
			else if (strcmp(name, "body") == 0)
				leaf_open(x, L_TBODY, NULL);
			else
				break;
			return;
		}
		if (x->section == S_RESPONSE) {
			if (strcmp(name, "status") == 0)
				leaf_open(x, L_STATUS, &t->status);
			else if (strcmp(name, "body") == 0) {
				leaf_open(x, L_RBODY, &t->body);
				body_attrs(x, atts);
			} else if (strcmp(name, "header") == 0) {
				h = reallocarray(t->hdr, t->nhdr + 1, sizeof(*h));
				if (h == NULL) {
					xml_fail(x, xml_line(x), "out of memory");
					return;
				}
				t->hdr = h;
				memset(&h[t->nhdr], 0, sizeof(*h));
				h[t->nhdr++].line = xml_line(x);
				x->in_rhdr = 1;
			} else
				break;
			return;
		}
		break;
	case 5:
		if (x->in_rhdr) {
			h = &t->hdr[t->nhdr - 1];
			if (strcmp(name, "name") == 0)
				leaf_open(x, L_NAME, &h->name);
			else if (strcmp(name, "value") == 0)
				leaf_open(x, L_VALUE, &h->value);
			else
				break;
			return;
		}
		break;
	default:
		break;
	}
	x->skip = x->depth;	/* not ours: ignore the whole subtree */
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct xstate	*x = ud;

	if (x->failed || x->skip || x->leaf == L_NONE || len <= 0)
		return;
	if (buf_append(&x->text, s, (size_t)len) == -1)
		xml_fail(x, x->leaf_line, "<%s> text too long or out of memory",
		    leaf_names[x->leaf]);
}

static void XMLCALL
on_cdata(void *ud)
{
	struct xstate	*x = ud;

	if (x->leaf != L_NONE)
		x->leaf_cdata = 1;
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal)
{
	struct xstate	*x = ud;

	xml_fail(x, xml_line(x), "DOCTYPE declarations are not allowed");
}

/* Stores the collected text of the leaf being closed. */
static void
leaf_close(struct xstate *x)
{
	struct tmprule	*t = &x->t;
	struct txt	*dst = NULL, *arr;
	int		 k = -1;

	switch (x->leaf) {
	case L_MRRID:	dst = &t->mrrid; break;
	case L_ENABLE:	dst = &t->enable; break;
	case L_NOTE:	dst = &t->note; break;
	case L_METHOD:	dst = &t->method; break;
	case L_STATUS:	dst = &t->status; break;
	case L_RBODY:	dst = &t->body; t->body_cdata = x->leaf_cdata; break;
	case L_NAME:	dst = &t->hdr[t->nhdr - 1].name; break;
	case L_VALUE:	dst = &t->hdr[t->nhdr - 1].value; break;
	case L_URI:	k = 0; break;
	case L_THDR:	k = 1; break;
	case L_TBODY:	k = 2; break;
	default:	break;
	}
	if (k >= 0) {
		arr = reallocarray(t->pat[k], t->npat[k] + 1, sizeof(*arr));
		if (arr == NULL) {
			xml_fail(x, x->leaf_line, "out of memory");
			return;
		}
		t->pat[k] = arr;
		dst = &arr[t->npat[k]++];
		memset(dst, 0, sizeof(*dst));
	}
	if (dst == NULL)
		return;
	if ((dst->s = rules_strndup(x->text.data, x->text.len)) == NULL) {
		xml_fail(x, x->leaf_line, "out of memory");
		return;
	}
	dst->len = x->text.len;
	dst->line = x->leaf_line;
	dst->set = 1;
	x->leaf = L_NONE;
}

/* Parses an unsigned decimal with optional surrounding white space; -1 if not one. */
static long
parse_uint(const char *s, size_t len, size_t *ndigits)
{
	const uint8_t	*p = (const uint8_t *)s;
	long		 v = 0;
	size_t		 n = 0;

	rules_strip(&p, &len);
	*ndigits = len;
	if (len == 0 || len > 9)
		return -1;
	for (n = 0; n < len; n++) {
		if (p[n] < '0' || p[n] > '9')
			return -1;
		v = v * 10 + (p[n] - '0');
	}
	return v;
}

static int
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Looks a body file up in the cache, reading and stripping it on first use. */
static struct rules_file *
body_file(struct xstate *x, const char *name, unsigned long line)
{
	struct rules		*r = x->r;
	struct rules_file	*f;
	const uint8_t		*p;
	uint8_t			*data;
	size_t			 i, len;
	char			*path;

	for (i = 0; i < r->nfile; i++)
		if (strcmp(r->file[i].name, name) == 0)
			return &r->file[i];
	if (name[0] == '\0' || strchr(name, '/') != NULL || strstr(name, "..") != NULL) {
		xml_fail(x, line, "body filename \"%s\" must name a file in the art directory",
		    name);
		return NULL;
	}
	if ((path = rules_path(x->artdir, name)) == NULL) {
		xml_fail(x, line, "out of memory");
		return NULL;
	}
	if (rules_read_file(path, &data, &len) == -1) {
		xml_fail(x, line, "body file %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	free(path);
	p = data;
	rules_strip(&p, &len);
	memmove(data, p, len);
	if ((f = reallocarray(r->file, r->nfile + 1, sizeof(*f))) == NULL) {
		free(data);
		xml_fail(x, line, "out of memory");
		return NULL;
	}
	r->file = f;
	f = &r->file[r->nfile];
	if ((f->name = strdup(name)) == NULL) {
		free(data);
		xml_fail(x, line, "out of memory");
		return NULL;
	}
	f->data = data;
	f->len = len;
	r->nfile++;
	return f;
}

/* Compiles the patterns of one kind into *codes. */
static int
build_patterns(struct xstate *x, struct txt *pat, size_t n, const char *what,
    struct rules_re **codes, size_t *ncodes)
{
	char	 msg[300];
	size_t	 i;

	if (n == 0)
		return 0;
	if ((*codes = calloc(n, sizeof(**codes))) == NULL) {
		xml_fail(x, pat[0].line, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (pat[i].len == 0) {
			xml_fail(x, pat[i].line, "empty <%s>", what);
			return -1;
		}
		if (rules_re_compile(&(*codes)[i], pat[i].s, pat[i].len, msg, sizeof(msg)) == -1) {
			xml_fail(x, pat[i].line, "bad <%s> regex \"%.200s\": %s", what, pat[i].s,
			    msg);
			return -1;
		}
		(*ncodes)++;
	}
	return 0;
}

/* Validates and stores the response headers, collapsing duplicate names (see rules.h). */
static int
build_headers(struct xstate *x, struct rules_rule *rule)
{
	struct tmprule	*t = &x->t;
	const uint8_t	*n, *v;
	size_t		 i, j, nl, vl;
	char		*ns, *vs;

	if (t->nhdr == 0)
		return 0;
	if ((rule->headers = calloc(t->nhdr, sizeof(*rule->headers))) == NULL) {
		xml_fail(x, t->hdr[0].line, "out of memory");
		return -1;
	}
	for (i = 0; i < t->nhdr; i++) {
		if (!t->hdr[i].name.set || !t->hdr[i].value.set) {
			xml_fail(x, t->hdr[i].line, "response <header> needs <name> and <value>");
			return -1;
		}
		n = (const uint8_t *)t->hdr[i].name.s;
		nl = t->hdr[i].name.len;
		v = (const uint8_t *)t->hdr[i].value.s;
		vl = t->hdr[i].value.len;
		rules_strip(&n, &nl);
		rules_strip(&v, &vl);
		if (nl == 0) {
			xml_fail(x, t->hdr[i].name.line, "empty header <name>");
			return -1;
		}
		for (j = 0; j < nl; j++)
			if (!is_tchar(n[j])) {
				xml_fail(x, t->hdr[i].name.line,
				    "header name \"%.100s\" is not an HTTP token", t->hdr[i].name.s);
				return -1;
			}
		for (j = 0; j < vl; j++)
			if (v[j] == '\r' || v[j] == '\n' || v[j] == '\0') {
				xml_fail(x, t->hdr[i].value.line,
				    "header value has a line break or NUL");
				return -1;
			}
		if ((vs = rules_strndup(v, vl)) == NULL) {
			xml_fail(x, t->hdr[i].line, "out of memory");
			return -1;
		}
		/* Like a Python dict: a repeated name keeps its first position, last value. */
		for (j = 0; j < rule->nheaders; j++)
			if (strlen(rule->headers[j].name) == nl &&
			    memcmp(rule->headers[j].name, n, nl) == 0)
				break;
		if (j < rule->nheaders) {
			free((char *)(uintptr_t)rule->headers[j].value);
			rule->headers[j].value = vs;
			continue;
		}
		if ((ns = rules_strndup(n, nl)) == NULL) {
			free(vs);
			xml_fail(x, t->hdr[i].line, "out of memory");
			return -1;
		}
		rule->headers[rule->nheaders].name = ns;
		rule->headers[rule->nheaders].value = vs;
		rule->nheaders++;
	}
	return 0;
}

/* Builds the response body from the text or the filename attribute. */
static int
build_body(struct xstate *x, struct rules_rule *rule)
{
	struct tmprule		*t = &x->t;
	struct rules_file	*f;
	const uint8_t		*p = (const uint8_t *)t->body.s;
	size_t			 len = t->body.len;

	if (!t->body.set) {
		xml_fail(x, t->resp_line, "<response> without <body>");
		return -1;
	}
	if (t->body_file != NULL) {
		rules_strip(&p, &len);
		if (len > 0) {
			xml_fail(x, t->body.line, "<body> has both text and a filename attribute");
			return -1;
		}
		if ((f = body_file(x, t->body_file, t->body.line)) == NULL)
			return -1;
		rule->resp.body = f->data;
		rule->resp.body_len = f->len;
		return 0;
	}
	if (t->body.len == 0 && !t->body_cdata) {
		xml_fail(x, t->body.line, "empty <body> without a filename attribute");
		return -1;
	}
	/* Literal bodies are used as written, not stripped (WOWHoneypot uses .text as is). */
	rule->body_own = (uint8_t *)t->body.s;
	t->body.s = NULL;
	rule->resp.body = rule->body_own;
	rule->resp.body_len = t->body.len;
	return 0;
}

static int
append_rule(struct xstate *x, struct rules_rule *rule)
{
	struct rules_rule	**a;

	if ((a = reallocarray(*x->out, *x->nout + 1, sizeof(*a))) == NULL) {
		xml_fail(x, x->t.line, "out of memory");
		return -1;
	}
	*x->out = a;
	a[(*x->nout)++] = rule;
	return 0;
}

/* </mrr>: validates an enabled rule and compiles it; disabled rules are dropped unchecked. */
static void
mrr_close(struct xstate *x)
{
	struct tmprule		*t = &x->t;
	struct rules_rule	*rule;
	size_t			 nd;
	long			 id, st = 200;

	if (!t->has_meta) {
		xml_fail(x, t->line, "<mrr> without <meta>");
		return;
	}
	if (!t->enable.set) {
		xml_fail(x, t->meta_line, "<meta> without <enable>");
		return;
	}
	if (strcmp(t->enable.s, "True") != 0 || t->enable.len != 4)
		return;
	if (!t->mrrid.set) {
		xml_fail(x, t->meta_line, "<meta> without <mrrid>");
		return;
	}
	id = parse_uint(t->mrrid.s, t->mrrid.len, &nd);
	if (id < 0) {
		xml_fail(x, t->mrrid.line, "mrrid \"%.40s\" is not an integer", t->mrrid.s);
		return;
	}
	if (id < 1000 || id > 65535) {
		xml_fail(x, t->mrrid.line, "mrrid %ld out of range (1000..65535)", id);
		return;
	}
	if (x->idline[id] != 0) {
		xml_fail(x, t->mrrid.line, "duplicate mrrid %ld (first at line %lu)", id,
		    (unsigned long)x->idline[id]);
		return;
	}
	x->idline[id] = (uint32_t)(t->mrrid.line ? t->mrrid.line : 1);
	if (!t->has_trigger) {
		xml_fail(x, t->line, "<mrr> without <trigger>");
		return;
	}
	if (!t->has_response) {
		xml_fail(x, t->line, "<mrr> without <response>");
		return;
	}
	if (t->status.set) {
		st = parse_uint(t->status.s, t->status.len, &nd);
		if (st < 100 || st > 999 || nd != 3) {
			xml_fail(x, t->status.line, "status \"%.40s\" is not three digits (100..999)",
			    t->status.s);
			return;
		}
	}
	if (!t->method.set && t->npat[0] + t->npat[1] + t->npat[2] == 0) {
		xml_fail(x, t->trig_line, "<trigger> has no <method>, <uri>, <header> or <body>");
		return;
	}
	if (t->method.set && t->method.len == 0) {
		xml_fail(x, t->method.line, "empty <method>");
		return;
	}
	if ((rule = calloc(1, sizeof(*rule))) == NULL) {
		xml_fail(x, t->line, "out of memory");
		return;
	}
	rule->id = (unsigned)id;
	if (t->method.set) {
		rule->method = t->method.s;
		rule->method_len = t->method.len;
		t->method.s = NULL;
	}
	if ((rule->note = rules_strndup(t->note.s ? t->note.s : "", t->note.len)) == NULL)
		xml_fail(x, t->line, "out of memory");
	if (x->failed ||
	    build_patterns(x, t->pat[0], t->npat[0], "uri", &rule->uri, &rule->nuri) == -1 ||
	    build_patterns(x, t->pat[1], t->npat[1], "header", &rule->hdr, &rule->nhdr) == -1 ||
	    build_patterns(x, t->pat[2], t->npat[2], "body", &rule->body, &rule->nbody) == -1 ||
	    build_headers(x, rule) == -1 || build_body(x, rule) == -1 ||
	    append_rule(x, rule) == -1) {
		rules_rule_free(rule);
		return;
	}
	rule->resp.id = rule->id;
	rule->resp.status = (int)st;
	rule->resp.headers = rule->headers;
	rule->resp.nheaders = rule->nheaders;
	rule->resp.note = rule->note;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct xstate	*x = ud;

	if (x->failed)
		goto out;
	if (x->skip) {
		if (x->depth == x->skip)
			x->skip = 0;
		goto out;
	}
	if (x->leaf != L_NONE && x->depth == x->leaf_depth)
		leaf_close(x);
	else if (x->depth == 4 && x->in_rhdr)
		x->in_rhdr = 0;
	else if (x->depth == 3)
		x->section = S_NONE;
	else if (x->depth == 2 && x->in_mrr) {
		mrr_close(x);
		tmprule_free(&x->t);
		x->in_mrr = 0;
	}
out:
	x->depth--;
}

/* Parses one rules file; see rules_impl.h. */
int
rules_xml_load(struct rules *r, const char *artdir, const char *path,
    struct rules_rule ***rules, size_t *n, char *err, size_t errlen)
{
	struct xstate	 x;
	uint8_t		*data;
	size_t		 len;
	int		 rc = -1;

	if (rules_read_file(path, &data, &len) == -1)
		return rules_err(err, errlen, "%s: %s", path, strerror(errno));
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.path = path;
	x.artdir = artdir;
	x.err = err;
	x.errlen = errlen;
	x.out = rules;
	x.nout = n;
	buf_init(&x.text, RULES_MAX_FILE);
	if ((x.idline = calloc(65536, sizeof(*x.idline))) == NULL ||
	    (x.p = XML_ParserCreate(NULL)) == NULL) {
		rules_err(err, errlen, "%s: out of memory", path);
		goto done;
	}
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, on_start, on_end);
	XML_SetCharacterDataHandler(x.p, on_text);
	XML_SetStartCdataSectionHandler(x.p, on_cdata);
	XML_SetStartDoctypeDeclHandler(x.p, on_doctype);
	if (XML_Parse(x.p, (const char *)data, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
		if (!x.failed)
			rules_err(err, errlen, "%s:%lu: malformed XML: %s", path,
			    (unsigned long)XML_GetCurrentLineNumber(x.p),
			    XML_ErrorString(XML_GetErrorCode(x.p)));
		goto done;
	}
	if (x.failed)
		goto done;
	if (x.nmrr == 0) {
		rules_err(err, errlen, "%s:1: no <mrr> element", path);
		goto done;
	}
	rc = 0;
done:
	if (x.p != NULL)
		XML_ParserFree(x.p);
	tmprule_free(&x.t);
	buf_free(&x.text);
	free(x.idline);
	free(data);
	return rc;
}
