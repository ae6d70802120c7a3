"""test_abuse_report.py - plan -> render -> send -> status with the real binary against local
RDAP, whois and SMTP servers, on a fixture store: three attacking sources (RIPE via RDAP, LACNIC
via the whois fallback, a Japanese network via JPNIC's whois), attacker bytes that try to break
out of the report, and after the reports one source keeps attacking while the others stop."""
import email
import email.policy
import json
import re
import sqlite3
import time

import pytest

from abuse_servers import RDAP, RdapServer, SmtpServer, WhoisServer, xarf_validate
from conftest import ROOT
from test_abuse_lookup import JP, JPNIC_ANSWER

A, B, C, D, E = "130.59.31.80", "200.57.141.161", JP, "192.0.2.99", "192.0.2.77"
EVIL = "/GponForm/diag_Form?images/\x1b[31mX\r\nBcc: victim@example.org\r\n.\r\nRCPT TO:<x@y>"
NOW = int(time.time() * 1e6)


def ev(con, seq, ip, ts, kind="request", proto="http", fields=None, tags=(), port=80):
    con.execute(
        "INSERT INTO events (seq, id, ts, sensor, session, proto, kind, src_ip, src_port, dst_ip,"
        " dst_port, fields, payload, payload_len, payload_sha256, tags) VALUES"
        " (?,?,?,?,?,?,?,?,?,?,?,?,NULL,0,NULL,?)",
        (seq, f"01TEST{seq:020d}", ts, "tokyo-1", f"S{seq}", proto, kind, ip, 40000 + seq,
         "203.0.113.5", port, json.dumps(fields or {}), json.dumps(list(tags))))
    # The store's indexes by source and by time, as its writer keeps them: a seq range per batch
    # and runs of seqs (one event each here).
    con.execute("INSERT INTO src_ranges (ip, lo, hi, min_ts, max_ts) VALUES (?,?,?,?,?)",
                (ip, seq, seq, ts, ts))
    con.execute("INSERT INTO ts_ranges (lo, hi, min_ts, max_ts) VALUES (?,?,?,?)",
                (seq, seq, ts, ts))


def fixture_store(h):
    sqlite3.connect(h.store).close()
    h.cli("events")                                  # migrates the empty file
    con = sqlite3.connect(h.store)
    seq = 0
    for i in range(6):
        seq += 1
        ev(con, seq, A, NOW - 3 * 3600e6 + i * 1e6,
           fields={"method": "GET", "uri": EVIL if i == 2 else "/GponForm/diag_Form?images/"},
           tags=["gpon-rce"])
        seq += 1
        ev(con, seq, B, NOW - 2 * 3600e6 + i * 1e6,
           fields={"method": "GET", "uri": "/.env" if i % 2 else "/.git/config"})
        seq += 1
        ev(con, seq, C, NOW - 1 * 3600e6 + i * 1e6, kind="login", proto="ssh",
           fields={"username": "root", "password": f"pw{i}"}, port=22)
    for i in range(2):
        seq += 1
        ev(con, seq, D, NOW - 3600e6, fields={"method": "GET", "uri": "/"})
    for i in range(3):                                 # bare connections: a port scan
        seq += 1
        ev(con, seq, E, NOW - 3000e6 + i, kind="connect", proto="telnet", port=23 + i)
    con.commit()
    con.close()
    return seq


@pytest.fixture
def world(make_hanipo):
    rdap = RdapServer({
        A: RDAP / "whoisit" / "data_rdap_response_ip_v4_2.json",
        C: RDAP / "ipwhois" / "rdap" / f"{JP}.json",
        B: (500, b"oops"),
    })
    whois = WhoisServer({
        B: (RDAP / "ipwhois" / "whois" / "200.57.141.161.txt").read_bytes(),
        JP + "/e": JPNIC_ANSWER,
    })
    smtp = SmtpServer()
    h = make_hanipo(start=False)
    boot = h.dir / "bootstrap.json"
    boot.write_text(rdap.bootstrap_text())
    h.overrides += [f"abuse.rdap_bootstrap={boot}", f"abuse.whois_server=127.0.0.1:{whois.port}",
                    "abuse.reporter_name=Hanako Yamada", "abuse.reporter_org=Example Sensor Lab",
                    "abuse.reporter_email=abuse-reports@example.org",
                    f"abuse.smtp_relay=smtp://127.0.0.1:{smtp.port}",
                    f"signatures.path={ROOT / 'data' / 'signatures'}"]
    h.next_seq = fixture_store(h)
    yield h, smtp
    rdap.close()
    whois.close()
    smtp.close()


TIME_RE = re.compile(r"\d\d:\d\d:\d\d(?:\.\d+)?(?![+-]\d\d:\d\d|\d)")


def test_plan_render_send_status(world):
    h, smtp = world

    # plan: one group per contact; the source below --min-events is not in it.
    r = h.cli("abuse", "plan", "--since", "24h", "--json")
    groups = {g["contact"]: [s["ip"] for s in g["sources"]] for g in map(json.loads,
                                                                           r.stdout.splitlines())}
    assert groups == {"abuse@switch.ch": [A], "operacion.redes@TRIARA.COM": [B],
                      "abuse@iij.ad.jp": [C]}, r.stdout + r.stderr

    r = h.cli("abuse", "plan", "--tags", "gpon-rce,other", "--json", "--offline")
    assert [json.loads(ln)["contact"] for ln in r.stdout.splitlines()] == ["abuse@switch.ch"]
    r = h.cli("abuse", "plan", "--min-events", "2", "--json", "--offline")
    assert D in r.stdout                              # 2 events: now enough (no contact: "")

    # render text: To/Subject first, every time with a numeric offset, attacker bytes escaped,
    # signature and CVE named, the chain digest quoted.
    r = h.cli("abuse", "render", "--ip", A, "--format", "text", "--lang", "en", "--tz",
              "Asia/Tokyo")
    lines = r.stdout.split("\n")
    assert lines[0] == "To: abuse@switch.ch" and lines[1].startswith("Subject: ")
    assert "+09:00" in r.stdout and "+00:00" in r.stdout
    assert not TIME_RE.search(r.stdout), TIME_RE.search(r.stdout)
    assert "\x1b" not in r.stdout and "\r" not in r.stdout
    assert "\\x1b[31mX\\x0d\\x0aBcc: victim@example.org" in r.stdout
    assert not any(ln.startswith("Bcc:") for ln in lines)
    assert "CVE-2018-10562" in r.stdout and "gpon-rce" in r.stdout
    assert "Evidence integrity" in r.stdout and "(no event chain" in r.stdout

    # Japanese for the JP network by default, with JST.
    r = h.cli("abuse", "render", "--contact", "abuse@iij.ad.jp")
    assert r.stdout.startswith("To: abuse@iij.ad.jp\nSubject: [不正アクセス報告]")
    assert "+09:00" in r.stdout and "ご担当者様" in r.stdout
    r = h.cli("abuse", "render", "--ip", C, "--format", "jpcert", "--lang", "ja")
    assert "報告の目的" in r.stdout and "タイムゾーン" in r.stdout and C in r.stdout

    # XARF: every type produced validates against the official schemas.
    types = set()
    for ip in (A, B, C):
        r = h.cli("abuse", "render", "--ip", ip, "--format", "xarf")
        for ln in r.stdout.splitlines():
            rep = json.loads(ln)
            xarf_validate(rep)
            types.add(rep["type"])
            assert rep["source_identifier"] == ip
    r = h.cli("abuse", "render", "--ip", E, "--format", "xarf", "--offline")
    rep = json.loads(r.stdout)
    xarf_validate(rep)
    types.add(rep["type"])
    assert rep["source_port"] > 0 and rep["destination_port"] == 23
    assert types == {"vulnerability_scan", "reconnaissance", "login_attack", "port_scan"}

    # AbuseIPDB bulk CSV.
    r = h.cli("abuse", "render", "--ip", A, "--format", "abuseipdb")
    head, row = r.stdout.splitlines()[:2]
    assert head == "IP,Categories,ReportDate,Comment"
    assert row.startswith(f'{A},"15,21,23",') and re.search(r",\d{4}-\d\d-\d\dT[\d:]+\+00:00,", row)

    # send: a dry run sends and records nothing.
    r = h.cli("abuse", "send")
    assert "dry run" in r.stdout and smtp.messages == []
    assert "no report sent yet" in h.cli("abuse", "status").stdout

    r = h.cli("abuse", "send", "--no-dry-run")
    assert r.stdout.count("sent to ") == 3, r.stdout + r.stderr
    assert sorted(m[1][0] for m in smtp.messages) == sorted(groups)
    for frm, rcpt, raw in smtp.messages:
        assert frm == "abuse-reports@example.org" and len(rcpt) == 1
        assert raw.endswith(b"\r\n") and b"\r\n" in raw
        assert not re.search(rb"(?<!\r)\n", raw), "bare LF in the message"
        assert max(len(ln) for ln in raw.split(b"\r\n")) <= 998
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        head_names = [k.lower() for k in msg.keys()]
        assert sorted(head_names) == sorted(["from", "to", "subject", "date", "message-id",
                                             "mime-version", "content-type"])
        assert re.search(r" [+-]\d{4}$", msg["Date"])
        parts = list(msg.walk())
        tpart = next(p for p in parts if p.get_content_type() == "text/plain")
        text = tpart.get_content()
        body = tpart.get_payload(decode=True)
        assert b"\r\n" in body and not re.search(rb"(?<!\r)\n", body)
        assert rcpt[0] in raw.decode() and "Bcc" not in msg
        fb = next(p for p in parts if p.get_content_type() == "message/feedback-report")
        assert b"Feedback-Type: xarf" in fb.as_bytes()
        for p in parts:
            if p.get_content_type() == "application/json":
                xarf_validate(json.loads(p.get_content()))
        if rcpt[0] == "abuse@switch.ch":
            assert A in text and "\x1b" not in text and "\\x1b" in text
    n_mails = len(smtp.messages)

    # A second send finds nothing new.
    r = h.cli("abuse", "send", "--no-dry-run")
    assert "0 reports sent" in r.stdout and len(smtp.messages) == n_mails, r.stdout

    # After the reports, B keeps attacking; A and C stop.
    con = sqlite3.connect(h.store)
    later = int(time.time() * 1e6) + 5_000_000
    for i in range(3):
        ev(con, h.next_seq + 1 + i, B, later + i, fields={"method": "GET", "uri": "/.env"})
    con.commit()
    con.close()
    r = h.cli("abuse", "status", "--json")
    st = {j["ip"]: j for j in map(json.loads, r.stdout.splitlines())}
    assert st[A]["status"] == "stopped" and st[C]["status"] == "stopped"
    assert st[B]["status"] == "continues" and st[B]["events_after"] == 3
    assert st[B]["by_day"].endswith(":3") and st[A]["events_reported"] == 6
    r = h.cli("abuse", "status")
    assert re.search(rf"{re.escape(B)}\s+6\s+3\s+continues", r.stdout), r.stdout
    assert re.search(rf"{re.escape(A)}\s+6\s+0\s+stopped", r.stdout), r.stdout


def test_send_refuses_without_relay_and_bad_options(world):
    h, smtp = world
    keep = list(h.overrides)
    h.overrides = [o for o in h.overrides if not o.startswith("abuse.smtp_relay=")]
    r = h.cli("abuse", "send", "--no-dry-run", check=False)
    assert r.returncode == 2 and "smtp_relay" in r.stderr, r.stderr
    h.overrides = keep
    r = h.cli("abuse", "render", "--ip", A, "--format", "pdf", check=False)
    assert r.returncode == 2 and "--format" in r.stderr
    r = h.cli("abuse", "render", "--ip", A, "--tz", "Mars/Olympus", check=False)
    assert r.returncode == 2 and "--tz" in r.stderr
    r = h.cli("abuse", "render", check=False)
    assert r.returncode == 2
    assert smtp.messages == []
