"""test_chain.py - tamper evidence: the real sensor stores events, `hanipo verify` passes; one byte
of an event row edited in the SQLite file makes it fail and name that event; `hanipo seal` signs a
day's digest (day taken from libc's clock: faketime moves it) and `verify --seal` checks it."""
import subprocess

from conftest import FAKETIME_UNDER_ASAN, build_request, request, scaled

MARK = b"TamperMarker-7f3a"


def fill(h, n=12):
    for i in range(n):
        ua = MARK if i == 7 else f"agent-{i}".encode()
        r = request(h.port, build_request("GET", f"/p{i}", headers=[("User-Agent", ua)]))
        assert r.status in (200, 404)
    h.wait_events("request", n)


def marked_event(h):
    rows = [r for r in h.events("request") if MARK in bytes(r["payload"] or b"")]
    assert len(rows) == 1
    return rows[0]


def test_verify_detects_one_byte(make_hanipo):
    h = make_hanipo()
    h.overrides.append(f"seal.key={h.dir / 'seal.key'}")
    fill(h)
    assert h.stop() == 0
    r = h.cli("verify")
    assert r.returncode == 0 and r.stdout.startswith("chain ok:"), r.stdout + r.stderr
    n_events = len(h.events())
    assert f"{n_events} events" in r.stdout

    target = marked_event(h)
    data = bytearray(h.store.read_bytes())
    assert not (h.dir / "hanipo.db-wal").exists() or (h.dir / "hanipo.db-wal").stat().st_size == 0
    pos = data.find(MARK)
    assert pos > 0
    data[pos] ^= 0x20                      # one byte: 'T' -> 't'
    h.store.write_bytes(bytes(data))

    r = h.cli("verify", check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"BROKEN at event {target['id']}" in r.stdout, r.stdout


def test_reclassifying_keeps_the_chain(make_hanipo, tmp_path):
    """Tags are analysis (hanipo classify rewrites them), not evidence: outside the chain."""
    from conftest import ROOT
    sig = tmp_path / "one.sig"
    sig.write_text("sig probe-p3\nname      request for /p3\ncategory  recon\nproto     http\n"
                   "owasp     I3\nabuseipdb 21\nkind      request\nmatch     uri contains /p3\n")
    h = make_hanipo()
    fill(h, 5)
    assert h.stop() == 0
    r = h.cli("classify", "--signatures", str(sig))
    assert r.returncode == 0, r.stderr
    assert any("probe-p3" in e["tags"] for e in h.events("request")), r.stdout
    r = h.cli("verify")
    assert r.returncode == 0 and r.stdout.startswith("chain ok:"), r.stdout


def test_verify_detects_removed_and_forged_rows(make_hanipo):
    import sqlite3
    h = make_hanipo()
    fill(h, 6)
    assert h.stop() == 0
    con = sqlite3.connect(h.store)
    rows = con.execute("SELECT seq, id FROM events ORDER BY seq").fetchall()
    con.execute("DELETE FROM events WHERE seq = ?", (rows[2][0],))
    con.commit()
    con.close()
    r = h.cli("verify", check=False)
    assert r.returncode == 1 and "BROKEN at event" in r.stdout
    assert rows[3][1] in r.stdout or rows[2][1] in r.stdout


@FAKETIME_UNDER_ASAN
def test_seal_and_verify_seal_under_faketime(make_hanipo):
    h = make_hanipo()
    h.overrides.append(f"seal.key={h.dir / 'seal.key'}")
    fill(h, 4)
    assert h.stop() == 0
    # libc's clock says 2031-05-02: the default day sealed is the day before, and every link
    # (written today, before 2031) is in it.
    r = subprocess.run(["faketime", "2031-05-02 03:00:00", *h.args("seal")], capture_output=True,
                       text=True, timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("sealed 2031-05-01: digest "), r.stdout
    digest = r.stdout.split("digest ")[1].split()[0]
    assert (h.dir / "seal.key").stat().st_mode & 0o077 == 0
    assert (h.dir / "seal.key.pub").exists()
    r = h.cli("verify", "--seal")
    assert r.returncode == 0 and f"seal 2031-05-01: ok, digest {digest}" in r.stdout, r.stdout

    # Reports quote the digest, so a recipient can ask for verification.
    r = h.cli("abuse", "render", "--ip", "127.0.0.1", "--offline", "--since", "1h",
              "--format", "text")
    assert f"sha256:{digest}" in r.stdout, r.stdout + r.stderr

    # The seal does not verify with another key pair.
    other = h.dir / "other.key"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(other)],
                   check=True, capture_output=True)
    mine = h.overrides.pop()
    h.overrides.append(f"seal.key={other}")
    r = h.cli("verify", "--seal", check=False)
    assert r.returncode == 1 and "signature does not verify" in r.stdout, r.stdout
    h.overrides[-1] = mine

    # Any change to an event breaks the chain and the seal's digest with it.
    import sqlite3
    con = sqlite3.connect(h.store)
    con.execute("UPDATE events SET src_port = src_port + 1 WHERE seq = 2")
    con.commit()
    con.close()
    r = h.cli("verify", "--seal", check=False)
    assert r.returncode == 1 and "chain BROKEN" in r.stdout

    # Rewriting the chain links to match the edit changes the digest: the seal catches it.
    con = sqlite3.connect(h.store)
    con.execute("DELETE FROM chain")
    con.commit()
    con.close()
    r = h.cli("verify", "--seal", check=False)
    assert r.returncode == 1 and "seal 2031-05-01: BROKEN" in r.stdout, r.stdout


def test_import_after_the_daemon_is_chained(make_hanipo):
    """Old logs imported into a store the daemon already chains, under the same sensor name:
    the import adds its own links, so verify still passes and covers the imported events too,
    and a later daemon run chains on from them."""
    from test_report import DATA
    h = make_hanipo()
    fill(h, 3)
    assert h.stop() == 0
    r = h.cli("import", "--format", "wowhoneypot", str(DATA / "access_log"), check=False)
    assert r.returncode == 0 and "16 imported" in r.stderr, r.stderr
    r = h.cli("verify", check=False)
    assert r.returncode == 0 and r.stdout.startswith("chain ok:"), r.stdout + r.stderr
    assert f"{len(h.events())} events" in r.stdout, r.stdout    # every event is chained
    h.start()
    fill(h, 5)
    assert h.stop() == 0
    r = h.cli("verify", check=False)
    assert r.returncode == 0 and f"{len(h.events())} events" in r.stdout, r.stdout
    # an imported row edited: verify names it
    with __import__("sqlite3").connect(str(h.store)) as con:
        seq, eid = con.execute("SELECT seq, id FROM events WHERE json_extract(fields, "
                               "'$.imported') IS NOT NULL ORDER BY seq LIMIT 1 OFFSET 3").fetchone()
        con.execute("UPDATE events SET src_ip = '192.0.2.99' WHERE seq = ?", (seq,))
    r = h.cli("verify", check=False)
    assert r.returncode == 1 and f"BROKEN at event {eid}" in r.stdout, r.stdout
