/*
 * test_abuse_parse.c - every fixture in ../shared/data/rdap/ (RDAP answers, whois texts, bootstrap
 * files, jCards) against its expectation in expected.json: abuse contact, network, fallbacks,
 * registry desks, bootstrap URLs, jCard validity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "abuse/bootstrap.h"
#include "abuse/ipnet.h"
#include "abuse/jcard.h"
#include "abuse/rdap.h"
#include "abuse/whois.h"

static char	 rdap_dir[1024];
static json_t	*expected;
static int	 failures;

static void __attribute__((format(printf, 2, 3)))
mismatch(const char *file, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "# %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	failures++;
}

static char *
slurp(const char *rel, size_t *len)
{
	char	 path[2048];
	FILE	*fp;
	char	*p;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", rdap_dir, rel);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	*len = fread(p, 1, (size_t)n, fp);
	p[*len] = '\0';
	fclose(fp);
	return p;
}

/* The list l equals the JSON array of strings a, in order. */
static void
same_list(const char *file, const char *what, const struct email_list *l, const json_t *a)
{
	size_t	 i;
	int	 ok = json_array_size(a) == l->n;

	for (i = 0; ok && i < l->n; i++)
		ok = strcmp(l->v[i], json_string_value(json_array_get(a, i))) == 0;
	if (!ok) {
		char	*want = json_dumps(a, JSON_COMPACT);

		fprintf(stderr, "# %s: %s: got", file, what);
		for (i = 0; i < l->n; i++)
			fprintf(stderr, " %s", l->v[i]);
		fprintf(stderr, ", want %s\n", want);
		free(want);
		failures++;
	}
}

static void
check_contact(const json_t *x, const struct contact *c)
{
	const char	*file = json_string_value(json_object_get(x, "file"));
	const char	*net = json_string_value(json_object_get(x, "network"));
	const char	*reg = json_string_value(json_object_get(x, "registry"));
	const json_t	*fb = json_object_get(x, "fallback_emails");
	const json_t	*desk = json_object_get(x, "registry_desk_emails");
	json_t		*empty = json_array();

	same_list(file, "abuse_emails", &c->abuse, json_object_get(x, "abuse_emails"));
	if (fb != NULL)
		same_list(file, "fallback_emails", &c->fallback, fb);
	same_list(file, "registry_desk_emails", &c->desk, desk != NULL ? desk : empty);
	json_decref(empty);
	if (strcmp(c->network, net != NULL ? net : "") != 0)
		mismatch(file, "network \"%s\", want \"%s\"", c->network, net != NULL ? net : "");
	if (reg != NULL && strcmp(c->registry, reg) != 0)
		mismatch(file, "registry \"%s\", want \"%s\"", c->registry, reg);
}

static int
run_kind(const char *kind)
{
	const json_t	*x;
	size_t		 i, len;
	char		*text, err[256];
	struct contact	 c;
	int		 n = 0;

	json_array_foreach(expected, i, x) {
		const char	*file = json_string_value(json_object_get(x, "file"));
		const char	*q = json_string_value(json_object_get(x, "query"));

		if (strcmp(json_string_value(json_object_get(x, "kind")), kind) != 0)
			continue;
		n++;
		if ((text = slurp(file, &len)) == NULL) {
			mismatch(file, "cannot read");
			continue;
		}
		if ((strcmp(kind, "rdap") == 0 ? rdap_parse(text, len, q, &c, err, sizeof(err)) :
		    whois_parse(text, len, q, &c, err, sizeof(err))) == -1)
			mismatch(file, "parse error: %s", err);
		else {
			check_contact(x, &c);
			/* The JPNIC branch is decided from content: exactly the Japanese APNIC answers. */
			if (c.jpnic != (strncmp(q, "2001:240:", 9) == 0))
				mismatch(file, "jpnic %d", c.jpnic);
		}
		free(text);
	}
	return n;
}

static void
test_rdap(void **state)
{
	failures = 0;
	assert_int_equal(run_kind("rdap"), 18);
	assert_int_equal(failures, 0);
}

static void
test_whois(void **state)
{
	failures = 0;
	assert_int_equal(run_kind("whois"), 11);
	assert_int_equal(failures, 0);
}

/* The kind of a query in the whoisit wrapper / a plain IANA file. */
static enum boot_kind
query_kind(const char *file, const char *q, const char **member)
{
	struct ipaddr	 a;
	int		 len;

	*member = NULL;
	if (strstr(file, "asn") != NULL || strncasecmp(q, "as", 2) == 0) {
		*member = "asn";
		return BOOT_ASN;
	}
	if (strstr(file, "dns") != NULL)
		return BOOT_DNS;
	if (strstr(file, "object-tags") != NULL)
		return BOOT_TAG;
	*member = ipnet_parse(q, &a, &len) == 0 && a.family == 6 ? "ipv6" :
	    strchr(q, ':') != NULL ? "ipv6" : "ipv4";
	return BOOT_IP;
}

static void
check_bootstrap(const json_t *x)
{
	const char	*file = json_string_value(json_object_get(x, "file"));
	const char	*expect = json_string_value(json_object_get(x, "expect"));
	const json_t	*lk, *want, *root, *sub;
	const char	*urls[BOOT_MAX_URLS], *member;
	struct bootstrap *b;
	char		*text, err[256];
	size_t		 len, i, k;
	json_error_t	 jerr;
	enum boot_kind	 kind;
	int		 n, rc;

	if ((text = slurp(file, &len)) == NULL) {
		mismatch(file, "cannot read");
		return;
	}
	root = json_loadb(text, len, 0, &jerr);
	json_array_foreach(json_object_get(x, "lookups"), i, lk) {
		const char *q = json_string_value(json_object_get(lk, "query"));

		kind = query_kind(file, q, &member);
		b = bootstrap_new();
		sub = root;
		if (json_object_get(root, "timestamp") != NULL && member != NULL)
			sub = json_object_get(root, member);	/* whoisit's wrapper */
		rc = root == NULL ? bootstrap_add(b, text, len, err, sizeof(err)) :
		    bootstrap_add_json(b, sub, err, sizeof(err));
		if (rc == -1) {
			mismatch(file, "rejected: %s", err);
			bootstrap_free(b);
			continue;
		}
		n = bootstrap_lookup(b, kind, q, urls, BOOT_MAX_URLS);
		want = json_object_get(lk, "expected_base_urls");
		if (json_is_true(json_object_get(lk, "error"))) {
			if (n != -1)
				mismatch(file, "%s: %d URLs, want an error", q, n);
		} else if (n < 0 || (size_t)n != json_array_size(want)) {
			mismatch(file, "%s: %d URLs, want %zu", q, n, json_array_size(want));
		} else
			for (k = 0; k < (size_t)n; k++)
				if (strcmp(urls[k], json_string_value(json_array_get(want, k))) != 0)
					mismatch(file, "%s: URL %s, want %s", q, urls[k],
					    json_string_value(json_array_get(want, k)));
		bootstrap_free(b);
	}
	if (expect != NULL && strcmp(expect, "must be rejected") == 0) {
		b = bootstrap_new();
		if (bootstrap_add(b, text, len, err, sizeof(err)) != -1)
			mismatch(file, "accepted, must be rejected");
		bootstrap_free(b);
	} else {
		b = bootstrap_new();
		if (bootstrap_add(b, text, len, err, sizeof(err)) == -1 &&
		    json_object_get(root, "timestamp") == NULL)
			mismatch(file, "rejected: %s", err);
		bootstrap_free(b);
	}
	json_decref((json_t *)root);
	free(text);
}

static void
test_bootstrap(void **state)
{
	const json_t	*x;
	size_t		 i;
	int		 n = 0;
	char		 url[256];
	const char	*two[] = { "http://a.example/x", "https://b.example/rdap" };

	failures = 0;
	json_array_foreach(expected, i, x)
		if (strcmp(json_string_value(json_object_get(x, "kind")), "bootstrap") == 0) {
			check_bootstrap(x);
			n++;
		}
	assert_int_equal(n, 10);
	assert_int_equal(failures, 0);
	/* https first, a trailing slash added. */
	assert_int_equal(bootstrap_pick(two, 2, url, sizeof(url)), 0);
	assert_string_equal(url, "https://b.example/rdap/");
	assert_int_equal(bootstrap_pick(two, 1, url, sizeof(url)), 0);
	assert_string_equal(url, "http://a.example/x/");
	assert_int_equal(bootstrap_pick(two, 0, url, sizeof(url)), -1);
}

static void
test_jcard(void **state)
{
	const json_t	*x;
	size_t		 i, len;
	char		*text;
	const char	*why;
	json_t		*card;
	json_error_t	 jerr;
	struct email_list l;
	int		 n = 0, props;

	failures = 0;
	json_array_foreach(expected, i, x) {
		const char	*file = json_string_value(json_object_get(x, "file"));
		const char	*expect = json_string_value(json_object_get(x, "expect"));

		if (strcmp(json_string_value(json_object_get(x, "kind")), "jcard") != 0)
			continue;
		n++;
		if ((text = slurp(file, &len)) == NULL) {
			mismatch(file, "cannot read");
			continue;
		}
		card = json_loadb(text, len, 0, &jerr);
		props = card == NULL ? -1 : jcard_check(card, &why);
		if (strcmp(expect, "valid") == 0) {
			if (props != json_integer_value(json_object_get(x, "properties")))
				mismatch(file, "%d properties", props);
			memset(&l, 0, sizeof(l));
			jcard_emails(card, &l);
			same_list(file, "emails", &l, json_object_get(x, "emails"));
			if (json_object_get(x, "fn") != NULL && (jcard_fn(card) == NULL ||
			    strcmp(jcard_fn(card), json_string_value(json_object_get(x, "fn"))) != 0))
				mismatch(file, "fn");
		} else if (props != -1)
			mismatch(file, "accepted, must be rejected");
		json_decref(card);
		free(text);
	}
	assert_int_equal(n, 13);
	assert_int_equal(failures, 0);
}

static void
test_ipnet(void **state)
{
	struct ipaddr	 a, b;
	int		 len;
	char		 t[IPNET_TEXT_LEN];

	assert_int_equal(ipnet_parse("074.125.000.000", &a, &len), 0);
	ipnet_ntop(&a, t, sizeof(t));
	assert_string_equal(t, "74.125.0.0");
	assert_int_equal(ipnet_parse("200.57.128/19", &a, &len), 0);
	assert_int_equal(len, 19);
	assert_int_equal(ipnet_parse("200.57.128", &a, &len), -1);
	assert_int_equal(ipnet_parse("1.2.3.4.5", &a, &len), -1);
	assert_int_equal(ipnet_parse("256.1.1.1", &a, &len), -1);
	assert_int_equal(ipnet_parse("1.2.3.4/33", &a, &len), -1);
	assert_int_equal(ipnet_parse("::1/129", &a, &len), -1);
	assert_int_equal(ipnet_parse("10.0.0.0", &a, NULL), 0);
	assert_int_equal(ipnet_parse("10.0.2.255", &b, NULL), 0);
	assert_int_equal(ipnet_range_text(&a, &b, t, sizeof(t)), -1);
	assert_string_equal(t, "10.0.0.0 - 10.0.2.255");
	assert_int_equal(ipnet_parse("10.0.0.0", &a, NULL), 0);
	assert_int_equal(ipnet_parse("10.0.3.255", &b, NULL), 0);
	assert_int_equal(ipnet_range_text(&a, &b, t, sizeof(t)), 22);
	assert_string_equal(t, "10.0.0.0/22");
}

/* Free text: addresses are cut at the right places; nothing that is not one is taken. */
static void
test_email_scan(void **state)
{
	struct email_list l;
	const char	*t = "mail <abuse@example.net>, or x@y, or 'sec.team+a@mail.example.org.'";

	memset(&l, 0, sizeof(l));
	email_scan_text(&l, t, strlen(t), NULL);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "abuse@example.net");
	assert_string_equal(l.v[1], "sec.team+a@mail.example.org");
	/* An address from a registry that would break a header line is dropped. */
	email_list_add(&l, "a@b.example\r\nBcc: c@d.example", 30);
	email_list_add(&l, "x <y@z.example>", 15);
	assert_int_equal(l.n, 2);
	email_list_add(&l, " mailto:Abuse@Example.net ", 26);	/* a duplicate, any case */
	assert_int_equal(l.n, 2);
}

/* Referrals: IANA's "refer:", ARIN's last "ReferralServer: whois://", rwhois ignored. */
static void
test_whois_referral(void **state)
{
	static const char iana[] =
	    "% IANA WHOIS server\n\ninetnum:      62.0.0.0 - 62.255.255.255\n"
	    "organisation: RIPE NCC\nstatus:       ALLOCATED\n\n"
	    "whois:        whois.ripe.net\n\nchanged:      1997-04\n";
	static const char iana_refer[] = "refer:        whois.apnic.net\r\n\r\ninetnum: 1.0.0.0 - "
	    "1.255.255.255\r\n";
	static const char arin[] =
	    "NetRange:       61.0.0.0 - 61.255.255.255\nCIDR:           61.0.0.0/8\n"
	    "ReferralServer: rwhois://rwhois.example.net:4321/\n\n"
	    "NetRange:       61.112.0.0 - 61.127.255.255\n"
	    "ReferralServer: whois://whois.apnic.net\n";
	struct contact	 c;
	char		 err[128];

	assert_int_equal(whois_parse(iana, sizeof(iana) - 1, "62.239.237.1", &c, err,
	    sizeof(err)), 0);
	assert_string_equal(c.referral, "whois.ripe.net");
	assert_string_equal(c.network, "62.0.0.0/8");
	assert_int_equal(whois_parse(iana_refer, sizeof(iana_refer) - 1, "1.1.1.1", &c, err,
	    sizeof(err)), 0);
	assert_string_equal(c.referral, "whois.apnic.net");
	assert_int_equal(whois_parse(arin, sizeof(arin) - 1, "61.112.1.1", &c, err,
	    sizeof(err)), 0);
	assert_string_equal(c.referral, "whois.apnic.net");
	assert_string_equal(c.network, "61.112.0.0/12");
	assert_int_equal(c.abuse.n, 0);
	assert_int_equal(whois_parse("", 0, "1.1.1.1", &c, err, sizeof(err)), -1);
}

int
main(void)
{
	const char	*shared = getenv("HANIPO_SHARED");
	char		 path[1100];
	json_error_t	 jerr;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipnet),
		cmocka_unit_test(test_email_scan),
		cmocka_unit_test(test_rdap),
		cmocka_unit_test(test_whois),
		cmocka_unit_test(test_whois_referral),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_jcard),
	};
	int		 rc;

	snprintf(rdap_dir, sizeof(rdap_dir), "%s/data/rdap", shared != NULL ? shared : HNP_SHARED_DEFAULT);
	snprintf(path, sizeof(path), "%s/expected.json", rdap_dir);
	if ((expected = json_load_file(path, 0, &jerr)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(expected);
	return rc;
}
