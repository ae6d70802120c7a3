"""test_cli.py - the command line: version, --help everywhere, `check` with file:line errors,
`run` refusing a bad config without creating anything, `events` (text, JSON, filters), `stats`,
`tail`, and attacker escape sequences never reaching the terminal raw."""
import base64
import json
import queue
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import (ART, BIN, ROOT, build_request, curl, event_with_payload, events_where,
                      request, scaled, wait_until)

COMMANDS = ["run", "events", "tail", "stats", "check", "version"]


def run(*args, cwd=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=scaled(30))


def test_version():
    r = run("version")
    assert r.returncode == 0
    assert re.match(r"^hanipo \d+\.\d+\.\d+", r.stdout)
    assert run("--version").stdout == r.stdout


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help(cmd):
    r = run(cmd, "--help")
    assert r.returncode == 0, r.stderr
    assert "usage" in r.stdout.lower()
    assert f"hanipo {cmd}" in r.stdout


def test_top_level_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0 and "usage" in r.stdout
    for cmd in COMMANDS:
        assert cmd in r.stdout


def test_unknown_command_and_option():
    r = run("frobnicate")
    assert r.returncode == 2 and "frobnicate" in r.stderr
    assert run().returncode == 2
    for cmd in ("events", "stats", "tail", "check", "run"):
        assert run(cmd, "--no-such-option").returncode == 2, cmd


def test_check_ok_on_shipped_config():
    r = run("check", "-c", "data/hanipo.conf", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "configuration OK" in r.stdout


def test_check_ok_on_test_config(make_hanipo):
    h = make_hanipo(start=False)
    r = h.cli("check")
    assert "configuration OK" in r.stdout and str(h.config) in r.stdout
    assert not h.store.exists()


BAD_XML = """<?xml version='1.0' encoding='utf-8'?>
<mrrs version='1'>
  <mrr>
    <meta><mrrid>1001</mrrid><enable>True</enable></meta>
    <trigger><uri>/x</ur></trigger>
    <response><status>200</status><body>x</body></response>
  </mrr>
</mrrs>
"""
BAD_REGEX_XML = BAD_XML.replace("<uri>/x</ur>", "<uri>/x([</uri>")
BAD_FILE_XML = BAD_XML.replace("<uri>/x</ur>", "<uri>/x</uri>").replace(
    "<body>x</body>", '<body filename="no-such-file.txt"></body>')


def base_lines(h, rules):
    return ["[sensor]", "name = t", "[store]", f"path = {h.store}", "[log]",
            f"access_log = {h.access_log}", f"hunting_log = {h.hunting_log}", "[http]",
            f"listen = 127.0.0.1:{h.port}", f"rules = {rules}"]


# name -> (edit(lines, artdir) -> expected line number, xml or None, text the message names)
def _append(*extra):
    def edit(lines):
        lines.extend(extra)
        return len(lines)
    return edit


def _replace(idx, text):
    def edit(lines):
        lines[idx] = text
        return idx + 1
    return edit


BAD_CONFIGS = {
    "unknown_key": (_append("bogus_key = 1"), None, "bogus_key"),
    "unknown_section": (_append("[nosuch]"), None, "nosuch"),
    "bad_int": (_append("[limits]", "idle_timeout = abc"), None, "idle_timeout"),
    "bad_bool": (_append("[log]", "ip_masking = maybe"), None, "ip_masking"),
    "bad_size": (_append("max_body_bytes = lots"), None, "max_body_bytes"),
    "not_key_value": (_append("this line has no equals sign"), None, "key = value"),
    "bad_listen": (_replace(8, "listen = 999.1.1.1:80"), None, "listen"),
    "bad_listen_port": (_replace(8, "listen = 127.0.0.1:99999"), None, "listen"),
    "missing_rules_dir": (_replace(9, "rules = /nonexistent/hanipo-art"), None,
                          "/nonexistent/hanipo-art"),
    "malformed_xml": (None, BAD_XML, "mrrules.xml:5:"),
    "bad_regex": (None, BAD_REGEX_XML, "mrrules.xml:5:"),
    "missing_body_file": (None, BAD_FILE_XML, "no-such-file.txt"),
}


def write_bad_config(h, name):
    edit, xml, names = BAD_CONFIGS[name]
    rules = ART
    if xml is not None:
        art = h.dir / "badart"
        art.mkdir()
        (art / "mrrules.xml").write_text(xml)
        rules = art
    lines = base_lines(h, rules)
    line = edit(lines) if edit else 10       # the rules = line
    h.config.write_text("\n".join(lines) + "\n")
    return line, names


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_check_reports_file_and_line(make_hanipo, name):
    h = make_hanipo(start=False)
    line, names = write_bad_config(h, name)
    r = h.cli("check", check=False)
    assert r.returncode == 2, r.stdout
    assert f"{h.config}:{line}" in r.stderr, r.stderr
    assert names in r.stderr, r.stderr
    assert "OK" not in r.stdout


@pytest.mark.parametrize("name", ["unknown_key", "bad_listen", "missing_rules_dir",
                                  "malformed_xml"])
def test_run_with_bad_config_creates_nothing(make_hanipo, name):
    h = make_hanipo(start=False)
    line, names = write_bad_config(h, name)
    before = sorted(p.name for p in h.dir.iterdir())
    r = h.cli("run", check=False)
    assert r.returncode == 2
    assert f"{h.config}:{line}" in r.stderr
    assert not h.store.exists()
    assert not h.access_log.exists() and not h.hunting_log.exists()
    assert sorted(p.name for p in h.dir.iterdir()) == before


def test_events_on_missing_store(make_hanipo):
    h = make_hanipo(start=False)
    r = h.cli("events", check=False)
    assert r.returncode != 0
    assert str(h.store) in r.stderr
    assert not h.store.exists()


@pytest.fixture
def populated(make_hanipo):
    """A hanipo that has answered a few requests (two by curl, one raw)."""
    h = make_hanipo()
    for path in ("/robots.txt", "/wp-login.php", "/robots.txt"):
        p = curl(f"http://127.0.0.1:{h.port}{path}")
        assert p.returncode == 0, p.stderr
    raw = build_request("GET", "/cli/raw?x=1", [("User-Agent", "raw-client")])
    request(h.port, raw)
    h.raw = raw
    event_with_payload(h, raw)
    # Quiet store: every connection's close event is in before the CLI looks.
    wait_until(lambda: len(events_where(h, "close")) == len(events_where(h, "connect")),
               what="every session closed")
    return h


def test_events_text(populated):
    r = populated.cli("events")
    assert "/robots.txt" in r.stdout and "/cli/raw?x=1" in r.stdout
    assert "rule=1006" in r.stdout and "rule=1011" in r.stdout
    for line in r.stdout.splitlines():
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line), line


def test_events_json(populated):
    h = populated
    r = h.cli("events", "--json")
    objs = [json.loads(x) for x in r.stdout.splitlines()]
    assert objs
    for o in objs:
        for k in ("id", "ts", "kind", "fields", "src_ip", "session"):
            assert k in o, (k, o)
    reqs = [o for o in objs if o["kind"] == "request"]
    assert len(reqs) == 4
    raw_ev = [o for o in reqs if o["fields"]["uri"] == "/cli/raw?x=1"]
    assert len(raw_ev) == 1
    assert base64.b64decode(raw_ev[0]["payload"]) == h.raw
    assert raw_ev[0]["payload_len"] == len(h.raw)
    for o in reqs:
        decoded = base64.b64decode(o["payload"])
        assert decoded.startswith(b"GET " + o["fields"]["uri"].encode() + b" HTTP/1.1\r\n")
    assert [o["ts"] for o in objs] == sorted(o["ts"] for o in objs)


def test_events_filters(populated):
    h = populated

    def lines(*args):
        return [json.loads(x) for x in h.cli("events", "--json", *args).stdout.splitlines()]

    allev = lines()
    kinds = {o["kind"] for o in allev}
    assert {"connect", "request", "close"} <= kinds
    req = lines("--kind", "request")
    assert len(req) == 4 and all(o["kind"] == "request" for o in req)
    assert len(lines("--ip", "127.0.0.1")) == len(allev)
    assert lines("--ip", "10.9.9.9") == []
    assert len(lines("--since", "1h")) == len(allev)
    assert lines("--until", "1h") == []
    one = lines("--limit", "1")
    assert len(one) == 1 and one[0]["id"] == allev[-1]["id"]
    two = lines("--kind", "request", "-n", "2")
    assert [o["id"] for o in two] == [o["id"] for o in req[-2:]]
    sess = req[0]["session"]
    assert {o["session"] for o in lines("--session", sess)} == {sess}
    assert h.cli("events", "--ip", "10.9.9.9").stdout == ""


@pytest.mark.parametrize("args", [("--since", "xyz"), ("--until", "yesterday-ish"),
                                  ("--limit", "-1"), ("--limit", "abc"), ("--since",)])
def test_events_bad_arguments(populated, args):
    r = populated.cli("events", *args, check=False)
    assert r.returncode == 2
    assert r.stdout == ""


def test_stats(populated):
    h = populated
    r = h.cli("stats")
    out = r.stdout
    assert "top paths" in out and "top rules" in out
    assert re.search(r"^\s+2\s+/robots\.txt\s*$", out, re.M), out
    assert re.search(r"^\s+1\s+/wp-login\.php\s*$", out, re.M), out
    assert re.search(r"^\s+1\s+/cli/raw\s*$", out, re.M), out      # the path, without query
    assert re.search(r"^\s+2\s+1006\s+access to robots\.txt", out, re.M), out
    assert re.search(r"^\s+1\s+1011\s+WordPress login page", out, re.M), out
    j = json.loads(h.cli("stats", "--json").stdout)
    assert j["totals"]["requests"] == 4
    paths = {x["path"]: x["count"] for x in j["top"]["paths"]}
    assert paths["/robots.txt"] == 2 and paths["/wp-login.php"] == 1
    rules = {x["rule"]: x["count"] for x in j["top"]["rules"]}
    assert rules == {1006: 2, 1011: 1}


class Tail:
    """`hanipo tail` in the background; its stdout lines in a queue."""

    def __init__(self, h, *args):
        self.p = subprocess.Popen(h.args("tail", *args), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=h.dir)
        self.q = queue.Queue()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            self.q.put(line)

    def wait_for(self, needle, timeout=10.0):
        deadline = time.monotonic() + scaled(timeout)
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=0.1)
            except queue.Empty:
                continue
            seen.append(line)
            if needle in line:
                return line, seen
        raise AssertionError(f"tail never printed {needle!r}; got {seen!r}")

    def stop(self, sig=signal.SIGINT):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout=scaled(10))
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise
        self.t.join(timeout=5)
        return rc


def test_tail_follows_new_events(populated):
    h = populated
    t = Tail(h, "-n", "0", "--kind", "request")
    try:
        time.sleep(0.5)          # let it take its starting point
        p = curl(f"http://127.0.0.1:{h.port}/tail/after-start")
        assert p.returncode == 0
        line, seen = t.wait_for(b"/tail/after-start")
        assert b"request" in line
        assert not any(b"/robots.txt" in x for x in seen)      # -n 0: nothing from before
    finally:
        rc = t.stop(signal.SIGINT)
    assert rc == 0


def test_tail_shows_last_events_first(populated):
    t = Tail(populated, "-n", "3", "--kind", "request")
    try:
        t.wait_for(b"/cli/raw?x=1")
    finally:
        assert t.stop(signal.SIGTERM) == 0


def test_attacker_escape_sequences_are_escaped(make_hanipo):
    h = make_hanipo()
    evil_ua = b"\x1b[31mEVIL-UA\x1b[0m\x1b]0;title\x07"
    t = Tail(h, "-n", "0")
    try:
        time.sleep(0.5)
        raws = [build_request("GET", "/ua", [("User-Agent", evil_ua)]),
                b"GET /\x1b[31mred-uri HTTP/1.1\r\nHost: x\r\n\r\n"]
        for raw in raws:
            request(h.port, raw)
        event_with_payload(h, raws[1])
        line, seen = t.wait_for(b"red-uri")
    finally:
        assert t.stop() == 0
    tail_out = b"".join(seen)
    ev_out = subprocess.run(h.args("events"), capture_output=True, cwd=h.dir).stdout
    evj_out = subprocess.run(h.args("events", "--json"), capture_output=True, cwd=h.dir).stdout
    st_out = subprocess.run(h.args("stats"), capture_output=True, cwd=h.dir).stdout
    stj_out = subprocess.run(h.args("stats", "--json"), capture_output=True, cwd=h.dir).stdout
    for name, out in [("tail", tail_out), ("events", ev_out), ("events --json", evj_out),
                      ("stats", st_out), ("stats --json", stj_out)]:
        assert b"\x1b" not in out, f"raw ESC in `{name}` output"
        assert b"\x07" not in out, f"raw BEL in `{name}` output"
    assert rb"\x1b[31mred-uri" in ev_out and rb"\x1b[31mred-uri" in tail_out
    assert rb"\x1b[31mEVIL-UA\x1b[0m" in st_out
    # The JSON forms keep the text exactly (escaped by JSON, not altered).
    uas = [json.loads(x)["fields"].get("user_agent") for x in evj_out.splitlines()]
    assert evil_ua.decode() in uas


def test_cli_does_not_need_running_server(populated):
    h = populated
    assert h.stop() == 0
    r = h.cli("events", "--kind", "request")
    assert r.stdout.count("\n") == 4
    assert "requests     4" in h.cli("stats").stdout


RUN_ONLY_CHECKS = [("log.timezone=JST", "timezone"), ("store.sync=bogus", "sync"),
                   ("log.level=loud", "level")]


@pytest.mark.parametrize("override,key", RUN_ONLY_CHECKS)
def test_run_rejects_bad_values_naming_the_key(make_hanipo, override, key):
    h = make_hanipo(override, start=False)
    r = h.cli("run", check=False)
    assert r.returncode == 2
    assert f"] {key}" in r.stderr


def test_run_bad_timezone_in_file_names_file_and_line(make_hanipo):
    h = make_hanipo(start=False)
    lines = base_lines(h, ART)
    lines.insert(7, "timezone = Asia/Tokyo")          # inside [log], line 8
    h.config.write_text("\n".join(lines) + "\n")
    r = h.cli("run", check=False)
    assert r.returncode == 2
    assert f"{h.config}:8:" in r.stderr and "timezone" in r.stderr


@pytest.mark.parametrize("override,key", RUN_ONLY_CHECKS)
def test_check_rejects_what_run_rejects(make_hanipo, override, key):
    h = make_hanipo(override, start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2, r.stdout
    assert key in r.stderr


def test_run_bad_timezone_creates_no_store(make_hanipo):
    h = make_hanipo("log.timezone=JST", start=False)
    r = h.cli("run", check=False)
    assert r.returncode == 2
    assert not h.store.exists()


def test_run_bad_config_creates_no_directories(make_hanipo):
    h = make_hanipo(start=False)
    var = h.dir / "var"
    h.config.write_text(
        f"[store]\npath = {var}/db/hanipo.db\n[log]\naccess_log = {var}/log/access_log\n"
        f"hunting_log = {var}/log/hunting.log\n[http]\nlisten = 127.0.0.1:{h.port}\n"
        f"rules = {h.dir}/no-such-art\n")
    r = h.cli("run", check=False)
    assert r.returncode == 2
    assert "no-such-art" in r.stderr
    assert not var.exists()
