/* rules_load.c - loads an art directory: rule files, local overrides, default pages, huntrules. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/rules_impl.h"

static int
rule_cmp_desc(const void *a, const void *b)
{
	const struct rules_rule	*ra = *(const struct rules_rule *const *)a;
	const struct rules_rule	*rb = *(const struct rules_rule *const *)b;

	return ra->id < rb->id ? 1 : ra->id > rb->id ? -1 : 0;
}

static void
free_rule_array(struct rules_rule **a, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		rules_rule_free(a[i]);
	free(a);
}

/* Loads mrrules.xml and the optional mrrules_local.xml; a local rule replaces the same id. */
static int
load_rules(struct rules *r, const char *artdir, char *err, size_t errlen)
{
	struct rules_rule	**off = NULL, **loc = NULL, **a;
	size_t			  noff = 0, nloc = 0, i, j;
	char			 *path;
	struct stat		  st;
	int			  rc = -1;

	if ((path = rules_path(artdir, "mrrules.xml")) == NULL)
		return rules_err(err, errlen, "%s: out of memory", artdir);
	if (rules_xml_load(r, artdir, path, &off, &noff, err, errlen) == -1)
		goto done;
	free(path);
	if ((path = rules_path(artdir, "mrrules_local.xml")) == NULL) {
		rules_err(err, errlen, "%s: out of memory", artdir);
		goto done;
	}
	if (stat(path, &st) == -1) {
		if (errno != ENOENT) {
			rules_err(err, errlen, "%s: %s", path, strerror(errno));
			goto done;
		}
	} else if (rules_xml_load(r, artdir, path, &loc, &nloc, err, errlen) == -1)
		goto done;
	for (j = 0; j < nloc; j++) {
		for (i = 0; i < noff; i++)
			if (off[i] != NULL && off[i]->id == loc[j]->id) {
				rules_rule_free(off[i]);
				off[i] = NULL;
			}
	}
	if ((a = calloc(noff + nloc + 1, sizeof(*a))) == NULL) {
		rules_err(err, errlen, "%s: out of memory", artdir);
		goto done;
	}
	for (i = 0; i < noff; i++)
		if (off[i] != NULL)
			a[r->nrule++] = off[i];
	for (j = 0; j < nloc; j++)
		a[r->nrule++] = loc[j];
	free(off);
	free(loc);
	off = loc = NULL;
	noff = nloc = 0;
	r->rule = a;
	qsort(r->rule, r->nrule, sizeof(*r->rule), rule_cmp_desc);
	rc = 0;
done:
	free(path);
	free_rule_array(off, noff);
	free_rule_array(loc, nloc);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_page_name(const char *name)
{
	size_t	 n = strlen(name);

	/* As WOWHoneypot: *.html files not starting with a dot. */
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".html") == 0;
}

/* Loads artdir/default/: regular *.html files, stripped, sorted by name. No directory: none. */
static int
load_defaults(struct rules *r, const char *artdir, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*dir, *path, **names = NULL, **nn;
	size_t		 nnames = 0, i, len;
	uint8_t		*data;
	const uint8_t	*p;
	int		 rc = -1;

	if ((dir = rules_path(artdir, "default")) == NULL)
		return rules_err(err, errlen, "%s: out of memory", artdir);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			free(dir);
			return 0;
		}
		rules_err(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_page_name(de->d_name))
			continue;
		if (nnames >= RULES_MAX_DEFAULTS) {
			rules_err(err, errlen, "%s: more than %d default pages", dir,
			    RULES_MAX_DEFAULTS);
			goto done;
		}
		if ((path = rules_path(dir, de->d_name)) == NULL)
			goto nomem;
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		free(path);
		if ((nn = reallocarray(names, nnames + 1, sizeof(*nn))) == NULL)
			goto nomem;
		names = nn;
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			goto nomem;
		nnames++;
	}
	qsort(names, nnames, sizeof(*names), name_cmp);
	if (nnames > 0 && (r->page = calloc(nnames, sizeof(*r->page))) == NULL)
		goto nomem;
	for (i = 0; i < nnames; i++) {
		if ((path = rules_path(dir, names[i])) == NULL)
			goto nomem;
		if (rules_read_file(path, &data, &len) == -1) {
			rules_err(err, errlen, "%s: %s", path, strerror(errno));
			free(path);
			goto done;
		}
		free(path);
		p = data;
		rules_strip(&p, &len);
		memmove(data, p, len);
		r->page[i].name = names[i];
		r->page[i].body = data;
		names[i] = NULL;
		r->page[i].resp.id = 0;
		r->page[i].resp.status = 200;
		r->page[i].resp.body = data;
		r->page[i].resp.body_len = len;
		r->page[i].resp.note = r->page[i].name;
		r->npage++;
	}
	rc = 0;
	goto done;
nomem:
	rules_err(err, errlen, "%s: out of memory", dir);
done:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	closedir(d);
	free(dir);
	return rc;
}

/* Loads the optional huntrules.txt: one regex a non-empty line, trailing white space removed. */
static int
load_hunt(struct rules *r, const char *artdir, char *err, size_t errlen)
{
	char		*path, msg[300];
	uint8_t		*data;
	const uint8_t	*line, *nl, *end;
	size_t		 len, ll, lineno = 0;
	int		 rc = -1;

	if ((path = rules_path(artdir, "huntrules.txt")) == NULL)
		return rules_err(err, errlen, "%s: out of memory", artdir);
	if (rules_read_file(path, &data, &len) == -1) {
		if (errno == ENOENT) {
			free(path);
			return 0;
		}
		rules_err(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if ((r->hunt = calloc(RULES_MAX_HUNT, sizeof(*r->hunt))) == NULL) {
		rules_err(err, errlen, "%s: out of memory", path);
		goto done;
	}
	end = data + len;
	for (line = data; line < end; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		ll = (size_t)(nl - line);
		while (ll > 0 && (line[ll - 1] == ' ' || (line[ll - 1] >= 0x09 &&
		    line[ll - 1] <= 0x0d) || (line[ll - 1] >= 0x1c && line[ll - 1] <= 0x1f)))
			ll--;
		if (ll == 0)
			continue;
		if (r->nhunt >= RULES_MAX_HUNT) {
			rules_err(err, errlen, "%s:%zu: more than %d hunting rules", path, lineno,
			    RULES_MAX_HUNT);
			goto done;
		}
		if (rules_re_compile(&r->hunt[r->nhunt], (const char *)line, ll, msg,
		    sizeof(msg)) == -1) {
			rules_err(err, errlen, "%s:%zu: bad regex \"%.*s\": %s", path, lineno,
			    (int)(ll > 200 ? 200 : ll), (const char *)line, msg);
			goto done;
		}
		r->nhunt++;
	}
	rc = 0;
done:
	free(data);
	free(path);
	return rc;
}

/* Loads an art directory; see rules.h. */
int
rules_load(const char *artdir, struct rules **out, char *err, size_t errlen)
{
	struct rules	*r;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return rules_err(err, errlen, "%s: out of memory", artdir);
	if ((r->mctx = rules_re_context()) == NULL) {
		rules_free(r);
		return rules_err(err, errlen, "%s: out of memory", artdir);
	}
	if (load_rules(r, artdir, err, errlen) == -1 ||
	    load_defaults(r, artdir, err, errlen) == -1 ||
	    load_hunt(r, artdir, err, errlen) == -1) {
		rules_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* Frees everything rules_load allocated; NULL is fine. */
void
rules_free(struct rules *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrule; i++)
		rules_rule_free(r->rule[i]);
	free(r->rule);
	for (i = 0; i < r->npage; i++) {
		free(r->page[i].name);
		free(r->page[i].body);
	}
	free(r->page);
	for (i = 0; i < r->nhunt; i++)
		rules_re_free(&r->hunt[i]);
	free(r->hunt);
	for (i = 0; i < r->nfile; i++) {
		free(r->file[i].name);
		free(r->file[i].data);
	}
	free(r->file);
	pcre2_match_context_free(r->mctx);
	free(r);
}

/* Number of enabled match & response rules after the local merge. */
size_t
rules_count(const struct rules *r)
{
	return r != NULL ? r->nrule : 0;
}

/* Number of default pages. */
size_t
rules_default_count(const struct rules *r)
{
	return r != NULL ? r->npage : 0;
}

/* Default page rnd % count, in name order; NULL without pages. */
const struct rule_response *
rules_default(const struct rules *r, uint32_t rnd)
{
	if (r == NULL || r->npage == 0)
		return NULL;
	return &r->page[rnd % r->npage].resp;
}
