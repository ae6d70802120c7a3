"""test_store_commit.py - when events are committed, and by whom (src/store/store.c).

A reply waits for its event's commit; the loop commits at the end of its turn when the writer
thread is idle, and hands the batch to the writer thread when the commit would have to wait for
another process's write lock, so the loop keeps running. Events no reply waits for (connect, a
silent connection's close) are committed a few ms later, with whatever comes next."""
import os
import signal
import socket
import sqlite3
import threading
import time

from conftest import build_request, request, scaled, wait_until


def _locked(store):
    """Another process's write transaction on the store (a reader could not block a WAL writer)."""
    con = sqlite3.connect(str(store), timeout=10, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    return con


def test_replies_wait_for_another_writer_and_nothing_is_lost(make_hanipo):
    h = make_hanipo()
    assert request(h.port, build_request("GET", "/first")).status == 200
    h.wait_events("request", 1)
    con = _locked(h.store)
    results = {}

    def ask(i):
        t0 = time.monotonic()
        r = request(h.port, build_request("GET", f"/during-lock-{i}"), timeout=scaled(30))
        results[i] = (r.status, time.monotonic() - t0)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    # No answer while the events cannot be committed: a reply implies a stored event.
    assert results == {}
    # The loop is not stuck in SQLite's busy wait: it handles a signal meanwhile.
    h.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "SIGHUP: rules reloaded" in h.log(), timeout=3, what="SIGHUP handled")
    assert results == {}
    con.execute("ROLLBACK")
    con.close()
    for t in threads:
        t.join(scaled(30))
    assert sorted(results) == list(range(5))
    assert all(status == 200 for status, _ in results.values())
    rows = h.wait_events("request", 6)
    paths = sorted(r["fields"]["path"] for r in rows)
    assert paths == sorted(["/first"] + [f"/during-lock-{i}" for i in range(5)])
    with h.db() as db:
        seqs = [r[0] for r in db.execute("SELECT seq FROM events ORDER BY seq")]
        ids = [r[0] for r in db.execute("SELECT id FROM events")]
    assert len(set(ids)) == len(ids) and seqs == sorted(set(seqs))
    assert h.stop() == 0
    r = h.cli("verify", check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_events_no_reply_waits_for_are_stored_soon(make_hanipo):
    h = make_hanipo()
    s = socket.create_connection(("127.0.0.1", h.port))
    port = s.getsockname()[1]

    def mine(kind):
        return [e for e in h.events(kind) if e["src_port"] == port]
    try:
        # a silent client: no reply waits for its connect event, which is stored all the same
        wait_until(lambda: mine("connect"), timeout=3, what="connect event")
        assert mine("close") == []
    finally:
        s.close()
    wait_until(lambda: mine("close"), timeout=3, what="close event")


def test_sync_full_commits_on_the_writer_thread(make_hanipo):
    h = make_hanipo("store.sync=full")
    for i in range(3):
        assert request(h.port, build_request("GET", f"/full-{i}")).status == 200
    rows = h.wait_events("request", 3)
    assert [r["fields"]["path"] for r in rows] == ["/full-0", "/full-1", "/full-2"]
    assert h.stop() == 0
    assert "integrity" not in h.log()
    r = h.cli("verify", check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_new_stores_get_4k_pages_existing_ones_keep_theirs(make_hanipo, tmp_path):
    h = make_hanipo()
    assert request(h.port, build_request("GET", "/p")).status == 200
    h.wait_events("request", 1)
    con = sqlite3.connect(str(h.store), timeout=10)
    assert con.execute("PRAGMA page_size").fetchone()[0] == 4096
    con.close()
    # A store made elsewhere with other pages is used as it is.
    old = make_hanipo(start=False)
    con = sqlite3.connect(str(old.store))
    con.execute("PRAGMA page_size = 16384")
    con.execute("CREATE TABLE t (x)")
    con.close()
    old.start()
    assert request(old.port, build_request("GET", "/q")).status == 200
    old.wait_events("request", 1)
    con = sqlite3.connect(str(old.store), timeout=10)
    assert con.execute("PRAGMA page_size").fetchone()[0] == 16384
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def _wal_state(store):
    """The WAL file's size and its header's checkpoint sequence (bumped each time it restarts)."""
    try:
        with open(f"{store}-wal", "rb") as f:
            head = f.read(32)
            size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        return 0, None
    return size, int.from_bytes(head[12:16], "big") if len(head) == 32 else None


def test_wal_restarts_under_sustained_load(make_hanipo):
    # Commits that never pause: a passive checkpoint always has a commit land while it syncs, so
    # the writer never found the WAL fully copied and never started it over. The WAL grew by
    # every frame (200 MB in 6 s of wrk). Now the checkpointer catches up with the write lock
    # held for the last few frames, and the next commit starts the WAL again.
    h = make_hanipo()
    stop = threading.Event()
    answered = [0] * 8

    def hammer(t):
        raw = build_request("GET", "/wal", headers=[("Connection", "close")])
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", h.port), timeout=scaled(5)) as s:
                    s.sendall(raw)
                    while s.recv(65536):
                        pass
                answered[t] += 1
            except OSError:
                pass

    threads = [threading.Thread(target=hammer, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        first = _wal_state(h.store)
        samples = []
        for _ in range(int(scaled(4) / 0.1)):
            time.sleep(0.1)
            samples.append(_wal_state(h.store))
    finally:
        stop.set()
        for t in threads:
            t.join(scaled(10))
    restarts = {seq for _, seq in samples} - {first[1]}
    assert sum(answered) > 2000, answered
    assert len(restarts) >= 2, (first, samples[-1], sum(answered))
    assert h.stop() == 0
    r = h.cli("verify", check=False)
    assert r.returncode == 0, r.stdout + r.stderr
