/* jcard.c - jCard checks and e-mail extraction (RFC 7095; RDAP, RFC 9083 section 5.1). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abuse/jcard.h"

static int
jcard_depth_ok(const json_t *v, int depth)
{
	size_t	 i;
	json_t	*x;

	if (!json_is_array(v))
		return 1;
	if (depth >= 2)
		return 0;
	json_array_foreach(v, i, x)
		if (!jcard_depth_ok(x, depth + 1))
			return 0;
	return 1;
}

int
jcard_check(const json_t *card, const char **why)
{
	const json_t	*props, *p;
	size_t		 i, k;

	if (!json_is_array(card) || json_array_size(card) != 2) {
		*why = "not [\"vcard\", [properties]]";
		return -1;
	}
	if (!json_is_string(json_array_get(card, 0)) ||
	    strcmp(json_string_value(json_array_get(card, 0)), "vcard") != 0) {
		*why = "label is not \"vcard\"";
		return -1;
	}
	props = json_array_get(card, 1);
	if (!json_is_array(props)) {
		*why = "properties are not an array";
		return -1;
	}
	json_array_foreach(props, i, p) {
		if (!json_is_array(p) || json_array_size(p) < 4) {
			*why = "a property has fewer than 4 members";
			return -1;
		}
		if (!json_is_string(json_array_get(p, 0))) {
			*why = "a property name is not a string";
			return -1;
		}
		if (!json_is_object(json_array_get(p, 1))) {
			*why = "property parameters are not an object";
			return -1;
		}
		if (!json_is_string(json_array_get(p, 2))) {
			*why = "a property value type is not a string";
			return -1;
		}
		for (k = 3; k < json_array_size(p); k++)
			if (!jcard_depth_ok(json_array_get(p, k), 0)) {
				*why = "a value is nested more than two arrays deep";
				return -1;
			}
	}
	return (int)json_array_size(props);
}

/* A parameter value that is a string or an array of strings contains word (case-insensitive). */
static int
param_has(const json_t *params, const char *name, const char *word)
{
	const json_t	*v = json_object_get(params, name), *x;
	size_t		 i;

	if (json_is_string(v))
		return strcasecmp(json_string_value(v), word) == 0;
	json_array_foreach(v, i, x)
		if (json_is_string(x) && strcasecmp(json_string_value(x), word) == 0)
			return 1;
	return 0;
}

static long
param_pref(const json_t *params)
{
	const json_t	*v = json_object_get(params, "pref");
	long		 p;

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_integer(v))
		p = (long)json_integer_value(v);
	else if (json_is_string(v))
		p = strtol(json_string_value(v), NULL, 10);
	else
		return 1000;
	return p >= 1 && p <= 100 ? p : 1000;
}

struct jemail {
	const char	*addr;
	size_t		 len;
	long		 pref;
	int		 abuse;
	size_t		 order;
};

static int
jemail_cmp(const void *a, const void *b)
{
	const struct jemail	*x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	if (x->abuse != y->abuse)
		return x->abuse ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
jcard_emails(const json_t *card, struct email_list *l)
{
	const json_t	*props = json_array_get(card, 1), *p, *v;
	struct jemail	 e[64];
	size_t		 i, n = 0;

	if (!json_is_array(props))
		return;
	json_array_foreach(props, i, p) {
		if (n == sizeof(e) / sizeof(e[0]))
			break;
		if (!json_is_array(p) || json_array_size(p) < 4 ||
		    !json_is_string(json_array_get(p, 0)) ||
		    strcasecmp(json_string_value(json_array_get(p, 0)), "email") != 0)
			continue;
		v = json_array_get(p, 3);
		if (!json_is_string(v))
			continue;
		e[n].addr = json_string_value(v);
		e[n].len = json_string_length(v);
		e[n].pref = param_pref(json_array_get(p, 1));
		e[n].abuse = param_has(json_array_get(p, 1), "type", "abuse");
		e[n].order = n;
		n++;
	}
	qsort(e, n, sizeof(e[0]), jemail_cmp);
	for (i = 0; i < n; i++)
		email_list_add(l, e[i].addr, e[i].len);
}

const char *
jcard_fn(const json_t *card)
{
	const json_t	*props = json_array_get(card, 1), *p;
	size_t		 i;

	json_array_foreach(props, i, p)
		if (json_is_array(p) && json_array_size(p) >= 4 &&
		    json_is_string(json_array_get(p, 0)) &&
		    strcmp(json_string_value(json_array_get(p, 0)), "fn") == 0 &&
		    json_is_string(json_array_get(p, 3)))
			return json_string_value(json_array_get(p, 3));
	return NULL;
}
