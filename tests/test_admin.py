"""The mock's own controls (admin-api.md A1, A2, A3, A5, A6, A10)."""
import pytest

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
