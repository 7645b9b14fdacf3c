"""HTTP/1.1 connections kept open between requests (mockserver/keepalive.py), over raw sockets."""
import socket
import threading

import pytest
import requests
from stub_dialect import install, serve_stub

from mockserver import keepalive
from mockserver.config import Settings
from mockserver.server import MockServer, PooledWSGIServer, QuietRequestHandler

ECHO = "/rundb/api/v1/echo/"  # the stub API (tests/stub_dialect.py): reads the body, answers it back
ITEMS = "/rundb/api/v1/item/"
NOSUCH = "/rundb/api/v1/nosuch/"  # 404 without reading the body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_stub(tmp_path_factory)


class Connection:
    """One raw client connection: send bytes, read whole responses in order."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.file = self.sock.makefile("rb")

    def send(self, *requests_: bytes) -> None:
        self.sock.sendall(b"".join(requests_))

    def response(self, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        status_line = self.file.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers = {}
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only else int(headers.get("content-length", 0))
        return status, headers, self.file.read(length)

    def closed_by_server(self) -> bool:
        try:
            return self.file.read(1) == b""
        except ConnectionError:
            return True

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def conn(server):
    connection = Connection(server.port)
    yield connection
    connection.close()


def get(path: str, *extra: str, version: str = "HTTP/1.1") -> bytes:
    return "\r\n".join([f"GET {path} {version}", "Host: mock", *extra, "", ""]).encode()


def post(path: str, body: bytes, *extra: str) -> bytes:
    head = "\r\n".join([f"POST {path} HTTP/1.1", "Host: mock", f"Content-Length: {len(body)}",
                        "Content-Type: text/plain", *extra, "", ""]).encode()
    return head + body


def test_one_connection_serves_many_requests(conn):
    for _ in range(3):
        conn.send(get(ECHO))
        status, headers, body = conn.response()
        assert status == 200 and b'"method": "GET"' in body and "connection" not in headers


def test_pipelined_requests_are_answered_in_order(conn):
    conn.send(post(ECHO, b"first"), get(ITEMS), post(ECHO, b"third"))
    assert b"first" in conn.response()[2]
    assert b"objects" in conn.response()[2]
    assert b"third" in conn.response()[2]


def test_a_body_the_api_did_not_read_is_skipped(conn):
    conn.send(post(NOSUCH, b"x" * 100_000), get(ECHO))
    assert conn.response()[0] == 404
    assert conn.response()[0] == 200


def test_connection_close_is_honoured(conn):
    conn.send(get(ECHO, "Connection: close"))
    status, headers, _ = conn.response()
    assert status == 200 and headers["connection"] == "close"
    assert conn.closed_by_server()


def test_http_1_0_closes_after_the_answer(conn):
    conn.send(get(ECHO, version="HTTP/1.0"))
    assert conn.response()[0] == 200
    assert conn.closed_by_server()


def test_expect_100_continue(conn):
    conn.send(b"POST " + ECHO.encode() + b" HTTP/1.1\r\nHost: mock\r\nContent-Length: 5\r\n"
              b"Expect: 100-continue\r\n\r\n")
    assert conn.response()[0] == 100
    conn.send(b"hello")
    status, _, body = conn.response()
    assert status == 200 and b"hello" in body


def test_a_chunked_body_is_read_and_the_connection_closed(conn):
    conn.send(b"POST " + ECHO.encode() + b" HTTP/1.1\r\nHost: mock\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    status, headers, body = conn.response()
    assert status == 200 and b"hello world" in body and headers["connection"] == "close"


def test_head_has_no_body_and_the_connection_goes_on(conn):
    conn.send(b"HEAD " + ITEMS.encode() + b" HTTP/1.1\r\nHost: mock\r\n\r\n", get(ECHO))
    status, headers, _ = conn.response(head_only=True)
    assert status == 200 and int(headers["content-length"]) > 0
    assert conn.response()[0] == 200


def test_an_unread_body_too_large_to_skip_closes(conn, monkeypatch):
    monkeypatch.setattr(keepalive, "MAX_DRAIN", 10)
    conn.send(post(NOSUCH, b"y" * 100_000))  # the journal keeps (reads) 64 KiB; the rest is not skipped
    status, headers, _ = conn.response()
    assert status == 404 and headers["connection"] == "close"


def test_a_dropped_connection_is_closed_and_a_session_recovers(server):
    with requests.Session() as session:
        session.trust_env = False
        assert session.get(server.url + ECHO, timeout=10).status_code == 200
        session.post(server.url + "/__mock__/faults", json={"path": ECHO, "drop": True, "times": 1}, timeout=10)
        with pytest.raises(requests.ConnectionError):
            session.get(server.url + ECHO, timeout=10)
        assert session.get(server.url + ECHO, timeout=10).status_code == 200
    server.reset()


def test_stopping_the_server_closes_kept_connections(monkeypatch, tmp_path):
    with MockServer(Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path))) as mock:
        kept = Connection(mock.port)
        kept.send(get(ECHO))
        assert kept.response()[0] == 200
    assert kept.closed_by_server()
    kept.close()


def test_an_application_failure_is_a_500_and_closes():
    def failing(environ, start_response):
        raise RuntimeError("the application fails")

    server = PooledWSGIServer("127.0.0.1", 0, failing, handler=QuietRequestHandler)
    server.log = lambda *args: None  # the traceback is expected
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        conn = Connection(server.port)
        conn.send(get("/"))
        status, headers, _ = conn.response()
        assert status == 500 and headers["connection"] == "close"
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_204_has_no_body_and_the_connection_goes_on(server, conn):
    server.state.faults.add({"path": ITEMS, "status": 204, "times": 1})
    conn.send(get(ITEMS), get(ECHO))
    status, headers, body = conn.response()
    assert status == 204 and "content-length" not in headers and body == b""
    assert conn.response()[0] == 200
    server.reset()


def test_an_idle_connection_is_closed_after_the_timeout(server, monkeypatch):
    monkeypatch.setattr(keepalive.KeepAliveRequestHandler, "timeout", 0.2)
    idle = Connection(server.port)
    idle.send(get(ECHO))
    assert idle.response()[0] == 200
    assert idle.closed_by_server()  # within the client's own 10 s timeout
    idle.close()
