"""test_catchall.py - the catch-all sensor: port lists and ranges (capped, file:line errors),
an optional banner, the first bytes of every connection recorded as a `payload` event with the
protocol they look like, and connections handed to the sensor that speaks it (HTTP, RDP, ELM327)
with every byte intact, or only recorded when that sensor is not configured."""
import random
import socket
import struct
import time

import pytest

from conftest import (build_request, free_port, parse_response, scaled, tls_client_hello,
                      wait_event, wait_port)


def free_range(n):
    """A first port such that first..first+n-1 are all free on 127.0.0.1."""
    for _ in range(200):
        first = random.randint(20000, 60000 - n)
        socks = []
        try:
            for p in range(first, first + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return first
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no free port range")


def make_catchall(make_hanipo, *overrides, n=5):
    first = free_range(n)
    h = make_hanipo(f"catchall.listen=127.0.0.1:{first}-{first + n - 1}", *overrides)
    assert wait_port(first + n - 1)
    return h, first


def talk(port, data, quiet=0.5, timeout=5.0):
    """Sends data, returns what came back until the server closed or was quiet for a while."""
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout)) as s:
        if data:
            s.sendall(data)
        s.settimeout(scaled(quiet))
        out = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except (socket.timeout, ConnectionResetError):
            pass
        return out


def payloads(h, port):
    return wait_event(h, "payload", lambda r: r["proto"] == "catchall" and r["dst_port"] == port)


def test_range_records_first_bytes_with_ports(make_hanipo):
    h, first = make_catchall(make_hanipo)
    for i, port in enumerate(range(first, first + 5)):
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"hello %d\r\n" % i)
            src = s.getsockname()[1]
        row = payloads(h, port)[0]
        assert bytes(row["payload"]) == b"hello %d\r\n" % i
        assert row["fields"]["detected"] == "unknown" and row["fields"]["incomplete"] == "eof"
        assert row["src_port"] == src and row["dst_port"] == port
        assert "handoff" not in row["fields"]


def test_list_and_range_together(make_hanipo):
    single = free_port()
    first = free_range(3)
    h = make_hanipo(f"catchall.listen=127.0.0.1:{single} 127.0.0.1:{first}-{first + 2}")
    for port in (single, first, first + 2):
        assert wait_port(port)
    assert talk(single, b"x") == b""


def test_banner_then_bytes(make_hanipo):
    h, first = make_catchall(make_hanipo, r"catchall.banner=220 mail ESMTP\r\n", n=2)
    with socket.create_connection(("127.0.0.1", first), timeout=scaled(5)) as s:
        assert s.recv(100) == b"220 mail ESMTP\r\n"
        s.sendall(b"EHLO x\r\n")
    row = payloads(h, first)[0]
    assert bytes(row["payload"]) == b"EHLO x\r\n"
    close = wait_event(h, "close", lambda r: r["session"] == row["session"])[0]
    assert close["fields"]["bytes_out"] == 16 and close["fields"]["bytes_in"] == 8


def test_max_bytes_caps_the_record(make_hanipo):
    h, first = make_catchall(make_hanipo, "catchall.max_bytes=1000", n=1)
    data = bytes(random.getrandbits(8) | 0x80 for _ in range(5000))
    with socket.create_connection(("127.0.0.1", first)) as s:
        s.sendall(b"Z" + data)
        time.sleep(0.3)
    row = payloads(h, first)[0]
    assert bytes(row["payload"]) == (b"Z" + data)[:1000]
    close = wait_event(h, "close", lambda r: r["session"] == row["session"])[0]
    assert close["fields"]["bytes_in"] == 5001


@pytest.mark.parametrize("data,name", [
    (tls_client_hello(), "tls"),
    (b"SSH-2.0-Go\r\n", "ssh"),
    (b"*1\r\n$4\r\nINFO\r\n", "redis"),
    (b"\x00\x00\x00\x2f\xffSMBr\x00\x00\x00\x00", "smb"),
    (b"CNXN\x00\x00\x00\x01\x00\x10\x00\x00", "adb"),
    (b"\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00", "rdp"),    # no [rdp] section
])
def test_protocols_recognised_without_their_sensor(make_hanipo, data, name):
    h, first = make_catchall(make_hanipo, n=1)
    assert talk(first, data) == b""        # recorded only: nobody answers
    row = payloads(h, first)[0]
    assert row["fields"]["detected"] == name and "handoff" not in row["fields"]
    assert bytes(row["payload"]) == data


def test_http_handed_to_http_sensor(make_hanipo):
    h, first = make_catchall(make_hanipo, n=2)
    req = build_request("GET", "/catchall-test", headers=[("User-Agent", "zgrab/0.x")])
    out = talk(first + 1, req)
    resp, _ = parse_response(out)
    assert resp.status == 200 and resp.header("Server") == "Apache"
    p = payloads(h, first + 1)[0]
    assert p["fields"] == {"detected": "http", "handoff": "http"}
    reqs = wait_event(h, "request", lambda r: r["session"] == p["session"])
    assert reqs[0]["proto"] == "http" and reqs[0]["fields"]["uri"] == "/catchall-test"
    assert reqs[0]["dst_port"] == first + 1 and bytes(reqs[0]["payload"]) == req
    close = wait_event(h, "close", lambda r: r["session"] == p["session"])[0]
    assert close["proto"] == "http" and close["fields"]["bytes_in"] == len(req)
    # The connect event is the catch-all's; there is only one per session.
    connects = [r for r in h.events("connect") if r["session"] == p["session"]]
    assert len(connects) == 1 and connects[0]["proto"] == "catchall"


def test_http_split_across_segments_still_handed_off(make_hanipo):
    h, first = make_catchall(make_hanipo, n=1)
    req = build_request("GET", "/slow")
    with socket.create_connection(("127.0.0.1", first), timeout=scaled(5)) as s:
        s.sendall(req[:2])              # "GE": could still be many things
        time.sleep(0.3)
        s.sendall(req[2:])
        out = b""
        while parse_response(out) is None:
            b = s.recv(4096)
            assert b
            out += b
    assert parse_response(out)[0].status == 200
    r = wait_event(h, "request", lambda r: r["dst_port"] == first)[0]
    assert bytes(r["payload"]) == req


def test_rdp_and_elm327_handed_off(make_hanipo):
    rport, eport = free_port(), free_port()
    h, first = make_catchall(make_hanipo, f"rdp.listen=127.0.0.1:{rport}",
                             f"elm327.listen=127.0.0.1:{eport}", n=2)
    probe = (b"\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nmap\r\n"
             b"\x01\x00\x08\x00\x03\x00\x00\x00")
    assert talk(first, probe) == bytes.fromhex("030000130ed00000123400021f080002000000")
    rq = wait_event(h, "request", lambda r: r["proto"] == "rdp")[0]
    assert rq["dst_port"] == first and rq["fields"]["cookie"] == "nmap"
    assert talk(first + 1, b"ATI\r") == b"ATI\rELM327 v1.5\r\r>"
    cmd = wait_event(h, "command", lambda r: r["proto"] == "elm327")[0]
    assert cmd["dst_port"] == first + 1


def test_ports_of_other_sensors_left_to_them(make_hanipo):
    first = free_range(3)
    rport = first + 1
    h = make_hanipo(f"rdp.listen=127.0.0.1:{rport}",
                    f"catchall.listen=127.0.0.1:{first}-{first + 2}")
    assert wait_port(first + 2)
    assert talk(rport, b"\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00")[5:6] == b"\xd0"
    row = wait_event(h, "request", lambda r: r["dst_port"] == rport)[0]
    assert row["proto"] == "rdp"
    assert "left to other sensors" in h.log()


@pytest.mark.parametrize("spec,why", [
    ("127.0.0.1:1000-3000", "more than 1024 ports"),
    ("127.0.0.1:2000-1000", "first-last"),
    ("127.0.0.1:0-10", "first-last"),
    ("127.0.0.1:10-70000", "first-last"),
    ("127.0.0.1:10-", "first-last"),
    ("127.0.0.1:1-600 127.0.0.1:2001-2600", "more than 1024 ports"),
])
def test_bad_ranges_rejected_with_file_line(make_hanipo, spec, why):
    h = make_hanipo(start=False)
    with open(h.config, "a") as f:
        f.write(f"[catchall]\nlisten = {spec}\n")
    r = h.cli("check", check=False)
    assert r.returncode == 2, r.stdout
    assert f"{h.config}:" in r.stderr and "[catchall] listen" in r.stderr and why in r.stderr


def test_range_only_for_catchall(make_hanipo):
    h = make_hanipo("http.listen=127.0.0.1:1000-1010", start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2 and "[http] listen" in r.stderr


def test_catchall_needs_listen_and_good_banner(make_hanipo):
    h = make_hanipo("catchall.max_bytes=100", start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2 and "[catchall] listen: no address" in r.stderr
    h = make_hanipo("catchall.listen=127.0.0.1:1", r"catchall.banner=\q", start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2 and "banner" in r.stderr
    h = make_hanipo("catchall.listen=127.0.0.1:1", "catchall.max_bytes=1m", start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2 and "max_bytes" in r.stderr


def test_idle_timeout_records_what_came(make_hanipo):
    h, first = make_catchall(make_hanipo, "limits.idle_timeout=1", n=1)
    with socket.create_connection(("127.0.0.1", first), timeout=scaled(10)) as s:
        s.sendall(b"\x01\x02partial")
        assert s.recv(10) == b""       # closed at the idle timeout
    row = payloads(h, first)[0]
    assert row["fields"]["incomplete"] == "idle_timeout"
    assert bytes(row["payload"]) == b"\x01\x02partial"
