"""Create, read, update, delete and lookups (docs/behaviour/hub.md H60–H65), nested schedule workflows (H66, H67)."""
from __future__ import annotations

import pytest
from hub_support import check_contract

WORKFLOW = {"name": "my_workflow", "label": "My Workflow", "icon_classes": ["fa fa-cog fa-stack-2x text-primary"],
            "discovery": None, "discovery_options": None, "enabled": True, "visible": True, "fields": [],
            "filter_rules": []}


def test_h60_create_answers_201_with_the_full_object_and_location(hub):
    answer = hub.post("sites/", {"name": "site9", "shortcode": "s9"})
    assert answer.status_code == 201
    assert answer.headers["Location"] == "http://localhost/api/sites/4/" == answer.json["url"]
    assert answer.json["name"] == "site9" and answer.json["spaces"] == [] and answer.json["editable"] is True
    stored = hub.rows("sites")[-1]
    assert (stored["id"], stored["name"], stored["shortcode"]) == (4, "site9", "s9")
    assert [q["name"] for q in hub.rows("queues") if q["site"] == 4] == ["default"]  # H107


def test_h60_workflow_definition_creates_without_location_as_workflows_have_no_url(hub):
    answer = hub.post("workflows/", WORKFLOW)
    assert answer.status_code == 201
    assert "Location" not in answer.headers
    assert answer.json == {"discovery": None, "discovery_options": None, "enabled": True, "external_only": False,
                           "fields": [], "filter_rules": [], "icon_classes": WORKFLOW["icon_classes"], "id": 6,
                           "label": "My Workflow", "name": "my_workflow", "preferred_queue": None,
                           "schedule_only": False, "visible": True}


def test_h61_retrieve(hub):
    assert hub.get("features/searchui/").json == {"name": "searchui", "enabled": False,
                                                  "description": "Enable search features in the Ngenea Hub UI"}
    assert hub.get("filestatustypes/MIGRATED/").json["label"] == "Migrated"


def test_h62_patch_changes_only_the_fields_sent(hub):
    before = hub.get("sites/2/").json
    answer = hub.patch("sites/2/", {"label": "West"})
    assert answer.status_code == 200
    assert answer.json == {**before, "label": "West"}
    assert hub.rows("sites")[1]["label"] == "West"


def test_h63_delete_answers_204_empty_without_content_type(hub):
    answer = hub.delete("workflows/5/")
    assert answer.status_code == 204 and answer.data == b""
    assert "Content-Type" not in answer.headers
    assert [w["id"] for w in hub.rows("workflows")] == [1, 2, 3, 4]


@pytest.mark.parametrize(("path", "detail"), [
    ("sites/999/", "No Site matches the given query."), ("features/nosuch/", "No Feature matches the given query."),
    ("users/nobody/", "No User matches the given query."), ("sites/abc/", "Not found."),
    ("filestatustypes/GONE/", "No FileStatusType matches the given query."),
])
def test_h64_not_found(hub, path, detail):
    answer = hub.get(path)
    assert (answer.status_code, answer.json) == (404, {"detail": detail})


def test_h65_deleting_a_site_cascades_and_forgets_references(hub):
    schedule = hub.created("schedules/", {"name": "s", "site": "site1", "space": "space01"})
    hub.created(f"schedules/{schedule['id']}/workflows/", {"site": "site1", "workflow": "migrate"})
    assert hub.delete("sites/1/").status_code == 204
    assert [s["sites"] for s in hub.rows("spaces")] == [[2], []]
    assert hub.get("spaces/1/").json["on_sites"] == {"site2": True}
    assert all(n["site"] != 1 for n in hub.rows("nodes")) and all(q["site"] != 1 for q in hub.rows("queues"))
    assert hub.get(f"schedules/{schedule['id']}/").json["site"] is None
    assert hub.rows("schedule_workflows") == []


def test_h65_deleting_a_schedule_or_workflow_takes_its_schedule_workflows(hub):
    schedule = hub.created("schedules/", {"name": "s", "site": "site1"})
    hub.created(f"schedules/{schedule['id']}/workflows/", {"site": "site1", "workflow": "migrate"})
    hub.created(f"schedules/{schedule['id']}/workflows/", {"site": "site1", "workflow": "recall"})
    hub.delete("workflows/1/")
    assert [w["workflow"] for w in hub.rows("schedule_workflows")] == [3]
    hub.delete(f"schedules/{schedule['id']}/")
    assert hub.rows("schedule_workflows") == []


def test_h65_deleting_a_group_removes_it_from_users(hub):
    hub.delete("groups/1/")
    assert hub.get("users/alice/").json["groups"] == []


def test_h65_deleting_a_space_leaves_its_shares_space_null_as_the_contract_allows(hub):
    space = hub.created("spaces/", {"name": "gone", "mountpoint": "/mmfs1/data/gone",
                                    "sites": [{"name": "site1", "label": "Site 1"}]})
    nfs = hub.created("shares/nfs/", {"space": space["id"]})
    samba = hub.created("shares/samba/", {"space": space["id"], "name": "smb", "read_only": False, "visible": True})
    assert hub.delete(f"spaces/{space['id']}/").status_code == 204
    for kind, share in (("nfs", nfs), ("samba", samba)):
        listed = hub.get(f"shares/{kind}/")
        assert [s["space"] for s in listed.json] == [None]
        check_contract("GET", f"/shares/{kind}/", 200, listed.json)
        detail = hub.get(f"shares/{kind}/{share['id']}/")
        assert detail.json["space"] is None
        check_contract("GET", f"/shares/{kind}/{{id}}/", 200, detail.json)


def test_h60_a_policy_created_without_enabled_is_enabled(hub):
    policy = hub.created("policies/", {"name": "tier", "site": 1})
    assert policy["enabled"] is True
    listed = hub.get("automatedschedules/")
    assert [i["enabled"] for i in listed.json["results"] if i["policy_id"] == policy["id"]] == [True]
    check_contract("GET", "/automatedschedules/", 200, listed.json)


def test_h66_nested_list_semantics(hub):
    empty = {"count": 0, "next": None, "previous": None, "results": []}
    assert hub.get("schedules/999/workflows/").json == empty
    assert (hub.get("schedules/abc/workflows/").status_code, hub.get("schedules/abc/workflows/").json) == (
        404, {"detail": "Not found."})
    one = hub.created("schedules/", {"name": "one", "site": "site1"})
    two = hub.created("schedules/", {"name": "two", "site": "site1"})
    child = hub.created(f"schedules/{two['id']}/workflows/", {"site": "site1", "workflow": "migrate"})
    for method in ("GET", "PATCH", "DELETE"):
        path = f"schedules/{one['id']}/workflows/{child['id']}/"
        answer = hub.request(method, path, {} if method == "PATCH" else None)
        assert (answer.status_code, answer.json) == (404, {"detail": "No ScheduleWorkflow matches the given query."})
    assert hub.get(f"schedules/{two['id']}/workflows/").json["count"] == 1
    assert hub.get(f"schedules/{one['id']}/workflows/").json["count"] == 0


def test_h67_nested_create(hub):
    schedule = hub.created("schedules/", {"name": "s", "site": "site1"})
    answer = hub.post(f"schedules/{schedule['id']}/workflows/", {"site": "site1", "workflow": "migrate",
                                                                 "schedule": 99})
    assert answer.status_code == 201
    assert answer.json == {"fields": {}, "id": 1, "queue": "default", "site": "site1", "workflow": "migrate",
                           "url": f"http://localhost/api/schedules/{schedule['id']}/workflows/1/"}
    assert answer.headers["Location"] == answer.json["url"]
    assert hub.rows("schedule_workflows")[0]["schedule"] == schedule["id"]
    missing = hub.post("schedules/999/workflows/", {"site": "site1", "workflow": "migrate"})
    assert (missing.status_code, missing.json) == (404, {"detail": "No Schedule matches the given query."})
    wrong = hub.post(f"schedules/{schedule['id']}/workflows/", {"site": "site1", "workflow": "migrate",
                                                                "queue": "fast"})
    assert wrong.json == {"queue": ["Object with name=fast does not exist."]}
