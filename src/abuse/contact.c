/* contact.c - e-mail lists of a contact: dedup, free-text scan, registry desks, JSON form. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "abuse/contact.h"

void
abuse_fmt(char *out, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

void
contact_init(struct contact *c)
{
	memset(c, 0, sizeof(*c));
}

int
email_list_has(const struct email_list *l, const char *s)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
email_list_subtract(struct email_list *l, const struct email_list *except)
{
	size_t	 i, k = 0;

	for (i = 0; i < l->n; i++)
		if (!email_list_has(except, l->v[i])) {
			if (k != i)
				memcpy(l->v[k], l->v[i], sizeof(l->v[0]));
			k++;
		}
	l->n = k;
}

void
email_list_add(struct email_list *l, const char *s, size_t n)
{
	char	 tmp[CONTACT_EMAIL_LEN];
	size_t	 i;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n > 7 && strncasecmp(s, "mailto:", 7) == 0)
		s += 7, n -= 7;
	if (n == 0 || n >= sizeof(tmp) || memchr(s, '@', n) == NULL || l->n >= CONTACT_MAX_EMAILS)
		return;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (strlen(tmp) != n || email_list_has(l, tmp))
		return;
	/* Registry data is not trusted either: nothing that could break a header line. */
	for (i = 0; i < n; i++)
		if ((unsigned char)tmp[i] <= ' ' || tmp[i] == 0x7f || strchr("<>\",;()[]\\", tmp[i]))
			return;
	memcpy(l->v[l->n++], tmp, n + 1);
}

static int
email_char(int ch, int domain)
{
	if (isalnum(ch) || ch == '.' || ch == '-')
		return 1;
	if (domain)
		return 0;
	return strchr("_+=!#$%&*/?^`{|}~", ch) != NULL;
}

void
email_scan_text(struct email_list *l, const char *t, size_t n, const struct email_list *except)
{
	size_t	 i, a, b;
	char	 tmp[CONTACT_EMAIL_LEN];

	for (i = 0; i < n; i++) {
		if (t[i] != '@')
			continue;
		for (a = i; a > 0 && email_char((unsigned char)t[a - 1], 0); a--)
			;
		for (b = i + 1; b < n && email_char((unsigned char)t[b], 1); b++)
			;
		while (b > i + 1 && (t[b - 1] == '.' || t[b - 1] == '-'))
			b--;
		if (a == i || b == i + 1 || memchr(t + i + 1, '.', b - i - 1) == NULL ||
		    b - a >= sizeof(tmp))
			continue;
		memcpy(tmp, t + a, b - a);
		tmp[b - a] = '\0';
		if (except == NULL || !email_list_has(except, tmp))
			email_list_add(l, tmp, b - a);
		i = b - 1;
	}
}

/* RIR/NIR desks that cannot act on abuse in their members' space, and placeholders. */
static const char *const registry_desks[] = {
	"hostmaster@nic.ad.jp", "hostmaster@nic.or.kr", "no-email@apnic.net",
	"search-apnic-not-arin@apnic.net", "hostmaster@twnic.net.tw", "hostmaster@apjii.or.id",
	"hostmaster@cnnic.cn", "ipas@cnnic.cn", NULL,
};

int
email_is_registry_desk(const char *s)
{
	size_t	 i;

	for (i = 0; registry_desks[i] != NULL; i++)
		if (strcasecmp(s, registry_desks[i]) == 0)
			return 1;
	return strstr(s, "REDACTED") != NULL || strstr(s, "redacted") != NULL;
}

void
contact_mark_desks(struct contact *c)
{
	size_t	 i;

	for (i = 0; i < c->abuse.n; i++)
		if (email_is_registry_desk(c->abuse.v[i]))
			email_list_add(&c->desk, c->abuse.v[i], strlen(c->abuse.v[i]));
}

const char *
contact_best(const struct contact *c)
{
	size_t	 i;

	for (i = 0; i < c->abuse.n; i++)
		if (!email_list_has(&c->desk, c->abuse.v[i]))
			return c->abuse.v[i];
	return NULL;
}

static json_t *
email_list_json(const struct email_list *l)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static void
email_list_from(const json_t *a, struct email_list *l)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(a, i, v)
		if (json_is_string(v))
			email_list_add(l, json_string_value(v), json_string_length(v));
}

json_t *
contact_to_json(const struct contact *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:s}",
	    "network", c->network, "name", c->name, "handle", c->handle, "country", c->country,
	    "registry", c->registry, "source", c->source, "abuse", email_list_json(&c->abuse),
	    "fallback", email_list_json(&c->fallback), "desk", email_list_json(&c->desk),
	    "jpnic", c->jpnic, "referral", c->referral);
}

static void
copy_str(const json_t *j, const char *key, char *out, size_t outlen)
{
	const char	*s = json_string_value(json_object_get(j, key));

	if (s != NULL)
		snprintf(out, outlen, "%s", s);
}

int
contact_from_json(const json_t *j, struct contact *c)
{
	contact_init(c);
	if (!json_is_object(j))
		return -1;
	copy_str(j, "network", c->network, sizeof(c->network));
	copy_str(j, "name", c->name, sizeof(c->name));
	copy_str(j, "handle", c->handle, sizeof(c->handle));
	copy_str(j, "country", c->country, sizeof(c->country));
	copy_str(j, "registry", c->registry, sizeof(c->registry));
	copy_str(j, "source", c->source, sizeof(c->source));
	copy_str(j, "referral", c->referral, sizeof(c->referral));
	email_list_from(json_object_get(j, "abuse"), &c->abuse);
	email_list_from(json_object_get(j, "fallback"), &c->fallback);
	email_list_from(json_object_get(j, "desk"), &c->desk);
	c->jpnic = json_is_true(json_object_get(j, "jpnic"));
	return 0;
}
