"""conftest.py - starts the real hanipo binary on 127.0.0.1 with free ports and a private store;
helpers to talk to it and to read what it stored. Timeouts scale with HANIPO_TIMEOUT_MULT (and
are doubled under ASan)."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HANIPO_SHARED", ROOT.parent / "shared"))
ART = SHARED / "data" / "wowhoneypot" / "art"
BIN = os.environ.get("HANIPO_BIN", str(ROOT / "build" / "hanipo"))
MULT = float(os.environ.get("HANIPO_TIMEOUT_MULT", "1")) * (3 if os.environ.get("HANIPO_ASAN") else 1)


def scaled(seconds):
    return seconds * MULT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0, host="127.0.0.1"):
    deadline = time.monotonic() + scaled(timeout)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


STARTED = []    # every Hanipo started in this pytest run, oldest first


# libfaketime's start-up and ASan's interceptors deadlock now and then (clock_gettime called
# recursively before either is initialised): tests that run hanipo under faketime run in the
# plain pass only.
FAKETIME_UNDER_ASAN = pytest.mark.skipif(bool(os.environ.get("HANIPO_ASAN")),
                                         reason="libfaketime deadlocks with ASan's start-up")


class Hanipo:
    """One running hanipo: its port, files, and helpers over its store."""

    def __init__(self, tmp_path, overrides=(), config_text=None, sections=("http",)):
        self.dir = tmp_path
        self.port = free_port()
        self.store = tmp_path / "hanipo.db"
        self.access_log = tmp_path / "access_log"
        self.hunting_log = tmp_path / "hunting.log"
        self.stderr_path = tmp_path / "stderr.log"
        self.config = tmp_path / "hanipo.conf"
        if config_text is None:
            config_text = (
                "[sensor]\nname = test-sensor\n"
                f"[store]\npath = {self.store}\n"
                f"[log]\naccess_log = {self.access_log}\nhunting_log = {self.hunting_log}\n"
                "timezone = +0900\n"
                "[http]\n"
                f"listen = 127.0.0.1:{self.port}\n"
                f"rules = {ART}\n"
            )
        self.config.write_text(config_text)
        self.overrides = list(overrides)
        self.proc = None

    def args(self, *cmd):
        a = [BIN, *cmd, "-c", str(self.config)]
        for o in self.overrides:
            a += ["-o", o]
        return a

    def start(self, wait=True):
        STARTED.append(self)            # for failure reports (pytest_runtest_makereport)
        self.stderr = open(self.stderr_path, "ab")
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        self.proc = subprocess.Popen(self.args("run"), cwd=self.dir, stdout=self.stderr,
                                     stderr=self.stderr, env=env)
        if wait and not wait_port(self.port):
            self.stop()
            raise AssertionError("hanipo did not start:\n" + self.log())
        return self

    def log(self):
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=scaled(timeout))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        self.stderr.close()
        return rc

    def cli(self, *cmd, check=True):
        r = subprocess.run(self.args(*cmd), cwd=self.dir, capture_output=True, text=True,
                           timeout=scaled(60))
        if check and r.returncode != 0:
            raise AssertionError(f"{cmd} exited {r.returncode}: {r.stderr}")
        return r

    def db(self):
        con = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def events(self, kind=None, proto=None):
        q = "SELECT * FROM events"
        where, args = [], []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if proto:
            where.append("proto = ?")
            args.append(proto)
        if where:
            q += " WHERE " + " AND ".join(where)
        q += " ORDER BY seq"
        with self.db() as con:
            rows = [dict(r) for r in con.execute(q, args)]
        for r in rows:
            r["fields"] = json.loads(r["fields"])
            r["tags"] = json.loads(r["tags"])
        return rows

    def wait_events(self, kind, count, timeout=10.0, proto=None):
        deadline = time.monotonic() + scaled(timeout)
        rows = []
        while time.monotonic() < deadline:
            try:
                rows = self.events(kind, proto)
            except sqlite3.OperationalError:
                rows = []
            if len(rows) >= count:
                return rows
            time.sleep(0.05)
        raise AssertionError(f"expected {count} {kind} events, got {len(rows)}")


@pytest.fixture
def make_hanipo(tmp_path):
    started = []

    def make(*overrides, config_text=None, start=True):
        d = tmp_path / f"h{len(started)}"
        d.mkdir()
        h = Hanipo(d, overrides, config_text)
        started.append(h)
        if start:
            h.start()
        return h

    yield make
    for h in started:
        rc = h.stop()
        if rc not in (None, 0):
            print(h.log())
        # Under ASan a leak or an error makes the exit status non-zero.
        assert rc in (None, 0), f"hanipo exited {rc}:\n{h.log()}"


@pytest.fixture
def hanipo(make_hanipo):
    return make_hanipo()


def http_raw(port, data, timeout=5.0, read_until_close=True):
    """Sends raw bytes and returns everything received until the server closes (or timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout)) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
                if not read_until_close:
                    break
        except socket.timeout:
            pass
        return b"".join(chunks)


# ---------------------------------------------------------------------------------------------
# Shared helpers for the e2e suite (added; the fixtures and class above keep their API).
# ---------------------------------------------------------------------------------------------
import re  # noqa: E402
import shutil  # noqa: E402
import ssl  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

ACCESS_RE = re.compile(
    r'^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)([+-]\d{4})\] (\S+) (\S+) "(.*)" (\d{3}) (\d+|False) '
    r'([A-Za-z0-9+/=]*)$')
HUNT_RE = re.compile(r'^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)([+-]\d{4})\] (\S+) (.+)$')


def wait_until(pred, timeout=10.0, interval=0.05, what="condition"):
    """Polls pred() until it returns a truthy value (returned) or scaled(timeout) passes."""
    deadline = time.monotonic() + scaled(timeout)
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def build_request(method="GET", target="/", headers=(), body=None, version="HTTP/1.1",
                  host="127.0.0.1", eol=b"\r\n", content_length=True):
    """Raw request bytes. headers: (name, value) pairs (str or bytes). A Host header is added
    first unless host is None; Content-Length is added for a body unless content_length is False
    or the caller already set Content-Length / Transfer-Encoding."""
    def b(x):
        return x if isinstance(x, bytes) else x.encode("utf-8")

    line = b(method) + b" " + b(target) + ((b" " + b(version)) if version else b"")
    lines = [line]
    names = [b(n).lower() for n, _ in headers]
    if host is not None and b"host" not in names:
        lines.append(b"Host: " + b(host))
    for n, v in headers:
        lines.append(b(n) + b": " + b(v))
    if body is not None and content_length and b"content-length" not in names \
            and b"transfer-encoding" not in names:
        lines.append(b"Content-Length: " + str(len(b(body))).encode())
    return eol.join(lines) + eol + eol + (b(body) if body is not None else b"")


class Response:
    """One parsed HTTP response."""

    def __init__(self, version, status, reason, headers, body, raw):
        self.version, self.status, self.reason = version, status, reason
        self.headers = headers        # [(name, value)] in order, values stripped
        self.body = body
        self.raw = raw

    def names(self):
        return [n for n, _ in self.headers]

    def header(self, name, default=None):
        v = default
        for n, val in self.headers:
            if n.lower() == name.lower():
                v = val
        return v

    def header_all(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def __repr__(self):
        return f"<Response {self.version} {self.status} {self.headers!r} body={self.body[:80]!r}>"


def parse_response(buf, head=False):
    """Parses one response at the start of buf. Returns (Response, rest) or None when buf does
    not hold a complete one yet. head: the request was HEAD (no body follows the headers)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buf[:end].split(b"\r\n")
    m = re.match(rb"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", lines[0])
    assert m, f"bad status line {lines[0]!r}"
    headers = []
    for ln in lines[1:]:
        n, sep, v = ln.partition(b":")
        assert sep, f"bad header line {ln!r}"
        headers.append((n.decode("latin-1"), v.strip().decode("latin-1")))
    status = int(m.group(2))
    pos = end + 4
    cl = None
    for n, v in headers:
        if n.lower() == "content-length":
            cl = int(v)
    if head or status < 200 or status in (204, 304):
        blen = 0
    elif cl is None:
        return None       # not used by hanipo: every reply has Content-Length
    else:
        blen = cl
    if len(buf) < pos + blen:
        return None
    r = Response(m.group(1).decode(), status, (m.group(3) or b"").decode("latin-1"), headers,
                 buf[pos:pos + blen], buf[:pos + blen])
    return r, buf[pos + blen:]


def parse_responses(buf, heads=()):
    """Parses every complete response in buf; heads[i] True when request i was HEAD."""
    out = []
    i = 0
    while buf:
        r = parse_response(buf, head=(heads[i] if i < len(heads) else False))
        if r is None:
            break
        out.append(r[0])
        buf = r[1]
        i += 1
    return out, buf


class Conn:
    """A raw client connection with a receive buffer."""

    def __init__(self, port, timeout=5.0, source=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(scaled(timeout))
        if source is not None:
            self.sock.bind((source, 0))
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline")
        self.sock.settimeout(left)
        try:
            b = self.sock.recv(65536)
        except ConnectionResetError:
            b = b""
        if not b:
            self.eof = True
        self.buf += b
        return b

    def response(self, head=False, timeout=5.0):
        """Reads one complete response (AssertionError on EOF/timeout before it is complete)."""
        deadline = time.monotonic() + scaled(timeout)
        while True:
            r = parse_response(self.buf, head=head)
            if r is not None:
                self.buf = r[1]
                return r[0]
            if self.eof:
                raise AssertionError(f"connection closed before a full response: {self.buf!r}")
            try:
                self._recv(deadline)
            except socket.timeout:
                raise AssertionError(f"no full response in time; got {self.buf!r}")

    def read_until_close(self, timeout=5.0):
        """Reads until the peer closes; returns True if it did within timeout."""
        deadline = time.monotonic() + scaled(timeout)
        while not self.eof:
            try:
                self._recv(deadline)
            except socket.timeout:
                return False
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def request(port, data, head=False, timeout=5.0):
    """Sends one raw request on a new connection and returns its Response."""
    with Conn(port, timeout) as c:
        c.send(data)
        return c.response(head=head, timeout=timeout)


def curl(*args, timeout=10.0):
    """Runs curl (quiet, errors shown); returns the CompletedProcess (stdout bytes)."""
    return subprocess.run(["curl", "-sS", "--max-time", str(scaled(timeout)), *args],
                          capture_output=True, timeout=scaled(timeout) + 5)


def tls_client_hello(server_name="honeypot.example"):
    """A real TLS ClientHello as produced by Python's ssl module (the bytes of its first flight)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname=server_name)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def events_where(h, kind, pred=None):
    """Events of a kind (optionally filtered by pred(row)) from h's store."""
    try:
        rows = h.events(kind)
    except sqlite3.OperationalError:
        return []
    return [r for r in rows if pred is None or pred(r)]


def store_summary(h, limit=40):
    """The last events of h's store, one short line each (for failure messages)."""
    try:
        rows = h.events()
    except sqlite3.OperationalError as e:
        return f"(store unreadable: {e})"
    out = [f"{r['seq']} {r['kind']} {r['src_ip']}:{r['src_port']} {json.dumps(r['fields'])[:160]}"
           for r in rows[-limit:]]
    return "\n".join(out) + f"\n--- hanipo log ---\n{h.log()[-2000:]}"


def wait_event(h, kind, pred=None, count=1, timeout=10.0):
    """Waits until at least count events of kind satisfy pred; returns them."""
    try:
        return wait_until(lambda: (lambda r: r if len(r) >= count else None)(
            events_where(h, kind, pred)), timeout, what=f"{count} {kind} event(s)")
    except AssertionError as e:
        raise AssertionError(f"{e}; the store holds:\n{store_summary(h)}") from None


def event_with_payload(h, raw, kind="request", timeout=10.0):
    """The one event whose stored payload equals raw."""
    rows = wait_event(h, kind, lambda r: r["payload"] is not None and bytes(r["payload"]) == raw,
                      timeout=timeout)
    assert len(rows) == 1, f"{len(rows)} {kind} events carry this payload"
    return rows[0]


def wait_log(h, text, count=1, timeout=10.0):
    """Waits until h's diagnostic log (stderr) holds text at least count times."""
    return wait_until(lambda: h.log().count(text) >= count, timeout, what=f"log line {text!r}")


def read_lines(path):
    try:
        return Path(path).read_bytes().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return []


# ---- WOWHoneypot rule oracle (Python reading of the same art directory) ----

class Rule:
    def __init__(self, rid, note, method, uris, hdrs, bodies, status, resp_headers, body):
        self.id, self.note, self.method = rid, note, method
        self.uris, self.hdrs, self.bodies = uris, hdrs, bodies
        self.status, self.resp_headers, self.body = status, resp_headers, body

    def __repr__(self):
        return f"<Rule {self.id} {self.note!r}>"


def _strip_ws(data):
    return data.strip(b" \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f")


def load_rules_file(path, artdir):
    rules = {}
    root = ET.parse(path).getroot()
    for m in root.findall("mrr"):
        meta, trig, resp = m.find("meta"), m.find("trigger"), m.find("response")
        if meta.findtext("enable") != "True":
            continue
        rid = int(meta.findtext("mrrid"))
        # Only <method> counts: rule 1008's <mothod> typo means "any method", as in WOWHoneypot.
        method = trig.findtext("method")
        uris = [re.compile(e.text) for e in trig.findall("uri")]
        hdrs = [re.compile(e.text) for e in trig.findall("header")]
        bodies = [re.compile(e.text) for e in trig.findall("body")]
        status = int(resp.findtext("status") or "200")
        rh = []
        for h in resp.findall("header"):
            name = (h.findtext("name") or "").strip()
            value = (h.findtext("value") or "").strip()
            for i, (n, _) in enumerate(rh):
                if n == name:            # a repeated name keeps its place, the last value wins
                    rh[i] = (n, value)
                    break
            else:
                rh.append((name, value))
        b = resp.find("body")
        if b.get("filename"):
            body = _strip_ws((Path(artdir) / b.get("filename")).read_bytes())
        else:
            body = (b.text or "").encode("utf-8")
        rules[rid] = Rule(rid, meta.findtext("note"), method, uris, hdrs, bodies, status, rh, body)
    return rules


def load_rules(artdir=ART):
    """{mrrid: Rule} for mrrules.xml merged with mrrules_local.xml (local wins by id)."""
    artdir = Path(artdir)
    rules = load_rules_file(artdir / "mrrules.xml", artdir)
    local = artdir / "mrrules_local.xml"
    if local.exists():
        rules.update(load_rules_file(local, artdir))
    return rules


def default_pages(artdir=ART):
    d = Path(artdir) / "default"
    return {p.name: _strip_ws(p.read_bytes()) for p in sorted(d.iterdir())
            if p.name.endswith(".html") and not p.name.startswith(".") and p.is_file()}


def rule_uri(target):
    """The target as WOWHoneypot's rules see it: spaces as %20, '"' as %22."""
    return target.replace(" ", "%20").replace('"', "%22")


def expected_rule(rules, method, target, headers, body=None):
    """The id of the rule WOWHoneypot would answer with (highest id whose conditions all hold),
    or None. headers: every (name, value) pair as sent (Host included); body: str or None."""
    hblock = "\n".join(f"{n}: {v}" for n, v in headers)
    uri = rule_uri(target)
    for rid in sorted(rules, reverse=True):
        r = rules[rid]
        if r.method is not None and r.method != method:
            continue
        if not all(p.search(uri) for p in r.uris):
            continue
        if not all(p.search(hblock) for p in r.hdrs):
            continue
        if r.bodies and not body:
            continue
        if not all(p.search(body) for p in r.bodies):
            continue
        return rid
    return None


def copy_art(dst):
    """A private, writable copy of the WOWHoneypot art directory (for local rules, SIGHUP)."""
    dst = Path(dst)
    shutil.copytree(ART, dst)
    for p in [dst, *dst.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return dst


def config_for(h, rules=None, extra=""):
    """The default test config text of Hanipo h, with another rules dir and extra lines."""
    return (
        "[sensor]\nname = test-sensor\n"
        f"[store]\npath = {h.store}\n"
        f"[log]\naccess_log = {h.access_log}\nhunting_log = {h.hunting_log}\n"
        "timezone = +0900\n"
        "[http]\n"
        f"listen = 127.0.0.1:{h.port}\n"
        f"rules = {rules or ART}\n" + extra)


@pytest.fixture(scope="module")
def module_hanipo(tmp_path_factory):
    """One hanipo shared by a module's tests (for many independent requests)."""
    h = Hanipo(tmp_path_factory.mktemp("hanipo"))
    h.start()
    yield h
    rc = h.stop()
    assert rc in (None, 0), f"hanipo exited {rc}:\n{h.log()}"


def start_with(make_hanipo, *overrides, rules=None, extra=""):
    """Starts a hanipo whose config uses another rules dir and/or extra config lines."""
    h = make_hanipo(*overrides, start=False)
    h.config.write_text(config_for(h, rules=rules, extra=extra))
    return h.start()


# ---- failure reports: what each hanipo involved in a failed test was doing ----

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.hanipo_mark = len(STARTED)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when not in ("call", "teardown") or not rep.failed:
        return
    mark = getattr(item, "hanipo_mark", len(STARTED))
    # Instances started by this test, and any still running (module-scoped ones).
    hs = [h for i, h in enumerate(STARTED)
          if i >= mark or (h.proc is not None and h.proc.poll() is None)]
    for h in dict.fromkeys(hs):
        state = "running" if h.proc is not None and h.proc.poll() is None else (
            f"exited {h.proc.returncode}" if h.proc is not None else "stopped")
        rep.sections.append((f"hanipo on port {h.port} ({state}, {h.dir})",
                             store_summary(h, limit=25)))
