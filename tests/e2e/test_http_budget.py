"""test_http_budget.py - the input all connections hold together is capped ([limits] max_buffered):
past it the connection that reads is recorded and closed, and the others keep being served."""
import socket
import time

from conftest import Conn, build_request, scaled, wait_event


def test_memory_budget_records_and_closes(make_hanipo):
    h = make_hanipo("limits.max_buffered=1m")
    head = b"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"
    a = socket.create_connection(("127.0.0.1", h.port))
    b = socket.create_connection(("127.0.0.1", h.port))
    try:
        a.sendall(head + b"a" * 700_000)
        time.sleep(scaled(0.5))
        try:
            b.sendall(head + b"b" * 500_000)
        except OSError:
            pass            # reset by the server mid-send is what we expect
        ev = wait_event(h, "close", lambda e: e["fields"]["reason"] == "memory_budget")[0]
        req = wait_event(h, "request",
                         lambda e: e["fields"].get("incomplete") == "memory_budget")[0]
        assert req["session"] == ev["session"]
        assert bytes(req["payload"]).startswith(head)
        # Others are still served while the first connection holds its 700 KB.
        with Conn(h.port) as c:
            c.send(build_request("GET", "/robots.txt"))
            assert c.response().status == 200
    finally:
        a.close()
        b.close()
