"""Settings, settings tasks, site settings and site health: D15, H91–H93, H95. Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import uuid

import pytest
from sim_support import Hub, assert_valid


def site_settings(hub: Hub, site: int) -> dict:
    return hub.body("sites_settings_list", pk=site, flat="true")


def test_h92_global_settings_are_a_bare_array(hub: Hub) -> None:
    reply = hub.call("settings_list")
    assert reply.items[0] == {"desc": "Kerberos realm of the ngenea service accounts", "id": 1,
                              "key": "ngenea:realm", "value": "EXAMPLE"}
    assert_valid("/settings/", "get", reply.items)


def test_d15_h91_patch_answers_202_with_a_task_per_site(hub: Hub) -> None:
    reply = hub.call("settings_partial_update", method="PATCH", body={"values": [
        {"key": "ngenea:realm", "value": "CORP"}, {"key": "ngenea:log_level", "value": None},
        {"key": "new:key", "value": {"a": [1]}}, {"key": "gone:already", "value": None}]})
    assert reply.status == 202 and list(reply.body) == ["site1", "site2", "testexample"]
    assert all(uuid.UUID(v).version == 4 for v in reply.body.values())
    assert_valid("/settings/", "patch", reply.body, "202")
    values = {s["key"]: s["value"] for s in hub.body("settings_list")}
    assert values == {"ngenea:realm": "CORP", "ngeneahsm_targets:devaws:Storage": "s3", "new:key": {"a": [1]}}
    assert site_settings(hub, 2) == values  # pushed to every site

    tasks = hub.body("settingstasks_list")
    assert [(t["site"], t["task_id"], t["state"], t["started"]) for t in tasks] == [
        (site, task_id, "PENDING", None) for site, task_id in reply.body.items()]
    assert_valid("/settingstasks/", "get", tasks)
    hub.advance(1)
    detail = hub.body("settingstasks_retrieve", pk=tasks[0]["id"])
    assert (detail["state"], detail["started"], detail["results"], detail["tasktype"]) == (
        "STARTED", "2025-07-03T12:38:45Z", None, "dynamo.tasks.settings.apply")
    hub.advance(1)
    detail = hub.body("settingstasks_retrieve", pk=tasks[0]["id"])
    assert (detail["state"], detail["completed"], detail["runtime"], detail["results"]) == (
        "SUCCESS", "2025-07-03T12:38:46Z", 1.0, {})
    assert detail["request"]["values"][0] == {"key": "ngenea:realm", "value": "CORP"}
    assert_valid("/settingstasks/{id}/", "get", detail)
    assert [t["id"] for t in hub.body("settingstasks_list", state="SUCCESS",
                                      tasktype="dynamo.tasks.settings.apply")] == [1, 2, 3]


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"values": ["This field is required."]}),
    ({"values": "x"}, {"values": ['Expected a list of items but got type "str".']}),
    ({"values": [{"key": "a"}, {"value": 1}, {"key": " "}]},
     {"values": [{}, {"key": ["This field is required."]}, {"key": ["This field may not be blank."]}]}),
])
def test_h92_invalid_values(hub: Hub, body: dict, errors: dict) -> None:
    assert hub.error("settings_partial_update", method="PATCH", body=body) == (400, errors)
    assert hub.body("settingstasks_list") == []


def test_h92_sync_one_site_or_all(hub: Hub) -> None:
    hub.call("sites_settings_partial_update", method="PATCH", pk=1, body={"values": [
        {"key": "ngenea:realm", "value": "LOCAL"}]})
    assert site_settings(hub, 1)["ngenea:realm"] == "LOCAL"
    reply = hub.call("settings_sync_create", method="POST", site="site1")
    assert list(reply.body) == ["site1"]
    assert site_settings(hub, 1)["ngenea:realm"] == "EXAMPLE"
    assert list(hub.body("settings_sync_create", method="POST")) == ["site1", "site2", "testexample"]
    assert hub.error("settings_sync_create", method="POST", site="x") == (
        400, {"site": ["Object with name=x does not exist."]})


def test_h93_site_settings_flat_patch_and_refresh(hub: Hub) -> None:
    listed = hub.body("sites_settings_list", pk=2)
    assert [s["key"] for s in listed] == ["ngenea:realm", "ngenea:log_level", "ngeneahsm_targets:devaws:Storage"]
    assert_valid("/sites/{id}/settings/", "get", listed)
    assert_valid("/sites/{id}/settings/", "get", site_settings(hub, 2))
    reply = hub.call("sites_settings_partial_update", method="PATCH", pk=2, body={"values": [
        {"key": "ngenea:log_level", "value": None}, {"key": "site:only", "value": 3}]})
    assert reply.status == 202 and list(reply.body) == ["site2"]
    assert site_settings(hub, 2) == {"ngenea:realm": "EXAMPLE", "ngeneahsm_targets:devaws:Storage": "s3",
                                     "site:only": 3}
    assert site_settings(hub, 1)["ngenea:log_level"] == "INFO"  # other sites untouched
    refreshed = hub.call("sites_settings_refresh_create", method="POST", pk=2)
    assert refreshed.status == 202 and list(refreshed.body) == ["site2"]
    assert site_settings(hub, 2)["ngenea:log_level"] == "INFO" and site_settings(hub, 2)["site:only"] == 3
    assert hub.body("settingstasks_list")[-1]["tasktype"] == "dynamo.tasks.settings.refresh"
    assert hub.error("sites_settings_list", pk=99) == (404, {"detail": "No Site matches the given query."})


@pytest.mark.parametrize(("interval", "online"), [(10**400, True), (-(10**400), False)], ids=["huge", "-huge"])
def test_h96_any_integer_heartbeat_interval_is_compared_exactly(hub: Hub, interval: int, online: bool) -> None:
    node = hub.state.store.get("hub/nodes", 1)
    hub.state.store.put("hub/nodes", 1, {**node, "_live_heartbeat": False, "last_heartbeat": "2025-07-03T12:00:00Z"})
    config = hub.state.store.all("hub/configurations")[0]
    hub.state.store.put("hub/configurations", config["id"], {**config, "node_health_last_heartbeat_interval": interval})
    assert hub.body("sites_health_retrieve", pk=1)["nodes"][0]["online"] is online


def test_h95_site_health(hub: Hub) -> None:
    body = hub.body("sites_health_retrieve", pk=1)
    assert body == {"site": "site1", "health": "ok",
                    "nodes": [{"name": "pixstor-east-ng-test", "health": "ok", "online": True}]}
    assert_valid("/sites/{id}/health/", "get", body)
    assert hub.body("sites_health_retrieve", pk=3) == {"site": "testexample", "health": "critical", "nodes": []}
    node = hub.state.store.get("hub/nodes", 2)
    hub.state.store.put("hub/nodes", 2, {**node, "_live_heartbeat": False, "last_heartbeat": "2025-07-03T12:37:00Z"})
    assert hub.body("sites_health_retrieve", pk=2)["health"] == "ok"  # 104 s ago: within 120 s
    hub.advance(30)
    assert hub.body("sites_health_retrieve", pk=2) == {
        "site": "site2", "health": "critical",
        "nodes": [{"name": "pixstor-west-ng-test", "health": "critical", "online": False}]}
    hub.state.store.put("hub/nodes", 5, {"id": 5, "name": "extra", "site": 2, "_live_heartbeat": True})
    assert hub.body("sites_health_retrieve", pk=2)["health"] == "warning"
