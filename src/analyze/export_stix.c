/*
 * export_stix.c - STIX 2.1 objects (OASIS cti-stix2-json-schemas; ../shared/docs/abuse.md 5.1).
 * A download URL is percent-encoded to a valid RFC 3986 URI (bytes outside the URI characters
 * become %HH) before it is an observable or a pattern; addresses are the store's text.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/export_stix.h"
#include "analyze/strmap.h"
#include "analyze/uuid5.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

#define STIX_MAX_COUNT	999999999

struct stix_acc {
	struct strmap	 src, src_last, url, url_last;	/* count + aux: first / last ts */
	int64_t		 min_ts, max_ts;
	struct buf	 tmp;
};

struct stix_acc *
stix_acc_new(void)
{
	struct stix_acc	*a = xcalloc(1, sizeof(*a));

	buf_init(&a->tmp, 1 << 20);
	return a;
}

void
stix_acc_free(struct stix_acc *a)
{
	if (a == NULL)
		return;
	strmap_free(&a->src);
	strmap_free(&a->src_last);
	strmap_free(&a->url);
	strmap_free(&a->url_last);
	buf_free(&a->tmp);
	free(a);
}

static void
stix_note(struct strmap *first, struct strmap *last, const char *key, size_t len, int64_t ts)
{
	struct strmap_ent	*f = strmap_get(first, key, len);
	struct strmap_ent	*l = strmap_get(last, key, len);

	if (f->count++ == 0 || ts < f->aux)
		f->aux = ts;
	if (l->count++ == 0 || ts > l->aux)
		l->aux = ts;
}

/* RFC 3986 characters kept; every other byte as %HH. */
static void
stix_uri(struct buf *out, const uint8_t *p, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i;
	char			 e[3] = { '%', 0, 0 };

	for (i = 0; i < len; i++) {
		if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || strchr("-._~:/?#[]@!$&()*+,;=%", p[i]) != NULL)
			buf_append(out, &p[i], 1);
		else {
			e[1] = hex[p[i] >> 4];
			e[2] = hex[p[i] & 15];
			buf_append(out, e, 3);
		}
	}
}

void
stix_acc_add(struct stix_acc *a, const struct evt *ev)
{
	struct buf	*t = &a->tmp;

	if (a->src.n == 0 && a->url.n == 0)
		a->min_ts = a->max_ts = ev->ts;
	if (ev->ts < a->min_ts)
		a->min_ts = ev->ts;
	if (ev->ts > a->max_ts)
		a->max_ts = ev->ts;
	stix_note(&a->src, &a->src_last, ev->src_ip, strlen(ev->src_ip), ev->ts);
	if (strcmp(ev->kind, "download_url") != 0)
		return;
	t->len = 0;
	if (evt_field_str(ev, "url", t) != 1 || t->len == 0 || memchr(t->data, ':', t->len) == NULL)
		return;
	{
		struct buf	 u;

		buf_init(&u, 3 << 20);
		stix_uri(&u, t->data, t->len);
		stix_note(&a->url, &a->url_last, (const char *)u.data, u.len, ev->ts);
		buf_free(&u);
	}
}

static void
stix_time(char out[32], int64_t us)
{
	char	 s[24];

	time_format_offset(us, 0, "%Y-%m-%dT%H:%M:%S", s, sizeof(s));
	snprintf(out, 32, "%s.%03dZ", s, (int)((us % 1000000 + 1000000) % 1000000 / 1000));
}

/* "type--uuid5(ns, name)" */
static void
stix_id(char *out, size_t outlen, const char *type, const uint8_t ns[16], const char *name)
{
	char	 u[UUID_STR_LEN + 1];

	uuid5(ns, name, strlen(name), u);
	snprintf(out, outlen, "%s--%s", type, u);
}

struct stix_out {
	json_t	*objects;
	char	*idlist;
	size_t	 idlen;
};

static void
stix_push(struct stix_out *o, json_t *obj)
{
	const char	*id = json_string_value(json_object_get(obj, "id"));
	size_t		 n = strlen(id);

	o->idlist = xreallocarray(o->idlist, o->idlen + n + 2, 1);
	memcpy(o->idlist + o->idlen, id, n);
	o->idlist[o->idlen + n] = '\n';
	o->idlen += n + 1;
	o->idlist[o->idlen] = '\0';
	json_array_append_new(o->objects, obj);
}

/* One observable with its observed-data, indicator and sighting. */
static void
stix_observed(struct stix_out *o, const char *idref, const char *type, const char *value,
    const char *pattern_path, int64_t count, int64_t first, int64_t last, int valid_days,
    const char *what)
{
	char		 sco[128], od[128], ind[128], sig[128], t1[32], t2[32], t3[32];
	char		*name, *pattern;
	size_t		 n = strlen(value) * 2 + 128, i, k;
	json_int_t	 c = count > STIX_MAX_COUNT ? STIX_MAX_COUNT : count;

	name = xmalloc(n);
	snprintf(name, n, "{\"value\":\"%s\"}", value);
	stix_id(sco, sizeof(sco), type, uuid5_ns_stix_sco, name);
	stix_time(t1, first);
	stix_time(t2, last);
	stix_time(t3, last + (int64_t)valid_days * 86400 * 1000000);
	pattern = xmalloc(n);
	k = (size_t)snprintf(pattern, n, "[%s = '", pattern_path);
	for (i = 0; value[i]; i++) {
		if (value[i] == '\'' || value[i] == '\\')
			pattern[k++] = '\\';
		pattern[k++] = value[i];
	}
	memcpy(pattern + k, "']", 3);
	snprintf(name, n, "observed-data\n%s\n%s\n%s\n%lld", sco, t1, t2, (long long)c);
	stix_id(od, sizeof(od), "observed-data", uuid5_ns_hanipo, name);
	snprintf(name, n, "indicator\n%s\n%s", pattern, t1);
	stix_id(ind, sizeof(ind), "indicator", uuid5_ns_hanipo, name);
	snprintf(name, n, "sighting\n%s\n%s", ind, od);
	stix_id(sig, sizeof(sig), "sighting", uuid5_ns_hanipo, name);
	stix_push(o, json_pack("{s:s, s:s, s:s, s:s}", "type", type, "spec_version", "2.1", "id",
	    sco, "value", value));
	stix_push(o, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:[s]}", "type",
	    "observed-data", "spec_version", "2.1", "id", od, "created_by_ref", idref, "created",
	    t2, "modified", t2, "first_observed", t1, "last_observed", t2, "number_observed", c,
	    "object_refs", sco));
	stix_push(o, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s, s:s, s:s}",
	    "type", "indicator", "spec_version", "2.1", "id", ind, "created_by_ref", idref,
	    "created", t2, "modified", t2, "name", what, "indicator_types", "malicious-activity",
	    "pattern", pattern, "pattern_type", "stix", "valid_from", t1, "valid_until", t3));
	stix_push(o, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:[s], s:[s]}",
	    "type", "sighting", "spec_version", "2.1", "id", sig, "created_by_ref", idref,
	    "created", t2, "modified", t2, "first_seen", t1, "last_seen", t2, "count", c,
	    "sighting_of_ref", ind, "observed_data_refs", od, "where_sighted_refs", idref));
	free(name);
	free(pattern);
}

static void
stix_group(struct stix_out *o, const char *idref, const struct strmap *first,
    const struct strmap *last, int is_url, int valid_days)
{
	struct strmap_ent	**v;
	size_t			  n, i;

	v = strmap_sorted_keys(first, &n);
	for (i = 0; i < n; i++) {
		const struct strmap_ent	*l = strmap_find(last, v[i]->key, v[i]->len);
		int			 v6 = strchr(v[i]->key, ':') != NULL;

		if (is_url)
			stix_observed(o, idref, "url", v[i]->key, "url:value", v[i]->count,
			    v[i]->aux, l->aux, valid_days, "Malware download URL seen by a sensor");
		else
			stix_observed(o, idref, v6 ? "ipv6-addr" : "ipv4-addr", v[i]->key,
			    v6 ? "ipv6-addr:value" : "ipv4-addr:value", v[i]->count, v[i]->aux,
			    l->aux, valid_days, "Source of attacks seen by a sensor");
	}
	free(v);
}

void
stix_write(FILE *fp, const struct stix_acc *a, const char *identity, int valid_days)
{
	struct stix_out	 o = { json_array(), NULL, 0 };
	char		 idref[128], bid[128], t[32], *name;
	size_t		 n = strlen(identity) + 32;
	json_t		*bundle;

	name = xmalloc(n);
	snprintf(name, n, "identity\n%s", identity);
	stix_id(idref, sizeof(idref), "identity", uuid5_ns_hanipo, name);
	free(name);
	stix_time(t, a->min_ts);
	stix_push(&o, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "identity",
	    "spec_version", "2.1", "id", idref, "created", t, "modified", t, "name", identity,
	    "identity_class", "system"));
	stix_group(&o, idref, &a->src, &a->src_last, 0, valid_days);
	stix_group(&o, idref, &a->url, &a->url_last, 1, valid_days);
	stix_id(bid, sizeof(bid), "bundle", uuid5_ns_hanipo, o.idlist);
	bundle = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", bid, "objects", o.objects);
	json_dumpf(bundle, fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', fp);
	json_decref(bundle);
	free(o.idlist);
}
