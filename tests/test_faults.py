"""Fault rules and latency (docs/behaviour/admin.md A7, A8, A11, A2) — in process and over real HTTP."""
import threading
import time

import pytest
import requests
from stub_dialect import install, serve_stub

from mockserver.app import create_app
from mockserver.config import Settings

TOP = "/rundb/api/v1/echo/"  # the stub API (tests/stub_dialect.py)
MESSAGES = "/rundb/api/v1/item/"


@pytest.fixture
def settings(monkeypatch, tmp_path):
    return Settings(apis=("torrent",), seed_dir=install(monkeypatch, tmp_path))


@pytest.fixture
def client(settings):
    return create_app(settings).test_client()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_stub(tmp_path_factory)


@pytest.fixture
def http(server):
    server.reset()
    session = requests.Session()
    session.trust_env = False  # loopback only: never through a proxy from the environment
    yield session
    session.close()


def add(client, **rule):
    response = client.post("/__mock__/faults", json=rule)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rules(client):
    return client.get("/__mock__/faults").get_json()


def test_a7_status_answers_in_the_apis_own_envelope(client):
    rule = add(client, method="GET", path="/rundb/*", status=500)
    assert rule["id"] and rule["status"] == 500 and rule["hits"] == 0 and rule["times"] is None
    response = client.get(MESSAGES)
    assert response.status_code == 500
    assert response.content_type == "application/json" and response.get_json() == {"stub_error": "HTTP 500"}


TASTYPIE_CANNED = b'{"error_message": "Sorry, this request could not be processed. Please try again later."}'


@pytest.mark.parametrize("status, content_type, body", [
    (400, "application/json", b'{"error": "Bad Request"}'),
    (401, "text/html; charset=utf-8", b""),  # tastypie's HttpUnauthorized (T D2)
    (404, "application/json", TASTYPIE_CANNED),  # tastypie's canned error (T D6)
    (500, "application/json", TASTYPIE_CANNED),
    (503, "application/json", b'{"error": "Service Unavailable"}'),
])
def test_a7_torrent_errors_use_the_tastypie_envelope(status, content_type, body):
    client = create_app(Settings(apis=("torrent",))).test_client()
    add(client, path="/rundb/api/v1/*", status=status)
    response = client.get("/rundb/api/v1/message/")
    assert (response.status_code, response.content_type, response.data) == (status, content_type, body)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic Realm="Torrent Browser"'


@pytest.mark.parametrize("status, body", [
    (400, b'{"detail":"Bad Request."}'),
    (403, b'{"detail":"Forbidden."}'),
    (404, b'{"detail":"Not found."}'),  # DRF's NotFound
    (500, b'{"detail":"Internal Server Error."}'),
    (503, b'{"detail":"Service Unavailable."}'),
])
def test_a7_hub_errors_use_the_drf_envelope(status, body):
    client = create_app(Settings(apis=("hub",))).test_client()
    add(client, path="/api/*", status=status)
    response = client.get("/api/sites/")
    assert (response.status_code, response.content_type, response.data) == (status, "application/json", body)


@pytest.mark.parametrize("api, path, written", [
    ("hub", "/api/sites/", b'{"detail":"down \xc3\xa9","n":[1,2]}'),  # DRF's JSON: compact, UTF-8
    ("torrent", "/rundb/api/v1/message/", b'{"detail": "down \xc3\xa9", "n": [1, 2]}'),  # tastypie's (T12)
])
def test_a7_a_rules_body_is_written_as_the_api_writes_json(api, path, written):
    client = create_app(Settings(apis=(api,))).test_client()
    add(client, path=path, status=503, body={"n": [1, 2], "detail": "down é"})
    response = client.get(path)
    assert (response.status_code, response.content_type, response.data) == (503, "application/json", written)


def test_a7_status_with_body_and_headers(client):
    add(client, path=TOP, status=418, body={"why": "teapot"}, headers={"X-Fault": "yes"})
    response = client.get(TOP)
    assert (response.status_code, response.get_json(), response.headers["X-Fault"]) == (418, {"why": "teapot"}, "yes")


@pytest.mark.parametrize("status", [429, 503])
def test_a7_429_and_503_get_retry_after(client, status):
    add(client, path=TOP, status=status)
    assert client.get(TOP).headers["Retry-After"] == "1"


def test_a7_a_rule_may_choose_its_own_retry_after(client):
    add(client, path=TOP, status=503, headers={"Retry-After": "30"})
    assert client.get(TOP).headers.get_all("Retry-After") == ["30"]


def test_a7_without_status_the_request_proceeds_with_the_rules_headers(client):
    add(client, path=TOP, headers={"X-Slow": "1"})
    response = client.get(TOP)
    assert response.status_code == 200 and response.get_json()["method"] == "GET" and response.headers["X-Slow"] == "1"


def test_a7_method_and_path_glob_select_requests(client):
    add(client, method="post", path=MESSAGES + "*", status=503)
    assert client.get(MESSAGES).status_code == 200
    assert client.post(TOP, json={}).status_code == 200
    assert client.post(MESSAGES, json={}).status_code == 503
    assert client.post(MESSAGES + "23/", json={}).status_code == 503


def test_a7_times_expires_the_rule_and_a8_lists_times_and_hits(client):
    add(client, path=TOP, status=503, times=2)
    statuses = [client.get(TOP).status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]
    (rule,) = rules(client)
    assert (rule["times"], rule["hits"], rule["active"]) == (0, 2, False)


def test_a7_first_matching_rule_acts(client):
    add(client, path=TOP, status=502, times=1)
    add(client, path="*", status=504)
    assert [client.get(TOP).status_code for _ in range(2)] == [502, 504]
    assert [r["hits"] for r in rules(client)] == [1, 1]


def draws(settings: Settings, seed: int, n: int = 40) -> list[int]:
    client = create_app(settings.with_(seed=seed)).test_client()
    add(client, path=TOP, status=503, probability=0.5)
    return [client.get(TOP).status_code for _ in range(n)]


def test_a7_probability_is_reproducible_with_a_seed(settings):
    first = draws(settings, seed=7)
    assert first == draws(settings, seed=7)
    assert {200, 503} == set(first)
    assert first != draws(settings, seed=8)


def test_a7_probability_repeats_after_reset(client):
    def run():
        add(client, path=TOP, status=503, probability=0.3)
        return [client.get(TOP).status_code for _ in range(30)]

    first = run()
    client.post("/__mock__/reset")
    assert run() == first
    assert rules(client)[0]["hits"] == first.count(503)


@pytest.mark.parametrize("probability, expected", [(0, 200), (1, 503)])
def test_a7_probability_bounds(client, probability, expected):
    add(client, path=TOP, status=503, probability=probability)
    assert {client.get(TOP).status_code for _ in range(10)} == {expected}


def test_a11_faults_never_touch_the_admin_api(client):
    add(client, path="*", status=500)
    add(client, path="/__mock__/*", drop=True)
    assert client.get("/__mock__/health").status_code == 200
    assert all(r["hits"] == 0 for r in rules(client))


def test_a8_remove_one_and_all(client):
    first = add(client, path=TOP, status=500)
    add(client, path=MESSAGES, status=500)
    assert client.delete(f"/__mock__/faults/{first['id']}").status_code == 204
    assert client.delete(f"/__mock__/faults/{first['id']}").status_code == 404
    assert client.get(TOP).status_code == 200
    assert len(rules(client)) == 1
    assert client.delete("/__mock__/faults").status_code == 204
    assert rules(client) == [] and client.get(MESSAGES).status_code == 200


def test_a8_one_rule_by_its_id(client):
    first = add(client, path=TOP, status=503, times=2)
    shown = client.get(f"/__mock__/faults/{first['id']}")
    assert shown.status_code == 200 and shown.get_json() == first == rules(client)[0]
    assert client.get(TOP).status_code == 503
    assert client.get(f"/__mock__/faults/{first['id']}").get_json()["hits"] == 1
    missing = client.get("/__mock__/faults/f999")
    assert missing.status_code == 404 and "GET /__mock__/faults lists them" in missing.get_json()["error"]


def test_a2_reset_removes_fault_rules(client):
    add(client, path="*", status=500)
    client.post("/__mock__/reset")
    assert rules(client) == [] and client.get(TOP).status_code == 200


@pytest.mark.parametrize("rule", [
    [], {"status": "500"}, {"status": 99}, {"status": True}, {"path": "api/*"}, {"method": 5},
    {"delay_ms": -1}, {"delay_ms": [20, 10]}, {"delay_ms": [1]}, {"delay_ms": "5"}, {"times": 0},
    {"times": 1.5}, {"probability": 1.5}, {"probability": "0.5"}, {"drop": "yes"},
    {"drop": True, "status": 500}, {"body": {"a": 1}}, {"headers": {"X": 1}}, {"colour": "red"},
])
def test_a7_invalid_rules_are_400_naming_the_problem(client, rule):
    response = client.post("/__mock__/faults", json=rule)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_a7_drop_in_process_raises_a_connection_error(client):
    add(client, path=TOP, drop=True, times=1)
    with pytest.raises(ConnectionAbortedError):
        client.get(TOP)
    assert client.get(TOP).status_code == 200


def test_a7_drop_closes_the_real_connection(server, http):
    add_http(http, server, path=TOP, drop=True, times=1)
    with pytest.raises(requests.ConnectionError):
        http.get(server.url + TOP, timeout=5)
    assert http.get(server.url + TOP, timeout=5).status_code == 200
    assert server.state.server_errors == []


def test_a7_delay_is_applied(server, http):
    add_http(http, server, path=TOP, delay_ms=300)
    started = time.perf_counter()
    assert http.get(server.url + TOP, timeout=10).status_code == 200
    assert time.perf_counter() - started >= 0.25


def test_a7_random_delay_is_applied_then_the_status(server, http):
    add_http(http, server, path=TOP, delay_ms=[150, 200], status=503)
    started = time.perf_counter()
    assert http.get(server.url + TOP, timeout=10).status_code == 503
    assert time.perf_counter() - started >= 0.12


def test_a7_a_delayed_request_does_not_hold_the_store(server, http):
    add_http(http, server, path=TOP, delay_ms=1500)
    done: list[str] = []
    slow = threading.Thread(target=lambda: (http_get(server, TOP), done.append("slow")))
    slow.start()
    time.sleep(0.2)  # the slow request is now waiting in its delay
    assert http_get(server, MESSAGES) == 200
    done.append("fast")
    slow.join(10)
    assert done == ["fast", "slow"]


def test_latency_setting_delays_every_vendor_request_and_survives_reset(settings):
    client = create_app(settings.with_(latency_ms=150)).test_client()
    client.post("/__mock__/reset")
    started = time.perf_counter()
    client.get(TOP)
    assert time.perf_counter() - started >= 0.12


def add_http(session, server, **rule) -> dict:
    response = session.post(server.url + "/__mock__/faults", json=rule, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()


def http_get(server, path) -> int:
    with requests.Session() as session:
        session.trust_env = False
        return session.get(server.url + path, timeout=10).status_code


def test_a11_what_a_rule_may_act_on_is_all_the_server_hands_to_its_workers(settings):
    """The server answers in its event loop every request that cannot be made to wait (state.may_wait): the
    admin API and pages (A11: no rule acts on them), and vendor requests no standing rule matches."""
    state = create_app(settings).extensions["mockserver"]
    assert not state.may_wait("GET", TOP)  # no rule
    state.faults.add({"method": "POST", "path": "/rundb/api/v1/ech*", "delay_ms": 10, "probability": 0.01})
    assert state.may_wait("POST", TOP)  # may act, whatever its draws will say
    assert not state.may_wait("GET", TOP) and not state.may_wait("POST", MESSAGES)
    state.faults.add({"path": "*", "times": 1, "status": 503})
    assert state.may_wait("GET", MESSAGES) and not state.may_wait("GET", "/__mock__/health")
    assert not state.may_wait("GET", "/rundb-other/x")  # no API serves it
    state.faults.decide("GET", MESSAGES)  # uses the one time it had
    assert not state.may_wait("GET", MESSAGES)
    assert state.may_wait("GET", "/rundb/api/v1/\u00e9cho/")  # not ASCII: not read the same by server and app
    state.faults.clear()
    state.faults.latency_ms = 5
    assert state.may_wait("GET", MESSAGES) and not state.may_wait("GET", "/__mock__/journal")
