"""test_fpdb_cli.py - the fingerprint database from the configuration: the user's own file names
connections before the shipped one, a bad line is reported as file:line (exit 2) by check and run,
and [fingerprints] syn = false leaves the connect event without SYN fields."""
import subprocess

from conftest import ROOT, wait_event

DB = ROOT / "data" / "fingerprints.txt"


def test_local_file_wins(make_hanipo):
    h = make_hanipo(start=False)
    mine = h.dir / "mine.txt"
    mine.write_text('# mine\nsyn  4:64:0:*:*,*:mss,sok,ts,nop,ws:*  "my lab box"  lab\n')
    h.overrides += [f"fingerprints.database={DB}", f"fingerprints.local={mine}"]
    h.start()
    subprocess.run(["curl", "-sS", "-o", "/dev/null", f"http://127.0.0.1:{h.port}/"], check=True)
    for ev in wait_event(h, "connect", count=2):
        assert ev["fields"]["syn_client"] == "my lab box"
        assert ev["fields"]["syn_family"] == "lab"


def test_bad_file_is_an_error(make_hanipo):
    h = make_hanipo(start=False)
    bad = h.dir / "bad.txt"
    bad.write_text("ja3 0149f47eabf9a20d0893e2a44e5a6323 curl http-client\nja3 xyz curl x\n")
    h.overrides += [f"fingerprints.local={bad}"]
    for cmd in ("check", "run"):
        r = h.cli(cmd, check=False)
        assert r.returncode == 2, r
        assert f"{bad}:2: a JA3 hash is 32 hex digits" in r.stderr
    h.overrides[-1] = f"fingerprints.database={h.dir / 'missing.txt'}"
    r = h.cli("check", check=False)
    assert r.returncode == 2 and "missing.txt" in r.stderr


def test_syn_off(make_hanipo):
    h = make_hanipo("fingerprints.syn=false")
    subprocess.run(["curl", "-sS", "-o", "/dev/null", f"http://127.0.0.1:{h.port}/"], check=True)
    for ev in wait_event(h, "connect", count=2):
        assert ev["fields"] == {} and ev["tags"] == []
