"""test_cli_query.py - `events`, `tail` and `stats` against a real store: filters, limits, exit
codes and messages, C1/invalid UTF-8 rendering, payload round trips, SQL-looking values, and tail
following a pipe promptly and noticing a removed store."""
import base64
import hashlib
import json
import re
import signal
import subprocess
import time

import pytest

from conftest import (Conn, build_request, curl, event_with_payload, request, scaled,
                      tls_client_hello, wait_event, wait_until)


@pytest.fixture
def store(make_hanipo):
    """A hanipo that saw: two curl requests, one raw request with a hostile User-Agent, one
    TLS ClientHello (a payload event)."""
    h = make_hanipo()
    for path in ("/robots.txt", "/wp-login.php"):
        assert curl(f"http://127.0.0.1:{h.port}{path}").returncode == 0
    h.evil_ua = b"\xff\xfe\xc2\x9b2J\x1b[31m<script>\\"
    raw = build_request("GET", "/q/evil", [("User-Agent", h.evil_ua)])
    request(h.port, raw)
    event_with_payload(h, raw)
    with Conn(h.port) as c:
        c.send(tls_client_hello())
        c.read_until_close(5)
    wait_event(h, "payload")
    quiet(h)
    return h


def quiet(h, settle=0.3):
    """Waits until every connection (the start-up probe's too) has its close event and the
    store stops changing."""
    def settled():
        n = len(h.events())
        if len(h.events("connect")) != len(h.events("close")):
            return False
        time.sleep(scaled(settle))
        return len(h.events()) == n
    wait_until(settled, what="a quiet store")


def jlines(h, *args):
    return [json.loads(x) for x in h.cli("events", "--json", *args).stdout.splitlines()]


def test_missing_store_message(make_hanipo):
    h = make_hanipo(start=False)
    for cmd in ("events", "stats", "tail"):
        r = h.cli(cmd, check=False)
        assert r.returncode == 2, (cmd, r.stderr)
        assert r.stderr.strip() == f"hanipo: {h.store}: no store (has hanipo run been started?)"
        assert not h.store.exists()


@pytest.mark.parametrize("cmd,args,needle", [
    ("events", ("--since", "soon"), "--since"), ("events", ("--limit", "-5"), "-5"),
    ("events", ("--frobnicate",), "--frobnicate"), ("stats", ("--top", "-1"), "--top"),
    ("stats", ("--until", "x1"), "x1"), ("tail", ("-n", "many"), "many"),
    ("tail", ("--bogus",), "--bogus")])
def test_bad_flags(store, cmd, args, needle):
    r = store.cli(cmd, *args, check=False)
    assert r.returncode == 2 and r.stdout == ""
    assert needle in r.stderr


def test_limits_and_order(store):
    h = store
    allev = jlines(h, "--limit", "0")
    assert len(allev) == len(h.events())
    assert [o["ts"] for o in allev] == sorted(o["ts"] for o in allev)
    assert jlines(h) == allev                       # fewer than the default 100
    last3 = jlines(h, "-n", "3")
    assert [o["id"] for o in last3] == [o["id"] for o in allev[-3:]]


def test_filters(store):
    h = store
    allev = jlines(h, "--limit", "0")
    mid = allev[len(allev) // 2]["time"]
    before = jlines(h, "--until", mid, "--limit", "0")
    after = jlines(h, "--since", mid, "--limit", "0")
    assert len(before) + len(after) == len(allev)
    assert all(o["time"] < mid for o in before) and all(o["time"] >= mid for o in after)
    assert {o["proto"] for o in jlines(h, "--proto", "http")} == {"http"}
    assert jlines(h, "--proto", "ssh") == []
    assert len(jlines(h, "--sensor", "test-sensor", "--limit", "0")) == len(allev)
    assert jlines(h, "--sensor", "other") == []
    assert len(jlines(h, "--kind", "payload")) == 1


@pytest.mark.parametrize("value", ["' OR '1'='1", "127.0.0.1' --", "x'); DROP TABLE events; --",
                                   "%", "127.0.0.%"])
def test_sql_looking_values(store, value):
    h = store
    n = len(h.events())
    assert h.cli("events", "--ip", value).stdout == ""
    assert h.cli("events", "--kind", value).stdout == ""
    assert len(h.events()) == n


def test_hostile_bytes_rendered_safely(store):
    h = store
    out = subprocess.run(h.args("events", "--kind", "request"), capture_output=True,
                         cwd=h.dir).stdout
    st = subprocess.run(h.args("stats"), capture_output=True, cwd=h.dir).stdout
    for o in (out, st):
        assert b"\x1b" not in o and b"\x9b" not in o.replace(b"\\x9b", b"")
        assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", o)
        o.decode("utf-8")                           # always valid UTF-8
    # The stored UA has U+FFFD for the invalid bytes; C1, ESC and the backslash are escaped.
    assert "\\xc2\\x9b2J\\x1b[31m<script>\\\\".encode() in st


def test_payload_round_trip(store):
    h = store
    row = h.events("payload")[0]
    (o,) = jlines(h, "--kind", "payload")
    assert base64.b64decode(o["payload"]) == bytes(row["payload"])
    # Not stored since schema 7: computed from the stored bytes on the way out.
    assert row["payload_sha256"] is None
    assert o["payload_sha256"] == hashlib.sha256(bytes(row["payload"])).hexdigest()
    text = h.cli("events", "--kind", "payload").stdout
    assert re.search(r" payload +127\.0\.0\.1:\d+ +\S+ \d+ bytes", text), text


def test_stats_window_and_top(store):
    h = store
    j = json.loads(h.cli("stats", "--json", "--top", "1").stdout)
    assert j["totals"]["requests"] == 3 and j["totals"]["sources"] == 1
    assert j["totals"]["connections"] == len(h.events("connect")) >= 4
    assert len(j["top"]["paths"]) == 1
    assert {x["proto"]: x["count"] for x in j["by_proto"]} == {"http": len(h.events())}
    empty = json.loads(h.cli("stats", "--json", "--since", "@0", "--until", "@1").stdout)
    assert empty["totals"]["events"] == 0 and empty["top"]["paths"] == []
    other = json.loads(h.cli("stats", "--json", "--sensor", "nobody").stdout)
    assert other["totals"]["events"] == 0
    assert "(none)" in h.cli("stats", "--since", "@0", "--until", "@1").stdout


def test_tail_pipe_is_prompt_and_json(store):
    h = store
    p = subprocess.Popen(h.args("tail", "-n", "0", "--json"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=h.dir)
    try:
        time.sleep(scaled(0.5))
        start = time.monotonic()
        assert curl(f"http://127.0.0.1:{h.port}/tail/json").returncode == 0
        seen = []
        while True:
            line = p.stdout.readline()
            assert line, p.stderr.read()
            seen.append(json.loads(line))
            if seen[-1]["kind"] == "request":
                break
        assert time.monotonic() - start < scaled(3)
        assert seen[-1]["fields"]["path"] == "/tail/json"
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=scaled(10)) == 0


def test_tail_exits_when_store_removed(store):
    h = store
    assert h.stop() == 0
    p = subprocess.Popen(h.args("tail", "-n", "1"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=h.dir)
    time.sleep(scaled(0.5))
    for f in h.store.parent.glob(h.store.name + "*"):
        f.unlink()
    try:
        rc = p.wait(timeout=scaled(10))
    finally:
        if p.poll() is None:
            p.kill()
    assert rc != 0
    assert b"removed" in p.stderr.read()
    assert len(p.stdout.read().splitlines()) == 1
