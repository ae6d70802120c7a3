"""test_https.py - the HTTPS sensor: every WOWHoneypot rule answers over TLS exactly as over plain
HTTP, curl -k works, events carry JA3/JA3S/JA4, the certificate (generated or the user's), and
hostile input on the TLS port (plain HTTP, garbage, half-open hellos, oversize) is recorded, never
a crash."""
import os
import re
import socket
import ssl
import subprocess

import pytest

from conftest import (build_request, curl, events_where, request, scaled, wait_port,
                      wait_until)
from test_http_rules import TRIGGERS, full_request
from tls_helpers import client_ctx, raw_exchange, start_tls, tls_config, tls_request

MD5_RE = re.compile(r"^[0-9a-f]{32}$")
JA4_RE = re.compile(r"^t1[0-3][di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$")


@pytest.fixture
def both(make_hanipo):
    return start_tls(make_hanipo)


def test_database_names_the_client(make_hanipo):
    from conftest import ROOT
    h = start_tls(make_hanipo, http=False,
                  extra=f"[fingerprints]\ndatabase = {ROOT / 'data' / 'fingerprints.txt'}\n")
    assert curl("-k", "-o", "/dev/null", f"https://127.0.0.1:{h.tls_port}/").returncode == 0
    hello = wait_until(lambda: events_where(h, "tls_hello"), what="tls_hello")[0]
    assert hello["fields"]["tls_client"] == "curl 7.88 (OpenSSL 3.0)"
    assert hello["fields"]["tls_family"] == "http-client"
    req = wait_until(lambda: events_where(h, "request"), what="request")[0]
    assert req["fields"]["tls_client"] == "curl 7.88 (OpenSSL 3.0)"


def same_answer(a, b):
    """Two responses equal but for the Date header's value."""
    assert (a.version, a.status, a.reason, a.body) == (b.version, b.status, b.reason, b.body)
    strip = lambda r: [(n, v) for n, v in r.headers if n != "Date"]   # noqa: E731
    assert strip(a) == strip(b)
    assert a.names() == b.names()


def test_every_rule_answers_as_plain_http(both):
    h = both
    for rid in sorted(TRIGGERS):
        method, target, extra, body = TRIGGERS[rid]
        extra = [*extra, ("X-Oracle", f"tls{rid}")]
        raw, _ = full_request(h.port, method, target, extra, body)
        head = method == "HEAD"
        plain = request(h.port, raw, head=head)
        tls = tls_request(h.tls_port, raw, head=head)
        same_answer(plain, tls)
    def https_requests():
        rows = events_where(h, "request", lambda e: e["proto"] == "https")
        return rows if len(rows) >= len(TRIGGERS) else None
    reqs = wait_until(https_requests, what="https requests")
    rules = sorted(e["fields"]["rule"] for e in reqs)
    assert rules == sorted(TRIGGERS)


def test_curl_k_answers_and_events_carry_fingerprints(both):
    h = both
    plain = curl("-i", f"http://127.0.0.1:{h.port}/wp-login.php")
    tls = curl("-k", "-i", f"https://127.0.0.1:{h.tls_port}/wp-login.php")
    assert plain.returncode == 0 and tls.returncode == 0, tls.stderr
    strip = lambda out: re.sub(rb"Date: [^\r]*\r\n", b"", out.stdout)   # noqa: E731
    assert strip(plain) == strip(tls)
    assert b"200 OK" in tls.stdout
    hello = wait_until(lambda: events_where(h, "tls_hello"), what="tls_hello")[0]
    f = hello["fields"]
    assert f["ja3"].startswith("771,") and MD5_RE.match(f["ja3_hash"])
    assert f["ja3s"].startswith("771,") and MD5_RE.match(f["ja3s_hash"])
    assert JA4_RE.match(f["ja4"]), f["ja4"]
    assert f["alpn"] == ["h2", "http/1.1"]
    assert 772 in f["versions"] and f["ciphers"] and f["extensions"]
    assert "sni" not in f            # curl sends no SNI for an IP address
    assert hello["payload"][0] == 1  # the raw ClientHello message
    assert hello["src_port"] > 0
    req = wait_until(lambda: events_where(h, "request", lambda e: e["proto"] == "https"),
                     what="https request")[0]
    assert req["session"] == hello["session"]
    assert req["src_port"] == hello["src_port"]
    for k in ("ja3_hash", "ja3s_hash", "ja4"):
        assert req["fields"][k] == f[k]
    assert req["fields"]["rule"] == 1011
    # The connection's SYN fingerprint is on its connect event (issue #3, fp-syn).
    conn = events_where(h, "connect", lambda e: e["session"] == hello["session"])[0]
    assert conn["fields"]["syn_sig"].startswith("4:64:")
    # The plain sensor's request has no fingerprints.
    plain_req = events_where(h, "request", lambda e: e["proto"] == "http")[0]
    assert "ja4" not in plain_req["fields"]
    # access_log has both.
    text = wait_until(lambda: h.access_log.exists() and
                      h.access_log.read_text().count("wp-login.php") >= 2 and
                      h.access_log.read_text())
    assert f"127.0.0.1:{h.tls_port}" in text


def test_https_alone_with_sni_and_keepalive(make_hanipo):
    h = start_tls(make_hanipo, http=False)
    with socket.create_connection(("127.0.0.1", h.tls_port), timeout=scaled(5)) as s:
        with client_ctx().wrap_socket(s, server_hostname="nas.example.net") as t:
            for i in range(3):
                t.sendall(build_request("GET", f"/k{i}", host="nas.example.net"))
                buf = b""
                while b"\r\n\r\n" not in buf or not buf.endswith(b"</html>\n") and \
                        len(buf) < 200:
                    buf += t.recv(65536)
                assert buf.startswith(b"HTTP/1.1 200 OK")
    hello = wait_until(lambda: events_where(h, "tls_hello"), what="tls_hello")[0]
    assert hello["fields"]["sni"] == "nas.example.net"
    reqs = wait_until(lambda: len(events_where(h, "request")) >= 3 and events_where(h, "request"))
    assert {e["session"] for e in reqs} == {hello["session"]}
    assert all(e["fields"]["ja4"] == hello["fields"]["ja4"] for e in reqs)
    # One tls_hello per connection, even with several requests.
    assert len(events_where(h, "tls_hello")) == 1


def test_generated_certificate_looks_real_and_is_kept(make_hanipo):
    h = start_tls(make_hanipo)
    crt = h.store.parent / "https.crt"
    key = h.store.parent / "https.key"
    assert crt.exists() and key.exists()
    assert (key.stat().st_mode & 0o077) == 0
    pem = ssl.get_server_certificate(("127.0.0.1", h.tls_port))
    assert pem.strip() == crt.read_text().strip()
    text = subprocess.run(["openssl", "x509", "-noout", "-text"], input=pem.encode(),
                          capture_output=True).stdout.decode()
    assert "Internet Widgits Pty Ltd" in text
    assert "hanipo" not in text.lower() and "honeypot" not in text.lower()
    assert "sha256WithRSAEncryption" in text and "CA:TRUE" in text
    before = crt.read_bytes()
    h.stop()
    h.start()
    assert wait_port(h.tls_port)
    assert crt.read_bytes() == before        # kept, not remade


def test_user_certificate_and_subject(make_hanipo, tmp_path):
    crt, key = tmp_path / "mine.crt", tmp_path / "mine.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=camera.local/O=Acme",
                    "-days", "30", "-keyout", str(key), "-out", str(crt)], check=True,
                   capture_output=True)
    h = start_tls(make_hanipo, extra=f"[https]\ncert = {crt}\nkey = {key}\n")
    pem = ssl.get_server_certificate(("127.0.0.1", h.tls_port))
    assert pem.strip() == crt.read_text().strip()
    assert not (h.store.parent / "https.crt").exists()
    resp = tls_request(h.tls_port, build_request("GET", "/"))
    assert resp.status == 200


@pytest.mark.parametrize("extra, where", [
    ("[https]\ncert = /nonexistent.crt\n", "key"),
    ("[https]\nsubject = /CN=honeypot.example\n", "hanipo or honeypot"),
    ("[https]\nsubject = CN=x\n", "expected /KEY=VALUE"),
    ("[https]\nprotocols = TLSv1.2 SSLv3\n", "unknown \"SSLv3\""),
    ("[https]\ncert = /nonexistent.crt\nkey = /nonexistent.key\n", "cannot load"),
])
def test_bad_config_names_the_place(make_hanipo, extra, where):
    h = make_hanipo(start=False)
    h.config.write_text(tls_config(h, h.port, http=False, extra=extra))
    r = h.cli("check", check=False)
    assert r.returncode == 2, r
    assert where in r.stderr, r.stderr
    assert re.search(r"hanipo\.conf:\d+|-o|default", r.stderr) or "cannot load" in r.stderr


def test_hostile_input_is_recorded_never_a_crash(both):
    h = both
    # Plain HTTP to the TLS port.
    raw_exchange(h.tls_port, b"GET /plain HTTP/1.1\r\nHost: x\r\n\r\n")
    # Garbage. Its second byte is not 0x03, or OpenSSL would read the first five
    # bytes as a TLS record header and fail on its length instead of its version.
    garbage = os.urandom(512)
    garbage = b"\x00\xff" + garbage[2:]
    raw_exchange(h.tls_port, garbage)
    # A ClientHello record cut short, then the client goes away (half-open).
    raw_exchange(h.tls_port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", timeout=0.5)
    # A record that claims to be a ClientHello but is not one.
    out = raw_exchange(h.tls_port, b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03")
    assert out[:1] == b"\x15"        # an alert
    # An SSLv2-format ClientHello (refused: TLS 1.2 at least), recorded as such.
    v2 = bytes([1, 3, 1, 0, 9, 0, 0, 0, 16, 0, 0, 0x35, 0, 0, 0x2f, 0, 0, 0xff]) + bytes(16)
    raw_exchange(h.tls_port, bytes([0x80, len(v2)]) + v2)
    # More handshake bytes than the cap.
    # (a ClientHello that says it is 64 KiB long, sent in 16 KiB records).
    big = b"\x16\x03\x01\x40\x00" + b"\x01\x01\x00\x00" + b"\x00" * 0x3ffc
    more = b"\x16\x03\x01\x40\x00" + b"\x00" * 0x4000
    raw_exchange(h.tls_port, big + more * 4)
    pays = wait_until(lambda: len(events_where(h, "payload")) >= 5 and
                      events_where(h, "payload"), what="payload events")
    by = {(e["fields"].get("detected"), e["fields"].get("error") or
           e["fields"].get("incomplete")) for e in pays}
    assert ("http", "http request") in by
    assert ("unknown", "wrong version number") in by
    assert any(d == "tls" and why in ("eof", "reset") for d, why in by), by
    assert any(why == "oversize" for d, why in by), by
    assert any(e["fields"].get("sslv2_hello") for e in pays)
    plain = [e for e in pays if e["fields"]["detected"] == "http"][0]
    assert plain["payload"].startswith(b"GET /plain")
    bad = wait_until(lambda: events_where(h, "tls_hello"), what="tls_hello")
    assert bad[0]["fields"].get("malformed") == "client_hello" or "error" in bad[0]["fields"]
    # Still serving.
    assert tls_request(h.tls_port, build_request("GET", "/")).status == 200
    closes = events_where(h, "close", lambda e: e["proto"] == "https")
    assert any(e["fields"]["reason"] == "tls_error" for e in closes)


def test_half_open_handshake_times_out(make_hanipo):
    h = start_tls(make_hanipo, extra="[limits]\nidle_timeout = 1\n")
    with socket.create_connection(("127.0.0.1", h.tls_port), timeout=scaled(10)) as s:
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        assert s.recv(100) == b""          # closed by the idle timer
    ev = wait_until(lambda: events_where(h, "payload"), what="payload")[0]
    assert ev["fields"] == {"detected": "tls", "incomplete": "idle_timeout"}
    close = wait_until(lambda: events_where(h, "close",
                                            lambda e: e["session"] == ev["session"]))[0]
    assert close["fields"]["reason"] == "idle_timeout"


def test_no_shared_cipher_still_records_hello(make_hanipo):
    h = start_tls(make_hanipo, http=False)
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{h.tls_port}",
                        "-tls1_2", "-cipher", "NULL-SHA256:@SECLEVEL=0"],
                       input=b"", capture_output=True, timeout=scaled(20))
    assert r.returncode != 0
    hello = wait_until(lambda: events_where(h, "tls_hello"), what="tls_hello")[0]
    assert hello["fields"]["error"] == "no shared cipher"
    assert hello["fields"]["ja3"].startswith("771,59-255,")
    assert "ja3s" not in hello["fields"]


def test_tls_replies_wait_for_the_store(both):
    """Every connection that got our ServerHello has its tls_hello stored, and every answered
    request its request event (checked right after each exchange, before any wait)."""
    h = both
    for i in range(5):
        resp = tls_request(h.tls_port, build_request("GET", f"/gate{i}"))
        assert resp.status == 200
        with h.db() as con:
            n = con.execute("SELECT count(*) FROM events WHERE kind = 'request' AND "
                            "proto = 'https'").fetchone()[0]
            m = con.execute("SELECT count(*) FROM events WHERE kind = 'tls_hello'").fetchone()[0]
        assert n == i + 1 and m == i + 1


def test_server_hello_only_after_tls_hello_is_stored(both):
    """The handshake's own bytes are gated too: once our ServerHello has arrived (the handshake
    completed), the connection's tls_hello event is already in the store."""
    h = both
    for i in range(5):
        with socket.create_connection(("127.0.0.1", h.tls_port), timeout=scaled(5)) as s:
            with client_ctx().wrap_socket(s, server_hostname=f"g{i}.example") as t:
                port = t.getsockname()[1]
                with h.db() as con:
                    n = con.execute("SELECT count(*) FROM events WHERE kind = 'tls_hello' AND "
                                    "src_port = ?", (port,)).fetchone()[0]
                assert n == 1
