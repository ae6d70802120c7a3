/*
 * rdap.c - reads an RDAP answer: network, registry and the abuse contact however deeply the
 * registry nests it (ARIN under the registrant org, RIPE/APNIC/LACNIC at the top), and whether
 * the space is JPNIC's. Pure: the lookup (lookup.c) does the fetching.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "abuse/jcard.h"
#include "abuse/rdap.h"

struct rdap_walk {
	struct contact	*c;
	struct email_list other;	/* addresses of contacts without the abuse role */
	int		 jpnic_seen;	/* "JPNIC" in a remark, name or handle */
};

static int
has_role(const json_t *ent, const char *role)
{
	const json_t	*roles = json_object_get(ent, "roles"), *r;
	size_t		 i;

	json_array_foreach(roles, i, r)
		if (json_is_string(r) && strcasecmp(json_string_value(r), role) == 0)
			return 1;
	return 0;
}

static void
note_jpnic(struct rdap_walk *w, const char *s)
{
	if (s != NULL && strstr(s, "JPNIC") != NULL)
		w->jpnic_seen = 1;
}

/* Remarks and notices: lines mentioning abuse give fallback addresses. */
static void
scan_remarks(struct rdap_walk *w, const json_t *arr, struct email_list *fb)
{
	const json_t	*r, *d, *line;
	size_t		 i, k;
	const char	*s;

	json_array_foreach(arr, i, r) {
		note_jpnic(w, json_string_value(json_object_get(r, "title")));
		d = json_object_get(r, "description");
		json_array_foreach(d, k, line) {
			if ((s = json_string_value(line)) == NULL)
				continue;
			note_jpnic(w, s);
			if (fb != NULL && strcasestr(s, "abuse") != NULL)
				email_scan_text(fb, s, strlen(s), NULL);
		}
	}
}

static void
walk_entities(struct rdap_walk *w, const json_t *ents, int depth)
{
	const json_t	*e, *card;
	size_t		 i;

	if (depth >= RDAP_MAX_DEPTH)
		return;
	json_array_foreach(ents, i, e) {
		if (!json_is_object(e))
			continue;
		card = json_object_get(e, "vcardArray");
		note_jpnic(w, json_string_value(json_object_get(e, "handle")));
		if (has_role(e, "abuse"))
			jcard_emails(card, &w->c->abuse);
		else if (json_object_get(e, "roles") != NULL)
			jcard_emails(card, &w->other);
		scan_remarks(w, json_object_get(e, "remarks"), &w->c->fallback);
		walk_entities(w, json_object_get(e, "entities"), depth + 1);
	}
}

static void
copy_json_str(const json_t *o, const char *key, char *out, size_t outlen)
{
	const char	*s = json_string_value(json_object_get(o, key));

	if (s != NULL)
		snprintf(out, outlen, "%s", s);
}

/* Reads "1.2.3.4", "1.2.3.4/32", "2001:0DB8::0000" (a /N suffix is ignored). */
static int
parse_addr(const json_t *v, struct ipaddr *a)
{
	char		 tmp[80];
	const char	*s = json_string_value(v);
	char		*slash;

	if (s == NULL || strlen(s) >= sizeof(tmp))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", s);
	if ((slash = strchr(tmp, '/')) != NULL)
		*slash = '\0';
	return ipnet_parse(tmp, a, NULL);
}

static void
rdap_network(const json_t *root, const char *query, struct contact *c)
{
	const json_t	*cidrs = json_object_get(root, "cidr0_cidrs"), *p, *pre;
	struct ipaddr	 q, pa, start, end;
	size_t		 i;
	int		 qlen, have_q, len;
	char		 txt[INET6_ADDRSTRLEN];

	have_q = query != NULL && ipnet_parse(query, &q, &qlen) == 0;
	json_array_foreach(cidrs, i, p) {
		pre = json_object_get(p, "v4prefix");
		if (pre == NULL)
			pre = json_object_get(p, "v6prefix");
		if (parse_addr(pre, &pa) == -1 || !json_is_integer(json_object_get(p, "length")))
			continue;
		len = (int)json_integer_value(json_object_get(p, "length"));
		if (len < 0 || len > (pa.family == 4 ? 32 : 128))
			continue;
		if (have_q && !ipnet_contains(&pa, len, &q))
			continue;
		ipnet_ntop(&pa, txt, sizeof(txt));
		snprintf(c->network, sizeof(c->network), "%s/%d", txt, len);
		return;
	}
	if (parse_addr(json_object_get(root, "startAddress"), &start) == 0 &&
	    parse_addr(json_object_get(root, "endAddress"), &end) == 0 &&
	    start.family == end.family)
		ipnet_range_text(&start, &end, c->network, sizeof(c->network));
}

static const struct {
	const char	*needle;
	const char	*registry;
} registries[] = {
	{ "nic.ad.jp", "jpnic" }, { "arin", "arin" }, { "ripe", "ripe" }, { "apnic", "apnic" },
	{ "lacnic", "lacnic" }, { "afrinic", "afrinic" },
};

static void
registry_from(const char *s, struct contact *c)
{
	size_t	 i;

	if (s == NULL || c->registry[0] != '\0')
		return;
	for (i = 0; i < sizeof(registries) / sizeof(registries[0]); i++)
		if (strcasestr(s, registries[i].needle) != NULL) {
			snprintf(c->registry, sizeof(c->registry), "%s", registries[i].registry);
			return;
		}
}

static void
rdap_registry(const json_t *root, struct contact *c)
{
	const json_t	*links = json_object_get(root, "links"), *l, *n, *d;
	size_t		 i, k;

	registry_from(json_string_value(json_object_get(root, "port43")), c);
	json_array_foreach(links, i, l)
		if (json_is_string(json_object_get(l, "rel")) &&
		    strcmp(json_string_value(json_object_get(l, "rel")), "self") == 0)
			registry_from(json_string_value(json_object_get(l, "href")), c);
	/* Old answers: "Objects returned came from source APNIC" notices. */
	json_array_foreach(json_object_get(root, "notices"), i, n)
		json_array_foreach(json_object_get(n, "description"), k, d)
			registry_from(json_string_value(d), c);
}

int
rdap_parse(const char *text, size_t len, const char *query, struct contact *c, char *err,
    size_t errlen)
{
	json_t		*root;
	json_error_t	 jerr;
	struct rdap_walk w;
	size_t		 i;

	contact_init(c);
	snprintf(c->source, sizeof(c->source), "rdap");
	if (len > RDAP_MAX_BYTES) {
		snprintf(err, errlen, "RDAP answer larger than %d bytes", RDAP_MAX_BYTES);
		return -1;
	}
	root = json_loadb(text, len, 0, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "RDAP answer is not JSON: line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	if (!json_is_object(root) || json_object_get(root, "errorCode") != NULL) {
		snprintf(err, errlen, "RDAP answer is %s",
		    json_is_object(root) ? "an error" : "not an object");
		json_decref(root);
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.c = c;
	copy_json_str(root, "name", c->name, sizeof(c->name));
	copy_json_str(root, "handle", c->handle, sizeof(c->handle));
	copy_json_str(root, "country", c->country, sizeof(c->country));
	note_jpnic(&w, c->name);
	note_jpnic(&w, c->handle);
	rdap_network(root, query, c);
	rdap_registry(root, c);
	walk_entities(&w, json_object_get(root, "entities"), 0);
	scan_remarks(&w, json_object_get(root, "remarks"), &c->fallback);
	scan_remarks(&w, json_object_get(root, "notices"), NULL);
	/* An address with "abuse" in it, in a contact without the abuse role, is a fallback. */
	for (i = 0; i < w.other.n; i++)
		if (strcasestr(w.other.v[i], "abuse") != NULL)
			email_list_add(&c->fallback, w.other.v[i], strlen(w.other.v[i]));
	/* Fallbacks never repeat the role-based answer. */
	email_list_subtract(&c->fallback, &c->abuse);
	contact_mark_desks(c);
	c->jpnic = strcasecmp(c->country, "JP") == 0 &&
	    (w.jpnic_seen || email_list_has(&w.other, "hostmaster@nic.ad.jp"));
	json_decref(root);
	return 0;
}
