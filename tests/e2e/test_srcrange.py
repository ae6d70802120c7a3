"""test_srcrange.py - the store's index by source address (src_ranges: one row per address per
committed batch, store/srcrange.h). After the daemon has stored traffic from two addresses at
once and an imported log from thousands more, every event lies in exactly one range of its own
address, and `hanipo events --ip` finds exactly each address's events (with and without a time
window). A store from before src_ranges (an events_src index per event) is migrated on open and
answers the same."""
import json
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from conftest import scaled

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("127.0.0.1", "127.0.0.2")


def get_from(port, src, path):
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(5),
                                  source_address=(src, 0)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        while s.recv(65536):
            pass


def traffic(h, per_source=60):
    """Both addresses at once, so batches hold events of both, interleaved."""
    def run(src):
        for i in range(per_source):
            get_from(h.port, src, f"/{src}/{i}")
    ts = [threading.Thread(target=run, args=(src,)) for src in SOURCES]
    [t.start() for t in ts]
    [t.join() for t in ts]
    h.wait_events("close", 2 * per_source)


def uncovered(store):
    """Events that do not lie in exactly one range of their own address (seq and time), or not
    in exactly one run of the index by time (ts_ranges)."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    n = con.execute(
        "SELECT count(*) FROM events e WHERE (SELECT count(*) FROM src_ranges r WHERE "
        "r.ip = e.src_ip AND e.seq BETWEEN r.lo AND r.hi AND e.ts BETWEEN r.min_ts AND r.max_ts)"
        " != 1").fetchone()[0]
    n += con.execute(
        "SELECT count(*) FROM events e WHERE (SELECT count(*) FROM ts_ranges r WHERE "
        "e.seq BETWEEN r.lo AND r.hi AND e.ts BETWEEN r.min_ts AND r.max_ts) != 1").fetchone()[0]
    con.close()
    return n


def by_sql(store, ip, since=None):
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    q, args = "SELECT id FROM events WHERE src_ip = ?", [ip]
    if since is not None:
        q += " AND ts >= ?"
        args.append(since)
    seqs = sorted(r[0] for r in con.execute(q, args))
    con.close()
    return seqs


def by_cli(h, ip, *extra):
    r = h.cli("events", "--ip", ip, "--json", "--limit", "0", *extra)
    return sorted(json.loads(line)["id"] for line in r.stdout.splitlines())


def busiest_imported(store, n=3):
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    ips = [r[0] for r in con.execute(
        "SELECT src_ip FROM events WHERE proto = 'http' AND src_ip NOT IN (?, ?) "
        "GROUP BY src_ip ORDER BY count(*) DESC, src_ip LIMIT ?", (*SOURCES, n))]
    con.close()
    return ips


def check_lookups(h, ips):
    for ip in ips:
        want = by_sql(h.store, ip)
        assert want, ip
        assert by_cli(h, ip) == want, ip
    # A window that starts inside an address's traffic: exactly its events from then on.
    con = sqlite3.connect(f"file:{h.store}?mode=ro", uri=True)
    mid = con.execute("SELECT ts FROM events WHERE src_ip = ? ORDER BY ts LIMIT 1 OFFSET 30",
                      (SOURCES[1],)).fetchone()[0]
    con.close()
    since = datetime.fromtimestamp(mid // 1000000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    since += f".{mid % 1000000:06d}+0000"
    want = by_sql(h.store, SOURCES[1], mid)
    assert 0 < len(want) < len(by_sql(h.store, SOURCES[1]))
    assert by_cli(h, SOURCES[1], "--since", since) == want
    assert by_cli(h, "192.0.2.254") == []


def test_ranges_cover_daemon_and_import(make_hanipo, tmp_path):
    h = make_hanipo()
    traffic(h)
    assert h.stop() == 0
    log = tmp_path / "access_log"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_access_log.py"), "20000",
                    "2026-11-20", str(log)], check=True, timeout=scaled(120))
    h.cli("import", "--format", "wowhoneypot", str(log))
    assert uncovered(h.store) == 0
    check_lookups(h, [*SOURCES, *busiest_imported(h.store)])


def test_old_store_is_migrated(make_hanipo):
    h = make_hanipo()
    traffic(h, 40)
    assert h.stop() == 0
    before = {ip: by_sql(h.store, ip) for ip in SOURCES}
    # The layout of schema version 5: an index entry per event (by source, by time), no
    # src_ranges, no ts_ranges.
    con = sqlite3.connect(h.store)
    with con:
        con.execute("DROP TABLE src_ranges")
        con.execute("DROP TABLE ts_ranges")
        con.execute("CREATE INDEX events_src ON events(src_ip, ts)")
        con.execute("CREATE INDEX events_ts ON events(ts)")
        con.execute("PRAGMA user_version = 5")
    con.close()
    for ip in SOURCES:
        assert by_cli(h, ip) == before[ip]
    con = sqlite3.connect(h.store)
    assert con.execute("PRAGMA user_version").fetchone()[0] >= 6     # and any later ones
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events_src'"
                       ).fetchone()[0] == 0
    con.close()
    assert uncovered(h.store) == 0
    h.start()                               # the daemon goes on from the migrated store
    traffic(h, 20)
    assert h.stop() == 0
    assert uncovered(h.store) == 0
    for ip in SOURCES:
        assert by_cli(h, ip) == by_sql(h.store, ip)
