"""test_elm327.py - the ELM327 sensor as an OBD-II app talks to a WiFi dongle: the session every
scanner and python-OBD start with (ATZ, ATI, 0100, 010C, 0902) answered as an ELM327 v1.5 in a
car with its engine idling (echo on, CR line ends, `>` prompt, `?`, NO DATA), the AT settings
that change the output (echo, linefeeds, spaces, headers, protocol), the vehicle profile keys,
and one `command` event per command line."""
import re
import socket
import time

import pytest

from conftest import free_port, scaled, wait_event, wait_port

VIN = "1FMCU9GD0KUA39712"


class Elm:
    """A client that sends one line and reads up to the prompt."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=scaled(5))

    def cmd(self, line, end=b"\r"):
        self.s.sendall(line + end)
        out = b""
        while not out.endswith(b">"):
            b = self.s.recv(4096)
            assert b, f"closed after {out!r}"
            out += b
        return out

    def close(self):
        self.s.close()


def make_elm(make_hanipo, *overrides):
    port = free_port()
    h = make_hanipo(f"elm327.listen=127.0.0.1:{port}", *overrides)
    assert wait_port(port)
    return h, port


def vin_frames(vin):
    data = bytes([0x49, 0x02, 0x01]) + vin.encode()
    hx = [f"{b:02X} " for b in data]
    return ("014\r0: " + "".join(hx[0:6]) + "\r1: " + "".join(hx[6:13]) + "\r2: "
            + "".join(hx[13:20]) + "\r").encode()


def test_scanner_session(make_hanipo):
    h, port = make_elm(make_hanipo)
    e = Elm(port)
    assert e.cmd(b"ATZ") == b"ATZ\r\r\rELM327 v1.5\r\r>"
    assert e.cmd(b"ATI") == b"ATI\rELM327 v1.5\r\r>"
    assert e.cmd(b"0100") == b"0100\rSEARCHING...\r41 00 BE 3F A8 13 \r\r>"
    rpm = e.cmd(b"010C")
    m = re.fullmatch(rb"010C\r41 0C ([0-9A-F]{2}) ([0-9A-F]{2}) \r\r>", rpm)
    assert m, rpm
    value = (int(m.group(1), 16) * 256 + int(m.group(2), 16)) / 4
    assert 700 <= value <= 900            # an idling engine
    assert e.cmd(b"0902") == b"0902\r" + vin_frames(VIN) + b"\r>"
    e.close()
    rows = wait_event(h, "command", count=5)
    assert [r["fields"]["command"] for r in rows] == ["ATZ", "ATI", "0100", "010C", "0902"]
    assert [r["fields"]["type"] for r in rows] == ["at", "at", "obd", "obd", "obd"]
    assert rows[1]["fields"]["reply"] == "ELM327 v1.5\r"
    assert all(r["proto"] == "elm327" and r["dst_port"] == port for r in rows)
    assert len({r["src_port"] for r in rows}) == 1 and rows[0]["src_port"] > 0
    assert bytes(rows[2]["payload"]) == b"0100\r"


def test_python_obd_init_sequence(make_hanipo):
    """What python-OBD sends, each answered as it expects (obd/elm327.py)."""
    h, port = make_elm(make_hanipo)
    e = Elm(port)
    assert e.cmd(b"ATZ").endswith(b"ELM327 v1.5\r\r>")
    assert e.cmd(b"ATE0") == b"ATE0\rOK\r\r>"          # echoed: echo was still on
    assert e.cmd(b"ATH1") == b"OK\r\r>"
    assert e.cmd(b"ATL0") == b"OK\r\r>"
    assert e.cmd(b"AT RV") == b"13.9V\r\r>"
    assert e.cmd(b"ATSP0") == b"OK\r\r>"
    assert e.cmd(b"0100") == b"SEARCHING...\r7E8 06 41 00 BE 3F A8 13 \r\r>"
    assert e.cmd(b"ATDPN") == b"A6\r\r>"
    assert e.cmd(b"ATDP") == b"AUTO, ISO 15765-4 (CAN 11/500)\r\r>"
    e.close()
    wait_event(h, "command", count=9)


def test_settings_change_output(make_hanipo):
    h, port = make_elm(make_hanipo)
    e = Elm(port)
    e.cmd(b"ATE0")
    assert e.cmd(b"0100") == b"SEARCHING...\r41 00 BE 3F A8 13 \r\r>"
    assert e.cmd(b"0100") == b"41 00 BE 3F A8 13 \r\r>"       # found: no second search
    assert e.cmd(b"ATS0") == b"OK\r\r>"
    assert e.cmd(b"0120") == b"41208002A001\r\r>"   # PIDs 21 2F 31 33 40
    assert e.cmd(b"ATS1") == b"OK\r\r>"
    assert e.cmd(b"ATL1") == b"OK\r\n\r\n>"
    assert e.cmd(b"ATI") == b"ELM327 v1.5\r\n\r\n>"
    assert e.cmd(b"ATL0") == b"OK\r\r>"
    assert e.cmd(b"ATH1") == b"OK\r\r>"
    assert e.cmd(b"0902").startswith(b"7E8 10 14 49 02 01 ")
    assert e.cmd(b"ATE1") == b"OK\r\r>"
    assert e.cmd(b"at i") == b"at i\rELM327 v1.5\r\r>"        # lower case and spaces
    e.close()


def test_unknown_and_no_data(make_hanipo):
    h, port = make_elm(make_hanipo)
    e = Elm(port)
    e.cmd(b"ATE0")
    assert e.cmd(b"STI") == b"?\r\r>"                 # an STN command on an ELM327
    assert e.cmd(b"AT@2") == b"?\r\r>"
    assert e.cmd(b"ATXYZ") == b"?\r\r>"
    assert e.cmd(b"AT@1") == b"OBDII to RS232 Interpreter\r\r>"
    assert e.cmd(b"01A6") == b"SEARCHING...\rNO DATA\r\r>"   # a PID this car lacks
    assert e.cmd(b"0160") == b"NO DATA\r\r>"
    assert e.cmd(b"0205") == b"NO DATA\r\r>"
    assert e.cmd(b"03") == b"43 00 \r\r>"             # no trouble codes
    assert e.cmd(b"ATSP3") == b"OK\r\r>"
    assert e.cmd(b"0100") == b"BUS INIT: ...ERROR\r\r>"
    assert e.cmd(b"A" * 300) == b"?\r\r>"             # longer than the adapter's buffer
    assert e.cmd(b"ATSP6") == b"OK\r\r>"
    assert e.cmd(b"010D") == b"41 0D 00 \r\r>"        # standing still
    assert e.cmd(b"") == b"41 0D 00 \r\r>"            # an empty line repeats the last command
    e.close()
    rows = wait_event(h, "command", count=14)
    assert rows[1]["fields"]["type"] == "unknown" and rows[1]["fields"]["reply"] == "?\r"


def test_crlf_clients_and_split_lines(make_hanipo):
    h, port = make_elm(make_hanipo)
    with socket.create_connection(("127.0.0.1", port), timeout=scaled(5)) as s:
        s.sendall(b"AT")
        time.sleep(0.2)
        s.sendall(b"I\r\nATE0\r\n0100\r\n")
        out = b""
        while out.count(b">") < 3:
            b = s.recv(4096)
            assert b
            out += b
    assert out == (b"ATI\rELM327 v1.5\r\r>ATE0\rOK\r\r>"
                   b"SEARCHING...\r41 00 BE 3F A8 13 \r\r>")
    rows = wait_event(h, "command", count=3)
    assert [r["fields"]["command"] for r in rows] == ["ATI", "ATE0", "0100"]


def test_profile_keys(make_hanipo):
    h, port = make_elm(make_hanipo, "elm327.version=ELM327 v2.1", "elm327.vin=WVWZZZ1KZ6W000001",
                       "elm327.voltage=12.4")
    e = Elm(port)
    e.cmd(b"ATE0")
    assert e.cmd(b"ATI") == b"ELM327 v2.1\r\r>"
    assert e.cmd(b"ATZ") == b"\r\rELM327 v2.1\r\r>"
    e.cmd(b"ATE0")
    assert e.cmd(b"ATRV") == b"12.4V\r\r>"
    assert e.cmd(b"0902") == b"SEARCHING...\r" + vin_frames("WVWZZZ1KZ6W000001") + b"\r>"
    assert e.cmd(b"0142") == b"41 42 30 70 \r\r>"     # 12400 mV
    e.close()


def test_partial_line_recorded_on_close(make_hanipo):
    h, port = make_elm(make_hanipo)
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"ATZ\rAT MA")
        assert s.recv(4096).startswith(b"ATZ")
    rows = wait_event(h, "command", lambda r: r["fields"].get("incomplete") == "eof")
    assert rows[0]["fields"]["command"] == "AT MA"


@pytest.mark.parametrize("override,key", [
    ("elm327.vin=1FMCU9GD0KUA3971", "vin"),          # 16 characters
    ("elm327.vin=1FMCU9GD0KUA3971O", "vin"),         # O is not in VINs
    ("elm327.voltage=high", "voltage"),
    ("elm327.voltage=99", "voltage"),
    ("elm327.version=", "version"),
])
def test_check_rejects_bad_profile(make_hanipo, override, key):
    h = make_hanipo(override, start=False)
    r = h.cli("check", check=False)
    assert r.returncode == 2, r.stdout
    assert key in r.stderr
