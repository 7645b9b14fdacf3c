"""A scripted client session against the Hub, and the binding's admin methods (ApiBinding).
Rules: docs/behaviour/hub.md, docs/behaviour/admin.md."""
from __future__ import annotations

import pytest
from hub_support import Hub
from test_hub_operations import OPERATIONS

from mockserver.app import state_of
from mockserver.contract import load
from mockserver.errors import ApiError


@pytest.fixture
def hub(app):
    """Overrides conftest's ``hub``: nobody logged in, the tests log in themselves."""
    state_of(app).reset()
    return Hub(app, None)


def test_a_client_session(hub):
    tokens = hub.login("admin", "admin")
    refreshed = hub.post("auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200 and list(refreshed.json) == ["access"]
    hub.headers = {"Authorization": f"Bearer {refreshed.json['access']}"}
    assert hub.post("auth/token/verify/", {"token": refreshed.json["access"], "type": "access"}).json == {}
    key = hub.created("auth/clientkeys/", {"name": "ci"})
    keyed = Hub(hub.app, None)
    keyed.headers = {"Authorization": f"Api-Key {key['api_key']}"}
    site = keyed.created("sites/", {"name": "site4", "shortcode": "s4"})
    assert keyed.patch(f"sites/{site['id']}/", {"label": "Fourth"}).json["label"] == "Fourth"
    space = keyed.created("spaces/", {"name": "space04", "mountpoint": "/mmfs1/data/space04",
                                      "sites": [{"name": "site4", "label": "x"}]})
    assert keyed.patch(f"spaces/{space['id']}/", {"size": 10}).json["sites"][0]["usage"] == [0, 10]
    assert keyed.delete(f"spaces/{space['id']}/").status_code == 204
    assert keyed.delete(f"sites/{site['id']}/").status_code == 204
    for n in range(60):
        keyed.created("file/workflow/", {"site": "site1", "workflow": "migrate", "paths": [f"/mmfs1/x{n}"]})
    pages = [keyed.get("jobs/?page_size=20").json, keyed.get("jobs/?page_size=50").json]
    assert [len(p["results"]) for p in pages] == [20, 50] and all(p["count"] == 60 for p in pages)
    assert pages[1]["next"] == "http://localhost/api/jobs/?page=2&page_size=50" and "stats" in pages[0]
    everything = keyed.get("jobs/?page_size=0").json
    assert isinstance(everything, list) and len(everything) == 60
    alice = Hub(hub.app, "alice")
    assert hub.post("users/alice/deactivate/").json["is_active"] is False
    refused = alice.get("sites/")
    assert (refused.status_code, refused.json) == (401, {"detail": "User is inactive", "code": "user_inactive"})


def test_seed_tables_store_references_by_id_and_drop_reverse_memberships(hub):
    sites = hub.rows("sites")
    assert "spaces" not in sites[0] and hub.rows("spaces")[0]["sites"] == [1, 2]
    users = hub.rows("users")
    assert users[1]["groups"] == [1] and users[1]["nas_user"]["primary_group"] == 1
    assert all(isinstance(row["id"], int) for table in ("features", "tags", "configurations")
               for row in hub.rows(table))


def test_error_response_is_drf_shaped(hub):
    binding = state_of(hub.app).bindings["hub"]
    answer = binding.error_response(503)
    assert (answer.status_code, answer.json) == (503, {"detail": "Service Unavailable."})
    assert binding.error_response(429, {"detail": "slow"}).json == {"detail": "slow"}


def test_insert_records_validates_like_a_post_and_renders(hub):
    binding = state_of(hub.app).bindings["hub"]
    with state_of(hub.app).store.lock:
        made = binding.insert_records("sites", [{"name": "site7", "shortcode": "s7", "id": 70}])
    assert made[0]["id"] == 70 and made[0]["name"] == "site7"
    assert binding.records("sites")[-1]["id"] == 70
    with pytest.raises(ApiError) as refused:
        binding.insert_records("sites", [{"name": "ok", "shortcode": "o"}, {"name": "bad name", "shortcode": "b"}])
    assert refused.value.status == 400 and refused.value.body == {"name": ["Enter a valid value."]}
    assert [s["name"] for s in binding.records("sites")][-1] == "site7"  # all or nothing
    with pytest.raises(ApiError) as unknown:
        binding.records("nosuch")
    assert unknown.value.status == 404
    alert = binding.insert_records("alerts", [{"name": "Disk", "severity": "WARNING", "site": "site1",
                                              "timestamp": "2025-07-03T00:00:00Z"}])[0]
    assert alert["site"] == "site1" and alert["name"] == "Disk"
    assert binding.insert_records("clientkeys", []) == []


def test_h59_records_of_the_simulation_go_through_its_post_or_are_refused(hub):
    """A9 inserts through the field rules: a job is created as POST jobs/ creates one, so the list that sorts
    jobs by creation keeps working; rows jobs derive, and views computed on the fly, cannot be inserted."""
    binding = state_of(hub.app).bindings["hub"]
    hub.login("admin", "admin")
    hub.post("file/workflow/", {"site": "site1", "workflow": "migrate", "paths": ["/mmfs1"]})
    with state_of(hub.app).store.lock:
        job = binding.insert_records("jobs", [{"site": "site1", "workflow": "recall", "paths": ["/x"]}])[0]
        assert (job["id"], job["state"], job["workflow"], job["owner"]) == (2, "PENDING", "recall", None)
        for bad, error in [
            ({"site": "nosuch", "workflow": "migrate"}, {"site": ["Object with name=nosuch does not exist."]}),
            ({"id": True}, {"id": ["A valid integer is required."]}),
            ({"id": "x"}, {"id": ["A valid integer is required."]}),
            ({"id": 70, "site": "site1", "workflow": "migrate"},
             {"id": ["Job ids are the simulation's: leave id out."]}),
        ]:
            with pytest.raises(ApiError) as refused:
                binding.insert_records("jobs", [bad])
            assert (refused.value.status, refused.value.body) == (400, error)
        for name in ("tasks", "jobstats", "settingstasks", "analytics", "filesets"):
            with pytest.raises(ApiError) as refused:
                binding.insert_records(name, [{}])
            assert refused.value.status == 400 and "not stored" in refused.value.body["detail"], name
    assert [j["id"] for j in hub.get("jobs/").json["results"]] == [2, 1]


def test_a9_records_without_a_post_are_checked_against_their_representation(hub):
    binding = state_of(hub.app).bindings["hub"]
    with state_of(hub.app).store.lock:
        for name, bad, error in [
            ("features", {"name": "x", "enabled": "maybe"}, {"enabled": ["Must be a valid boolean."]}),
            ("alerts", {"name": "A", "site": "nosuch"}, {"site": ["Object with name=nosuch does not exist."]}),
            ("nodes", {"name": "n", "site": "site1", "last_heartbeat": "bad"}, {"last_heartbeat": [
                "Datetime has wrong format. Use one of these formats instead: "
                "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
        ]:
            with pytest.raises(ApiError) as refused:
                binding.insert_records(name, [bad])
            assert (refused.value.status, refused.value.body) == (400, error), name
        alert = binding.insert_records("alerts", [{"name": "A", "site": "site1", "suppressed": "true"}])[0]
        setting = binding.insert_records("site_settings", [{"site": 1, "key": "k", "value": [1]}])[0]
    assert (alert["site"], alert["suppressed"]) == ("site1", True)
    assert {k: setting[k] for k in ("site", "key", "value")} == {"site": 1, "key": "k", "value": [1]}


def test_a9_a_record_that_names_its_id_is_referenced_under_that_id(hub):
    hub.login("admin", "admin")
    answer = hub.client.post("/__mock__/records/hub/groups", json=[{"id": 500, "name": "g500", "users": ["alice"]}])
    assert answer.status_code == 201
    assert [u["username"] for u in answer.json[0]["users"]] == ["alice"]
    assert {u["username"]: u["groups"] for u in hub.rows("users")} == {"admin": [], "alice": [1, 500]}
    assert [u["username"] for u in hub.get("groups/500/").json["users"]] == ["alice"]
    taken = hub.client.post("/__mock__/records/hub/groups", json=[{"id": 500, "name": "other"}])
    assert taken.status_code == 400 and "Group with this id already exists." in taken.json["error"]
    assert hub.created("groups/", {"name": "next"})["id"] == 501


VALUES = [None, "", "x", -1, 1.5, True, [], {}, [{}], {"a": [None]}, "9" * 1200]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:12] for v in VALUES])
def test_h59_odd_values_in_every_field_of_every_body_never_answer_5xx(app, value):
    state_of(app).reset()
    hub = Hub(app)
    document = load("hub")
    for op_id, (method, path) in sorted(OPERATIONS.items()):
        operation = document["paths"][path][method.lower()]
        if "requestBody" not in operation or method not in ("POST", "PATCH"):
            continue
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        fields = document["components"]["schemas"][schema["$ref"].split("/")[-1]].get("properties", {})
        concrete = path.replace("{parent_lookup_schedule}", "1").replace("{username}", "alice") \
            .replace("{name}", "searchui").replace("{key}", "MIGRATED").replace("{id}", "1")
        answer = hub.request(method, concrete, {name: value for name in fields})
        assert answer.status_code < 500, (op_id, answer.status_code, answer.data[:300])
