"""test_http_caps.py - every cap and timeout, made small with -o: header and body sizes, idle and
total timeouts, connection caps (global and per source), and `hanipo check` refusing values above
the hard caps. One slow source never stops the others."""
import socket
import threading
import time

import pytest

from conftest import (Conn, build_request, curl, event_with_payload, events_where, load_rules,
                      request, scaled, wait_event, wait_until)

RULES = load_rules()


def open_sessions(h, ip="127.0.0.1"):
    """Sessions from ip that have a connect event and no close event yet."""
    opened = {e["session"] for e in events_where(h, "connect") if e["src_ip"] == ip}
    closed = {e["session"] for e in events_where(h, "close") if e["src_ip"] == ip}
    return len(opened - closed)


def wait_probe_closed(h):
    """Start-up's readiness probe (a connect without data) must be gone before counting."""
    wait_event(h, "close")
    wait_until(lambda: len(events_where(h, "connect")) == len(events_where(h, "close")),
               what="all sessions closed")


def answered(port, source=None, timeout=2.0):
    """Whether a new connection (from source) gets an HTTP answer; False on reset/close/timeout."""
    try:
        with Conn(port, timeout=timeout, source=source) as c:
            c.send(build_request("GET", "/robots.txt"))
            c.response(timeout=timeout)
            return True
    except (AssertionError, ConnectionError, socket.timeout, OSError):
        return False


def test_max_header_bytes(make_hanipo):
    h = make_hanipo("http.max_header_bytes=1024")
    raw = build_request("GET", "/big", [("X-Pad", "a" * 2048)])
    with Conn(h.port) as c:
        c.send(raw)
        r = c.response()
        assert r.status == 400
        assert r.header("Connection") == "close"
        assert c.read_until_close(timeout=3)
    ev = wait_event(h, "payload")[0]
    assert ev["fields"]["incomplete"] == "oversize"
    payload = bytes(ev["payload"])
    assert 0 < len(payload) <= 1024
    assert raw.startswith(payload)
    assert events_where(h, "request") == []


def test_header_under_cap_still_fine(make_hanipo):
    h = make_hanipo("http.max_header_bytes=1024")
    raw = build_request("GET", "/robots.txt", [("X-Pad", "a" * 700)])
    assert request(h.port, raw).body == RULES[1006].body


def test_max_body_bytes(make_hanipo):
    h = make_hanipo("http.max_body_bytes=1024")
    body = bytes((i % 251) + 1 for i in range(10240))
    raw = build_request("POST", "/login", [], body)
    head_len = raw.index(b"\r\n\r\n") + 4
    with Conn(h.port) as c:
        c.send(raw)
        r = c.response()
        assert r.status == 200 and r.body == RULES[1002].body
        assert r.header("Connection") == "close"
        assert c.read_until_close(timeout=3)
    ev = wait_event(h, "request")[0]
    assert ev["fields"]["truncated"] is True
    assert ev["fields"]["body_len"] == 1024
    assert ev["fields"]["rule"] == 1002
    payload = bytes(ev["payload"])
    assert len(payload) <= head_len + 1024
    assert raw.startswith(payload)
    assert ev["payload_len"] == len(raw)


def test_idle_timeout(make_hanipo):
    h = make_hanipo("limits.idle_timeout=1")
    wait_probe_closed(h)
    with Conn(h.port) as c:
        t0 = time.monotonic()
        assert c.read_until_close(timeout=5), "idle connection not closed"
        took = time.monotonic() - t0
    assert 0.5 <= took <= scaled(5)
    ev = wait_event(h, "close", lambda e: e["fields"]["reason"] == "idle_timeout")[0]
    assert ev["fields"]["bytes_in"] == 0


def test_idle_timeout_records_partial_request(make_hanipo):
    h = make_hanipo("limits.idle_timeout=1")
    part = b"GET /half HTTP/1.1\r\nHost: x\r\n"
    with Conn(h.port) as c:
        c.send(part)
        assert c.read_until_close(timeout=5)
    ev = wait_event(h, "payload")[0]
    assert bytes(ev["payload"]) == part
    assert ev["fields"]["incomplete"] == "idle_timeout"


def test_total_timeout_against_trickle(make_hanipo):
    h = make_hanipo("limits.total_timeout=2")
    wait_probe_closed(h)
    msg = b"GET /slowloris HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 200
    sent = b""
    closed = False
    with Conn(h.port) as c:
        t0 = time.monotonic()
        for byte in msg:           # one byte every 0.3 s: never idle, never complete
            try:
                c.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            sent += bytes([byte])
            if c.read_until_close(timeout=0.3):
                closed = True
                break
        took = time.monotonic() - t0
    assert closed, "the trickling client was never cut off"
    assert 1.5 <= took <= scaled(5), took
    ev = wait_event(h, "close", lambda e: e["fields"]["reason"] == "total_timeout")[0]
    rec = wait_event(h, "payload", lambda e: e["session"] == ev["session"])[0]
    assert rec["fields"]["incomplete"] == "total_timeout"
    payload = bytes(rec["payload"])
    assert payload and sent.startswith(payload)


def hold(port, n, source=None):
    conns = [Conn(port, source=source) for _ in range(n)]
    for c in conns:
        c.send(b"GET /held HTTP/1.1\r\n")       # an unfinished head: the session stays open
    return conns


def test_max_connections_per_source(make_hanipo):
    h = make_hanipo("limits.max_connections_per_source=5")
    wait_probe_closed(h)
    conns = hold(h.port, 5)
    try:
        wait_event(h, "connect", count=6)
        # The 6th is closed at once (reset), without an answer.
        assert not answered(h.port)
        assert len(events_where(h, "connect")) == 6
        # Another source is not affected.
        assert answered(h.port, source="127.0.0.2")
        # One closes; a new one from the same source is served.
        assert open_sessions(h) == 5
        conns.pop().close()
        wait_until(lambda: open_sessions(h) == 4, what="held connection closed")
        assert answered(h.port)
    finally:
        for c in conns:
            c.close()


def test_max_connections_global(make_hanipo):
    h = make_hanipo("limits.max_connections=8")
    wait_probe_closed(h)
    conns = hold(h.port, 8)
    extra = None
    try:
        wait_event(h, "connect", count=9)
        # At the cap accepting pauses: the 9th waits unanswered.
        extra = Conn(h.port, timeout=5)
        extra.send(build_request("GET", "/robots.txt"))
        with pytest.raises(AssertionError):
            extra.response(timeout=0.7)
        assert len(events_where(h, "connect")) == 9
        # One held connection goes away: the waiting one is accepted and answered.
        conns.pop().close()
        r = extra.response(timeout=5)
        assert r.body == RULES[1006].body
    finally:
        for c in conns:
            c.close()
        if extra:
            extra.close()


def test_one_slow_source_never_stops_others(make_hanipo):
    h = make_hanipo("limits.max_connections_per_source=5")
    wait_probe_closed(h)
    stop = threading.Event()
    slow = hold(h.port, 5, source="127.0.0.2")

    def trickle():
        while not stop.is_set():
            for c in slow:
                try:
                    c.send(b"a")
                except OSError:
                    pass
            stop.wait(0.3)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        wait_event(h, "connect", count=6)
        assert not answered(h.port, source="127.0.0.2")      # the slow source is at its cap
        t0 = time.monotonic()
        p = curl("-i", f"http://127.0.0.1:{h.port}/robots.txt", timeout=5)
        took = time.monotonic() - t0
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith(b"HTTP/1.1 200")
        assert p.stdout.endswith(RULES[1006].body)
        assert took <= scaled(2), took
    finally:
        stop.set()
        t.join()
        for c in slow:
            c.close()


@pytest.mark.parametrize("override,key", [
    ("http.max_body_bytes=100m", "max_body_bytes"),
    ("http.max_header_bytes=1m", "max_header_bytes"),
    ("http.max_header_bytes=100", "max_header_bytes"),
    ("http.max_requests=0", "max_requests"),
    ("limits.idle_timeout=0", "idle_timeout"),
    ("limits.idle_timeout=3601", "idle_timeout"),
    ("limits.total_timeout=99999", "total_timeout"),
    ("limits.max_connections=70000", "max_connections"),
    ("limits.max_connections_per_source=0", "max_connections_per_source"),
    ("store.max_payload=2m", "max_payload"),
])
def test_check_rejects_values_past_hard_caps(make_hanipo, override, key):
    h = make_hanipo(override, start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2, r.stdout + r.stderr
    assert key in r.stderr
    assert "OK" not in r.stdout


def test_check_accepts_values_at_hard_caps(make_hanipo):
    h = make_hanipo("http.max_body_bytes=1m", "http.max_header_bytes=64k",
                    "limits.idle_timeout=3600", "limits.max_connections=65536", start=False)
    r = h.cli("check")
    assert "configuration OK" in r.stdout


def test_max_requests_per_connection(make_hanipo):
    h = make_hanipo("http.max_requests=2")
    with Conn(h.port) as c:
        c.send(build_request("GET", "/robots.txt") * 3)
        r1, r2 = c.response(), c.response()
        assert r1.header("Connection") is None
        assert r2.header("Connection") == "close"
        assert c.read_until_close(timeout=3)
        assert c.buf == b""


def test_header_cap_boundary(make_hanipo):
    h = make_hanipo("http.max_header_bytes=1024")
    pad = 1024 - len(build_request("GET", "/b", [("X-Pad", "")]))
    exact = build_request("GET", "/b", [("X-Pad", "a" * pad)])
    assert len(exact) == 1024
    assert request(h.port, exact).status == 200
    over = build_request("GET", "/b", [("X-Pad", "a" * (pad + 1))])
    assert request(h.port, over).status == 400


def test_body_at_cap_is_not_truncated(make_hanipo):
    h = make_hanipo("http.max_body_bytes=1024")
    raw = build_request("POST", "/login", body="a" * 1024)
    with Conn(h.port) as c:
        c.send(raw)
        r = c.response()
        assert r.header("Connection") is None        # kept alive: nothing was cut
        c.send(build_request("GET", "/robots.txt"))
        assert c.response().body == RULES[1006].body
    ev = wait_event(h, "request")[0]
    assert "truncated" not in ev["fields"]
    assert ev["fields"]["body_len"] == 1024
    assert bytes(ev["payload"]) == raw


def test_chunked_body_over_cap_is_marked_truncated(make_hanipo):
    h = make_hanipo("http.max_body_bytes=1024")
    data = b"b" * 10000
    raw = build_request("POST", "/chunk", [("Transfer-Encoding", "chunked")],
                        b"%x\r\n" % len(data) + data + b"\r\n0\r\n\r\n")
    with Conn(h.port) as c:
        c.send(raw)
        assert c.response().status == 200
    ev = wait_event(h, "request")[0]
    assert ev["fields"]["body_len"] == 1024
    assert ev["fields"].get("truncated") is True
    head_len = raw.index(b"\r\n\r\n") + 4
    assert len(bytes(ev["payload"])) <= head_len + 1024 + 64      # cap plus chunk framing


def test_bad_content_length_answered_and_closed(hanipo):
    for cl in (b"abc", b"-1", b"5, 6", b"99999999999999999999999"):
        raw = b"POST /bcl HTTP/1.1\r\nHost: x\r\nContent-Length: " + cl + b"\r\n\r\n"
        with Conn(hanipo.port) as c:
            c.send(raw)
            r = c.response()
            assert r.status == 200 and r.header("Connection") == "close"
            assert c.read_until_close(timeout=3)
        ev = event_with_payload(hanipo, raw)
        assert "bad_length" in ev["fields"]["flags"]


def test_keepalive_off_closes_every_connection(make_hanipo):
    h = make_hanipo("http.keepalive=false")
    with Conn(h.port) as c:
        c.send(build_request("GET", "/robots.txt") * 2)
        r = c.response()
        assert r.header("Connection") == "close"
        assert c.read_until_close(timeout=3)
        assert c.buf == b""


def test_idle_after_answer_records_nothing_more(make_hanipo):
    h = make_hanipo("limits.idle_timeout=1")
    with Conn(h.port) as c:
        c.send(build_request("GET", "/robots.txt"))
        c.response()
        assert c.read_until_close(timeout=5)
    ev = wait_event(h, "close", lambda e: e["fields"]["reason"] == "idle_timeout")[0]
    assert events_where(h, "payload") == []
    assert [e["session"] for e in events_where(h, "request")] == [ev["session"]]
    assert "incomplete" not in events_where(h, "request")[0]["fields"]
