"""abuse_servers.py - local stand-ins for the registries: an RDAP HTTP server serving the real
answers in ../shared/data/rdap, a whois server (RFC 3912) answering from a table, and an SMTP
server (aiosmtpd) keeping what arrived. Everything listens on 127.0.0.1 with a free port."""
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import SHARED

RDAP = SHARED / "data" / "rdap"


class RdapServer:
    """Serves /rdap/ip/ADDR from {addr: fixture path or (status, body)}; counts requests."""

    def __init__(self, answers):
        self.answers = answers
        self.requests = []
        srv = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                srv.requests.append((self.path, self.headers.get("Accept")))
                if self.path.startswith("/bootstrap/"):
                    body = srv.bootstrap_text().encode()
                    return self.reply(200, body, "application/json")
                key = self.path.rsplit("/", 1)[-1]
                a = srv.answers.get(key)
                if a is None:
                    return self.reply(404, b'{"errorCode":404}')
                if isinstance(a, tuple):
                    return self.reply(a[0], a[1])
                return self.reply(200, Path(a).read_bytes())

            def reply(self, status, body, ctype="application/rdap+json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def base(self):
        return f"http://127.0.0.1:{self.port}/rdap/"

    def bootstrap_text(self, prefixes=("0.0.0.0/0", "::/0")):
        return json.dumps({"version": "1.0", "services": [[list(prefixes), [self.base()]]]})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class WhoisServer:
    """Answers a query line with answers[query] (bytes), else a short 'no match'; logs queries."""

    def __init__(self, answers):
        self.answers = answers
        self.queries = []
        srv = self

        class H(socketserver.StreamRequestHandler):
            def handle(self):
                q = self.rfile.readline(1024)
                srv.queries.append(q)
                key = q.rstrip(b"\r\n").decode("utf-8", "replace")
                self.wfile.write(srv.answers.get(key, b"% No match for " + q))

        class S(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = S(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SmtpServer:
    """aiosmtpd on 127.0.0.1: keeps (mail_from, rcpt_tos, raw bytes as received) per message."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        from conftest import free_port
        self.messages = []
        srv = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                srv.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                     envelope.original_content))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self):
        self.controller.stop()


XARF = SHARED / "data" / "xarf" / "schemas" / "v4"


def xarf_validate(report):
    """Validates one XARF report against its type schema and the master schema (Debian's
    python3-jsonschema 4.10: a RefResolver store built from every schema file)."""
    from jsonschema import Draft202012Validator, FormatChecker, RefResolver
    store = {}
    for p in XARF.rglob("*.json"):
        s = json.loads(p.read_text())
        store[s["$id"]] = s
    name = f"{report['category']}-{report['type'].replace('_', '-')}.json"
    for schema in (json.loads((XARF / "types" / name).read_text()),
                   json.loads((XARF / "xarf-v4-master.json").read_text())):
        resolver = RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
        Draft202012Validator(schema, resolver=resolver,
                             format_checker=FormatChecker()).validate(report)
