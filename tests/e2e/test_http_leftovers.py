"""test_http_leftovers.py - bytes received after hanipo decided to close are recorded, access_log
keeps WOWHoneypot's one line per answered request, and HTTP/1.0 keep-alive is acknowledged."""
import base64

from conftest import (ACCESS_RE, Conn, build_request, events_where, read_lines, tls_client_hello,
                      wait_event, wait_until)


def test_pipelined_past_max_requests_is_recorded_unanswered(make_hanipo):
    h = make_hanipo("http.max_requests=2")
    reqs = [build_request("GET", f"/pipe{i}") for i in range(3)]
    with Conn(h.port) as c:
        c.send(b"".join(reqs))
        first, second = c.response(), c.response()
        assert first.status == 200 and second.header("Connection") == "close"
        assert c.read_until_close(timeout=3)
        assert b"HTTP/1.1" not in c.buf      # the third is not answered
    ev = wait_event(h, "request", lambda e: e["fields"].get("incomplete") == "unanswered")[0]
    assert bytes(ev["payload"]) == reqs[2]
    assert ev["fields"]["uri"] == "/pipe2" and "status" not in ev["fields"]


def test_body_after_bad_content_length_is_recorded(hanipo):
    raw = b"POST /bcl HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
    with Conn(hanipo.port) as c:
        c.send(raw + b"trailing-bytes")
        assert c.response().header("Connection") == "close"
    left = wait_event(hanipo, "payload", lambda e: e["fields"].get("incomplete") == "unanswered")
    assert bytes(left[0]["payload"]) == b"trailing-bytes"


def test_access_log_has_answered_requests_only(hanipo):
    with Conn(hanipo.port) as c:
        c.send(build_request("GET", "/answered"))
        assert c.response().status == 200
    with Conn(hanipo.port) as c:
        c.send(b"GET /cut-short HTTP/1.1\r\nHost: x\r\n")   # head never finished
    with Conn(hanipo.port) as c:
        c.send(b"POST /cut-body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
    wait_event(hanipo, "payload", lambda e: e["fields"].get("incomplete") == "eof")
    wait_event(hanipo, "request", lambda e: e["fields"].get("incomplete") == "eof")
    wait_until(lambda: any("/answered" in x for x in read_lines(hanipo.access_log)),
               what="answered request in access_log")
    lines = read_lines(hanipo.access_log)
    assert all(ACCESS_RE.match(x) for x in lines), lines
    assert not any("/cut-short" in x or "/cut-body" in x for x in lines)


def test_non_http_line_shows_its_first_bytes_escaped(hanipo):
    hello = tls_client_hello()
    with Conn(hanipo.port) as c:
        c.send(hello)
        assert c.response().status == 400
    wait_event(hanipo, "payload", lambda e: e["fields"].get("detected") == "tls")
    line = wait_until(lambda: [x for x in read_lines(hanipo.access_log) if " 400 False " in x],
                      what="payload line")[0]
    quoted = line.split('"')[1]
    assert quoted.startswith("\\x16\\x03")      # the record header, escaped
    assert "\x16" not in line
    assert base64.b64decode(line.rsplit(" ", 1)[1]) == hello


def test_http10_keep_alive_is_acknowledged(hanipo):
    raw = build_request("GET", "/ka10", [("Connection", "keep-alive")], version="HTTP/1.0")
    with Conn(hanipo.port) as c:
        c.send(raw)
        r = c.response()
        assert r.header("Connection") == "keep-alive"
        c.send(build_request("GET", "/robots.txt", version="HTTP/1.0"))
        r2 = c.response()
        assert r2.header("Connection") == "close"
    assert len(events_where(hanipo, "request")) == 2
