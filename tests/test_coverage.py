"""Consumer coverage over real HTTP: the journal names each request's contract operation and marks the unmatched
ones, whose answers carry ``X-Mockserver-Unmatched: 1``; ``GET /__mock__/coverage`` lists every operation of
both contracts with its calls and statuses seen and not seen, apart from the fixtures' own calls, across resets
until ``DELETE /__mock__/coverage``."""
from __future__ import annotations

import pytest
import requests
from proxy_support import TORRENT, basic, proxied

from mockserver.contract import HTTP_METHODS, load
from mockserver.hub import queries  # noqa: F401  (see below)
from mockserver.torrent import filesets  # noqa: F401

# Both products (and what they import: JWT, cryptography) are imported here, at collection, so that an in-process
# pytester run elsewhere in this worker is never the first to import them: pytester drops the modules its run
# imported, and modules imported anew after it no longer match the objects still held from the first import.

UNMATCHED = "X-Mockserver-Unmatched"


@pytest.fixture
def fresh(mockserver):
    """Coverage adds up across tests (that is its point); each test here starts from none, before any fixture
    of the test logs in."""
    mockserver.clear_coverage()
    return mockserver


def coverage(handle) -> dict:
    reply = requests.get(handle.url + "/__mock__/coverage", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    return reply.json()


def operation(report: dict, api: str, method: str, path: str) -> dict:
    (found,) = [o for o in report["apis"][api]["operations"] if (o["method"], o["path"]) == (method, path)]
    return found


def called(report: dict, api: str) -> dict[tuple[str, str], int]:
    return {(o["method"], o["path"]): o["calls"] for o in report["apis"][api]["operations"] if o["calls"]}


def test_journal_entries_name_the_operation_and_mark_unmatched_requests(fresh, mock_torrent):
    assert mock_torrent.get("message/").status_code == 200
    assert mock_torrent.get("mesage/").status_code == 404
    listed, misspelt = fresh.journal(path="/rundb/api/v1/")[-2:]
    assert (listed["path"], listed["operation_id"], listed["unmatched"]) == ("/rundb/api/v1/message/", "message_list",
                                                                             False)
    assert (misspelt["path"], misspelt["operation_id"], misspelt["unmatched"]) == ("/rundb/api/v1/mesage/", None,
                                                                                  True)


@pytest.mark.parametrize("method, path", [
    ("GET", "/rundb/api/v1/mesage/"),  # no such path
    ("GET", "/api/nope/"),
    ("PUT", "/api/auth/token/"),  # a documented path, an undocumented method
])
def test_an_answer_to_an_unmatched_request_carries_x_mockserver_unmatched(fresh, method, path):
    reply = requests.request(method, fresh.url + path, headers=basic(), timeout=10)
    assert reply.status_code in (404, 405)
    assert reply.headers[UNMATCHED] == "1"


def test_an_answer_to_a_documented_operation_has_no_unmatched_header(fresh, mock_torrent, mock_hub):
    for reply in (mock_torrent.get("message/"), mock_torrent.get("message/999999/"), mock_hub.get("sites/")):
        assert reply.status_code in (200, 404)
        assert UNMATCHED not in reply.headers


def test_a_fault_answer_to_an_unmatched_request_carries_the_header_too(fresh):
    fresh.faults.add("/api/nope/*", status=503)
    reply = requests.get(fresh.url + "/api/nope/x/", timeout=10)
    assert reply.status_code == 503
    assert reply.headers[UNMATCHED] == "1"


def test_coverage_lists_every_operation_of_both_contracts_with_zero_calls_and_every_documented_status(fresh):
    report = coverage(fresh)
    assert sorted(report["apis"]) == ["hub", "torrent"]
    for api in ("torrent", "hub"):
        document = load(api)
        base = document["servers"][0]["url"].rstrip("/")
        expected = {(m.upper(), base + path, item[m]["operationId"], frozenset(item[m]["responses"]))
                    for path, item in document["paths"].items() for m in HTTP_METHODS if m in item}
        listed = report["apis"][api]["operations"]
        assert {(o["method"], o["path"], o["operation_id"], frozenset(o["statuses_not_seen"])) for o in listed} \
            == expected
        assert len(listed) == len(expected)
        assert all(o["calls"] == 0 and o["fixture_calls"] == 0 and o["statuses_seen"] == [] for o in listed)
        assert report["apis"][api]["unmatched"] == []


def test_coverage_counts_calls_and_the_statuses_seen(fresh, mock_torrent):
    for _ in range(2):
        assert mock_torrent.get("message/").status_code == 200
    assert mock_torrent.get("message/999999/").status_code == 404
    assert mock_torrent.as_user("ionadmin", "wrong").get("message/").status_code == 401
    report = coverage(fresh)
    listing = operation(report, "torrent", "GET", "/rundb/api/v1/message/")
    assert (listing["operation_id"], listing["calls"], listing["fixture_calls"]) == ("message_list", 3, 0)
    assert listing["statuses_seen"] == ["200", "401"]
    assert "200" not in listing["statuses_not_seen"] and "401" not in listing["statuses_not_seen"]
    assert "400" in listing["statuses_not_seen"]
    detail = operation(report, "torrent", "GET", "/rundb/api/v1/message/{id}/")
    assert (detail["calls"], detail["statuses_seen"]) == (1, ["404"])
    assert called(report, "torrent") == {("GET", "/rundb/api/v1/message/"): 3,
                                         ("GET", "/rundb/api/v1/message/{id}/"): 1}


def test_coverage_lists_unmatched_requests_with_their_calls(fresh):
    for _ in range(2):
        requests.get(fresh.url + "/rundb/api/v1/mesage/", headers=basic(), timeout=10)
    requests.get(fresh.url + "/api/nope/", timeout=10)
    report = coverage(fresh)
    assert report["apis"]["torrent"]["unmatched"] == [
        {"method": "GET", "path": "/rundb/api/v1/mesage/", "calls": 2, "fixture_calls": 0}]
    assert report["apis"]["hub"]["unmatched"] == [{"method": "GET", "path": "/api/nope/", "calls": 1,
                                                   "fixture_calls": 0}]
    assert called(report, "torrent") == {} and called(report, "hub") == {}


def test_coverage_survives_a_reset_and_delete_clears_it(fresh, mock_torrent):
    assert mock_torrent.get("message/").status_code == 200
    assert requests.post(fresh.url + "/__mock__/reset", timeout=10).status_code == 204
    assert fresh.journal() == []
    assert operation(coverage(fresh), "torrent", "GET", "/rundb/api/v1/message/")["calls"] == 1
    cleared = requests.delete(fresh.url + "/__mock__/coverage", timeout=10)
    assert cleared.status_code == 204 and cleared.content == b""
    assert called(coverage(fresh), "torrent") == {}


def test_the_fixture_login_counts_as_a_fixture_call_not_a_test_call(fresh, mock_hub):
    assert mock_hub.get("sites/").status_code == 200
    report = coverage(fresh)
    login = operation(report, "hub", "POST", "/api/auth/token/")
    assert (login["calls"], login["fixture_calls"], login["statuses_seen"]) == (0, 1, [])
    assert called(report, "hub") == {("GET", "/api/sites/"): 1}


def test_a_token_renewal_after_a_clock_move_is_a_fixture_call(fresh, mock_hub):
    fresh.clock.advance(24 * 3600)  # past the access token's lifetime: the session logs in again
    assert mock_hub.get("sites/").status_code == 200
    report = coverage(fresh)
    assert operation(report, "hub", "POST", "/api/auth/token/")["fixture_calls"] == 2
    assert operation(report, "hub", "POST", "/api/auth/token/")["calls"] == 0


def test_a_login_the_test_makes_itself_is_a_test_call(fresh, mock_hub):
    reply = mock_hub.post("auth/token/", json={"username": "admin", "password": "admin"})
    assert reply.status_code == 200
    login = operation(coverage(fresh), "hub", "POST", "/api/auth/token/")
    assert (login["calls"], login["fixture_calls"], login["statuses_seen"]) == (1, 1, ["200"])


def test_the_fixture_marker_header_is_stripped_before_the_dialect_and_the_journal(fresh, mock_hub):
    (entry,) = fresh.journal(path="/api/auth/token/")
    assert entry["status"] == 200 and entry["operation_id"] == "auth_token_create"
    assert not any(name.lower() == "x-mockserver-client" for name in entry["headers"])


def test_the_handle_reads_and_clears_coverage_as_the_admin_api_does(fresh, mock_torrent):
    assert mock_torrent.get("message/").status_code == 200
    assert fresh.coverage() == coverage(fresh)
    fresh.clear_coverage()
    assert called(fresh.coverage(), "torrent") == {}


def test_the_proxy_journals_operations_and_has_no_coverage_of_its_own():
    with proxied("torrent") as pair:
        requests.get(pair.proxy.url + TORRENT + "/message/23/", headers=basic(), timeout=10)
        requests.get(pair.proxy.url + TORRENT + "/nothing/", headers=basic(), timeout=10)
        journal = requests.get(pair.proxy.url + "/__mock__/journal", timeout=10).json()
        assert [(e["operation_id"], e["unmatched"]) for e in journal] == [("message_retrieve", False), (None, True)]
        reply = requests.get(pair.proxy.url + "/__mock__/coverage", timeout=10)
        assert reply.status_code == 404
        assert reply.json() == {"error": "consumer coverage is counted by the mock, not in proxy mode"}
