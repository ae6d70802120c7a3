"""test_syn_fp.py - SYN fingerprints against oracles the test controls: connections from a network
namespace whose kernel sends a different TTL (sysctl ip_default_ttl / hop_limit) and MSS (route
advmss), over IPv4 and IPv6, every syn_* field equal to Wireshark's reading of the same SYN (tshark
on the veth); hand-built tool SYNs (python3-scapy) that complete a handshake and must
get their tool's tag, including Nmap's own SYN captured from a real `nmap -sS`; kernel SYNs never
get one. Needs root and iproute2; it creates only its own namespace and veth pair."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, SHARED, ART, free_port, scaled, wait_port, wait_event

DB = ROOT / "data" / "fingerprints.txt"
HELPER = ROOT / "tests" / "e2e" / "synhand.py"
PY = "/usr/bin/python3"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("ip") is None,
                                reason="needs root and iproute2 (network namespaces)")

NS_TTL, NS_MSS, NS_HLIM, NS_MSS6 = 99, 1200, 77, 1100


def sh(*args, check=True):
    return subprocess.run(args, capture_output=True, text=True, check=check, timeout=60)


class Netns:
    """A namespace joined to the host by a veth pair, IPv4 and IPv6, with its own TTL and MSS."""

    def __init__(self):
        tag = os.getpid() % 100000
        self.name = f"hnpsyn{tag}"
        self.vh, self.vn = f"hs{tag}h", f"hs{tag}n"
        a, b = 200 + tag % 50, (tag // 50) % 250
        self.net = f"10.{a}.{b}"
        self.host4, self.ns4, self.spoof4 = f"{self.net}.1", f"{self.net}.2", f"{self.net}.3"
        self.host6, self.ns6 = f"fd42:{tag:x}::1", f"fd42:{tag:x}::2"

    def ns(self, *args, check=True):
        return sh("ip", "netns", "exec", self.name, *args, check=check)

    def up(self):
        sh("ip", "netns", "add", self.name)
        sh("ip", "link", "add", self.vh, "type", "veth", "peer", "name", self.vn)
        sh("ip", "link", "set", self.vn, "netns", self.name)
        sh("ip", "addr", "add", f"{self.host4}/24", "dev", self.vh)
        sh("ip", "-6", "addr", "add", f"{self.host6}/64", "dev", self.vh, "nodad")
        sh("ip", "link", "set", self.vh, "up")
        self.ns("ip", "link", "set", "lo", "up")
        self.ns("ip", "addr", "add", f"{self.ns4}/24", "dev", self.vn)
        self.ns("ip", "-6", "addr", "add", f"{self.ns6}/64", "dev", self.vn, "nodad")
        self.ns("ip", "link", "set", self.vn, "up")
        self.ns("sysctl", "-qw", f"net.ipv4.ip_default_ttl={NS_TTL}")
        self.ns("sysctl", "-qw", f"net.ipv6.conf.{self.vn}.hop_limit={NS_HLIM}")
        self.ns("ip", "route", "add", f"{self.host4}/32", "dev", self.vn, "advmss", str(NS_MSS))
        self.ns("ip", "-6", "route", "add", f"{self.host6}/128", "dev", self.vn, "advmss",
                str(NS_MSS6))
        # Replies to the spoofed address go to the namespace's interface, whose kernel does
        # not own that address: it drops them silently instead of resetting the handshake.
        mac = self.ns("cat", f"/sys/class/net/{self.vn}/address").stdout.strip()
        sh("ip", "neigh", "replace", self.spoof4, "lladdr", mac, "dev", self.vh, "nud",
           "permanent")
        return self

    def down(self):
        sh("ip", "link", "del", self.vh, check=False)
        sh("ip", "netns", "del", self.name, check=False)


@pytest.fixture(scope="module")
def netns():
    n = Netns()
    try:
        n.up()
    except subprocess.CalledProcessError as e:
        n.down()
        pytest.skip(f"cannot set up a network namespace: {e.stderr.strip()}")
    yield n
    n.down()


@pytest.fixture
def hanipo(make_hanipo, netns):
    h = make_hanipo(start=False)
    h.config.write_text(
        "[sensor]\nname = test-sensor\n"
        f"[store]\npath = {h.store}\n"
        "[log]\naccess_log =\nhunting_log =\n"
        "[fingerprints]\n"
        f"database = {DB}\n"
        "[http]\n"
        f"listen = 127.0.0.1:{h.port} {netns.host4}:{h.port} [{netns.host6}]:{h.port}\n"
        f"rules = {ART}\n")
    return h.start()


OPT_NAMES = {"0": "eol", "1": "nop", "2": "mss", "3": "ws", "4": "sok", "5": "sack", "8": "ts"}


class TsharkSyn:
    """Wireshark's reading of the first SYN to port on iface (an oracle independent of hanipo's
    decoder): starts tshark, waits until it captures; .result() after the connection."""
    FIELDS = ("ip.ttl", "ipv6.hlim", "ip.id", "ip.flags.df", "tcp.window_size_value",
              "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.option_kind")

    def __init__(self, iface, port, tmp, v6=False):
        self.err = tmp / f"tshark-{port}.err"
        # libpcap's tcp[] does not reach into IPv6: its flags byte is ip6[40 + 13]
        flt = (f"ip6 and tcp dst port {port} and ip6[53] == 2" if v6 else
               f"tcp dst port {port} and tcp[tcpflags] == tcp-syn")
        args = ["tshark", "-i", iface, "-f", flt, "-c", "1",
                "-a", f"duration:{int(scaled(20))}", "-T", "fields", "-E", "separator=|"]
        for f in self.FIELDS:
            args += ["-e", f]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(self.err, "w"),
                                     text=True)
        deadline = time.monotonic() + scaled(15)
        # "Capturing on" comes before dumpcap really captures; "Capture started" after
        while "Capture started" not in self.err.read_text():
            assert time.monotonic() < deadline and self.proc.poll() is None, \
                self.err.read_text()
            time.sleep(0.05)
        time.sleep(0.2)

    def result(self):
        out, _ = self.proc.communicate(timeout=scaled(30))
        vals = dict(zip(self.FIELDS, out.rstrip("\n").split("|")))
        assert len(vals) == len(self.FIELDS), (out, self.err.read_text())
        return {
            "ttl": int(vals["ip.ttl"] or vals["ipv6.hlim"]),
            "ipid": int(vals["ip.id"], 16) if vals["ip.id"] else None,
            "df": vals["ip.flags.df"] in ("1", "True"),
            "win": int(vals["tcp.window_size_value"]),
            "mss": int(vals["tcp.options.mss_val"]) if vals["tcp.options.mss_val"] else None,
            "wscale": int(vals["tcp.options.wscale.shift"])
            if vals["tcp.options.wscale.shift"] else None,
            "options": ",".join(OPT_NAMES.get(k, "?" + k)
                                for k in vals["tcp.option_kind"].split(",") if k),
        }


def assert_same_as_tshark(f, ts):
    """hanipo's syn_* fields equal Wireshark's reading of the same SYN on the wire."""
    assert f["syn_ttl"] == ts["ttl"], (f, ts)
    assert f.get("syn_ipid") == ts["ipid"], (f, ts)
    assert f["syn_win"] == ts["win"], (f, ts)
    assert f.get("syn_mss") == ts["mss"], (f, ts)
    assert f.get("syn_wscale") == ts["wscale"], (f, ts)
    assert f["syn_options"] == ts["options"], (f, ts)
    assert ("df" in f["syn_sig"].split(":")[6].split(",")) == ts["df"], (f, ts)


def connect_from(h, ip, timeout=10.0):
    rows = wait_event(h, "connect", lambda r: r["src_ip"] == ip, timeout=timeout)
    assert len(rows) == 1, rows
    return rows[0]


def test_kernel_syn_from_namespace_ipv4(hanipo, netns):
    ts = TsharkSyn(netns.vh, hanipo.port, hanipo.dir)
    r = netns.ns("curl", "-sS", "-o", "/dev/null", "--max-time", "10",
                 f"http://{netns.host4}:{hanipo.port}/")
    assert r.returncode == 0, r.stderr
    ev = connect_from(hanipo, netns.ns4)
    f = ev["fields"]
    assert f["syn_ttl"] == NS_TTL          # the namespace's sysctl, not the host's 64
    assert f["syn_mss"] == NS_MSS          # the route's advmss
    assert f["syn_options"] == "mss,sok,ts,nop,ws"
    assert isinstance(f["syn_ipid"], int) and "syn_wscale" in f
    assert f["syn_sig"].startswith(f"4:128:0:{NS_MSS}:{f['syn_win']},{f['syn_wscale']}:"
                                   "mss,sok,ts,nop,ws:df")
    assert ev["tags"] == [] and "syn_tool" not in f
    assert_same_as_tshark(f, ts.result())


def test_kernel_syn_from_namespace_ipv6(hanipo, netns):
    ts = TsharkSyn(netns.vh, hanipo.port, hanipo.dir, v6=True)
    r = netns.ns("curl", "-sS", "-g", "-o", "/dev/null", "--max-time", "10",
                 f"http://[{netns.host6}]:{hanipo.port}/")
    assert r.returncode == 0, r.stderr
    ev = connect_from(hanipo, netns.ns6)
    f = ev["fields"]
    assert f["syn_ttl"] == NS_HLIM
    assert f["syn_mss"] == NS_MSS6
    assert "syn_ipid" not in f             # IPv6 has no IP ID
    assert f["syn_sig"].startswith(f"6:128:0:{NS_MSS6}:")
    assert ev["tags"] == []
    assert_same_as_tshark(f, ts.result())


def test_host_kernel_syn_is_named_linux(hanipo, netns):
    r = subprocess.run(["curl", "-sS", "-o", "/dev/null", "--max-time", "10",
                        f"http://127.0.0.1:{hanipo.port}/"], capture_output=True)
    assert r.returncode == 0
    # every connection from the host (the fixture's port probe and curl's) is a Linux SYN
    rows = wait_event(hanipo, "connect", lambda r: r["src_ip"] == "127.0.0.1", count=2)
    for ev in rows:
        f = ev["fields"]
        assert f["syn_ttl"] == int(open("/proc/sys/net/ipv4/ip_default_ttl").read())
        assert f["syn_client"] == "Linux" and f["syn_family"] == "os"
        assert ev["tags"] == []


def handshake(netns, port, kind):
    r = netns.ns(PY, str(HELPER), netns.vn, netns.spoof4, netns.host4, str(port), kind,
                 str(scaled(1.0)), check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind,client", [("mirai", "Mirai"), ("masscan", "masscan"),
                                         ("zmap", "ZMap"), ("nmap", "Nmap")])
def test_tool_syn_gets_its_tag(hanipo, netns, kind, client):
    sent = handshake(netns, hanipo.port, kind)
    ev = wait_event(hanipo, "connect", lambda r: r["src_ip"] == netns.spoof4
                    and r["src_port"] == sent["sport"])[0]
    f = ev["fields"]
    assert ev["tags"] == [kind], f
    assert f["syn_tool"] == kind and f["syn_client"] == client
    assert f["syn_ttl"] == sent["ttl"] and f["syn_ipid"] == sent["id"]
    assert f["syn_win"] == sent["window"]
    if kind == "mirai":
        assert f["syn_options"] == "" and "syn_mss" not in f


def test_real_nmap_syn_gets_nmap_tag(hanipo, netns):
    if shutil.which("nmap") is None:
        pytest.skip("nmap not installed")
    sent = handshake(netns, hanipo.port, "nmap-real")
    cap = sent["captured"]
    ev = wait_event(hanipo, "connect", lambda r: r["src_ip"] == netns.spoof4
                    and r["src_port"] == sent["sport"])[0]
    f = ev["fields"]
    assert f["syn_ttl"] == cap["ttl"] and f["syn_win"] == cap["window"], (f, cap)
    assert ev["tags"] == ["nmap"], (f, cap)
    # nmap's own scan never completed a handshake: no connect from the namespace's address
    time.sleep(scaled(0.5))
    assert not [r for r in hanipo.events("connect") if r["src_ip"] == netns.ns4]


def test_cli_stats_by_syn_and_events_fp(hanipo, netns):
    """stats --by syn counts connections per signature and names them from the database;
    events --fp VALUE selects the events carrying a fingerprint value."""
    sent = handshake(netns, hanipo.port, "mirai")
    netns.ns("curl", "-sS", "-o", "/dev/null", "--max-time", "10",
             f"http://{netns.host4}:{hanipo.port}/")
    mirai = wait_event(hanipo, "connect", lambda r: r["src_port"] == sent["sport"])[0]
    kernel = wait_event(hanipo, "connect", lambda r: r["src_ip"] == netns.ns4)[0]
    wait_event(hanipo, "request", lambda r: r["src_ip"] == netns.ns4)
    by = json.loads(hanipo.cli("stats", "--by", "syn", "--json").stdout)["by"]
    assert by["field"] == "syn_sig" and by["counts"] == "connections"
    rows = {r["syn_sig"]: r for r in by["rows"]}
    assert rows[mirai["fields"]["syn_sig"]]["count"] == 1
    # the Mirai-style SYN (no options, no DF) is named by the database's raw-SYN entry
    assert rows[mirai["fields"]["syn_sig"]]["family"] == "raw-packet"
    assert rows[kernel["fields"]["syn_sig"]]["count"] == 1   # its request event does not count
    text = hanipo.cli("stats", "--by", "syn").stdout
    assert "connections by syn_sig" in text and mirai["fields"]["syn_sig"] in text
    out = hanipo.cli("events", "--fp", mirai["fields"]["syn_sig"], "--json").stdout
    got = [json.loads(line) for line in out.splitlines()]
    assert [e["id"] for e in got] == [mirai["id"]]
    assert got[0]["tags"] == ["mirai"]
    out = hanipo.cli("events", "--fp", "mirai", "--json").stdout
    assert [json.loads(line)["id"] for line in out.splitlines()] == [mirai["id"]]
    line = hanipo.cli("events", "--fp", "mirai").stdout.strip()
    assert line.endswith(f"ttl={sent['ttl']} client=Mirai [mirai]"), line
    r = hanipo.cli("stats", "--by", "no such", check=False)
    assert r.returncode == 2 and "--by" in r.stderr
