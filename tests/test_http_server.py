"""The HTTP server under the mock (mockserver/server.py), over raw sockets: connections kept open between
requests, bounded worker threads, request and idle timeouts, a real connection drop, a graceful stop."""
import json
import signal
import socket
import threading
import time

import pytest
import requests
from stub_dialect import install, serve_stub, stub_cli

from mockserver.config import Settings
from mockserver.server import MockServer

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


def test_an_answer_larger_than_the_socket_takes_arrives_whole_to_a_late_reader(conn):
    """The worker sends what the socket takes; the event loop sends the rest after the task ends."""
    big = b"y" * 8_000_000  # echoed back inside JSON: more than the kernel's socket buffers hold
    conn.send(post(ECHO, big), get(ECHO))
    time.sleep(0.5)  # nothing read yet: the socket is full while the mock answers
    status, headers, body = conn.response()
    assert status == 200 and int(headers["content-length"]) == len(body) > len(big)
    assert big in body
    assert conn.response()[0] == 200  # and the connection goes on


def test_pipelined_answers_beyond_the_output_high_watermark_arrive_whole(server, conn):
    """Answered in the event loop's thread, a request never waits for the loop to send (it would wait forever):
    the output buffer grows past waitress's 16 MB mark instead."""
    big = "z" * 17_000_000
    server.state.store.insert("torrent/item", 99, {"id": 99, "name": big})
    try:
        conn.send(get(ITEMS + "99/"), get(ITEMS + "99/"), get(ECHO))  # one read: three requests queued at once
        time.sleep(0.5)  # nothing read yet: the first answer fills the socket
        for _ in range(2):
            status, _, body = conn.response()
            assert status == 200 and json.loads(body)["name"] == big
        assert conn.response()[0] == 200
    finally:
        server.reset()


def test_the_event_loop_answers_what_no_fault_rule_may_act_on_and_a_worker_the_rest(server, conn):
    conn.send(get(ECHO))
    assert json.loads(conn.response()[2])["thread"] == "mockserver"  # no hand-off to a worker
    server.state.faults.add({"path": ECHO, "method": "POST", "delay_ms": 1})  # from now on a POST may have to wait
    try:
        conn.send(get(ECHO))  # no rule matches a GET: still the loop
        assert json.loads(conn.response()[2])["thread"] == "mockserver"
        conn.send(post(ECHO, b"x"))
        assert json.loads(conn.response()[2])["thread"] == f"mockserver:{server.port}"
    finally:
        server.reset()
    conn.send(post(ECHO, b"x"))
    assert json.loads(conn.response()[2])["thread"] == "mockserver"


def test_with_every_worker_asleep_in_a_fault_delay_the_admin_api_still_answers(short_timeouts):
    """Four workers, four requests held 3 s each: the admin API (and a vendor request no rule matches) is answered
    by the event loop meanwhile, so the rule can be seen and removed."""
    mock = short_timeouts
    rule = mock.state.faults.add({"path": ECHO, "delay_ms": 3000})
    held = [Connection(mock.port) for _ in range(mock.settings.threads)]
    admin = Connection(mock.port)
    try:
        for conn in held:
            conn.send(get(ECHO))
        time.sleep(0.3)  # every worker has taken one and sleeps
        assert mock.state.faults.as_json()[0]["hits"] == mock.settings.threads
        admin.sock.settimeout(2)  # far less than the 3 s the workers sleep
        admin.send(f"GET /__mock__/faults HTTP/1.1\r\nHost: 127.0.0.1:{mock.port}\r\n\r\n".encode())
        status, _, body = admin.response()
        assert status == 200 and [r["id"] for r in json.loads(body)] == [rule["id"]]
        admin.send(get(ITEMS))
        assert admin.response()[0] == 200
        delete = "\r\n".join([f"DELETE /__mock__/faults/{rule['id']} HTTP/1.1", f"Host: 127.0.0.1:{mock.port}",
                               "", ""]).encode()
        admin.send(delete)
        assert admin.response()[0] == 204 and mock.state.faults.as_json() == []
        for conn in held:  # the held requests still get their (delayed) answers
            assert conn.response()[0] == 200
    finally:
        for conn in (*held, admin):
            conn.close()


def test_a_delay_rule_added_by_a_request_delays_the_next_and_other_connections_go_on(server):
    """The rule arrives in a request the event loop answers, with a request for its path queued behind it on the
    same connection: that one waits in a worker, and another connection is answered meanwhile."""
    slow, other = Connection(server.port), Connection(server.port)
    rule = json.dumps({"path": ECHO, "delay_ms": 1500, "times": 1}).encode()
    admin = "\r\n".join(["POST /__mock__/faults HTTP/1.1", f"Host: 127.0.0.1:{server.port}",
                          "Content-Type: application/json", f"Content-Length: {len(rule)}", "", ""]).encode()
    try:
        slow.send(admin + rule, get(ECHO))
        assert slow.response()[0] == 201
        other.send(get(ITEMS))
        assert other.response()[0] == 200
        slow.sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            slow.sock.recv(1, socket.MSG_PEEK)  # the delayed answer is not there yet
        slow.sock.setblocking(True)
        status, _, body = slow.response()
        assert status == 200 and json.loads(body)["thread"] == f"mockserver:{server.port}"
    finally:
        slow.close()
        other.close()
        server.reset()


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


def test_a_chunked_body_is_read_and_the_connection_goes_on(conn):
    conn.send(b"POST " + ECHO.encode() + b" HTTP/1.1\r\nHost: mock\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", get(ECHO))
    status, headers, body = conn.response()
    assert status == 200 and b"hello world" in body and "connection" not in headers
    assert conn.response()[0] == 200


def test_head_has_no_body_and_the_connection_goes_on(conn):
    conn.send(b"HEAD " + ITEMS.encode() + b" HTTP/1.1\r\nHost: mock\r\n\r\n", get(ECHO))
    status, headers, _ = conn.response(head_only=True)
    assert status == 200 and int(headers["content-length"]) > 0
    assert conn.response()[0] == 200


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


def test_a_stop_waits_for_a_request_in_a_fault_delay_no_longer_than_the_shutdown_timeout(monkeypatch, tmp_path,
                                                                                         caplog):
    settings = Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path), shutdown_timeout=0.3)
    mock = MockServer(settings).start()
    mock.state.faults.add({"path": ECHO, "delay_ms": 5000})
    held = Connection(mock.port)
    held.send(get(ECHO))
    time.sleep(0.2)  # read at once; its answer would wait 5 s
    started = time.monotonic()
    mock.stop()
    took = time.monotonic() - started
    assert held.closed_by_server()  # no answer: the stop came first
    held.close()
    # The stop's bound is the timeout (and what closing takes): before, it waited a further second for the worker.
    assert 0.3 <= took < 1.2, took  # the old stop took 1.3 s or more
    assert "1 request(s) still waiting in a fault's delay" in caplog.text


def test_an_application_failure_is_a_500_and_closes(monkeypatch, tmp_path):
    def failing(environ, start_response):
        raise RuntimeError("the application fails")

    mock = MockServer(Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path)))
    mock.app = failing  # below the app's own error handling: the server's last resort
    with mock:
        conn = Connection(mock.port)
        conn.send(get("/"))
        status, headers, _ = conn.response()
        assert status == 500 and headers["connection"] == "close"
        assert conn.closed_by_server()
        conn.close()


def test_a_204_has_no_body_and_the_connection_goes_on(server, conn):
    server.state.faults.add({"path": ITEMS, "status": 204, "times": 1})
    conn.send(get(ITEMS), get(ECHO))
    status, headers, body = conn.response()
    assert status == 204 and "content-length" not in headers and body == b""
    assert conn.response()[0] == 200
    server.reset()


def test_an_idle_connection_is_closed_after_the_keepalive_timeout(monkeypatch, tmp_path):
    settings = Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path), keepalive_timeout=0.2)
    with MockServer(settings) as mock:
        idle = Connection(mock.port)
        idle.send(get(ECHO))
        assert idle.response()[0] == 200
        assert idle.closed_by_server()  # within the client's own 10 s timeout
        idle.close()


@pytest.fixture
def short_timeouts(monkeypatch, tmp_path):
    settings = Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path), threads=4,
                        request_timeout=0.5)
    with MockServer(settings) as mock:
        yield mock


def test_a_half_sent_body_is_answered_408_within_the_request_timeout(short_timeouts):
    conn = Connection(short_timeouts.port)
    conn.send(b"POST " + ECHO.encode() + b" HTTP/1.1\r\nHost: mock\r\nContent-Type: text/plain\r\n"
              b"Content-Length: 1000\r\n\r\n" + b"x" * 10)
    status, headers, body = conn.response()  # the client's own timeout is 10 s; the mock's is 0.5 s
    assert status == 408 and headers["connection"] == "close" and b"408 Request Timeout" in body
    assert conn.closed_by_server()
    conn.close()
    assert short_timeouts.state.journal.entries() == []  # the request never reached the API


def test_a_client_dribbling_header_bytes_is_cut_off_at_the_request_timeout(short_timeouts):
    conn = Connection(short_timeouts.port)
    conn.sock.settimeout(0.1)
    head = get(ECHO)
    started = time.monotonic()
    answer = b""
    for byte in head[:-2]:  # never the final blank line: the head never ends
        try:
            conn.sock.sendall(bytes([byte]))
            answer += conn.sock.recv(4096)
        except TimeoutError:
            continue
        except ConnectionError:
            break
        if answer or time.monotonic() - started > 5:
            break
    conn.close()
    # The client's HTTP version is not known yet: the answer is in the server's own, and closes
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.1 408 Request Timeout", answer
    assert b"\r\nConnection: close\r\n" in answer, answer


def test_300_concurrent_connections_are_all_answered_and_the_threads_stay_capped(short_timeouts):
    short_timeouts.state.faults.add({"path": ECHO, "delay_ms": 20})  # requests pile up behind the 4 workers
    cap = short_timeouts.settings.threads + 1  # the workers and the event loop's thread
    before = threading.active_count() - cap
    connections = [Connection(short_timeouts.port) for _ in range(300)]
    try:
        for conn in connections:
            conn.send(get(ECHO))
        most = 0
        statuses = []
        for conn in connections:
            most = max(most, threading.active_count() - before)
            statuses.append(conn.response()[0])
    finally:
        for conn in connections:
            conn.close()
    assert statuses == [200] * 300
    assert most <= cap
    assert len([t for t in threading.enumerate() if t.name == f"mockserver:{short_timeouts.port}"]) == 4


def test_sigterm_lets_a_request_in_flight_finish_then_exits_0(tmp_path):
    with stub_cli(tmp_path, "--port", "0", "--quiet") as proc:
        url = proc.stdout.readline().split()[-1]
        port = int(url.rsplit(":", 1)[1])
        with requests.Session() as s:
            s.trust_env = False
            s.post(url + "/__mock__/faults", json={"path": ECHO, "delay_ms": 1500}, timeout=10)
        conn = Connection(port)
        conn.send(get(ECHO))
        time.sleep(0.5)  # the request is read at once; its answer waits 1.5 s in the fault delay
        proc.send_signal(signal.SIGTERM)
        status, _, body = conn.response()
        conn.close()
        _, err = proc.communicate(timeout=10)
    assert status == 200 and b'"method": "GET"' in body
    assert proc.returncode == 0, err


def test_a_fault_rule_asking_for_connection_close_closes_after_its_answer(server, conn):
    server.state.faults.add({"path": ITEMS, "status": 503, "headers": {"Connection": "close"}, "times": 1})
    conn.send(get(ITEMS))
    status, headers, _ = conn.response()
    assert status == 503 and headers["connection"] == "close"
    assert conn.closed_by_server()
    server.reset()


def test_a_pipelined_request_is_not_late_while_the_mock_answers_the_one_before(short_timeouts):
    short_timeouts.state.faults.add({"path": ITEMS, "delay_ms": 1000, "times": 1})  # twice the request timeout
    conn = Connection(short_timeouts.port)
    second = post(ECHO, b"second")
    conn.send(get(ITEMS), second[:20])
    assert conn.response()[0] == 200
    conn.send(second[20:])
    status, _, body = conn.response()
    conn.close()
    assert status == 200 and b"second" in body


def test_a_stop_finishes_when_the_event_loop_already_closed_its_trigger():
    """If the loop has closed its wake-up pipe (it ended after a handler failed), stopping still closes every
    connection and returns, instead of raising EBADF at the user."""
    server = MockServer(Settings(port=0, apis=("torrent",))).start()
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        waitress = server._server
        waitress.trigger.close()  # as the loop's close_all would
        server.stop()
        try:
            closed = conn.recv(1) == b""  # the connection was closed: an orderly end of stream
        except ConnectionResetError:
            closed = True  # or a reset, when the close found unread bytes or raced the shutdown
        assert closed
        assert not waitress.active_channels
    finally:
        conn.close()
