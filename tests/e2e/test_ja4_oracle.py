"""test_ja4_oracle.py - FoxIO's captures as an oracle: the first ClientHello of every TLS stream in
../shared/data/ja4/ is replayed, byte for byte, to the HTTPS sensor, whose tls_hello event must
carry the JA4 FoxIO's implementation lists for that stream. The one deliberate difference is the
non-ASCII ALPN capture (ALPN bytes ba ad), where the JA4 spec's answer, `bd`, is expected and FoxIO's
test data (`99`) lags the spec."""
import json
import socket

import pytest

from conftest import SHARED, events_where, scaled, wait_until
from tls_helpers import start_tls

DATA = SHARED / "data" / "ja4"
CAPTURES = sorted(p for p in DATA.glob("*.pcap*") if not p.name.endswith(".json"))


def streams(path):
    """{(src, sport): client bytes} for every TCP stream whose client sent a TLS handshake."""
    from scapy.all import IP, IPv6, TCP, PcapNgReader, PcapReader, Raw   # noqa: F401
    reader = PcapNgReader if path.suffix == ".pcapng" else PcapReader
    segs = {}
    with reader(str(path)) as r:
        for pkt in r:
            if TCP not in pkt and Raw in pkt:
                # BSD loopback captures (DLT_NULL) whose family value scapy does not know.
                load = bytes(pkt[Raw].load)
                pkt = IPv6(load) if load[:1] and load[0] >> 4 == 6 else IP(load)
            if TCP not in pkt:
                continue
            ip = pkt[IP] if IP in pkt else pkt[IPv6] if IPv6 in pkt else None
            payload = bytes(pkt[TCP].payload)
            if ip is None or not payload:
                continue
            key = (ip.src, pkt[TCP].sport, ip.dst, pkt[TCP].dport)
            segs.setdefault(key, {}).setdefault(pkt[TCP].seq, payload)
    out = {}
    for (src, sport, dst, dport), by_seq in segs.items():
        seqs = sorted(by_seq)
        data, nxt = b"", seqs[0]
        for s in seqs:
            if s < nxt:
                continue           # retransmission
            if s > nxt:
                break              # gap: stop at what is contiguous
            data += by_seq[s]
            nxt = s + len(by_seq[s])
        if data[:1] == b"\x16" and len(data) > 5 and data[5] == 1:
            out[(src, sport)] = first_hello_records(data)
    return out


def first_hello_records(data):
    """The leading TLS records that carry the first ClientHello message, whole."""
    pos, hs = 0, b""
    while pos + 5 <= len(data) and data[pos] == 0x16:
        n = int.from_bytes(data[pos + 3:pos + 5], "big")
        hs += data[pos + 5:pos + 5 + n]
        pos += 5 + n
        if len(hs) >= 4 and len(hs) >= 4 + int.from_bytes(hs[1:4], "big"):
            return data[:pos]
    return data[:pos]


def expected(path):
    """{(src, sport): JA4.1} from FoxIO's output for the capture."""
    rows = json.loads((DATA / (path.name + ".json")).read_text())
    return {(r["src"], int(r["srcport"])): r["JA4.1"] for r in rows if "JA4.1" in r}


def spec_ja4(path, foxio):
    if path.name == "tls-non-ascii-alpn.pcapng":
        assert foxio[8:10] == "99"
        return foxio[:8] + "bd" + foxio[10:]
    return foxio


def test_captures_are_there():
    assert len(CAPTURES) >= 10, CAPTURES
    assert sum(len(expected(p)) for p in CAPTURES) >= 100


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name)
def test_capture(make_hanipo, path):
    want = expected(path)
    got_streams = streams(path)
    if not want:
        assert not got_streams or path.name.startswith("CVE"), "hellos FoxIO did not list"
        pytest.skip("no TLS ClientHello in this capture")
    assert set(want) <= set(got_streams), set(want) - set(got_streams)
    h = start_tls(make_hanipo, http=False)
    order = sorted(want)
    for key in order:
        with socket.create_connection(("127.0.0.1", h.tls_port), timeout=scaled(5)) as s:
            s.sendall(got_streams[key])
            wait_until(lambda: len(events_where(h, "tls_hello")) >= order.index(key) + 1,
                       what=f"tls_hello for {key}")
    hellos = events_where(h, "tls_hello")
    assert len(hellos) == len(order)
    for key, ev in zip(order, hellos):
        assert ev["fields"]["ja4"] == spec_ja4(path, want[key]), (path.name, key)
        # The event's payload is the ClientHello message replayed.
        assert ev["payload"][0] == 1 and ev["payload"] in got_streams[key] or \
            len(ev["payload"]) > 16000
