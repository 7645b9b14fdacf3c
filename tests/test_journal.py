"""The request journal (docs/behaviour/admin.md A4, A11)."""
import base64
from datetime import UTC, datetime

import pytest
from stub_dialect import install

from mockserver.app import create_app, state_of
from mockserver.config import Settings
from mockserver.journal import BODY_LIMIT, NO_BODY, Body, Journal, mask_authorization

ECHO = "/rundb/api/v1/echo/"  # the stub API (tests/stub_dialect.py) reads the body and answers it back
ITEMS = "/rundb/api/v1/item/"
NOSUCH = "/rundb/api/v1/nosuch/"  # 404 without reading the body
BASIC = "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()
ENTRY_KEYS = {"seq", "time", "api", "method", "path", "query", "headers", "body", "status", "response_body",
              "duration_ms"}


@pytest.fixture
def settings(monkeypatch, tmp_path):
    return Settings(apis=("torrent",), seed_dir=install(monkeypatch, tmp_path))


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


def journal(client, **filters):
    response = client.get("/__mock__/journal", query_string=filters)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a4_every_vendor_request_is_recorded_in_arrival_order(client):
    client.get(ECHO, query_string={"format": "json", "x": ["1", "2"]})
    client.post(ECHO, json={"hello": "world"})
    first, second = journal(client)
    assert ENTRY_KEYS <= set(first)
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["api"] == "torrent" and first["method"] == "GET" and first["path"] == ECHO
    assert first["query"] == {"format": "json", "x": ["1", "2"]}
    assert first["status"] == 200 and first["response_body"] == {"method": "GET", "body": "", "thread": "MainThread"}
    assert first["time"].endswith("Z") and first["duration_ms"] >= 0
    assert second["body"] == {"hello": "world"} and second["headers"]["Content-Type"] == "application/json"


def test_a4_time_is_the_mock_clock(client):
    client.post("/__mock__/clock", json={"set": "2030-01-02T03:04:05Z"})
    client.get(ECHO)
    assert journal(client)[0]["time"] == "2030-01-02T03:04:05Z"


def test_a11_admin_requests_are_never_recorded(client):
    client.get("/__mock__/health")
    client.post("/__mock__/clock", json={"freeze": True})
    client.get("/__mock__/journal")
    assert journal(client) == []


def test_a4_non_json_bodies_are_recorded_as_text(client):
    client.post(ECHO, data="plain words", content_type="text/plain")
    assert journal(client)[0]["body"] == "plain words"


@pytest.mark.parametrize("path", [ECHO, NOSUCH], ids=["read-by-the-api", "not-read"])
@pytest.mark.parametrize("size", [BODY_LIMIT, BODY_LIMIT + 1, 3 * BODY_LIMIT])
def test_a4_bodies_over_64_kib_are_truncated_and_marked(client, size, path):
    client.post(path, data=b"x" * size, content_type="text/plain")
    entry = journal(client)[0]
    assert entry["body"] == "x" * min(size, BODY_LIMIT)
    assert entry["body_truncated"] is (size > BODY_LIMIT)


def test_a4_large_response_bodies_are_truncated_and_marked(client):
    client.post(ECHO, data=b"y" * (2 * BODY_LIMIT), content_type="text/plain")
    entry = journal(client)[0]
    assert entry["response_body_truncated"] is True
    assert len(entry["response_body"]) == BODY_LIMIT and entry["response_body"].startswith('{"method": "POST"')


def test_a4_authorization_is_masked(client):
    client.get(ECHO, headers={"Authorization": BASIC})
    headers = journal(client)[0]["headers"]
    assert headers["Authorization"] == "Basic ionadmin:****"
    assert "ionadmin:ionadmin" not in str(journal(client)) and BASIC.split()[1] not in str(journal(client))


@pytest.mark.parametrize("header, shown", [
    (BASIC, "Basic ionadmin:****"),
    ("ApiKey ionadmin:0a1b2c3d4e5f", "ApiKey ionadmin:****"),
    ("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "Bearer ****"),
    ("Api-Key AbCdEfGh.0123456789abcdef0123456789abcdef", "Api-Key AbCdEfGh.****"),
    ("Basic !!!not-base64", "Basic ****"),
    ("sometoken", "****"),
])
def test_a4_authorization_keeps_scheme_and_caller_only(header, shown):
    assert mask_authorization(header) == shown


def test_a4_api_key_query_parameter_is_masked(client):
    client.get(ECHO, query_string={"username": "ionadmin", "api_key": "secret-key"})
    assert journal(client)[0]["query"] == {"username": "ionadmin", "api_key": "****"}


def test_a4_filters(client):
    client.get(ECHO)
    client.post(ITEMS, json={"name": "n"})
    client.get(ITEMS)
    client.get(NOSUCH)
    assert [e["seq"] for e in journal(client, method="post")] == [2]
    assert [e["seq"] for e in journal(client, path="/rundb/api/v1/item")] == [2, 3]
    assert [e["seq"] for e in journal(client, api="torrent")] == [1, 2, 3, 4]
    assert journal(client, api="hub") == []
    assert [e["seq"] for e in journal(client, since=2)] == [3, 4]
    assert [e["seq"] for e in journal(client, status="200")] == [1, 3]
    assert [e["seq"] for e in journal(client, status="2xx")] == [1, 2, 3]
    assert [e["seq"] for e in journal(client, status="4xx")] == [4]


@pytest.mark.parametrize("query", ["status=teapot", "status=42", "since=-1", "since=abc", "verb=GET"])
def test_a4_bad_filters_are_400(client, query):
    response = client.get("/__mock__/journal?" + query)
    assert response.status_code == 400 and response.get_json()["error"]


def test_a4_delete_clears_and_seq_keeps_counting(client):
    client.get(ECHO)
    assert client.delete("/__mock__/journal").status_code == 204
    assert journal(client) == []
    client.get(ECHO)
    assert [e["seq"] for e in journal(client)] == [2]


def test_a2_reset_clears_the_journal(client):
    client.get(ECHO)
    client.post("/__mock__/reset")
    assert journal(client) == []


def test_journal_keeps_the_newest_entries_up_to_its_limit(settings):
    client = create_app(settings.with_(journal_limit=3)).test_client()
    for _ in range(5):
        client.get(ECHO)
    assert [e["seq"] for e in journal(client)] == [3, 4, 5]


def test_fault_answers_are_recorded_with_the_rule(client):
    rule = client.post("/__mock__/faults", json={"path": ECHO, "status": 503}).get_json()
    client.get(ECHO)
    entry = journal(client)[0]
    assert entry["status"] == 503 and entry["fault"] == rule["id"] and entry["dropped"] is False


def test_dropped_requests_are_recorded_without_a_status(app, client):
    client.post("/__mock__/faults", json={"path": ECHO, "drop": True})
    with pytest.raises(ConnectionAbortedError):
        client.get(ECHO)
    entry = journal(client)[0]
    assert entry["status"] is None and entry["dropped"] is True and entry["response_body"] is None
    assert journal(client, status="none") == [entry]
    assert state_of(app).server_errors == []


def test_a4_server_errors_are_recorded_as_500(app, client):
    assert client.get("/rundb/api/v1/boom/").status_code == 500
    assert journal(client)[0]["status"] == 500
    assert "the stub fails on purpose" in state_of(app).server_errors[0]


def test_a4_the_real_torrent_api_is_recorded():
    client = create_app(Settings(apis=("torrent",))).test_client()
    client.get("/rundb/api/v1/message/", headers={"Authorization": BASIC})
    (entry,) = journal(client)
    assert entry["api"] == "torrent" and entry["status"] == 200
    assert entry["headers"]["Authorization"] == "Basic ionadmin:****"
    assert "objects" in entry["response_body"]


def test_journal_drops_the_oldest_entries_beyond_its_byte_budget():
    journal_ = Journal(limit=100, bytes_limit=250)
    for _ in range(5):
        journal_.record(time=datetime.now(UTC), api="torrent", method="POST", path="/", query=[],
                        headers=[], body=Body.capture(b"x" * 100), status=201, response_body=Body.capture(b""),
                        duration_ms=1.0)
    assert [entry.seq for entry in journal_.entries()] == [4, 5]


@pytest.mark.parametrize("path", ["/rundb/api/v1/message/", "/api/sites/"])
def test_a4_query_bytes_that_are_not_utf8_are_journalled_not_a_500(path):
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    from mockserver.app import create_app, state_of
    from mockserver.config import Settings

    app = create_app(Settings())
    environ = EnvironBuilder(path=path, headers={"Authorization": "Basic aW9uYWRtaW46aW9uYWRtaW4="}).get_environ()
    environ["QUERY_STRING"] = "x=\xe9"  # WSGI strings carry raw bytes as latin-1
    _, status, _ = run_wsgi_app(app, environ)
    assert int(status.split()[0]) < 500
    [entry] = state_of(app).journal.entries()
    assert list(entry.query) == [("x", "\ufffd")]


def test_a4_an_entry_of_an_earlier_epoch_is_dropped():
    journal_ = Journal()
    epoch = journal_.epoch
    journal_.clear()

    def record(epoch):
        return journal_.record(time=datetime.now(UTC), api="torrent", method="GET", path="/", query=[], headers=[],
                               body=NO_BODY, status=200, response_body=NO_BODY, duration_ms=1, epoch=epoch)

    assert record(epoch) is None and len(journal_) == 0
    assert record(journal_.epoch).seq == 1 and len(journal_) == 1
