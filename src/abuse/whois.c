/*
 * whois.c - reads whois answers: splits them into blocks of "key: value" lines (RPSL, ARIN, JPNIC's
 * "[Label]  value" and its HTML gateway), picks the most specific network holding the query and
 * follows abuse-c / mnt-irt inside the answer to the abuse mailbox. Pure: no I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abuse/whois.h"
#include "core/xmalloc.h"

struct wline {
	char	*key;		/* lower case, NUL-terminated; "" for a line without a key */
	char	*val;		/* trimmed */
	char	*raw;		/* the whole line */
	int	 block;
};

struct wparse {
	struct wline	*l;
	size_t		 n;
	char		*text;	/* our copy, cut into lines */
};

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Copies text without HTML tags (the JPNIC gateway wraps values in <A HREF>) and NUL bytes. */
static char *
copy_text(const char *t, size_t n)
{
	char	*out = xcalloc(1, n + 1), *o = out;
	size_t	 i;
	int	 html = memmem(t, n, "<PRE>", 5) != NULL || memmem(t, n, "<pre>", 5) != NULL;

	for (i = 0; i < n; i++) {
		if (html && t[i] == '<') {
			while (i < n && t[i] != '>')
				i++;
			continue;
		}
		if (html && t[i] == '&' && n - i >= 4 && strncmp(t + i, "&lt;", 4) == 0) {
			*o++ = '<';
			i += 3;
			continue;
		}
		if (html && t[i] == '&' && n - i >= 4 && strncmp(t + i, "&gt;", 4) == 0) {
			*o++ = '>';
			i += 3;
			continue;
		}
		if (html && t[i] == '&' && n - i >= 5 && strncmp(t + i, "&amp;", 5) == 0) {
			*o++ = '&';
			i += 4;
			continue;
		}
		if (t[i] != '\0' && t[i] != '\r')
			*o++ = t[i];
	}
	*o = '\0';
	return out;
}

/* Splits one line into key and value: "key: value", "a. [Label]  value", "[Label]  value". */
static void
split_line(char *line, struct wline *w)
{
	char	*p = line, *c, *k;

	w->raw = line;
	w->key = "";
	w->val = line;
	if (isalpha((unsigned char)p[0]) && p[1] == '.' && p[2] == ' ')
		p = trim(p + 3);
	if (*p == '[' && (c = strchr(p, ']')) != NULL) {
		*c = '\0';
		k = p + 1;
		w->val = trim(c + 1);
	} else if (*p != '%' && *p != '#' && *p != ' ' && (c = strchr(p, ':')) != NULL &&
	    c > p && strcspn(p, " \t") >= (size_t)(c - p) && c[1] != '/') {
		*c = '\0';
		k = p;
		w->val = trim(c + 1);
	} else
		return;
	for (c = k; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	w->key = k;
}

static void
wparse_lines(struct wparse *wp, const char *text, size_t len)
{
	char	*s, *nl;
	int	 block = 0, blank = 1;

	size_t	 nl_count = 1;

	wp->text = copy_text(text, len);
	for (s = wp->text; (s = strchr(s, '\n')) != NULL; s++)
		nl_count++;
	wp->l = xcalloc(nl_count < WHOIS_MAX_LINES ? nl_count : WHOIS_MAX_LINES,
	    sizeof(wp->l[0]));
	for (s = wp->text; s != NULL && *s != '\0' && wp->n < WHOIS_MAX_LINES &&
	    wp->n < nl_count; s = nl) {
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		s = trim(s);
		if (*s == '\0' || strncmp(s, "% Information related to", 24) == 0) {
			if (!blank)
				block++;
			blank = 1;
			if (*s == '\0')
				continue;
		} else
			blank = 0;
		wp->l[wp->n].block = block;
		split_line(s, &wp->l[wp->n]);
		wp->n++;
	}
}

static int
key_is(const struct wline *w, const char *k)
{
	return strcmp(w->key, k) == 0;
}

/* A network value: "a - b", "a/len" (LACNIC "200.57.128/19"), or a list "a/len, b/len". */
static int
parse_range(const char *v, struct ipaddr *s, struct ipaddr *e)
{
	char		 tmp[128], *dash, *a, *b, *comma;
	struct ipaddr	 p;
	int		 len, i, bits;

	if (strlen(v) >= sizeof(tmp))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", v);
	if ((comma = strchr(tmp, ',')) != NULL)
		*comma = '\0';
	if ((dash = strstr(tmp, " - ")) != NULL) {
		*dash = '\0';
		a = trim(tmp);
		b = trim(dash + 3);
		if (ipnet_parse(a, s, NULL) == -1 || ipnet_parse(b, e, NULL) == -1 ||
		    s->family != e->family)
			return -1;
		return 0;
	}
	if (ipnet_parse(trim(tmp), &p, &len) == -1)
		return -1;
	bits = p.family == 4 ? 32 : 128;
	if (len < 0)
		len = bits;
	*s = *e = p;
	for (i = len; i < bits; i++) {
		s->b[i / 8] &= (uint8_t)~(1u << (7 - i % 8));
		e->b[i / 8] |= (uint8_t)(1u << (7 - i % 8));
	}
	return 0;
}

static int
is_net_key(const struct wline *w)
{
	return key_is(w, "inetnum") || key_is(w, "inet6num") || key_is(w, "netrange") ||
	    key_is(w, "network number") || key_is(w, "ipネットワークアドレス");
}

/* Values of key in block, in order, into l. */
static void
block_values(const struct wparse *wp, int block, const char *key, struct email_list *l)
{
	size_t	 i;

	for (i = 0; i < wp->n; i++)
		if (wp->l[i].block == block && key_is(&wp->l[i], key))
			email_list_add(l, wp->l[i].val, strlen(wp->l[i].val));
}

/* The block whose key (nic-hdl, irt) is name. */
static int
find_object(const struct wparse *wp, const char *key, const char *name)
{
	size_t	 i;

	for (i = 0; i < wp->n; i++)
		if (key_is(&wp->l[i], key) && strcasecmp(wp->l[i].val, name) == 0)
			return wp->l[i].block;
	return -1;
}

static void
first_value(const struct wparse *wp, int block, const char *key, char *out, size_t outlen)
{
	size_t	 i;

	for (i = 0; i < wp->n; i++)
		if ((block < 0 || wp->l[i].block == block) && key_is(&wp->l[i], key) &&
		    out[0] == '\0') {
			snprintf(out, outlen, "%s", wp->l[i].val);
			return;
		}
}

/* The most specific network block holding the query: greatest start, then smallest end. */
static int
pick_network(const struct wparse *wp, const char *query, struct contact *c)
{
	struct ipaddr	 q, s, e, bs, be;
	size_t		 i;
	int		 qlen, best = -1;

	if (query == NULL || ipnet_parse(query, &q, &qlen) == -1)
		return -1;
	for (i = 0; i < wp->n; i++) {
		if (!is_net_key(&wp->l[i]) || parse_range(wp->l[i].val, &s, &e) == -1 ||
		    s.family != q.family || ipnet_cmp(&s, &q) > 0 || ipnet_cmp(&q, &e) > 0)
			continue;
		if (best >= 0 && (ipnet_cmp(&s, &bs) < 0 ||
		    (ipnet_cmp(&s, &bs) == 0 && ipnet_cmp(&e, &be) >= 0)))
			continue;
		best = wp->l[i].block;
		bs = s;
		be = e;
	}
	if (best >= 0)
		ipnet_range_text(&bs, &be, c->network, sizeof(c->network));
	return best;
}

static void
set_registry(const struct wparse *wp, struct contact *c)
{
	static const char *const names[] = { "apnic", "ripe", "arin", "lacnic", "afrinic", NULL };
	size_t		 i, k;
	const char	*r;

	for (i = 0; i < wp->n && c->registry[0] == '\0'; i++) {
		r = wp->l[i].raw;
		if (key_is(&wp->l[i], "network number") || key_is(&wp->l[i], "ipネットワークアドレス"))
			snprintf(c->registry, sizeof(c->registry), "jpnic");
		else if (key_is(&wp->l[i], "netrange") || strstr(r, "ARIN WHOIS") != NULL)
			snprintf(c->registry, sizeof(c->registry), "arin");
		else if (r[0] == '%' || key_is(&wp->l[i], "source"))
			for (k = 0; names[k] != NULL; k++)
				if (strcasestr(r, names[k]) != NULL &&
				    (r[0] != '%' || strcasestr(r, "whois") != NULL ||
				    strcasestr(r, "database") != NULL)) {
					snprintf(c->registry, sizeof(c->registry), "%s", names[k]);
					break;
				}
	}
}

static void
set_referral(const struct wparse *wp, struct contact *c)
{
	size_t		 i;
	const char	*v;

	for (i = 0; i < wp->n; i++) {
		v = wp->l[i].val;
		if (key_is(&wp->l[i], "refer") || key_is(&wp->l[i], "whois"))
			snprintf(c->referral, sizeof(c->referral), "%s", v);
		else if (key_is(&wp->l[i], "referralserver") &&
		    strncasecmp(v, "whois://", 8) == 0)
			snprintf(c->referral, sizeof(c->referral), "%s", v + 8);	/* the last */
	}
	c->referral[strcspn(c->referral, "/ \t")] = '\0';
}

/* "% Abuse contact for 'X' is 'addr'" */
static int
abuse_comment(const char *raw, struct email_list *l)
{
	const char	*p = strstr(raw, "' is '"), *q;

	if (strncmp(raw, "% Abuse contact for", 19) != 0 || p == NULL)
		return 0;
	p += 6;
	if ((q = strchr(p, '\'')) != NULL && q > p)
		email_list_add(l, p, (size_t)(q - p));
	return 1;
}

static void
follow_handles(const struct wparse *wp, int net, struct contact *c)
{
	struct email_list	 handles;
	size_t			 i;
	int			 b;

	memset(&handles, 0, sizeof(handles));
	for (i = 0; i < wp->n; i++)	/* email_list_add wants '@': handles are read by hand */
		if (wp->l[i].block == net && key_is(&wp->l[i], "abuse-c") && handles.n < 16)
			snprintf(handles.v[handles.n++], CONTACT_EMAIL_LEN, "%s", wp->l[i].val);
	for (i = 0; i < handles.n; i++) {
		if ((b = find_object(wp, "nic-hdl", handles.v[i])) < 0)
			continue;
		block_values(wp, b, "abuse-mailbox", &c->abuse);
		if (c->abuse.n == 0)
			block_values(wp, b, "e-mail", &c->abuse);	/* LACNIC */
	}
	for (i = 0; i < wp->n; i++)
		if (wp->l[i].block == net && key_is(&wp->l[i], "mnt-irt") &&
		    (b = find_object(wp, "irt", wp->l[i].val)) >= 0)
			block_values(wp, b, "abuse-mailbox", &c->abuse);
}

static void
scan_fallback(const struct wparse *wp, struct contact *c)
{
	size_t		 i;
	const struct wline *w;

	for (i = 0; i < wp->n; i++) {
		w = &wp->l[i];
		if (w->raw[0] == '%' || w->raw[0] == '#' || key_is(w, "changed") ||
		    key_is(w, "notify") || strncmp(w->key, "mnt-", 4) == 0 ||
		    strcasestr(w->val, "abuse") == NULL)
			continue;
		email_scan_text(&c->fallback, w->val, strlen(w->val), &c->abuse);
	}
}

int
whois_parse(const char *text, size_t len, const char *query, struct contact *c, char *err,
    size_t errlen)
{
	struct wparse	 wp;
	size_t		 i;
	int		 net, none = 0, comment = 0, jp_seen = 0;

	contact_init(c);
	snprintf(c->source, sizeof(c->source), "whois");
	if (len == 0) {
		snprintf(err, errlen, "empty whois answer");
		return -1;
	}
	if (len > WHOIS_MAX_BYTES)
		len = WHOIS_MAX_BYTES;
	memset(&wp, 0, sizeof(wp));
	wparse_lines(&wp, text, len);
	for (i = 0; i < wp.n; i++) {
		comment |= abuse_comment(wp.l[i].raw, &c->abuse);
		if (strncmp(wp.l[i].raw, "% No abuse contact registered", 29) == 0)
			none = 1;
		if (strstr(wp.l[i].raw, "JPNIC") != NULL || strstr(wp.l[i].val, "JPNIC") != NULL)
			jp_seen = 1;
	}
	net = pick_network(&wp, query, c);
	set_registry(&wp, c);
	set_referral(&wp, c);
	if (net >= 0) {
		first_value(&wp, net, "netname", c->name, sizeof(c->name));
		first_value(&wp, net, "network name", c->name, sizeof(c->name));
		first_value(&wp, net, "owner", c->name, sizeof(c->name));	/* LACNIC */
		first_value(&wp, net, "orgname", c->name, sizeof(c->name));	/* ARIN */
		first_value(&wp, net, "ネットワーク名", c->name, sizeof(c->name));
		first_value(&wp, net, "nethandle", c->handle, sizeof(c->handle));
		first_value(&wp, net, "country", c->country, sizeof(c->country));
	}
	first_value(&wp, -1, "netname", c->name, sizeof(c->name));
	first_value(&wp, -1, "country", c->country, sizeof(c->country));
	if (!comment && !none) {
		for (i = 0; i < wp.n && c->abuse.n == 0; i++)
			if (key_is(&wp.l[i], "abuse"))	/* JPNIC [Abuse]: the first block's */
				email_list_add(&c->abuse, wp.l[i].val, strlen(wp.l[i].val));
		for (i = 0; i < wp.n; i++)
			if (key_is(&wp.l[i], "rabuseemail"))
				email_list_add(&c->abuse, wp.l[i].val, strlen(wp.l[i].val));
		for (i = 0; i < wp.n; i++)
			if (key_is(&wp.l[i], "orgabuseemail"))
				email_list_add(&c->abuse, wp.l[i].val, strlen(wp.l[i].val));
		if (net >= 0)
			follow_handles(&wp, net, c);
	}
	scan_fallback(&wp, c);
	contact_mark_desks(c);
	if (strcmp(c->registry, "jpnic") == 0)
		snprintf(c->source, sizeof(c->source), "jpnic-whois");
	else
		c->jpnic = strcasecmp(c->country, "JP") == 0 && jp_seen;
	free(wp.l);
	free(wp.text);
	return 0;
}
