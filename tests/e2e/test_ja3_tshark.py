"""test_ja3_tshark.py - live clients as an oracle: curl, openssl s_client with several cipher,
group, version and ALPN choices, Python's ssl and wget talk to the HTTPS sensor while Debian's
tshark captures the loopback traffic; for every connection the sensor's JA3 string must equal
tshark's tls.handshake.ja3_full (and its JA3S our ServerHello's tls.handshake.ja3s_full)."""
import shutil
import signal
import ssl
import subprocess
import socket
import time

import pytest

from conftest import build_request, events_where, scaled, wait_until
from tls_helpers import start_tls

pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed")

S_CLIENT_CHOICES = [
    [],
    ["-tls1_2"],
    ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"],
    ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"],
    ["-groups", "P-384:X25519"],
    ["-curves", "P-256", "-alpn", "h2,http/1.1"],
    ["-alpn", "http/1.1", "-servername", "router.example.net"],
    ["-no_tls1_3", "-sigalgs", "RSA+SHA256:ECDSA+SHA256"],
    ["-tls1_2", "-no_ticket", "-servername", "a.example"],
]


class Capture:
    """tshark writing the loopback traffic of one port to a file."""

    def __init__(self, port, path):
        self.path = path
        self.proc = subprocess.Popen(
            ["tshark", "-q", "-i", "lo", "-f", f"tcp port {port}", "-w", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + scaled(30)
        seen = b""
        while b"Capturing on" not in seen:
            line = self.proc.stderr.readline()
            if not line or time.monotonic() > deadline:
                raise AssertionError(f"tshark did not start: {seen!r}")
            seen += line
        time.sleep(0.3)

    def stop(self):
        time.sleep(0.5)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=scaled(30))

    def fields(self, filt, *names):
        out = subprocess.run(["tshark", "-r", str(self.path), "-Y", filt, "-T", "fields",
                              "-E", "separator=\t", *[a for n in names for a in ("-e", n)]],
                             capture_output=True, text=True, timeout=scaled(60)).stdout
        return [ln.split("\t") for ln in out.splitlines() if ln.strip()]


def run_clients(port):
    """Every client once; returns how many connections were made."""
    n = 0
    r = subprocess.run(["curl", "-sk", "-o", "/dev/null", f"https://127.0.0.1:{port}/curl"],
                       timeout=scaled(20))
    assert r.returncode == 0
    n += 1
    for choice in S_CLIENT_CHOICES:
        r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-quiet",
                            *choice], input=b"GET /s_client HTTP/1.0\r\n\r\n",
                           capture_output=True, timeout=scaled(20))
        assert b"HTTP/1.0 200 OK" in r.stdout, (choice, r.stderr)
        n += 1
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(10)) as s:
        with ctx.wrap_socket(s, server_hostname="python.example") as t:
            t.sendall(build_request("GET", "/python", version="HTTP/1.0"))
            assert t.recv(100).startswith(b"HTTP/1.0 200")
    n += 1
    r = subprocess.run(["wget", "-q", "-O", "/dev/null", "--no-check-certificate",
                        f"https://127.0.0.1:{port}/wget"], timeout=scaled(20))
    assert r.returncode == 0
    n += 1
    return n


def test_live_clients_ja3_equals_tshark(make_hanipo, tmp_path):
    h = start_tls(make_hanipo, http=False)
    cap = Capture(h.tls_port, tmp_path / "lo.pcapng")
    try:
        n = run_clients(h.tls_port)
    finally:
        cap.stop()
    hellos = wait_until(lambda: len(events_where(h, "tls_hello")) >= n and
                        events_where(h, "tls_hello"), what="tls_hello events")
    ours = {e["src_port"]: e["fields"] for e in hellos}
    client = {int(p): (full, md5) for p, full, md5 in
              cap.fields("tls.handshake.type == 1", "tcp.srcport", "tls.handshake.ja3_full",
                         "tls.handshake.ja3")}
    server = {int(p): (full, md5) for p, full, md5 in
              cap.fields("tls.handshake.type == 2", "tcp.dstport", "tls.handshake.ja3s_full",
                         "tls.handshake.ja3s")}
    assert len(client) == n, (len(client), n)
    assert set(client) == set(ours)
    distinct = set()
    for port, (full, md5) in client.items():
        f = ours[port]
        assert f["ja3"] == full, port
        assert f["ja3_hash"] == md5
        sfull, smd5 = server[port]
        assert f["ja3s"] == sfull and f["ja3s_hash"] == smd5
        distinct.add(full)
    # The client choices above make different hellos.
    assert len(distinct) >= 8, distinct
    reqs = events_where(h, "request")
    assert len(reqs) == n
    assert all(r["fields"]["ja3_hash"] == ours[r["src_port"]]["ja3_hash"] for r in reqs)
