"""test_http_input.py - malformed and hostile input: every request (or non-request) is recorded as
an event whose payload BLOB is exactly the bytes received, and is answered when it can be."""
import shutil
import socket
import struct
import subprocess
import time

import pytest

from conftest import (Conn, build_request, default_pages, event_with_payload, events_where,
                      load_rules, request, scaled, tls_client_hello, wait_event)

RULES = load_rules()
PAGES = default_pages()


def flags(ev):
    return set(ev["fields"].get("flags", []))


def test_bare_lf_request(hanipo):
    raw = b"GET /robots.txt HTTP/1.1\nHost: x\nUser-Agent: lf\n\n"
    r = request(hanipo.port, raw)
    assert r.status == 200 and r.body == RULES[1006].body
    ev = event_with_payload(hanipo, raw)
    assert "bare_lf" in flags(ev)
    assert ev["fields"]["rule"] == 1006
    assert ev["fields"]["headers"] == 2          # a count; names and values are in the payload
    assert ev["fields"]["host"] == "x" and ev["fields"]["user_agent"] == "lf"


def test_missing_version_is_400(hanipo):
    raw = b"GET /\n\n"
    with Conn(hanipo.port) as c:
        c.send(raw)
        r = c.response()
        assert r.status == 400
        assert r.header("Connection") == "close"
        assert c.read_until_close(), "the server keeps a bad request's connection open"
    ev = event_with_payload(hanipo, raw)
    assert "no_version" in flags(ev)
    assert ev["fields"]["status"] == 400
    assert ev["fields"]["method"] == "GET"
    assert ev["fields"]["uri"] == "/"
    assert "rule" not in ev["fields"]


def test_absurd_method_answered(hanipo):
    raw = b"FOOBAR /anything HTTP/1.1\r\nHost: x\r\n\r\n"
    r = request(hanipo.port, raw)
    assert r.status == 200
    ev = event_with_payload(hanipo, raw)
    assert ev["fields"]["method"] == "FOOBAR"
    assert ev["fields"]["status"] == 200


def test_lowercase_method_recorded_and_answered(hanipo):
    # WOWHoneypot drops these without a trace; hanipo answers and records them. Methods are
    # compared case-sensitively, so "get /login" is not rule 1001.
    raw = b"get /login HTTP/1.1\r\nHost: x\r\n\r\n"
    r = request(hanipo.port, raw)
    assert r.status == 200
    ev = event_with_payload(hanipo, raw)
    assert ev["fields"]["method"] == "get"
    assert "rule" not in ev["fields"]           # a default page, not rule 1001
    assert r.body == PAGES[ev["fields"]["page"]]


def test_pipelined_requests(hanipo):
    reqs = [build_request("GET", "/robots.txt"), build_request("GET", "/cmx.php"),
            build_request("POST", "/login", body="u=a")]
    with Conn(hanipo.port) as c:
        c.send(b"".join(reqs))
        got = [c.response() for _ in reqs]
    assert [r.body for r in got] == [RULES[1006].body, RULES[1036].body, RULES[1002].body]
    assert all(r.header("Connection") is None for r in got)
    evs = [event_with_payload(hanipo, raw) for raw in reqs]
    assert [e["fields"]["rule"] for e in evs] == [1006, 1036, 1002]
    assert len({e["session"] for e in evs}) == 1
    assert [e["seq"] for e in evs] == sorted(e["seq"] for e in evs)


def test_keep_alive_is_http11_default(hanipo):
    with Conn(hanipo.port) as c:
        c.send(build_request("GET", "/robots.txt"))
        r1 = c.response()
        assert r1.header("Connection") is None
        time.sleep(0.2)
        assert not c.eof
        c.send(build_request("GET", "/wp-config.php"))
        r2 = c.response()
    assert r1.body == RULES[1006].body and r2.body == RULES[1039].body
    evs = wait_event(hanipo, "request", count=2)
    assert len({e["session"] for e in evs}) == 1


def test_connection_close(hanipo):
    with Conn(hanipo.port) as c:
        c.send(build_request("GET", "/robots.txt", [("Connection", "close")]))
        r = c.response()
        assert r.header("Connection") == "close"
        assert c.read_until_close(timeout=3), "server did not close after Connection: close"
        assert c.buf == b""


def test_http10_closes(hanipo):
    with Conn(hanipo.port) as c:
        c.send(build_request("GET", "/robots.txt", version="HTTP/1.0", host=None))
        r = c.response()
        assert r.version == "HTTP/1.0"
        assert r.header("Connection") == "close"
        assert c.read_until_close(timeout=3)


def test_binary_garbage_without_newline_recorded_on_disconnect(hanipo):
    raw = b"\x00\x01\x02\xffgarbage\x7f\xfe no newline here"
    c = Conn(hanipo.port)
    c.send(raw)
    time.sleep(0.3)
    assert events_where(hanipo, "payload") == []   # held open: nothing to record yet
    c.close()
    ev = wait_event(hanipo, "payload")[0]
    assert bytes(ev["payload"]) == raw
    assert ev["payload_len"] == len(raw)
    assert ev["fields"]["incomplete"] == "eof"
    assert "status" not in ev["fields"]
    close = wait_event(hanipo, "close", lambda e: e["session"] == ev["session"])[0]
    assert close["fields"]["reason"] == "eof"


def test_tls_client_hello_on_plain_port(hanipo):
    hello = tls_client_hello()
    assert hello[0] == 0x16 and hello[1] == 0x03
    reclen = struct.unpack(">H", hello[3:5])[0]
    with Conn(hanipo.port) as c:
        c.send(hello)
        r = c.response()
        assert r.status == 400
        assert c.read_until_close()
    ev = wait_event(hanipo, "payload")[0]
    assert ev["fields"]["detected"] == "tls"
    assert ev["fields"]["status"] == 400
    assert bytes(ev["payload"]) == hello[:5 + reclen]
    assert events_where(hanipo, "request") == []


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_s_client_on_plain_port(hanipo):
    p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{hanipo.port}",
                        "-servername", "probe.example"], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=scaled(20))
    assert p.returncode != 0          # the handshake fails: the honeypot answered plain HTTP
    ev = wait_event(hanipo, "payload")[0]
    assert ev["fields"]["detected"] == "tls"
    assert ev["fields"]["status"] == 400
    assert b"probe.example" in bytes(ev["payload"])     # SNI of the real ClientHello


def test_non_utf8_bytes_stored_exactly(hanipo):
    raw = (b"POST /\xff\xfe/\xc3\x28?q=\x80 HTTP/1.1\r\nHost: x\r\nX-Bin: \xc3\x28\xa0\xa1\xfe\r\n"
           b"User-Agent: \xe3\x81\x82\r\nContent-Length: 6\r\n\r\n\xff\x00\xfe\x01\xc0\x80")
    r = request(hanipo.port, raw)
    assert r.status == 200
    ev = event_with_payload(hanipo, raw)
    assert ev["payload_len"] == len(raw)
    assert ev["fields"]["body_len"] == 6
    assert ev["fields"]["user_agent"] == "\u3042"
    assert "\ufffd" in ev["fields"]["uri"]


def test_chunked_body_decoded_for_body_rules(hanipo):
    # "/etc/passwd" only exists in the decoded body: the raw bytes split it across chunks.
    body = b"5\r\n/etc/\r\n6;ext=1\r\npasswd\r\n0\r\nX-Trailer: t\r\n\r\n"
    raw = build_request("POST", "/upload", [("Transfer-Encoding", "chunked")], body)
    assert b"/etc/passwd" not in raw
    r = request(hanipo.port, raw)
    assert r.status == 200 and r.body == RULES[1016].body
    ev = event_with_payload(hanipo, raw)
    assert ev["fields"]["rule"] == 1016
    assert "chunked" in flags(ev)
    assert ev["fields"]["body_len"] == len(b"/etc/passwd")


def test_chunked_pipelined_with_next_request(hanipo):
    body = b"4\r\nwho\x61\r\n3\r\nmi!\r\n0\r\n\r\n"
    first = build_request("POST", "/c", [("Transfer-Encoding", "chunked")], body)
    second = build_request("GET", "/robots.txt")
    with Conn(hanipo.port) as c:
        c.send(first + second)
        assert c.response().body == RULES[1014].body
        assert c.response().body == RULES[1006].body
    assert event_with_payload(hanipo, first)["fields"]["rule"] == 1014


def test_expect_100_continue(hanipo):
    body = b"cmd=whoami"
    head = build_request("POST", "/x", [("Expect", "100-continue"),
                                        ("Content-Length", str(len(body)))], None)
    with Conn(hanipo.port) as c:
        c.send(head)
        deadline = time.monotonic() + scaled(5)
        while b"\r\n\r\n" not in c.buf and time.monotonic() < deadline:
            c._recv(deadline)
        assert c.buf.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), c.buf
        c.buf = c.buf[len(b"HTTP/1.1 100 Continue\r\n\r\n"):]
        c.send(body)
        r = c.response()
    assert r.status == 200 and r.body == RULES[1014].body
    ev = event_with_payload(hanipo, head + body)
    assert "expect_continue" in flags(ev)
    assert ev["fields"]["rule"] == 1014


def test_request_cut_short_mid_body(hanipo):
    head = build_request("POST", "/cut", [("Content-Length", "100")], None)
    sent = head + b"0123456789"
    c = Conn(hanipo.port)
    c.send(sent)
    time.sleep(0.2)
    assert events_where(hanipo, "request") == []
    c.close()
    ev = wait_event(hanipo, "request")[0]
    assert bytes(ev["payload"]) == sent
    assert ev["fields"]["incomplete"] == "eof"
    assert ev["fields"]["uri"] == "/cut"
    assert "status" not in ev["fields"]


def test_150_header_lines(hanipo):
    hdrs = [(f"X-H{i}", f"value-{i}") for i in range(150)]
    raw = build_request("GET", "/robots.txt", hdrs)
    with Conn(hanipo.port) as c:
        c.send(raw)
        r = c.response()
    assert r.status == 200 and r.body == RULES[1006].body
    ev = event_with_payload(hanipo, raw)
    assert "too_many_headers" in flags(ev)
    assert ev["fields"]["headers"] == 100       # parsed up to the cap; the payload has all 151
    assert ev["fields"]["rule"] == 1006


def test_request_split_into_single_bytes(hanipo):
    raw = build_request("GET", "/wp-login.php", [("User-Agent", "slow")])
    with Conn(hanipo.port) as c:
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(raw)):
            c.send(raw[i:i + 1])
            if i % 16 == 0:
                time.sleep(0.002)
        r = c.response()
    assert r.body == RULES[1011].body
    assert event_with_payload(hanipo, raw)["fields"]["rule"] == 1011


def test_blank_lines_before_request(hanipo):
    raw = b"\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    r = request(hanipo.port, raw)
    assert r.body == RULES[1006].body
    assert event_with_payload(hanipo, raw)["fields"]["uri"] == "/robots.txt"


def test_control_bytes_in_request_line_are_400(hanipo):
    raw = b"GET /\x1b[31mred\x00 HTTP/1.1\r\nHost: x\r\n\r\n"
    r = request(hanipo.port, raw)
    assert r.status == 400
    ev = event_with_payload(hanipo, raw)
    assert "binary" in flags(ev)
    assert ev["fields"]["status"] == 400


def test_no_100_continue_for_http10(hanipo):
    head = build_request("POST", "/x", [("Expect", "100-continue"), ("Content-Length", "3")],
                         None, version="HTTP/1.0")
    with Conn(hanipo.port) as c:
        c.send(head)
        with pytest.raises(AssertionError):
            c.response(timeout=0.5)             # nothing may come before the body
        assert c.buf == b""
        c.send(b"a=b")
        r = c.response()
    assert r.status == 200 and r.version == "HTTP/1.0"
