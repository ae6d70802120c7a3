"""test_store_writer_lock.py - one writer of events per store: the store writer and an import
hand out sequence numbers from max(seq), so a second writer would make one of them lose a batch.
A running daemon keeps a second daemon and any import out, with a message; once it stops, the
import goes ahead and nothing the daemon stored is lost."""
import subprocess

from conftest import BIN, build_request, request, wait_event

from test_report import DATA


def test_import_refused_while_daemon_writes_then_allowed(make_hanipo):
    h = make_hanipo()
    assert request(h.port, build_request("GET", "/before-import")).status == 200
    wait_event(h, "request")
    r = h.cli("import", "--format", "wowhoneypot", str(DATA / "access_log"), check=False)
    assert r.returncode != 0
    assert "being written by another hanipo process" in r.stderr and "(pid " in r.stderr
    assert len(h.events("request")) == 1          # nothing was imported
    assert h.stop() == 0
    r = h.cli("import", "--format", "wowhoneypot", str(DATA / "access_log"), check=False)
    assert "16 imported" in r.stderr, r.stderr
    paths = [e["fields"].get("path") for e in h.events("request")]
    assert "/before-import" in paths and len(paths) == 17


def test_second_daemon_on_one_store_refused(make_hanipo):
    h = make_hanipo()
    port = h.port + 1 if h.port < 65000 else h.port - 1
    r = subprocess.run([BIN, "run", "-c", str(h.config), "-o", f"http.listen=127.0.0.1:{port}"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r.stderr
    assert "being written by another hanipo process" in r.stderr
    # the first one still answers and stores
    assert request(h.port, build_request("GET", "/still-here")).status == 200
    assert wait_event(h, "request", lambda e: e["fields"].get("uri") == "/still-here")
