"""tls_helpers.py - an hanipo with [http] and [https] (or [https] alone), and TLS clients for it."""
import socket
import ssl
import time

from conftest import ART, free_port, parse_response, scaled, wait_port


def tls_config(h, https_port, http=True, extra=""):
    """Config text for h with an [https] sensor on https_port (and [http] on h.port if http)."""
    text = (
        "[sensor]\nname = test-sensor\n"
        f"[store]\npath = {h.store}\n"
        f"[log]\naccess_log = {h.access_log}\nhunting_log = {h.hunting_log}\n"
        "timezone = +0900\n"
        f"[https]\nlisten = 127.0.0.1:{https_port}\n"
    )
    if http:
        text += f"[http]\nlisten = 127.0.0.1:{h.port}\nrules = {ART}\n"
    else:
        text += f"rules = {ART}\n"
    return text + extra


def start_tls(make_hanipo, http=True, extra="", overrides=()):
    """Starts hanipo with [https] (port in h.tls_port) and, if http, [http] (h.port)."""
    h = make_hanipo(*overrides, start=False)
    h.tls_port = free_port()
    h.config.write_text(tls_config(h, h.tls_port, http, extra))
    if not http:
        h.port = h.tls_port       # the fixture waits for h.port
    h.start()
    assert wait_port(h.tls_port)
    return h


def client_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def tls_request(port, raw, head=False, timeout=5.0, sni="www.example.com"):
    """One request over TLS on a new connection: its parsed Response."""
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout)) as s:
        with client_ctx().wrap_socket(s, server_hostname=sni) as t:
            t.sendall(raw)
            buf = b""
            deadline = time.monotonic() + scaled(timeout)
            while time.monotonic() < deadline:
                r = parse_response(buf, head=head)
                if r is not None:
                    return r[0]
                b = t.recv(65536)
                if not b:
                    break
                buf += b
            r = parse_response(buf, head=head)
            assert r is not None, f"no full response over TLS: {buf!r}"
            return r[0]


def raw_exchange(port, data, timeout=3.0):
    """Sends raw bytes, returns what came back until the server closed or timeout."""
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout)) as s:
        s.sendall(data)
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

