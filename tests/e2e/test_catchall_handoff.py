"""test_catchall_handoff.py - the catch-all hands TLS to the HTTPS sensor and SSH to the SSH
sensor: since it only peeks at the socket, the sensor sees the stream from its first byte, so
curl -k gets the HTTP sensor's answer through TLS (fingerprinted) and paramiko talks to the SSH
sensor, on a catch-all port."""
import sys

import pytest

from conftest import curl, free_port, wait_event
from test_catchall import make_catchall, payloads

sys.path.insert(0, "/usr/lib/python3/dist-packages")    # Debian's paramiko
paramiko = pytest.importorskip("paramiko")


def test_tls_handed_to_https_sensor(make_hanipo):
    h, first = make_catchall(make_hanipo, f"https.listen=127.0.0.1:{free_port()}", n=1)
    r = curl("-k", "-i", f"https://127.0.0.1:{first}/catchall-tls")
    assert r.returncode == 0, r.stderr
    head = r.stdout.split(b"\r\n\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 200") and b"\r\nServer: Apache" in head
    p = payloads(h, first)[0]
    assert p["fields"] == {"detected": "tls", "handoff": "https"}
    hello = wait_event(h, "tls_hello", lambda e: e["session"] == p["session"])[0]
    assert hello["proto"] == "https" and hello["fields"]["ja4"].startswith("t1")
    req = wait_event(h, "request", lambda e: e["session"] == p["session"])[0]
    assert req["proto"] == "https" and req["fields"]["uri"] == "/catchall-tls"
    assert req["fields"]["ja4"] == hello["fields"]["ja4"] and req["dst_port"] == first


def test_tls_recorded_only_without_https_sensor(make_hanipo):
    h, first = make_catchall(make_hanipo, n=1)
    r = curl("-k", f"https://127.0.0.1:{first}/", timeout=3)
    assert r.returncode != 0
    p = payloads(h, first)[0]
    assert p["fields"]["detected"] == "tls" and "handoff" not in p["fields"]


def test_ssh_handed_to_ssh_sensor(make_hanipo):
    h, first = make_catchall(make_hanipo, f"ssh.listen=127.0.0.1:{free_port()}", n=1)
    t = paramiko.Transport(("127.0.0.1", first))
    t.banner_timeout = 20
    t.start_client(timeout=20)
    assert t.remote_version.startswith("SSH-2.0-OpenSSH_")
    with pytest.raises(paramiko.AuthenticationException):
        t.auth_password("admin", "catchall-pw")
    t.close()
    p = payloads(h, first)[0]
    assert p["fields"] == {"detected": "ssh", "handoff": "ssh"}
    login = wait_event(h, "login", lambda e: e["session"] == p["session"])[0]
    assert login["proto"] == "ssh" and login["fields"]["password"] == "catchall-pw"
    assert login["dst_port"] == first
