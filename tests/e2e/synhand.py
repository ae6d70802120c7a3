"""synhand.py - a hand-built TCP handshake (python3-scapy), run inside the test's network namespace:
sends a SYN shaped like a tool's (Mirai, masscan, ZMap, Nmap, or Nmap's own SYN captured from a
real `nmap -sS` run) from an address the namespace does not own (so its kernel sends no RST to the
SYN-ACK), answers the SYN-ACK with an ACK, waits, then resets. Prints the SYN it sent as JSON.

usage: synhand.py IFACE SRC DST DPORT KIND [HOLD_SECONDS]"""
import ipaddress
import json
import random
import subprocess
import sys
import time

from scapy.all import IP, TCP, AsyncSniffer, conf, send, sr1  # noqa: E402

conf.verb = 0


def tool_syn(kind, src, dst, sport, dport):
    d = int(ipaddress.IPv4Address(dst))
    seq = random.getrandbits(32)
    if kind == "mirai":          # tcph->seq = iph->daddr, no options, random window and IP ID
        return IP(src=src, dst=dst, ttl=64, id=random.getrandbits(16)) / TCP(
            sport=sport, dport=dport, flags="S", seq=d, window=random.randrange(1, 65536))
    if kind == "masscan":        # IP ID = dst ^ dport ^ seq, TTL 255, window 1024, MSS 1460
        return IP(src=src, dst=dst, ttl=255, id=(d ^ dport ^ seq) & 0xffff) / TCP(
            sport=sport, dport=dport, flags="S", seq=seq, window=1024, options=[("MSS", 1460)])
    if kind == "zmap":           # ZMap < 4.1: IP ID 54321, TTL 255, window 65535
        return IP(src=src, dst=dst, ttl=255, id=54321) / TCP(
            sport=sport, dport=dport, flags="S", seq=seq, window=65535, options=[("MSS", 1460)])
    if kind == "nmap":           # TTL 37..59, window 1024, MSS 1460, random IP ID
        ipid = ((d ^ dport ^ seq) + 1 + random.getrandbits(15)) & 0xffff
        return IP(src=src, dst=dst, ttl=random.randrange(37, 60), id=ipid) / TCP(
            sport=sport, dport=dport, flags="S", seq=seq, window=1024, options=[("MSS", 1460)])
    raise SystemExit(f"unknown kind {kind}")


def nmap_syn(iface, src, dst, dport):
    """Nmap's real -sS SYN (captured while nmap scans from the namespace's own address),
    re-sent unchanged from src: same TTL, IP ID, flags, window, options and sequence number."""
    sn = AsyncSniffer(iface=iface, filter=f"tcp and dst port {dport} and tcp[13] == 2", count=1)
    sn.start()
    time.sleep(0.5)
    subprocess.run(["nmap", "-sS", "-Pn", "-n", "-p", str(dport), dst], capture_output=True,
                   timeout=60)
    sn.join(timeout=10)
    if not sn.results:
        raise SystemExit("no SYN from nmap captured")
    got = sn.results[0][IP]
    syn = IP(src=src, dst=dst, ttl=got.ttl, id=got.id, flags=got.flags, tos=got.tos) / TCP(
        sport=random.randrange(20000, 60000), dport=dport, flags="S", seq=got[TCP].seq,
        window=got[TCP].window, options=got[TCP].options)
    return syn, got


def main():
    iface, src, dst, dport, kind = sys.argv[1:6]
    hold = float(sys.argv[6]) if len(sys.argv) > 6 else 1.0
    dport = int(dport)
    captured = None
    if kind == "nmap-real":
        syn, captured = nmap_syn(iface, src, dst, dport)
    else:
        syn = tool_syn(kind, src, dst, random.randrange(20000, 60000), dport)
    synack = sr1(syn, iface=iface, timeout=5)
    if synack is None or not synack.haslayer(TCP) or synack[TCP].flags != "SA":
        raise SystemExit(f"no SYN-ACK: {synack!r}")
    t = syn[TCP]
    send(IP(src=src, dst=dst, ttl=syn.ttl) / TCP(sport=t.sport, dport=dport, flags="A",
                                                 seq=t.seq + 1, ack=synack[TCP].seq + 1),
         iface=iface)
    time.sleep(hold)
    send(IP(src=src, dst=dst, ttl=syn.ttl) / TCP(sport=t.sport, dport=dport, flags="R",
                                                 seq=t.seq + 1), iface=iface)
    out = {"sport": t.sport, "seq": t.seq, "ttl": syn.ttl, "id": syn.id, "window": t.window,
           "df": bool(syn.flags.DF)}
    if captured is not None:
        out["captured"] = {"ttl": captured.ttl, "id": captured.id, "df": bool(captured.flags.DF),
                           "window": captured[TCP].window,
                           "options": [o[0] for o in captured[TCP].options]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
