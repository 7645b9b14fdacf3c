"""The mock's own controls (docs/behaviour/admin.md A1–A3, A5, A6, A9, A10; A4, A7, A8 in test_journal and
test_faults)."""
import pytest
from stub_dialect import install

from mockserver import __version__
from mockserver.app import create_app, state_of
from mockserver.config import Settings


@pytest.fixture
def app():
    return create_app(Settings())


@pytest.fixture
def admin(app):
    return app.test_client()


def test_a1_health_lists_enabled_apis(admin):
    response = admin.get("/__mock__/health")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.get_json() == {"status": "ok", "apis": ["torrent", "hub"], "version": __version__}


def test_a1_health_names_only_enabled_apis():
    client = create_app(Settings(apis=("torrent",))).test_client()
    assert client.get("/__mock__/health").get_json()["apis"] == ["torrent"]


def test_a2_reset_restores_store_and_clock(app, admin):
    state = state_of(app)
    state.store.delete("torrent/message", [r["id"] for r in state.store.all("torrent/message")])
    admin.post("/__mock__/clock", json={"set": "2030-01-01T00:00:00Z"})
    response = admin.post("/__mock__/reset")
    assert response.status_code == 204 and response.data == b""
    assert state.store.count("torrent/message") == 6
    assert admin.get("/__mock__/clock").get_json()["frozen"] is False


def test_a2_reset_to_unknown_snapshot_is_404(admin):
    response = admin.post("/__mock__/reset", json={"snapshot": "nope"})
    assert response.status_code == 404
    assert "unknown snapshot 'nope'" in response.get_json()["error"]


def test_a3_snapshot_round_trip(app, admin):
    state = state_of(app)
    assert admin.put("/__mock__/snapshots/empty-messages").status_code == 201
    state.store.delete("torrent/message", [r["id"] for r in state.store.all("torrent/message")])
    assert admin.put("/__mock__/snapshots/empty-messages").status_code == 200
    assert admin.get("/__mock__/snapshots").get_json() == ["empty-messages"]
    admin.post("/__mock__/reset")
    assert state.store.count("torrent/message") == 6
    assert admin.post("/__mock__/reset", json={"snapshot": "empty-messages"}).status_code == 204
    assert state.store.count("torrent/message") == 0
    assert admin.delete("/__mock__/snapshots/empty-messages").status_code == 204
    assert admin.delete("/__mock__/snapshots/empty-messages").status_code == 404


def test_a5_a6_clock_freeze_advance_set(admin):
    body = admin.post("/__mock__/clock", json={"set": "2025-07-03T12:00:00Z"}).get_json()
    assert body == {"now": "2025-07-03T12:00:00Z", "frozen": True}
    body = admin.post("/__mock__/clock", json={"advance": 90.5}).get_json()
    assert body == {"now": "2025-07-03T12:01:30.500000Z", "frozen": True}
    body = admin.post("/__mock__/clock", json={"freeze": False}).get_json()
    assert body["frozen"] is False and body["now"].startswith("2025-07-03T12:01:30")
    assert admin.get("/__mock__/clock").get_json()["frozen"] is False


@pytest.mark.parametrize("body", [
    {}, {"advance": -1}, {"advance": "5"}, {"advance": True}, {"freeze": "yes"}, {"set": "tomorrow"},
    {"set": 5}, {"freeze": True, "advance": 1}, [1],
])
def test_a6_invalid_clock_body_is_400(admin, body):
    response = admin.post("/__mock__/clock", json=body)
    assert response.status_code == 400
    assert "error" in response.get_json()


@pytest.mark.parametrize("moves, message", [
    ([{"advance": 1e15}], '"advance": the clock stays before 9000-01-01T00:00:00Z: advance by at most '),
    ([{"advance": 10**30}], '"advance": the clock stays before 9000-01-01T00:00:00Z'),
    ([{"set": "9999-12-31T23:59:00Z"}], '"set": the clock stays between 1900-01-01T00:00:00Z and 9000-01-01T00:00:00Z'),
    ([{"set": "8999-12-31T23:59:00Z"}, {"advance": 120}], '"advance": the clock stays before 9000-01-01T00:00:00Z: '
                                                         'advance by at most 60 seconds'),
])
def test_a6_the_clock_stays_where_dates_fit(admin, moves, message):
    *before, last = moves
    for move in before:
        assert admin.post("/__mock__/clock", json=move).status_code == 200
    now = admin.get("/__mock__/clock").get_json()["now"]
    response = admin.post("/__mock__/clock", json=last)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(message)
    assert admin.get("/__mock__/clock").get_json()["now"][:16] == now[:16]  # unmoved (real time may tick)


def test_a6_malformed_json_is_400(admin):
    response = admin.post("/__mock__/clock", data="{", content_type="application/json")
    assert response.status_code == 400 and "not JSON" in response.get_json()["error"]


def test_a10_routes_lists_both_apis(admin):
    routes = admin.get("/__mock__/routes").get_json()
    assert {"api": "torrent", "method": "GET", "path": "/rundb/api/v1/message/",
            "operation_id": "message_list"} in routes
    assert sum(1 for r in routes if r["api"] == "hub") == 166


def test_no_admin_setting_hides_the_controls():
    client = create_app(Settings(admin=False)).test_client()
    assert client.get("/__mock__/health").status_code == 404


# -- A9 records, A2 with journal and faults, admin errors: against the stub API (tests/stub_dialect.py) --------

@pytest.fixture
def stub_app(monkeypatch, tmp_path):
    return create_app(Settings(apis=("torrent",), seed_dir=install(monkeypatch, tmp_path)))


@pytest.fixture
def stub(stub_app):
    return stub_app.test_client()


def test_a9_insert_one_record_returns_the_stored_object(stub):
    response = stub.post("/__mock__/records/torrent/item", json={"id": 40, "name": "forty"})
    assert response.status_code == 201
    assert response.get_json() == {"id": 40, "name": "forty"}
    assert stub.get("/rundb/api/v1/item/40/").get_json() == {"id": 40, "name": "forty"}


def test_a9_insert_an_array_returns_every_stored_object(stub):
    response = stub.post("/__mock__/records/torrent/item", json=[{"name": "a"}, {"name": "b"}])
    assert response.status_code == 201
    assert [row["name"] for row in response.get_json()] == ["a", "b"]
    rows = stub.get("/__mock__/records/torrent/item").get_json()
    assert [row["name"] for row in rows] == ["seeded", "a", "b"]


def test_a9_a_bad_record_is_400_naming_the_field_and_nothing_is_stored(stub):
    response = stub.post("/__mock__/records/torrent/item", json=[{"name": "ok"}, {"name": 5}])
    assert response.status_code == 400
    assert "'name'" in response.get_json()["error"] and "torrent/item" in response.get_json()["error"]
    assert len(stub.get("/__mock__/records/torrent/item").get_json()) == 1


@pytest.mark.parametrize("url, status", [
    ("/__mock__/records/torrent/nosuch", 404),
    ("/__mock__/records/hub/item", 404),
    ("/__mock__/records/ftp/item", 404),
])
def test_a9_unknown_api_or_resource_is_404(stub, url, status):
    assert stub.post(url, json={"name": "x"}).status_code == status
    assert stub.get(url).status_code == status
    assert "error" in stub.get(url).get_json()


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "7", "{"])
def test_a9_body_must_be_an_object_or_array_of_objects(stub, body):
    response = stub.post("/__mock__/records/torrent/item", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]


def test_a9_torrent_records_keep_the_field_rules():
    client = create_app(Settings(apis=("torrent",))).test_client()
    good = client.post("/__mock__/records/torrent/message", json={"body": "from the admin API", "level": 30})
    assert good.status_code == 201, good.get_json()
    assert good.get_json()["body"] == "from the admin API" and good.get_json()["resource_uri"]
    bad = client.post("/__mock__/records/torrent/message", json={"body": "x", "level": "loud"})
    assert bad.status_code == 400 and "level" in bad.get_json()["error"]
    stored = client.get("/__mock__/records/torrent/message").get_json()
    assert any(row["body"] == "from the admin API" for row in stored)


def test_a2_reset_clears_journal_and_faults_and_resets_the_api(stub_app, stub):
    stub.post("/__mock__/faults", json={"path": "*", "status": 500})
    stub.get("/rundb/api/v1/item/")
    stub.post("/__mock__/records/torrent/item", json={"name": "extra"})
    assert stub.post("/__mock__/reset").status_code == 204
    assert stub.get("/__mock__/journal").get_json() == []
    assert stub.get("/__mock__/faults").get_json() == []
    assert len(stub.get("/__mock__/records/torrent/item").get_json()) == 1
    assert state_of(stub_app).bindings["torrent"].resets >= 1


def test_a3_snapshot_round_trip_through_records(stub):
    stub.post("/__mock__/records/torrent/item", json={"id": 7, "name": "kept"})
    assert stub.put("/__mock__/snapshots/seven").status_code == 201
    stub.post("/__mock__/reset")
    assert stub.get("/rundb/api/v1/item/7/").status_code == 404
    assert stub.post("/__mock__/reset", json={"snapshot": "seven"}).status_code == 204
    assert stub.get("/rundb/api/v1/item/7/").get_json() == {"id": 7, "name": "kept"}


@pytest.mark.parametrize("method, url, status", [
    ("get", "/__mock__/nosuch", 404),
    ("patch", "/__mock__/faults", 405),
    ("put", "/__mock__/journal", 405),
])
def test_admin_errors_are_json(stub, method, url, status):
    response = getattr(stub, method)(url)
    assert response.status_code == status
    assert response.content_type == "application/json" and response.get_json()["error"]
