"""test_abuse_lookup.py - `hanipo abuse lookup` against local RDAP and whois servers serving real
registry answers: RDAP, the whois fallback, the JPNIC branch decided from content, the cache,
--offline, and the bootstrap given as a URL."""
import json
import sqlite3

import pytest

from abuse_servers import RDAP, RdapServer, WhoisServer
from conftest import FAKETIME_UNDER_ASAN

JP = "2001:240:10c:1::ca20:9d1d"
# What JPNIC's whois would answer in English for that network (its real format, 2022+ [Abuse]).
JPNIC_ANSWER = (
    "[ JPNIC database provides information regarding IP address and ASN. Its use   ]\r\n"
    "\r\n"
    "Network Information:\r\n"
    "a. [Network Number]             2001:240:10c::/48\r\n"
    "b. [Network Name]               IIJ-PRJNET\r\n"
    "g. [Organization]               Internet Initiative Japan Inc.\r\n"
    "m. [Administrative Contact]     YM10542JP\r\n"
    "[Abuse]                         abuse@iij.ad.jp\r\n"
    "[Last Update]                   2015/01/13 10:01:02(JST)\r\n").encode()


@pytest.fixture
def servers():
    rdap = RdapServer({
        "130.59.31.80": RDAP / "whoisit" / "data_rdap_response_ip_v4_2.json",
        "13.104.0.0": RDAP / "whoisit" / "data_rdap_response_ip_v4_3.json",
        JP: RDAP / "ipwhois" / "rdap" / f"{JP}.json",
        "200.57.141.161": (503, b"busy"),
    })
    whois = WhoisServer({
        "200.57.141.161": (RDAP / "ipwhois" / "whois" / "200.57.141.161.txt").read_bytes(),
        JP + "/e": JPNIC_ANSWER,
    })
    yield rdap, whois
    rdap.close()
    whois.close()


def prepare(make_hanipo, rdap, whois, bootstrap=None):
    h = make_hanipo(start=False)
    boot = h.dir / "bootstrap.json"
    boot.write_text(rdap.bootstrap_text())
    sqlite3.connect(h.store).close()        # an empty store: the command migrates it
    h.overrides += [f"abuse.rdap_bootstrap={bootstrap or boot}",
                    f"abuse.whois_server=127.0.0.1:{whois.port}"]
    return h


def lookup(h, *args, check=True):
    r = h.cli("abuse", "lookup", "--json", *args, check=check)
    return [json.loads(ln) for ln in r.stdout.splitlines()], r


def test_rdap_nested_and_cached(make_hanipo, servers):
    rdap, whois = servers
    h = prepare(make_hanipo, rdap, whois)
    (ripe, arin), _ = lookup(h, "130.59.31.80", "13.104.0.0")
    assert ripe["best"] == "abuse@switch.ch" and ripe["network"] == "130.59.0.0/16"
    assert ripe["registry"] == "ripe" and not ripe["cached"]
    assert arin["best"] == "abuse@microsoft.com"       # nested two deep under the org
    assert all(a == "application/rdap+json" for _, a in rdap.requests)
    n = len(rdap.requests)
    (again,), _ = lookup(h, "130.59.31.80")
    assert again["cached"] and again["best"] == "abuse@switch.ch"
    assert len(rdap.requests) == n                       # answered from the store
    rdap.close()
    (off,), _ = lookup(h, "--offline", "13.104.0.0")
    assert off["cached"] and off["best"] == "abuse@microsoft.com"
    out, r = lookup(h, "--offline", "198.51.100.1", check=False)
    assert r.returncode == 1 and "not in the lookup cache" in r.stderr and out == []


def test_whois_fallback(make_hanipo, servers):
    rdap, whois = servers
    h = prepare(make_hanipo, rdap, whois)
    (c,), r = lookup(h, "200.57.141.161")
    assert c["best"] == "operacion.redes@TRIARA.COM", r.stderr
    assert c["source"] == "whois" and c["network"] == "200.57.128.0/19"
    assert whois.queries == [b"200.57.141.161\r\n"]


def test_jpnic_branch(make_hanipo, servers):
    rdap, whois = servers
    h = prepare(make_hanipo, rdap, whois)
    (c,), r = lookup(h, JP)
    # APNIC's answer names only JPNIC's registry desk; JPNIC's whois names the network's own desk.
    assert c["jpnic"] and c["best"] == "abuse@iij.ad.jp", r.stderr
    assert "hostmaster@nic.ad.jp" not in c["abuse"]
    assert c["network"] == "2001:240:10c::/48" and c["registry"] == "jpnic"
    assert whois.queries == [(JP + "/e\r\n").encode()]


def test_bootstrap_url_and_text_output(make_hanipo, servers):
    rdap, whois = servers
    h = prepare(make_hanipo, rdap, whois,
              bootstrap=f"http://127.0.0.1:{rdap.port}/bootstrap/ipv4.json")
    r = h.cli("abuse", "lookup", "130.59.31.80")
    assert "report to  abuse@switch.ch" in r.stdout


def test_bad_config_and_address(make_hanipo, servers):
    rdap, whois = servers
    h = prepare(make_hanipo, rdap, whois)
    r = h.cli("abuse", "lookup", "-o", "abuse.whois_server=a b", "1.2.3.4", check=False)
    assert r.returncode == 2 and "whois_server" in r.stderr
    r = h.cli("abuse", "lookup", "not-an-ip", check=False)
    assert r.returncode == 1 and "not an IP address" in r.stderr


def test_bad_abuse_keys_name_the_line(make_hanipo):
    h = make_hanipo(start=False)
    text = h.config.read_text() + "[abuse]\nreporter_email = not an address\nsmtp_relay = http://x\n"
    h.config.write_text(text)
    r = h.cli("check", check=False)
    line = text.splitlines().index("reporter_email = not an address") + 1
    assert r.returncode == 2 and f"{h.config}:{line}:" in r.stderr, r.stderr


@FAKETIME_UNDER_ASAN
def test_cache_expires(make_hanipo, servers):
    import subprocess
    from conftest import scaled
    rdap, whois = servers
    h = prepare(make_hanipo, rdap, whois)
    h.overrides.append("abuse.cache_ttl=3600")
    (first,), _ = lookup(h, "130.59.31.80")
    (again,), _ = lookup(h, "130.59.31.80")
    assert not first["cached"] and again["cached"]
    n = len(rdap.requests)
    # Two hours later (libc's clock through faketime) the entry has expired: asked again.
    r = subprocess.run(["faketime", "-f", "+2h", *h.args("abuse", "lookup", "--json",
                        "130.59.31.80")], capture_output=True, text=True, timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["cached"] is False and len(rdap.requests) == n + 1
