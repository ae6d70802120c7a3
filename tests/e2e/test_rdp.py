"""test_rdp.py - the RDP sensor against real clients: nmap's and mstsc-like X.224 Connection
Requests (cookie, routing token, RDP_NEG_REQ flags, correlation info) get the Connection Confirm a
Windows server with NLA sends, every request is recorded with its exact bytes, a malformed TPKT is
recorded and the connection closed without a byte, and `nmap -sV` names Microsoft Terminal
Services."""
import shutil
import socket
import struct
import subprocess

import pytest

from conftest import free_port, scaled, tls_client_hello, wait_event, wait_port

NMAP_PROBE = (b"\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nmap\r\n"
              b"\x01\x00\x08\x00\x03\x00\x00\x00")
WIN10_HYBRID = b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00"


def cr(var=b"", neg=None, flags=0, corr=None):
    """An X.224 Connection Request: variable part var, then RDP_NEG_REQ when neg is not None."""
    body = b"\xe0\x00\x00\x00\x00\x00" + var
    if neg is not None:
        body += struct.pack("<BBHI", 1, flags, 8, neg)
    if corr is not None:
        body += b"\x06\x00\x24\x00" + corr + bytes(16)
    x224 = bytes([len(body)]) + body
    return struct.pack(">BBH", 3, 0, 4 + len(x224)) + x224


def make_rdp(make_hanipo, *overrides):
    port = free_port()
    h = make_hanipo(f"rdp.listen=127.0.0.1:{port}", *overrides)
    assert wait_port(port)
    return h, port


def exchange(port, data, timeout=3.0):
    """Sends data, returns (bytes received until the server closed or went quiet, closed?)."""
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout)) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    return out, True
                out += b
                if len(out) >= 11 and out[:2] == b"\x03\x00" and len(out) >= out[3]:
                    s.settimeout(scaled(0.5))     # a whole PDU: closed right after it?
        except socket.timeout:
            return out, False
        except ConnectionResetError:
            return out, True


def request_event(h, raw):
    rows = wait_event(h, "request", lambda r: r["proto"] == "rdp" and bytes(r["payload"]) == raw)
    assert len(rows) == 1
    return rows[0]


def test_nmap_cookie_probe_gets_windows_confirm(make_hanipo):
    h, port = make_rdp(make_hanipo)
    out, _ = exchange(port, NMAP_PROBE)
    assert out == WIN10_HYBRID
    ev = request_event(h, NMAP_PROBE)
    f = ev["fields"]
    assert f["cookie"] == "nmap"
    assert f["requested_protocols"] == 3 and f["requested"] == ["ssl", "hybrid"]
    assert f["selected"] == "hybrid"
    assert ev["dst_port"] == port and ev["src_port"] > 0


def test_routing_token_hybrid_ex_and_correlation(make_hanipo):
    h, port = make_rdp(make_hanipo)
    corr = bytes(range(1, 17))
    data = cr(b"Cookie: msts=3640205228.15629.0000\r\n", neg=0x0b, flags=0x08, corr=corr)
    out, _ = exchange(port, data)
    assert out[:11] == WIN10_HYBRID[:11]
    assert out[11] == 2 and struct.unpack("<I", out[15:19])[0] == 8     # HYBRID_EX
    f = request_event(h, data)["fields"]
    assert f["routing_token"] == "Cookie: msts=3640205228.15629.0000"
    assert "cookie" not in f
    assert f["requested"] == ["ssl", "hybrid", "hybrid_ex"] and f["neg_flags"] == 8
    assert f["correlation_id"] == corr.hex()
    assert f["selected"] == "hybrid_ex"


def test_standard_rdp_only_gets_negotiation_failure_and_close(make_hanipo):
    h, port = make_rdp(make_hanipo)
    data = cr(b"Cookie: mstshash=Administr\r\n", neg=0)
    out, closed = exchange(port, data)
    assert out == b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x05\x00\x00\x00"
    assert closed
    f = request_event(h, data)["fields"]
    assert f["cookie"] == "Administr" and f["failure"] == 5 and f["requested"] == ["rdp"]


def test_legacy_request_without_negotiation(make_hanipo):
    h, port = make_rdp(make_hanipo)
    data = b"\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00"
    out, _ = exchange(port, data, timeout=1.0)
    assert out == b"\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00"
    assert request_event(h, data)["fields"]["selected"] == "rdp"


@pytest.mark.parametrize("security,want", [("tls", 1), ("rdp", 0)])
def test_security_key(make_hanipo, security, want):
    h, port = make_rdp(make_hanipo, f"rdp.security={security}")
    out, _ = exchange(port, NMAP_PROBE)
    assert out[11] == 2 and struct.unpack("<I", out[15:19])[0] == want


def test_bytes_after_confirm_recorded_then_closed(make_hanipo):
    h, port = make_rdp(make_hanipo)
    hello = tls_client_hello()
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(5)) as s:
        s.sendall(NMAP_PROBE)
        got = b""
        while len(got) < 19:
            got += s.recv(64)
        s.sendall(hello)
        assert s.recv(64) == b""            # closed without answering the ClientHello
    rows = wait_event(h, "payload", lambda r: r["proto"] == "rdp")
    assert rows[0]["fields"]["detected"] == "tls" and bytes(rows[0]["payload"]) == hello


@pytest.mark.parametrize("data,why", [
    (b"GET / HTTP/1.0\r\n\r\n", "not_tpkt"),
    (b"\x03\x00\x00\x0b\x07\xe0\x00\x00\x00\x00\x00", "length_mismatch"),
    (b"\x03\x00\x00\x0b\x06\xf0\x00\x00\x00\x00\x00", "not_cr"),
    (b"\x03\x00\x00\x05\x00", "short"),
    (b"\x03\x00\xff\xff\xfa\xe0", "oversize"),
    (cr(b"Cookie: mstshash=nmap"), "cookie_unterminated"),
    (cr(neg=3)[:-7] + b"\x01\x00\x09\x00\x03\x00\x00", "bad_neg_req"),
])
def test_malformed_tpkt_recorded_and_closed_silently(make_hanipo, data, why):
    h, port = make_rdp(make_hanipo)
    if why == "bad_neg_req":
        data = cr(b"", neg=3)
        data = data[:13] + b"\x09" + data[14:]
    out, closed = exchange(port, data)
    assert out == b"" and closed
    rows = wait_event(h, "payload", lambda r: r["proto"] == "rdp")
    assert rows[0]["fields"]["error"] == why
    assert bytes(rows[0]["payload"]) == data
    sid = rows[0]["session"]
    closes = wait_event(h, "close", lambda r: r["session"] == sid)
    assert closes[0]["fields"]["reason"] == "malformed"


def test_cut_request_recorded_on_eof(make_hanipo):
    h, port = make_rdp(make_hanipo)
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(NMAP_PROBE[:20])
    rows = wait_event(h, "payload", lambda r: r["proto"] == "rdp")
    assert rows[0]["fields"]["incomplete"] == "eof"
    assert bytes(rows[0]["payload"]) == NMAP_PROBE[:20]


def test_check_rejects_bad_security(make_hanipo):
    h = make_hanipo("rdp.security=none", start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2 and "security" in r.stderr


@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap missing")
def test_nmap_sv_names_terminal_services(make_hanipo):
    h, port = make_rdp(make_hanipo)
    r = subprocess.run(["nmap", "-sV", "-Pn", "-n", "-p", str(port), "127.0.0.1"],
                       capture_output=True, text=True, timeout=scaled(300))
    line = [ln for ln in r.stdout.splitlines() if ln.startswith(f"{port}/tcp")]
    assert line, r.stdout
    assert "ms-wbt-server" in line[0] and "Microsoft Terminal Service" in line[0], r.stdout
    assert "honeypot" not in r.stdout.lower() and "tcpwrapped" not in line[0]
    # nmap's TerminalServerCookie probe is among what was recorded.
    wait_event(h, "request", lambda r: r["proto"] == "rdp" and r["fields"].get("cookie") == "nmap")
