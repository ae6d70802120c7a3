"""test_import_present.py - which lines of a log the store has already, as `hanipo import` tells:
an imported event's id carries its line's key, so lines stored before are found among the
events of the block's time range; a block whose range holds too many events (a log imported out
of order) looks its lines up one by one; keys kept in import_seen by earlier versions still count.
Each case imports exactly the lines that are new."""
import random
import sqlite3

from test_import_crash import gen_log, scalar, sig_store

B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid_key(ulid):
    """The 64-bit key import_seen held for an imported event with this id (bits 48..111)."""
    v = 0
    for c in ulid:
        v = v * 32 + B32.index(c)
    return int.from_bytes(v.to_bytes(16, "big")[6:14], "little", signed=True)


def counts(r):
    """(imported, present) from the import's last line."""
    words = r.stderr.strip().splitlines()[-1].split()
    return int(words[2]), int(words[4])


def test_shuffled_log_with_new_lines_imports_only_those(make_hanipo, tmp_path):
    h = sig_store(make_hanipo(start=False))
    log = gen_log(tmp_path / "a", 20000)
    assert counts(h.cli("import", "--format", "wowhoneypot", str(log))) == (20000, 0)
    old = log.read_text().splitlines(keepends=True)
    new = gen_log(tmp_path / "b", 20000).read_text().splitlines(keepends=True)
    new = [line.replace(" 192.0.2.1:80 ", " 198.51.100.7:8080 ") for line in new[:3000]]
    # Out of order: every block spans the whole day, far more stored events than its lines.
    mixed = old[::2] + new
    random.Random(7).shuffle(mixed)
    (tmp_path / "mixed").write_text("".join(mixed))
    r = h.cli("import", "--format", "wowhoneypot", str(tmp_path / "mixed"))
    assert counts(r) == (3000, 10000), r.stderr
    assert scalar(h.store, "SELECT count(*) FROM events") == 23000
    assert scalar(h.store, "SELECT count(DISTINCT id) FROM events") == 23000
    assert counts(h.cli("import", "--format", "wowhoneypot", str(tmp_path / "mixed"))) == \
        (0, 13000)
    v = h.cli("verify", check=False)
    assert v.returncode == 0, v.stdout + v.stderr


def test_keys_kept_in_import_seen_by_earlier_versions_still_count(make_hanipo, tmp_path):
    h = sig_store(make_hanipo(start=False))
    log = gen_log(tmp_path / "a", 6000)
    assert counts(h.cli("import", "--format", "wowhoneypot", str(log))) == (6000, 0)
    # As an older store: the keys in import_seen, ids that do not carry them.
    con = sqlite3.connect(str(h.store))
    rows = con.execute("SELECT seq, ts, id FROM events").fetchall()
    con.executemany("INSERT INTO import_seen (ts, key) VALUES (?, ?)",
                    [(ts, ulid_key(i)) for _, ts, i in rows])
    rnd = random.Random(3)
    con.executemany("UPDATE events SET id = ? WHERE seq = ?",
                    [(i[:10] + "".join(rnd.choice(B32) for _ in range(16)), seq)
                     for seq, _, i in rows])
    con.commit()
    con.close()
    assert counts(h.cli("import", "--format", "wowhoneypot", str(log))) == (0, 6000)
    # Without those keys the same lines are new again: import_seen was what found them.
    con = sqlite3.connect(str(h.store))
    con.execute("DELETE FROM import_seen")
    con.commit()
    con.close()
    assert counts(h.cli("import", "--format", "wowhoneypot", str(log))) == (6000, 0)
