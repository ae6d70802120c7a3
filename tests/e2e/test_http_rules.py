"""test_http_rules.py - the WOWHoneypot oracle: for every enabled rule of the shipped mrrules.xml, a
request that triggers it gets exactly what WOWHoneypot answers (the highest-mrrid rule whose every
condition holds, computed here in Python from the same XML), and the stored request event names
that rule. Also: default pages, HEAD, local rules (mrrules_local.xml) and the Server override."""
import re

import pytest

from conftest import (ART, Conn, build_request, copy_art, default_pages, event_with_payload,
                      expected_rule, load_rules, request, start_with)

RULES = load_rules(ART)
PAGES = default_pages(ART)
DATE_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                     r"Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$")

# mrrid -> (method, target, extra headers, body): a request for which that rule is the answer.
TRIGGERS = {
    1001: ("GET", "/login", [], None),
    1002: ("POST", "/login", [], "user=admin&pass=admin"),
    1003: ("HEAD", "/", [], None),
    1004: ("OPTIONS", "/", [], None),
    1005: ("PUT", "/upload.txt", [], "hello"),
    1006: ("GET", "/robots.txt", [], None),
    1007: ("GET", "/phpMyAdmin/index.php", [], None),
    1008: ("GET", "/command.php", [], None),      # <mothod> typo: any method matches
    1009: ("GET", "/index.action",
           [("Content-Type", "%{#context['com.opensymphony.xwork2.dispatcher."
             "HttpServletResponse'].addHeader('X-Test','Struts2045')}.multipart/form-data")], None),
    1010: ("GET", "/cgi-bin/test.sh",
           [("Referer", "() { :;}; echo; /bin/bash -c 'echo 2014 | md5sum'")], None),
    1011: ("GET", "/wp-login.php", [], None),
    1012: ("GET", "/getcfg.php", [], None),
    1013: ("GET", "/", [("X-Cmd", "whoami")], None),
    1014: ("POST", "/index.php", [("Content-Type", "application/x-www-form-urlencoded")],
           "cmd=whoami"),
    1015: ("GET", "/", [("Referer", "../../../../etc/passwd")], None),
    1016: ("POST", "/index.php", [], "file=../../etc/passwd"),
    1017: ("GET", "/", [("X-Shell", "() { :;}; echo 2014;uname -a;w;id;echo 2015")], None),
    1018: ("POST", "/", [], "c=echo 2014;uname -a;w;id;echo 2015"),
    1019: ("GET", "/index.php?page=/etc/passwd", [], None),
    1020: ("GET", "/index.jsp", [], None),
    1021: ("GET", "/diZPqEAuJM.jsp", [], None),
    1022: ("PROPFIND", "/", [], None),
    1023: ("GET", "/setup.cgi?next_file=netgear.cfg&todo=syscmd&curpath=/&currentsetting.htm=1",
           [], None),
    1024: ("POST", "/hedwig.cgi", [], "SERVICES=x&f=getcfg/DEVICE.ACCOUNT.xml"),
    1025: ("GET", "/invoker/readonly", [], None),
    1026: ("GET", "/jbossmq-httpil/HTTPServerILServlet", [], None),
    1027: ("GET", "/axis2/axis2-admin/", [], None),
    1028: ("GET", "/admin-console/", [], None),
    1029: ("GET", "/jmx-console/", [], None),
    1030: ("GET", "/jbossws/services", [], None),
    1031: ("GET", "/manager/status", [], None),
    1032: ("GET", "/manager/html", [], None),
    1033: ("GET", "/host-manager/html", [], None),
    1034: ("GET", "/manager/html", [("Authorization", "Basic dG9tY2F0OnBhc3N3b3JkCg==")], None),
    1035: ("GET", "/struts2-showcase/",
           [("Content-Type", "%{(#cmd='echo linux--2017').(#p=new java.lang.ProcessBuilder)}")],
           None),
    1036: ("GET", "/cmx.php", [], None),
    1037: ("POST", "/x.php", [], "a=die(pi%28%29%2A42);"),
    1038: ("POST", "/x.php", [], "a=ZGllKHBpKCkqNDIpOw=="),
    1039: ("GET", "/wp-config.php", [], None),
    1040: ("GET", "/wls-wsat/CoordinatorPortType", [], None),
    1041: ("POST", "/wls-wsat/CoordinatorPortType", [("Content-Type", "text/xml")],
           "<soapenv:Envelope/>"),
    1042: ("GET", "/j_security_check", [], None),
    1043: ("GET", "/index.php?cmd=whoami", [], None),
    1044: ("GET", "/index.php?x=die('z!a'.'x')", [], None),
}

# Requests where several rules hold: the highest id wins (or none does). (expected, request)
PRIORITY = [
    (1041, ("POST", "/wls-wsat/CoordinatorPortType", [], "x")),       # over 1040 and 1008-like
    (1040, ("PUT", "/wls-wsat/CoordinatorPortType", [], "x")),        # 1041 needs POST; over 1005
    (1043, ("GET", "/etc/passwd?cmd=whoami", [], None)),              # over 1019
    (1013, ("GET", "/robots.txt", [("X-A", "whoami")], None)),        # header rule over 1006
    (1006, ("HEAD", "/robots.txt", [], None)),                        # over 1003 (HEAD)
    (1011, ("PUT", "/wp-login.php", [], "x")),                        # over 1005 (PUT)
    (1016, ("POST", "/login", [], "/etc/passwd")),                    # over 1002
    (1014, ("GET", "/", [], "whoami")),                               # a GET body is a body
    (1006, ("GET", "/robotsXtxt", [], None)),                         # '.' is a regex dot
    (None, ("GET", "/ROBOTS.TXT", [], None)),                         # case-sensitive
    (None, ("GET", "/%72obots.txt", [], None)),                       # not URL-decoded
    (None, ("post", "/login", [], "a=b")),                            # method is case-sensitive
    (None, ("POST", "/", [], "")),                                    # empty body: no body rule
    (1032, ("GET", "/manager/html", [("Authorization", "Basic YWRtaW46YWRtaW4=")], None)),
    (1008, ("DELETE", "/x/command.php", [], None)),
]


def full_request(port, method, target, extra, body):
    """The raw bytes and the header list as the oracle sees them."""
    headers = [("Host", f"127.0.0.1:{port}"), ("User-Agent", "hanipo-e2e"), *extra]
    raw = build_request(method, target, headers, body, host=None)
    if body is not None:
        headers.append(("Content-Length", str(len(body.encode()))))
    return raw, headers


def check_rule_response(resp, rule, head=False, server="Apache", version="HTTP/1.1"):
    """resp is exactly what WOWHoneypot (fixed) answers with rule."""
    assert resp.version == version
    assert resp.status == rule.status, (resp, rule)
    names = [n for n, _ in rule.resp_headers if n.lower() != "content-length"]
    expect = ["Date"] + names
    if "Server" not in names:
        expect.append("Server")
    if "Content-Type" not in names:
        expect.append("Content-Type")
    expect.append("Content-Length")
    got = [n for n in resp.names() if n != "Connection"]
    assert got == expect, f"header order for rule {rule.id}"
    assert DATE_RE.match(resp.header("Date")), resp.header("Date")
    for n, v in rule.resp_headers:
        if n.lower() != "content-length":
            assert resp.header_all(n) == [v], (n, resp.header_all(n))
    if "Server" not in names:
        assert resp.header("Server") == server
    if "Content-Type" not in names:
        assert resp.header("Content-Type") == "text/html"
    assert int(resp.header("Content-Length")) == len(rule.body)
    assert resp.body == (b"" if head else rule.body)


def check_default_response(resp, server="Apache", head=False):
    assert resp.status == 200
    assert resp.names()[:1] == ["Date"]
    assert resp.header("Server") == server
    assert resp.header("Content-Type") == "text/html"
    cl = int(resp.header("Content-Length"))
    assert cl in {len(b) for b in PAGES.values()}
    if not head:
        assert resp.body in PAGES.values(), resp.body[:100]
        assert cl == len(resp.body)
    else:
        assert resp.body == b""


def test_trigger_table_covers_every_enabled_rule():
    assert len(RULES) == 44
    assert sorted(TRIGGERS) == sorted(RULES)
    # The XML quirk the oracle must reproduce: rule 1008 has no <method> (its tag is <mothod>).
    assert RULES[1008].method is None


@pytest.mark.parametrize("rid", sorted(TRIGGERS))
def test_every_rule(module_hanipo, rid):
    h = module_hanipo
    method, target, extra, body = TRIGGERS[rid]
    extra = [*extra, ("X-Oracle", f"r{rid}")]       # makes the payload unique to this test
    raw, headers = full_request(h.port, method, target, extra, body)
    # The oracle says this request is answered by rule rid (checks the table itself).
    assert expected_rule(RULES, method, target, headers, body) == rid
    head = method == "HEAD"
    resp = request(h.port, raw, head=head)
    check_rule_response(resp, RULES[rid], head=head)
    ev = event_with_payload(h, raw)
    assert ev["fields"]["rule"] == rid
    assert ev["fields"]["status"] == RULES[rid].status
    assert ev["fields"]["method"] == method
    assert ev["fields"]["uri"] == target
    assert ev["payload_len"] == len(raw)


@pytest.mark.parametrize("case", range(len(PRIORITY)))
def test_priority_and_and_semantics(module_hanipo, case):
    h = module_hanipo
    want, (method, target, extra, body) = PRIORITY[case]
    extra = [*extra, ("X-Priority", f"p{case}")]
    raw, headers = full_request(h.port, method, target, extra, body)
    assert expected_rule(RULES, method, target, headers, body) == want
    head = method == "HEAD"
    resp = request(h.port, raw, head=head)
    ev = event_with_payload(h, raw)
    if want is None:
        check_default_response(resp, head=head)
        assert "rule" not in ev["fields"]
        assert ev["fields"]["page"] in PAGES
        assert resp.body == PAGES[ev["fields"]["page"]]
    else:
        check_rule_response(resp, RULES[want], head=head)
        assert ev["fields"]["rule"] == want


def test_no_match_gets_a_default_page(module_hanipo):
    h = module_hanipo
    seen = set()
    for i in range(30):
        raw = build_request("GET", f"/nothing/matches/{i}", [("User-Agent", "x")])
        assert expected_rule(RULES, "GET", f"/nothing/matches/{i}",
                             [("Host", "127.0.0.1"), ("User-Agent", "x")]) is None
        resp = request(h.port, raw)
        check_default_response(resp)
        ev = event_with_payload(h, raw)
        assert "rule" not in ev["fields"]
        assert ev["fields"]["status"] == 200
        assert PAGES[ev["fields"]["page"]] == resp.body
        seen.add(resp.body)
    # Picked at random per request (3 shipped pages): 30 draws never all land on one page.
    assert len(seen) >= 2


def test_head_has_no_body_and_gets_length_of_get(module_hanipo):
    h = module_hanipo
    with Conn(h.port) as c:
        # HEAD then GET pipelined on one connection: if HEAD carried a body, the second parse
        # would start inside it.
        c.send(build_request("HEAD", "/robots.txt") + build_request("GET", "/robots.txt"))
        r_head = c.response(head=True)
        r_get = c.response()
        assert r_head.status == r_get.status == 200
        assert r_head.body == b""
        assert r_head.header("Content-Length") == r_get.header("Content-Length")
        assert int(r_get.header("Content-Length")) == len(RULES[1006].body) == len(r_get.body)
        # The HEAD rule itself: its body is one space (CDATA, kept as is), never sent.
        c.send(build_request("HEAD", "/"))
        r = c.response(head=True)
        check_rule_response(r, RULES[1003], head=True)
        assert r.header("Content-Length") == "1"
        # Nothing further was sent after the HEAD answer.
        c.send(build_request("GET", "/wp-config.php"))
        check_rule_response(c.response(), RULES[1039])


def test_head_on_default_page(module_hanipo):
    # HEAD matches rule 1003 whatever the path, so a HEAD never gets a default page: check that
    # the HEAD rule answers a path without a rule.
    resp = request(module_hanipo.port, build_request("HEAD", "/no/such/page"), head=True)
    check_rule_response(resp, RULES[1003], head=True)


LOCAL_XML = """<?xml version='1.0' encoding='utf-8'?>
<mrrs version='local'>
  <mrr>
    <meta><mrrid>10001</mrrid><enable>True</enable><note>non-ASCII body</note></meta>
    <trigger>
      <uri>^/local-utf8$</uri>
    </trigger>
    <response>
      <status>200</status>
      <body><![CDATA[local rule \u00e9]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>10002</mrrid><enable>True</enable><note>local beats official</note></meta>
    <trigger>
      <uri>/wp-login.php</uri>
    </trigger>
    <response>
      <status>200</status>
      <body><![CDATA[local wins]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>1036</mrrid><enable>True</enable><note>replaces official 1036</note></meta>
    <trigger>
      <uri>/cmx.php</uri>
    </trigger>
    <response>
      <status>202</status>
      <body><![CDATA[replaced 1036]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>10003</mrrid><enable>True</enable><note>headers</note></meta>
    <trigger>
      <uri>^/dup$</uri>
    </trigger>
    <response>
      <status>403</status>
      <header>
        <name>X-Dup</name>
        <value>first</value>
      </header>
      <header>
        <name>X-Other</name>
        <value>o</value>
      </header>
      <header>
        <name>Server</name>
        <value>LocalSrv/1.0</value>
      </header>
      <header>
        <name>X-Dup</name>
        <value>last</value>
      </header>
      <header>
        <name>Content-Type</name>
        <value>text/plain</value>
      </header>
      <body><![CDATA[dup]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>10004</mrrid><enable>True</enable><note>space</note></meta>
    <trigger>
      <uri>^/sp%20ace$</uri>
    </trigger>
    <response>
      <status>200</status>
      <body><![CDATA[space]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>10005</mrrid><enable>True</enable><note>quote</note></meta>
    <trigger>
      <uri>q=%22x%22</uri>
    </trigger>
    <response>
      <status>200</status>
      <body><![CDATA[quote]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>10006</mrrid><enable>True</enable><note>all conditions</note></meta>
    <trigger>
      <method>DELETE</method>
      <uri>^/and</uri>
      <uri>both$</uri>
      <header>X-Local: yes</header>
      <body>secret=1</body>
    </trigger>
    <response>
      <status>200</status>
      <body><![CDATA[and]]></body>
    </response>
  </mrr>
  <mrr>
    <meta><mrrid>10007</mrrid><enable>False</enable><note>disabled</note></meta>
    <trigger>
      <uri>/disabled-local</uri>
    </trigger>
    <response>
      <status>500</status>
      <body><![CDATA[disabled]]></body>
    </response>
  </mrr>
</mrrs>
"""

LOCAL_CASES = [
    (10001, ("GET", "/local-utf8", [], None)),
    (10002, ("GET", "/wp-login.php", [], None)),
    (1036, ("GET", "/cmx.php", [], None)),
    (10003, ("GET", "/dup", [], None)),
    (10004, ("GET", "/sp ace", [], None)),
    (10005, ("GET", '/q?q="x"', [], None)),
    (10006, ("DELETE", "/and/both", [("X-Local", "yes")], "secret=1")),
    (1005, ("PUT", "/and/both", [("X-Local", "yes")], "secret=1")),       # method differs
    (None, ("DELETE", "/and/both", [], "secret=1")),                      # header missing
    (None, ("DELETE", "/and/one", [("X-Local", "yes")], "secret=1")),     # second uri fails
    (None, ("DELETE", "/and/both", [("X-Local", "yes")], "secret=2")),    # body differs
    (None, ("GET", "/disabled-local", [], None)),
    (1006, ("GET", "/robots.txt", [], None)),                             # official still there
]


@pytest.fixture(scope="module")
def local_art(tmp_path_factory):
    art = copy_art(tmp_path_factory.mktemp("art") / "art")
    (art / "mrrules_local.xml").write_text(LOCAL_XML, encoding="utf-8")
    return art


def test_local_rules(make_hanipo, local_art):
    rules = load_rules(local_art)
    assert rules[1036].body == b"replaced 1036"
    assert 10007 not in rules
    h = start_with(make_hanipo, rules=local_art)
    for want, (method, target, extra, body) in LOCAL_CASES:
        raw, headers = full_request(h.port, method, target, extra, body)
        assert expected_rule(rules, method, target, headers, body) == want, target
        resp = request(h.port, raw)
        ev = event_with_payload(h, raw)
        if want is None:
            check_default_response(resp)
            assert "rule" not in ev["fields"]
        else:
            check_rule_response(resp, rules[want])
            assert ev["fields"]["rule"] == want
            assert ev["fields"]["status"] == rules[want].status


def test_local_non_ascii_body_length_in_bytes(make_hanipo, local_art):
    h = start_with(make_hanipo, rules=local_art)
    resp = request(h.port, build_request("GET", "/local-utf8"))
    body = "local rule \u00e9".encode("utf-8")
    assert len(body) == 13          # 12 characters; WOWHoneypot sent Content-Length: 12
    assert resp.body == body
    assert int(resp.header("Content-Length")) == 13
    # Nothing after the body: the next response on the connection parses cleanly.
    with Conn(h.port) as c:
        c.send(build_request("GET", "/local-utf8") + build_request("GET", "/dup"))
        assert c.response().body == body
        r = c.response()
        assert r.status == 403 and r.body == b"dup"
        assert r.names() == ["Date", "X-Dup", "X-Other", "Server", "Content-Type",
                             "Content-Length"]
        assert r.header("X-Dup") == "last"
        assert r.header("Server") == "LocalSrv/1.0"
        assert r.header("Content-Type") == "text/plain"


def test_server_header_override(make_hanipo):
    h = make_hanipo("http.server_header=nginx/1.18.0")
    r = request(h.port, build_request("GET", "/no-rule-here"))
    check_default_response(r, server="nginx/1.18.0")
    r = request(h.port, build_request("GET", "/robots.txt"))
    check_rule_response(r, RULES[1006], server="nginx/1.18.0")
    # A rule's own Server header still wins.
    r = request(h.port, build_request("GET", "/index.jsp"))
    check_rule_response(r, RULES[1020], server="nginx/1.18.0")
    assert r.header("Server") == "Apache-Coyote/1.1"
    assert "nginx" not in r.raw.decode("latin-1")


def test_status_line_uses_request_version(module_hanipo):
    with Conn(module_hanipo.port) as c:
        c.send(build_request("GET", "/robots.txt", version="HTTP/1.0"))
        r = c.response()
        assert r.version == "HTTP/1.0"
        check_rule_response(r, RULES[1006], version="HTTP/1.0")
