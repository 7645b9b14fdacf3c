"""Resource rules that are not simulation (docs/behaviour/hub.md H92, H96–H118)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub_support import Hub

from mockserver.app import state_of


def test_h92_settings_patch_answers_202_per_site_and_applies(hub):
    answer = hub.patch("settings/", {"values": [{"key": "ngenea:realm", "value": "OTHER"},
                                                {"key": "new:key", "value": 1}, {"key": "ngenea:log_level",
                                                                                 "value": None}]})
    assert answer.status_code == 202
    assert sorted(answer.json) == ["site1", "site2", "testexample"]
    assert {s["key"]: s["value"] for s in hub.get("settings/").json} == {
        "ngenea:realm": "OTHER", "new:key": 1, "ngeneahsm_targets:devaws:Storage": "s3"}
    assert hub.patch("settings/", {"values": [{"value": 1}]}).json == {"values": [{"key": ["This field is required."]}]}


def test_h96_nodes(hub):
    node = hub.get("nodes/1/").json
    assert node["online"] is True and node["has_default_queue"] is True and node["site"] == "site1"
    old = (hub.state.clock.now() - timedelta(seconds=121)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert hub.patch("nodes/1/", {"last_heartbeat": old}).json["online"] is False
    assert hub.patch("nodes/1/", {"site": "site2"}).json["site"] == "site2"
    assert hub.delete("nodes/2/").status_code == 204


def test_h97_configurations_singleton(hub):
    config = hub.get("configurations/").json
    assert config["default_space_location"] == "/mmfs1/data" and config["health_timeout"] == 10
    changed = hub.patch("configurations/", {"jobs_ttl": "30", "schedules_enabled": "false"})
    assert changed.status_code == 200
    assert changed.json == {**config, "jobs_ttl": 30, "schedules_enabled": False}


def test_h98_features(hub):
    assert hub.get("features/").json["count"] == 2
    answer = hub.patch("features/searchui/", {"enabled": True, "name": "x", "description": "y"})
    assert answer.json == {"name": "searchui", "description": "Enable search features in the Ngenea Hub UI",
                           "enabled": True}
    assert hub.get("features/searchui/").json["enabled"] is True


def test_h99_filestatustypes(hub):
    answer = hub.patch("filestatustypes/MIGRATED/", {"label": "Stubbed", "key": "X"})
    assert answer.json == {"background_color": "#1565c0", "label": "Stubbed", "text_color": "#ffffff",
                           "key": "MIGRATED", "url": "http://localhost/api/filestatustypes/MIGRATED/"}


def test_h100_users(hub):
    answer = hub.post("users/", {"username": "bob", "password": "pw", "groups": ["users"], "email": "b@x.org",
                                 "nas_user": {"primary_group": "users"}})
    assert answer.status_code == 201
    assert answer.headers["Location"] == "http://localhost/api/users/bob/"
    body = answer.json
    assert body["password"] == "********" and body["groups"] == ["users"]
    assert body["nas_user"] == {"allow_ssh": None, "primary_group": "users"}
    assert hub.get("users/bob/").json["nas_user"]["uid"] == 100001
    assert hub.get("users/bob/").json["groups"] == [{"id": 1, "name": "users", "url": "http://localhost/api/groups/1/"}]
    stored = hub.rows("users")[-1]
    assert stored["_password"] != "pw" and "password" not in stored
    Hub(hub.app, "bob", "pw")  # the password works
    hub.patch("users/bob/", {"password": "new"})
    Hub(hub.app, "bob", "new")
    assert hub.post("users/", {"username": "c", "password": "p", "nas_user": {}}).json == {
        "nas_user": {"primary_group": ["This field is required."]}}
    assert hub.delete("users/bob/").status_code == 204


def test_h102_user_and_group_actions(hub):
    answer = hub.post("users/alice/deactivate/")
    assert answer.status_code == 200 and answer.json["is_active"] is False
    assert hub.post("users/alice/deactivate/").json["is_active"] is False
    assert hub.post("users/alice/activate/").json["is_active"] is True
    assert [u["username"] for u in hub.post("users/sync/").json] == ["admin", "alice"]
    assert [g["name"] for g in hub.post("groups/sync/").json] == ["users"]


def test_h103_groups(hub):
    created = hub.created("groups/", {"name": "ops", "nas_group": True, "users": ["alice", "admin"],
                                      "permissions": [1, 2],
                                      "object_permissions": [{"model": "site", "object_pk": "1", "permission": 3}]})
    assert created["nas_group"] is True and created["users"] == ["admin", "alice"]
    group = hub.get(f"groups/{created['id']}/").json
    assert group["nas_group"] == {"gid": 100001}
    assert [u["username"] for u in group["users"]] == ["admin", "alice"]
    assert group["permissions"] == [1, 2]
    assert hub.patch(f"groups/{created['id']}/", {"users": ["alice"], "nas_group": False}).json["users"] == ["alice"]
    assert hub.get(f"groups/{created['id']}/").json["nas_group"] is None
    assert [g["name"] for g in hub.get("users/admin/").json["groups"]] == []


def test_h104_client_keys(hub):
    answer = hub.post("auth/clientkeys/", {"name": "ci"})
    assert answer.status_code == 201
    key = answer.json
    assert key["url"] == answer.headers["Location"] == f"http://localhost/api/auth/clientkeys/{key['id']}/"
    listed = hub.get(f"auth/clientkeys/{key['id']}/").json
    assert listed == {"id": key["id"], "name": "ci", "url": key["url"], "user": "admin"}
    assert hub.patch(f"auth/clientkeys/{key['id']}/", {"user": "alice"}).json["user"] == "admin"
    keyed = hub.client.get("/api/sites/", headers={"Authorization": f"Api-Key {key['api_key']}"})
    assert keyed.status_code == 200
    assert hub.delete(f"auth/clientkeys/{key['id']}/").status_code == 204
    assert hub.client.get("/api/sites/", headers={"Authorization": f"Api-Key {key['api_key']}"}).status_code == 401


def test_h105_pki(hub):
    hub.state.clock.set(datetime(2025, 7, 3, 12, 0, tzinfo=UTC))
    hub = Hub(hub.app)
    assert hub.get("pki/lifetime/").json == [{"days": 365, "updated_at": "2025-07-01T09:00:00Z", "updated_by": 1}]
    assert hub.patch("pki/lifetime/1/", {"days": 30}).json == {"days": 30, "updated_at": "2025-07-03T12:00:00Z",
                                                               "updated_by": 1}
    answer = hub.post("pki/site/", {"site": "site1"})
    assert answer.status_code == 201 and answer.json["site"] == "site1"
    assert answer.json["certificate"].startswith("-----BEGIN CERTIFICATE-----\n")
    assert hub.post("pki/site/", {"site": "nosuch"}).json == {"site": ["Object with name=nosuch does not exist."]}


def test_h105_a_lifetime_past_year_9999_gives_a_certificate_valid_to_the_last_x509_date(hub):
    from cryptography import x509

    assert hub.patch("pki/lifetime/1/", {"days": 2**31 - 1}).status_code == 200  # the largest a column holds
    answer = hub.post("pki/site/", {"site": "site1"})
    assert answer.status_code == 201, answer.data
    certificate = x509.load_pem_x509_certificate(answer.json["certificate"].encode())
    assert certificate.not_valid_after_utc == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_h96_nodes_and_site_health_agree_on_an_interval_of_zero(hub):
    hub.state.clock.set(datetime(2025, 7, 3, 12, 0, 30, tzinfo=UTC))
    hub = Hub(hub.app)
    hub.patch("nodes/1/", {"last_heartbeat": "2025-07-03T12:00:00Z"})
    hub.patch("configurations/", {"node_health_last_heartbeat_interval": 0})
    assert hub.get("nodes/1/").json["online"] is False
    assert hub.get("sites/1/health/").json["nodes"][0]["online"] is False


def test_h106_spaces(hub):
    created = hub.created("spaces/", {"name": "space02", "mountpoint": "/mmfs1/data/space02",
                                      "sites": [{"name": "site2", "label": "ignored"}]})
    assert created["sites"] == [{"id": 2, "label": "Site 2", "name": "site2", "pool": "system", "usage": [0, 0]}]
    assert (created["editable"], created["is_ready"], created["on_sites"]) == (True, True, {"site2": True})
    assert len(created["uuid"]) == 36 and created["nested_shares"] == [] == created["relationships"]
    assert hub.patch(f"spaces/{created['id']}/", {"mountpoint": "/elsewhere"}).json["mountpoint"] \
        == "/mmfs1/data/space02"
    immutable = {"detail": "This space is immutable and cannot be updated or deleted."}
    assert (hub.patch("spaces/2/", {"size": 1}).status_code, hub.patch("spaces/2/", {"size": 1}).json) == (
        403, immutable)
    assert hub.delete("spaces/2/").json == immutable
    assert "space02" in hub.get("sites/2/").json["spaces"][1]["name"]


def test_h107_sites(hub):
    assert hub.post("sites/", {"name": "x"}).json == {"shortcode": ["This field is required."]}
    site = hub.created("sites/", {"name": "x-_1", "shortcode": "x", "spaces": ["space01"]})
    assert site["spaces"] == [{"id": 1, "name": "space01", "url": "http://localhost/api/spaces/1/"}]
    assert hub.get("sites/").json["results"][-1]["spaces"] == ["space01"]
    assert hub.get(f"sites/{site['id']}/").json["spaces"] == [
        {"id": 1, "name": "space01", "url": "http://localhost/api/spaces/1/"}]


def test_h108_buckets_and_external_targets(hub):
    bucket = hub.created("buckets/", {"name": "b", "storage_type": "s3", "secret_access_key": "s",
                                      "endpoint": "s3.example.com"})
    assert bucket["secret_access_key"] == "********" and bucket["access_key"] == ""
    assert bucket["soft_deleting"] is False and bucket["external_targets"] == []
    target = hub.created("external_targets/", {"name": "t", "local_file_regex": ".*", "bucket_instance": bucket["id"],
                                               "space": {"name": "space01", "mountpoint": "/ignored"}})
    assert target["enabled"] is True and target["is_ready"] is True and target["endpoint_name"] == "s3.example.com"
    assert target["bucket"]["name"] == "b" and target["bucket"]["external_targets"] == [target["id"]]
    assert target["space"] == {"mountpoint": "/mmfs1/data/space01", "name": "space01", "sites": [1, 2]}
    assert hub.get(f"buckets/{bucket['id']}/").json["external_targets"] == [target["id"]]
    assert hub.post("buckets/", {"name": "b", "storage_type": "s3"}).json == {
        "name": ["bucket with this name already exists."]}


def test_h110_alerts(hub):
    assert hub.get("alerts/99/").json["summary"] == "No workers are joined"
    assert hub.post("alerts/", {}).status_code == 405


def test_h111_tags(hub):
    assert hub.get("tags/?filter=RE").json == [{"name": "render"}, {"name": "review"}]


def test_h112_actions(hub):
    hub.state.clock.freeze()
    answer = hub.post("actions/", {"action": "reindex"})
    assert answer.status_code == 201 and "Location" not in answer.headers
    assert answer.json == {"action": "reindex", "id": 1, "results": None, "state": "PENDING", "user": 1}
    assert hub.get("actions/").json["results"] == [{"action": "reindex", "id": 1, "state": "PENDING"}]
    hub.state.clock.advance(2)
    assert hub.get("actions/1/").json == {"action": "reindex", "id": 1, "results": {}, "state": "SUCCESS", "user": 1}


def test_h113_permissions(hub):
    permission = hub.get("permissions/1/").json
    assert permission == {"app_label": "hub", "codename": "add_action", "id": 1, "model": "action",
                          "name": "Can add action"}
    mine = hub.get("my-permissions/").json
    assert len(mine) == 1 and len(mine[0]["user_permissions"]) == len(hub.rows("permissions"))
    hub.patch("groups/1/", {"permissions": [2], "object_permissions": [{"model": "site", "object_pk": "1",
                                                                       "permission": 4}]})
    alices = Hub(hub.app, "alice").get("my-permissions/").json[0]
    assert alices["user_permissions"] == [] and [p["id"] for p in alices["group_permissions"]] == [2]
    assert alices["group_object_permissions"] == [{**hub.get("permissions/4/").json, "object_pk": "1"}]


def test_h114_schedules_policies_and_automated_schedules(hub):
    schedule = hub.created("schedules/", {"name": "nightly", "site": "site1", "space": "space01", "hour": "2",
                                          "managed_paths": ["/mmfs1/data/space01"]})
    assert (schedule["minute"], schedule["hour"], schedule["site"], schedule["space"]) == ("*", "2", "site1",
                                                                                          "space01")
    hub.created(f"schedules/{schedule['id']}/workflows/", {"site": "site1", "workflow": "recall"})
    policy = hub.post("policies/", {"name": "tier", "site": 1, "spaces": [1], "order": {"by": "atime"},
                                    "schedule": {"hour": "4"}, "triggers": [{"pool_name": "system"}]})
    assert policy.status_code == 201
    assert isinstance(policy.json["order"], int) and policy.json["triggers"][0]["id"] == 1
    assert hub.get(f"policies/{policy.json['id']}/").json["order"] == {"by": "atime", "id": 1, "reverse": None}
    assert hub.post("policies/", {"name": "x", "triggers": [{}]}).json == {
        "triggers": [{"pool_name": ["This field is required."]}]}
    items = hub.get("automatedschedules/").json["results"]
    assert [(i["schedule_type"], i["name"]) for i in items] == [("discovery", "nightly"), ("policy", "tier")]
    assert items[0]["discovery_workflow"] == "recall" and items[0]["spaces"] == ["space01"]
    assert items[1]["policy_id"] == policy.json["id"] and items[1]["hour"] == "4" and items[1]["site_name"] == "site1"


def test_h115_read_only_catalogues(hub):
    assert hub.get("queues/1/").json["nodes"] == ["pixstor-east-ng-test"]
    assert hub.get("queues/3/").json["last_heartbeat"] is None
    assert hub.get("filesystems/1/").json == {"mountpoint": "/mmfs1", "name": "mmfs1", "site": "site1"}
    for path in ("queues/", "servers/", "storagepools/", "filesystems/"):
        assert hub.post(path, {}).status_code == 405


def test_h116_legacy_resources(hub):
    store = hub.created("datastores/", {"name": "d", "type": "s3"})
    assert store["url"] == f"http://localhost/api/datastores/{store['id']}/"
    address = hub.created("ipaddresses/", {"datastore": store["id"], "ipaddr": "10.0.0.1"})
    assert address["datastore"] == store["id"]
    assert hub.get(f"ipaddresses/{address['id']}/").json["datastore"] == {"id": store["id"], "name": "d",
                                                                           "url": store["url"]}
    link = hub.created("sitelinks/", {"site": "site1", "datastore": "d", "site_path": "/a", "datastore_path": "/b"})
    assert (link["site"], link["datastore"]) == ("site1", "d")
    assert hub.get("sitelinks/?site_id=2").json["count"] == 0


def test_h117_workflows(hub):
    created = hub.created("workflows/", {"name": "w", "label": "W"})
    assert (created["enabled"], created["visible"], created["external_only"], created["schedule_only"]) == (
        True, True, False, False)
    assert hub.patch("workflows/1/", {"label": "Migrate!"}).json["label"] == "Migrate!"
    assert hub.delete("workflows/2/").status_code == 204


def test_h118_same_requests_same_bodies(app):
    def run():
        state_of(app).reset()
        state_of(app).clock.set(datetime(2025, 7, 3, tzinfo=UTC))
        hub = Hub(app)
        bodies = [hub.post("spaces/", {"name": "s", "mountpoint": "/m", "sites": [{"name": "site1", "label": "l"}]}
                           ).json, hub.post("pki/site/", {"site": "site1"}).json, hub.get("spaces/").json]
        return bodies

    assert run() == run()
