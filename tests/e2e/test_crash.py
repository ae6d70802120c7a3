"""test_crash.py - kill -9 under load: the store stays intact and holds every request whose answer
reached a client (answers are sent only once their event is durable), three times over on the same
store, which reopens fine after each crash."""
import os
import signal
import socket
import sqlite3
import threading
import time

import pytest

from conftest import parse_response, scaled, wait_port

THREADS = 8
PER_THREAD = 5000      # upper bound: the threads run until the server is killed


def client(port, rnd, tid, answered, stop):
    for i in range(PER_THREAD):
        if stop.is_set():
            return
        path = f"/crash/{rnd}/{tid}/{i}"
        raw = f"GET {path} HTTP/1.1\r\nHost: crash\r\nConnection: close\r\n\r\n".encode()
        buf = b""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=scaled(5)) as s:
                s.sendall(raw)
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    buf += b
        except ConnectionRefusedError:
            return                      # the server is gone
        except OSError:
            continue                    # reset mid-way: not answered
        r = parse_response(buf)
        if r is not None and r[0].status == 200 and r[1] == b"":
            answered.append(path)


def load_and_kill(h, rnd, kill_after=1.0):
    answered, stop = [], threading.Event()
    threads = [threading.Thread(target=client, args=(h.port, rnd, t, answered, stop))
               for t in range(THREADS)]
    for t in threads:
        t.start()
    time.sleep(kill_after)
    os.kill(h.proc.pid, signal.SIGKILL)
    h.proc.wait(timeout=scaled(10))
    for t in threads:
        t.join(timeout=scaled(30))
    stop.set()
    assert not any(t.is_alive() for t in threads)
    return answered


def stored_paths(store):
    # A read-write connection: it recovers the WAL the killed process left, as hanipo does.
    con = sqlite3.connect(store, timeout=10)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT json_extract(fields, '$.uri'), seq FROM events "
                           "WHERE kind = 'request'").fetchall()
        n_ids = con.execute("SELECT count(DISTINCT id), count(*) FROM events").fetchone()
    finally:
        con.close()
    assert n_ids[0] == n_ids[1]
    return [r[0] for r in rows]


@pytest.mark.slow
def test_kill9_under_load_loses_no_answered_request(make_hanipo):
    h = make_hanipo()
    total_answered = set()
    for rnd in range(3):
        if rnd > 0:
            h.start()
            assert wait_port(h.port)
        answered = load_and_kill(h, rnd)
        assert h.stop() == -signal.SIGKILL
        assert len(answered) > 20, "the load never got going"
        assert len(answered) < THREADS * PER_THREAD, "the kill did not land mid-load"
        total_answered.update(answered)
        print(f"round {rnd}: {len(answered)} answered")
        paths = stored_paths(h.store)
        present = set(paths)
        lost = sorted(total_answered - present)
        assert not lost, f"round {rnd}: {len(lost)} answered requests missing, e.g. {lost[:5]}"
        assert len(paths) == len(present), "a request was stored twice"
        # The CLI reads the crashed store.
        r = h.cli("events", "--kind", "request", "--limit", "0")
        assert r.stdout.count("\n") == len(paths)
        assert f"/crash/{rnd}/" in r.stdout
    # A clean start after the last crash (serving: one request answered), then a clean stop.
    h.start()
    with socket.create_connection(("127.0.0.1", h.port), timeout=scaled(5)) as s:
        s.sendall(b"GET /crash/after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        buf = b""
        while (b := s.recv(65536)):
            buf += b
    assert parse_response(buf)[0].status == 200
    total_answered.add("/crash/after")
    assert h.stop() == 0
    assert set(stored_paths(h.store)) >= total_answered
