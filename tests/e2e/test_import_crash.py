"""test_import_crash.py - the import writes through a rollback journal while nothing else has the
store open, and WAL again after: an import killed with SIGKILL after committing part of a log
leaves a store that passes integrity_check; importing the log again adds exactly the rest, and
the store then holds what a clean import gives (events, report, chain check). An import started
while a reader has the store open stays in WAL and works the same. A log imported in two steps
(a prefix, then the whole) gives the same daily report as one import."""
import ctypes
import json
import mmap
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import scaled, wait_until
from test_srcrange import uncovered

ROOT = Path(__file__).resolve().parents[2]
DATE = "2026-11-20"
LINES = 200000          # two transactions of the import (100,000 lines each)


def gen_log(path, lines=LINES, date=DATE):
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_access_log.py"), str(lines), date,
                    str(path)], check=True, timeout=scaled(120))
    return path


def sig_store(h):
    h.config.write_text(h.config.read_text() +
                        f"[signatures]\npath = {ROOT / 'data' / 'signatures'}\n")
    return h


def report(h):
    r = h.cli("report", "daily", "--date", DATE, "--tz", "Asia/Tokyo", "--format", "json")
    return json.loads(r.stdout)


def scalar(store, sql):
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def indexes(store):
    """The events table's indexes."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                          "AND tbl_name = 'events'")}
    finally:
        con.close()


def resident(path):
    """(pages of the file in the page cache, pages of the file): mincore over a mapping."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        assert addr not in (None, ctypes.c_void_p(-1).value)
        n = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
        vec = (ctypes.c_ubyte * n)()
        assert libc.mincore(addr, size, vec) == 0
        libc.munmap(addr, size)
        return sum(v & 1 for v in vec), n
    finally:
        os.close(fd)


def con_page_size(store):
    return scalar(store, "PRAGMA page_size")


def committed(store):
    """Events committed so far (0 while the store is locked for a commit or absent)."""
    if not store.exists():
        return 0
    try:
        return scalar(store, "SELECT COALESCE(MAX(seq), 0) FROM events")
    except sqlite3.Error:
        return 0


def test_import_killed_midway_then_rerun_equals_clean_import(make_hanipo, tmp_path):
    log = gen_log(tmp_path / "access_log")
    clean = sig_store(make_hanipo(start=False))
    r = clean.cli("import", "--format", "wowhoneypot", str(log))
    assert f"{LINES} imported, 0 already present" in r.stderr
    # Each commit dropped its synced pages from the page cache (posix_fadvise): almost none stay
    # (until something reads them, as the checks below do).
    cached, pages = resident(clean.store)
    assert pages > 10000 and cached < pages // 10, (cached, pages)
    assert scalar(clean.store, "PRAGMA journal_mode") == "wal"
    # Every imported event lies in one range of its source (src_ranges), written per block, and
    # in one run by time (ts_ranges); the events table has no index of its own.
    assert indexes(clean.store) == set() and uncovered(clean.store) == 0

    h = sig_store(make_hanipo(start=False))
    # Killed before its second commit, the transaction's pages half written: it pauses there
    # (a test hook) and says so, as a reader could not look while the transaction holds its locks.
    p = subprocess.Popen(h.args("import", "--format", "wowhoneypot", str(log)),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env={**os.environ, "HANIPO_IMPORT_PAUSE_MS": "30000"})
    said = b""
    while b"pausing before commit 2" not in said and p.poll() is None:
        said += p.stderr.readline()
    assert b"pausing before commit 2" in said, said
    journal = h.store.with_name(h.store.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0     # the rollback this tests
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    con = sqlite3.connect(str(h.store), timeout=30)     # rolls a hot journal back
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = con.execute("SELECT count(*) FROM events").fetchone()[0]
    keys = con.execute("SELECT count(*) FROM import_seen").fetchone()[0]
    con.close()
    # The lines' keys are in the events' ids: import_seen is only read (stores of schema < 7).
    assert 0 < partial < LINES and keys == 0
    assert con_page_size(h.store) == 4096
    # Killed between its commits: the committed blocks came with their ranges.
    assert uncovered(h.store) == 0

    r = h.cli("import", "--format", "wowhoneypot", str(log))
    assert f"{LINES - partial} imported, {partial} already present, 0 malformed" in r.stderr
    assert indexes(h.store) == set() and uncovered(h.store) == 0
    assert scalar(h.store, "PRAGMA journal_mode") == "wal"
    assert scalar(h.store, "PRAGMA integrity_check") == "ok"
    q = "SELECT group_concat(id || ts || fields || tags, '|') FROM (SELECT * FROM events ORDER BY seq)"
    assert scalar(h.store, q) == scalar(clean.store, q)
    assert report(h) == report(clean)
    v = h.cli("verify", check=False)
    assert v.returncode == 0, v.stdout + v.stderr


def test_import_with_a_reader_open_stays_in_wal(make_hanipo, tmp_path):
    log = gen_log(tmp_path / "access_log", 5000)
    h = sig_store(make_hanipo(start=False))
    h.cli("import", "--format", "wowhoneypot", str(gen_log(tmp_path / "first", 10, "2026-11-19")))
    reader = sqlite3.connect(str(h.store), timeout=30)
    assert reader.execute("SELECT count(*) FROM events").fetchone()[0] == 10
    r = h.cli("import", "--format", "wowhoneypot", str(log))
    assert "5000 imported, 0 already present" in r.stderr, r.stderr
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reader.execute("SELECT count(*) FROM events").fetchone()[0] == 5010
    reader.close()
    assert scalar(h.store, "PRAGMA integrity_check") == "ok"


def test_prefix_then_whole_log_reports_like_one_import(make_hanipo, tmp_path):
    log = gen_log(tmp_path / "access_log", 30000)
    head = tmp_path / "head"
    head.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:12345]))
    one = sig_store(make_hanipo(start=False))
    one.cli("import", "--format", "wowhoneypot", str(log))
    two = sig_store(make_hanipo(start=False))
    two.cli("import", "--format", "wowhoneypot", str(head))
    r = two.cli("import", "--format", "wowhoneypot", str(log))
    assert "17655 imported, 12345 already present" in r.stderr
    for t in ("rollup ORDER BY hour, sensor, dim, value", "first_seen ORDER BY what, value"):
        q = f"SELECT group_concat(quote(hour) || sensor || dim || quote(value) || count, '|') " \
            f"FROM (SELECT * FROM {t})" if t.startswith("rollup") else \
            f"SELECT group_concat(what || value || ts, '|') FROM (SELECT * FROM {t})"
        assert scalar(two.store, q) == scalar(one.store, q), t
    assert report(two) == report(one)
    # The reader hashes chain leaves ahead with the seqs it expects; present lines shift them.
    for h in (one, two):
        v = h.cli("verify", check=False)
        assert v.returncode == 0, v.stdout + v.stderr


def test_repeated_requests_get_the_tags_classify_gives(make_hanipo, tmp_path):
    """Repeats of a request from other clients reuse its event (import_cache.c): the tags must be
    what `hanipo classify` computes for every stored event anew."""
    log = gen_log(tmp_path / "access_log", 20000)
    h = sig_store(make_hanipo(start=False))
    h.cli("import", "--format", "wowhoneypot", str(log))
    r = h.cli("classify")
    assert "20000 events classified" in r.stdout + r.stderr and " 0 changed" in r.stdout + r.stderr
    assert scalar(h.store, "SELECT count(*) FROM events WHERE tags != '[]'") > 0


def test_a_signature_on_the_client_tags_each_repeat_by_its_client(make_hanipo, tmp_path):
    """With a signature testing src_ip the cache is not used: the same request from two clients
    gets that signature's tag only for the matching one."""
    log = gen_log(tmp_path / "access_log", 20000)
    sigs = tmp_path / "sigs"
    sigs.mkdir()
    for f in (ROOT / "data" / "signatures").glob("*.sig"):
        (sigs / f.name).write_bytes(f.read_bytes())
    (sigs / "99-client.sig").write_text(
        "sig client-one\nname      test: clients in 1.0.0.0/8\ncategory  recon\nowasp     I1\n"
        "abuseipdb 14\nproto     http\nkind      request\nmatch     src_ip starts 1.\n")
    h = make_hanipo(start=False)
    h.config.write_text(h.config.read_text() + f"[signatures]\npath = {sigs}\n")
    h.cli("import", "--format", "wowhoneypot", str(log))
    r = h.cli("classify")
    assert " 0 changed" in r.stdout + r.stderr, r.stdout + r.stderr
    con = sqlite3.connect(f"file:{h.store}?mode=ro", uri=True)
    rows = con.execute("SELECT src_ip, tags FROM events WHERE json_extract(fields, '$.uri') = "
                       "(SELECT json_extract(fields, '$.uri') FROM events WHERE src_ip LIKE '1.%' "
                       "LIMIT 1)").fetchall()
    con.close()
    assert any(ip.startswith("1.") for ip, _ in rows) and any(not ip.startswith("1.") for ip, _ in rows)
    for ip, tags in rows:
        assert ("client-one" in json.loads(tags)) == ip.startswith("1."), (ip, tags)
