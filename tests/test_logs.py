"""Log lines (mockserver/logs.py): colour only on a terminal, --log-format text|json, through the real CLI."""
import http.client
import io
import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from stub_dialect import install, stub_cli

from mockserver import logs
from mockserver.config import Settings
from mockserver.server import MockServer


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def capture():
    """Configure the log for a stream, then put the root logger back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield lambda log_format, stream: logs.configure(log_format, stream)
    root.handlers[:] = handlers
    root.setLevel(level)


def access_line():
    logs.access("127.0.0.1", "GET", "/rundb/api/v1/item/", "limit=1", "HTTP/1.1", 404, 1.25)


def test_text_written_to_a_file_or_pipe_has_no_colour_codes(capture):
    stream = io.StringIO()
    capture("text", stream)
    access_line()
    line = stream.getvalue()
    assert '127.0.0.1 "GET /rundb/api/v1/item/?limit=1 HTTP/1.1" 404 1.2 ms' in line and "\x1b" not in line


def test_a_lines_time_says_its_offset_from_utc(capture):
    stream = io.StringIO()
    capture("json", stream)
    before = datetime.now(UTC)
    access_line()
    stamp = datetime.fromisoformat(json.loads(stream.getvalue())["time"])
    assert stamp.tzinfo is not None and stamp.utcoffset() == datetime.now().astimezone().utcoffset()
    assert before - timedelta(seconds=1) <= stamp <= datetime.now(UTC)


@pytest.mark.parametrize("log_format,stream_class", [("text", io.StringIO), ("text", Terminal),
                                                     ("json", io.StringIO)])
def test_an_access_line_written_straight_to_the_stream_is_the_line_its_log_record_makes(
        capture, monkeypatch, log_format, stream_class):
    def without_time(line: str) -> object:
        if log_format == "json":
            return {k: v for k, v in json.loads(line).items() if k != "time"}
        return line.split(" ", 1)[1]

    root = logging.getLogger()
    lines = []
    for other_handlers in ([], [logging.NullHandler()]):  # alone, the handler takes the line without a record
        stream = stream_class()
        handler = capture(log_format, stream)
        monkeypatch.setattr(root, "handlers", [handler, *other_handlers])
        access_line()
        logs.flush_access()
        lines.append(stream.getvalue())
    direct, recorded = lines
    assert direct.endswith("\n") and direct.count("\n") == 1 and recorded.count("\n") == 1
    assert without_time(direct) == without_time(recorded)


def test_a_served_requests_access_line_reaches_the_file_without_waiting_for_more(capture, monkeypatch, tmp_path):
    log = tmp_path / "access.log"
    root = logging.getLogger()
    with log.open("w") as stream:
        monkeypatch.setattr(root, "handlers", [capture("text", stream)])  # the CLI's set-up: one handler
        settings = Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path / "seed"))
        with MockServer(settings, access_log=True) as mock, requests.Session() as s:
            s.trust_env = False
            assert s.get(mock.url + "/rundb/api/v1/item/", timeout=10).status_code == 200
            # Written at once, flushed after the batch the loop answered: another reader sees it soon
            for _ in range(200):
                if '"GET /rundb/api/v1/item/ HTTP/1.1" 200' in log.read_text():
                    break
                time.sleep(0.01)
            assert '"GET /rundb/api/v1/item/ HTTP/1.1" 200' in log.read_text()


def half_sent(capture, monkeypatch, tmp_path, sent: bytes) -> tuple[bytes, list[dict]]:
    """``sent`` (a request that never arrives whole) on a raw connection to a mock whose request timeout is 0.3 s
    → (its whole answer, the JSON access log entries)."""
    stream = io.StringIO()
    capture("json", stream)
    settings = Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path), request_timeout=0.3)
    with MockServer(settings, access_log=True) as mock:
        with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as sock:
            sock.sendall(sent)
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
    logs.flush_access()
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    return answer, [e for e in entries if e["logger"] == "mockserver.access"]


def test_a_408_the_server_answers_itself_is_in_the_access_log(capture, monkeypatch, tmp_path):
    answer, access = half_sent(capture, monkeypatch, tmp_path,
                               b"POST /rundb/api/v1/echo/?x=1 HTTP/1.1\r\nHost: mock\r\nContent-Length: 1000\r\n\r\nxx")
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in access] == [
        ("POST", "/rundb/api/v1/echo/", "x=1", 408)]


def test_the_access_log_masks_the_secrets_of_a_query_as_the_journal_does(capture, monkeypatch, tmp_path):
    stream = io.StringIO()
    capture("json", stream)
    settings = Settings(port=0, apis=("torrent",), seed_dir=install(monkeypatch, tmp_path))
    with MockServer(settings, access_log=True) as mock, requests.Session() as s:
        s.trust_env = False
        s.get(mock.url + "/rundb/api/v1/item/?api_key=s3cret-key&limit=1", timeout=10)
        # a name percent-encoded is the same name to the server, and masked as such (sent as written: requests
        # would decode the %5F)
        raw = http.client.HTTPConnection("127.0.0.1", mock.port, timeout=10)
        raw.request("GET", "/rundb/api/v1/item/?api%5Fkey=encoded-key&limit=2")
        assert raw.getresponse().status == 200
        raw.close()
        journaled = [entry.as_json()["query"] for entry in mock.state.journal.entries()[-2:]]
    logs.flush_access()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [e for e in lines if e["logger"] == "mockserver.access"]
    assert [e["query"] for e in access] == ["api_key=****&limit=1", "api%5Fkey=****&limit=2"]
    assert "/rundb/api/v1/item/?api_key=****&limit=1 " in access[0]["message"]
    assert "s3cret-key" not in stream.getvalue() and "encoded-key" not in stream.getvalue()
    assert journaled == [{"api_key": "****", "limit": "1"}, {"api_key": "****", "limit": "2"}]


def test_a_408_before_the_request_line_was_read_is_logged_with_dashes(capture, monkeypatch, tmp_path):
    answer, access = half_sent(capture, monkeypatch, tmp_path,
                               b"GET /rundb/api/v1/item/ HTTP/1.1\r\nHost: mo")  # the head never ends
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert [(e["method"], e["path"], e["status"]) for e in access] == [("-", "-", 408)]
    assert '"- - HTTP/1.1" 408' in access[0]["message"]


def test_text_on_a_terminal_colours_the_status(capture):
    stream = Terminal()
    capture("text", stream)
    access_line()
    assert '"GET /rundb/api/v1/item/?limit=1 HTTP/1.1" \x1b[33m404\x1b[0m 1.2 ms' in stream.getvalue()


def test_json_is_one_object_a_line_with_the_access_fields(capture):
    stream = Terminal()  # never coloured, even on a terminal
    capture("json", stream)
    access_line()
    logging.getLogger("mockserver").warning("something to say")
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {k: first[k] for k in ("level", "logger", "client", "method", "path", "query", "protocol", "status",
                                  "duration_ms")} == {
        "level": "INFO", "logger": "mockserver.access", "client": "127.0.0.1", "method": "GET",
        "path": "/rundb/api/v1/item/", "query": "limit=1", "protocol": "HTTP/1.1", "status": 404,
        "duration_ms": 1.25}
    assert (second["level"], second["logger"], second["message"]) == ("WARNING", "mockserver", "something to say")
    assert "\x1b" not in stream.getvalue()


def test_the_cli_logs_json_to_stderr_without_colour(tmp_path):
    with stub_cli(tmp_path, "--port", "0", "--log-format", "json") as proc:
        url = proc.stdout.readline().split()[-1]
        with requests.Session() as s:
            s.trust_env = False
            assert s.get(url + "/rundb/api/v1/item/", timeout=10).status_code == 200
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    entries = [json.loads(line) for line in err.splitlines()]
    assert any(e.get("path") == "/rundb/api/v1/item/" and e.get("status") == 200 for e in entries), err
    assert "\x1b" not in err
