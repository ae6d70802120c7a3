/*
 * config.c - a small INI reader and a typed view over it. Not inih (Debian's libinih): its handler is
 * not told line numbers, a section without keys is invisible to it, and Debian builds it with a
 * 200-byte line limit; each of those breaks a requirement here (file:line errors, "[http]" alone
 * enabling a sensor, long patterns).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/xmalloc.h"

struct config_entry {
	char	*section, *key, *value, *origin;
};

struct config {
	struct config_entry	*entries;
	size_t			 n;
	char			**sections;
	size_t			 nsections;
	char			**list_cache;	/* freed with the config */
	size_t			 nlist_cache;
};

static const struct config_key	**config_tables;
static size_t			  config_ntables;

void
config_register(const struct config_key *table)
{
	size_t	 i;

	for (i = 0; i < config_ntables; i++)
		if (config_tables[i] == table)
			return;
	config_tables = xreallocarray(config_tables, config_ntables + 1, sizeof(*config_tables));
	config_tables[config_ntables++] = table;
}

const struct config_key *
config_key_at(size_t idx)
{
	size_t	 t, k;

	for (t = 0; t < config_ntables; t++)
		for (k = 0; config_tables[t][k].key != NULL; k++)
			if (idx-- == 0)
				return &config_tables[t][k];
	return NULL;
}

static const struct config_key *
config_find_key(const char *section, const char *key)
{
	const struct config_key	*k;
	size_t			 i;

	for (i = 0; (k = config_key_at(i)) != NULL; i++)
		if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

static int
config_known_section(const char *section)
{
	const struct config_key	*k;
	size_t			 i;

	for (i = 0; (k = config_key_at(i)) != NULL; i++)
		if (strcmp(k->section, section) == 0)
			return 1;
	return 0;
}

struct config *
config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

void
config_free(struct config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->entries[i].section);
		free(c->entries[i].key);
		free(c->entries[i].value);
		free(c->entries[i].origin);
	}
	for (i = 0; i < c->nsections; i++)
		free(c->sections[i]);
	for (i = 0; i < c->nlist_cache; i++)
		free(c->list_cache[i]);
	free(c->list_cache);
	free(c->sections);
	free(c->entries);
	free(c);
}

int
config_parse_size(const char *s, long long *out)
{
	char		*end;
	long long	 v, mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -1;
	if (*end != '\0') {
		switch (tolower((unsigned char)*end)) {
		case 'k': mult = 1024; break;
		case 'm': mult = 1024 * 1024; break;
		case 'g': mult = 1024LL * 1024 * 1024; break;
		default: return -1;
		}
		if (end[1] != '\0' && !(tolower((unsigned char)end[1]) == 'b' && end[2] == '\0'))
			return -1;
	}
	if (v > (1LL << 50) / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int
config_parse_bool(const char *v)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
	    !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
	    !strcmp(v, "0"))
		return 0;
	return -1;
}

/* Checks one value against its key's type and bounds; writes the reason into why. */
static int
config_check_value(const struct config_key *k, const char *v, char *why, size_t whylen)
{
	long long	 n;
	char		*end;

	switch (k->type) {
	case CFG_STR:
	case CFG_LIST:
		return k->check != NULL ? k->check(v, why, whylen) : 0;
	case CFG_BOOL:
		if (config_parse_bool(v) == -1) {
			snprintf(why, whylen, "expected true or false, got \"%s\"", v);
			return -1;
		}
		return 0;
	case CFG_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end != '\0') {
			snprintf(why, whylen, "expected an integer, got \"%s\"", v);
			return -1;
		}
		break;
	case CFG_SIZE:
		if (config_parse_size(v, &n) == -1) {
			snprintf(why, whylen, "expected a size such as 64k or 1m, got \"%s\"", v);
			return -1;
		}
		break;
	}
	if (n < k->min || n > k->max) {
		snprintf(why, whylen, "%s must be between %lld and %lld, got %lld", k->key, k->min,
		    k->max, n);
		return -1;
	}
	return 0;
}

static void
config_mark_section(struct config *c, const char *section)
{
	size_t	 i;

	for (i = 0; i < c->nsections; i++)
		if (strcmp(c->sections[i], section) == 0)
			return;
	c->sections = xreallocarray(c->sections, c->nsections + 1, sizeof(char *));
	c->sections[c->nsections++] = xstrdup(section);
}

/* Validates and records one setting; a non-list key set twice keeps the last value. */
static int
config_set(struct config *c, const char *section, const char *key, const char *value,
    const char *origin, char *err, size_t errlen)
{
	const struct config_key	*k;
	char			 why[256];
	size_t			 i;

	if (!config_known_section(section)) {
		snprintf(err, errlen, "%s: unknown section [%s]", origin, section);
		return -1;
	}
	if ((k = config_find_key(section, key)) == NULL) {
		snprintf(err, errlen, "%s: unknown key \"%s\" in [%s]", origin, key, section);
		return -1;
	}
	if (config_check_value(k, value, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: [%s] %s: %s", origin, section, key, why);
		return -1;
	}
	config_mark_section(c, section);
	if (k->type != CFG_LIST) {
		for (i = 0; i < c->n; i++) {
			struct config_entry	*e = &c->entries[i];

			if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
				free(e->value);
				free(e->origin);
				e->value = xstrdup(value);
				e->origin = xstrdup(origin);
				return 0;
			}
		}
	}
	c->entries = xreallocarray(c->entries, c->n + 1, sizeof(*c->entries));
	c->entries[c->n].section = xstrdup(section);
	c->entries[c->n].key = xstrdup(key);
	c->entries[c->n].value = xstrdup(value);
	c->entries[c->n].origin = xstrdup(origin);
	c->n++;
	return 0;
}

static char *
config_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int
config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	 line[HNP_MAX_CONFIG_VALUE + 256], section[64] = "", origin[512];
	char	*s, *eq, *key, *val;
	int	 lineno = 0, rc = -1;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		snprintf(origin, sizeof(origin), "%s:%d", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s: line longer than %d bytes", origin,
			    HNP_MAX_CONFIG_VALUE);
			goto out;
		}
		if (memchr(line, '\0', strlen(line)) != NULL)
			continue;
		s = config_trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char	*e = strchr(s, ']');

			if (e == NULL || e[1] != '\0' || e - s - 1 <= 0 ||
			    (size_t)(e - s - 1) >= sizeof(section)) {
				snprintf(err, errlen, "%s: malformed section header", origin);
				goto out;
			}
			*e = '\0';
			snprintf(section, sizeof(section), "%s", config_trim(s + 1));
			if (!config_known_section(section)) {
				snprintf(err, errlen, "%s: unknown section [%s]", origin, section);
				goto out;
			}
			config_mark_section(c, section);
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s: expected \"key = value\"", origin);
			goto out;
		}
		if (section[0] == '\0') {
			snprintf(err, errlen, "%s: key outside of any [section]", origin);
			goto out;
		}
		*eq = '\0';
		key = config_trim(s);
		val = config_trim(eq + 1);
		if (config_set(c, section, key, val, origin, err, errlen) == -1)
			goto out;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	return rc;
}

int
config_override(struct config *c, const char *arg, char *err, size_t errlen)
{
	const char	*dot = strchr(arg, '.'), *eq = strchr(arg, '=');
	char		 section[64], key[128];

	if (dot == NULL || eq == NULL || dot > eq || dot == arg || eq == dot + 1 ||
	    (size_t)(dot - arg) >= sizeof(section) || (size_t)(eq - dot - 1) >= sizeof(key)) {
		snprintf(err, errlen, "-o %s: expected section.key=value", arg);
		return -1;
	}
	snprintf(section, sizeof(section), "%.*s", (int)(dot - arg), arg);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - dot - 1), dot + 1);
	/* An override replaces the whole list rather than adding to the file's. */
	for (size_t i = 0; i < c->n;) {
		struct config_entry	*e = &c->entries[i];

		if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0 &&
		    strcmp(e->origin, "-o") != 0) {
			free(e->section);
			free(e->key);
			free(e->value);
			free(e->origin);
			c->entries[i] = c->entries[--c->n];
		} else
			i++;
	}
	return config_set(c, section, key, eq + 1, "-o", err, errlen);
}

int
config_has_section(const struct config *c, const char *section)
{
	size_t	 i;

	for (i = 0; i < c->nsections; i++)
		if (strcmp(c->sections[i], section) == 0)
			return 1;
	return 0;
}

static const struct config_entry *
config_last(const struct config *c, const char *section, const char *key)
{
	size_t	 i;

	for (i = c->n; i > 0; i--)
		if (strcmp(c->entries[i - 1].section, section) == 0 &&
		    strcmp(c->entries[i - 1].key, key) == 0)
			return &c->entries[i - 1];
	return NULL;
}

const char *
config_get(const struct config *c, const char *section, const char *key)
{
	const struct config_entry	*e = config_last(c, section, key);
	const struct config_key		*k;

	if (e != NULL)
		return e->value;
	if ((k = config_find_key(section, key)) != NULL)
		return k->def;
	return NULL;
}

const char *
config_origin(const struct config *c, const char *section, const char *key)
{
	const struct config_entry	*e = config_last(c, section, key);

	return e ? e->origin : "default";
}

long long
config_int(const struct config *c, const char *section, const char *key)
{
	const struct config_key	*k = config_find_key(section, key);
	const char		*v = config_get(c, section, key);
	long long		 n = 0;

	if (v == NULL)
		return 0;
	if (k != NULL && k->type == CFG_SIZE)
		config_parse_size(v, &n);
	else
		n = strtoll(v, NULL, 10);
	return n;
}

int
config_bool(const struct config *c, const char *section, const char *key)
{
	const char	*v = config_get(c, section, key);

	return v != NULL && config_parse_bool(v) == 1;
}

/* Appends the words of v (separated by spaces, commas or tabs) to out[0..*n). */
static char **
config_list_words(char **out, size_t *n, const char *v)
{
	char	*copy = xstrdup(v), *w, *save = NULL;

	for (w = strtok_r(copy, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
		out = xreallocarray(out, *n + 2, sizeof(char *));
		out[(*n)++] = xstrdup(w);
	}
	free(copy);
	return out;
}

char **
config_list(const struct config *c, const char *section, const char *key)
{
	struct config	*mc = (struct config *)c;
	char		**out = NULL;
	const char	*def;
	size_t		 n = 0, i;
	int		 any = 0;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->entries[i].section, section) == 0 &&
		    strcmp(c->entries[i].key, key) == 0) {
			out = config_list_words(out, &n, c->entries[i].value);
			any = 1;
		}
	if (!any && (def = config_get(c, section, key)) != NULL)
		out = config_list_words(out, &n, def);
	if (out == NULL)
		out = xcalloc(1, sizeof(char *));
	out[n] = NULL;
	/* Remember the strings so the caller need not free them. */
	mc->list_cache = xreallocarray(mc->list_cache, mc->nlist_cache + n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		mc->list_cache[mc->nlist_cache++] = out[i];
	mc->list_cache[mc->nlist_cache++] = (char *)out;
	return out;
}

void
config_dump(const struct config *c)
{
	const struct config_key	*k;
	size_t			 i;
	const char		*v;

	for (i = 0; (k = config_key_at(i)) != NULL; i++) {
		v = config_get(c, k->section, k->key);
		printf("%s.%s = %s\t# %s (%s)\n", k->section, k->key, v ? v : "", k->help,
		    config_origin(c, k->section, k->key));
	}
}
