"""Hub seed data (docs/behaviour/hub.md#seed): the committed files, the seeded objects, their references and the
contract."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mockserver.seedgen import hub
from mockserver.seedgen.hub_published import CONFIGURATIONS

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "mockserver" / "seed_data" / "hub"
CONTRACT = ROOT / "mockserver" / "openapi" / "hub.json"


@pytest.fixture(scope="module")
def seed() -> dict[str, list[dict[str, Any]]]:
    return hub.generate()


def by_id(rows: list[dict[str, Any]], key: str = "id") -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


# -- regeneration and determinism -----------------------------------------------------------------------------


def test_files_on_disk_equal_generate(seed):
    on_disk = {p.stem for p in SEED_DIR.glob("*.json")}
    assert on_disk == set(seed), "run: python -m mockserver.seedgen.hub"
    for resource, rows in seed.items():
        text = (SEED_DIR / f"{resource}.json").read_text(encoding="utf-8")
        assert text == json.dumps(rows, indent=2, ensure_ascii=False) + "\n", f"{resource}.json is stale"


def test_generate_is_deterministic_and_returns_fresh_copies():
    first = hub.generate()
    pristine = copy.deepcopy(first)
    first["workflows"][0]["filter_rules"][0]["action"].append({"name": "x"})
    first["configurations"][0]["jobs_ttl"] = 0
    assert hub.generate() == pristine


# -- the objects of 4.7 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("resource", "key", "expected"), [
    ("users", "username", {1: "admin", 2: "alice"}),
    ("groups", "name", {1: "users"}),
    ("sites", "name", {1: "site1", 2: "site2", 3: "testexample"}),
    ("nodes", "name", {1: "pixstor-east-ng-test", 2: "pixstor-west-ng-test"}),
    ("queues", "name", {1: "default", 2: "default", 3: "default"}),
    ("spaces", "name", {1: "space01", 2: "default"}),
    ("workflows", "name", {1: "migrate", 2: "premigrate", 3: "recall", 4: "send", 5: "site_sync"}),
    ("alerts", "name", {99: "SiteHealth"}),
    ("filesystems", "name", {1: "mmfs1", 2: "mmfs1", 3: "mmfs1"}),
    ("storagepools", "name", {1: "system", 2: "system", 3: "system"}),
    ("servers", "name", {1: "pixstor-east-ng-test", 2: "pixstor-west-ng-test"}),
    ("pki_lifetime", "days", {1: 365}),
])
def test_seeded_ids_and_names(seed, resource, key, expected):
    assert {row["id"]: row[key] for row in seed[resource]} == expected


def test_users_roles_and_membership(seed):
    admin, alice = by_id(seed["users"])[1], by_id(seed["users"])[2]
    assert (admin["is_superuser"], admin["is_staff"], admin["is_active"]) == (True, True, True)
    assert (alice["is_superuser"], alice["is_staff"], alice["is_active"]) == (False, False, True)
    assert [g["name"] for g in alice["groups"]] == ["users"]
    assert alice["nas_user"]["primary_group"] == "users"
    assert all("password" not in user for user in seed["users"])
    assert seed["groups"][0]["nas_group"] == {"gid": 100000}
    assert [u["username"] for u in seed["groups"][0]["users"]] == ["alice"]


def test_sites_nodes_queues(seed):
    assert {n["name"]: n["site"] for n in seed["nodes"]} == {
        "pixstor-east-ng-test": "site1", "pixstor-west-ng-test": "site2"}
    assert {q["id"]: q["site"] for q in seed["queues"]} == {1: "site1", 2: "site2", 3: "testexample"}
    assert by_id(seed["queues"])[3]["nodes"] == []  # testexample has no nodes
    assert all(n["online"] is True and n["has_default_queue"] is True for n in seed["nodes"])


def test_filesystems_pools_servers(seed):
    assert all(fs["mountpoint"] == "/mmfs1" for fs in seed["filesystems"])
    assert all(p["is_default"] is True and p["used_space"] + p["free_space"] == p["capacity"]
               for p in seed["storagepools"])
    node_site = {n["name"]: n["site"] for n in seed["nodes"]}
    site_name = {s["id"]: s["name"] for s in seed["sites"]}
    assert {s["name"]: site_name[s["site"]] for s in seed["servers"]} == node_site


def test_spaces(seed):
    space01, default = by_id(seed["spaces"])[1], by_id(seed["spaces"])[2]
    assert space01["mountpoint"] == "/mmfs1/data/space01"
    assert [s["name"] for s in space01["sites"]] == ["site1", "site2"]
    assert space01["immutable"] is False and space01["editable"] is True
    assert default["mountpoint"] == "/mmfs1/data/default"
    assert [s["name"] for s in default["sites"]] == ["site1"]
    assert default["immutable"] is True and default["editable"] is False
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", s["uuid"])
               for s in seed["spaces"])


@pytest.mark.parametrize(("wid", "label", "discovery", "actions"), [
    (1, "Migrate", "recursive", [{"name": "dynamo.tasks.migrate"}]),
    (2, "Premigrate", "recursive", [{"name": "dynamo.tasks.migrate", "premigrate": True}]),
    (3, "Recall", "recursive", [{"name": "dynamo.tasks.recall"}]),
    (4, "Send", "recursive", [{"name": "dynamo.tasks.migrate", "premigrate": True}, {"name": "dynamo.tasks.send"}]),
    (5, "Site Sync", "snapdiff", [{"name": "dynamo.tasks.site_sync"}]),
])
def test_builtin_workflows(seed, wid, label, discovery, actions):
    workflow = by_id(seed["workflows"])[wid]
    assert (workflow["label"], workflow["discovery"]) == (label, discovery)
    assert workflow["filter_rules"] == [{"type": "all", "state": "all", "action": actions}]
    assert (workflow["enabled"], workflow["visible"], workflow["external_only"], workflow["schedule_only"]) == (
        True, True, False, False)


def test_features_and_filestatustypes(seed):
    assert seed["features"] == [
        {"name": "searchui", "description": "Enable search features in the Ngenea Hub UI", "enabled": False},
        {"name": "bandwidth_controls", "description": "Enable bandwidth controls in the Ngenea Hub UI",
         "enabled": False},
    ]
    assert {t["key"]: t["label"] for t in seed["filestatustypes"]} == {
        "MIGRATED": "Migrated", "PREMIGRATED": "Premigrated", "UNMANAGED": "Unmanaged"}
    for status in seed["filestatustypes"]:
        assert re.fullmatch(r"#[0-9a-f]{6}", status["background_color"])
        assert re.fullmatch(r"#[0-9a-f]{6}", status["text_color"])


def test_configurations_are_the_published_object_plus_two_keys(seed):
    published = list(CONFIGURATIONS)[:-2]
    (config,) = seed["configurations"]
    assert list(config) == published + ["default_space_location", "health_timeout"]
    assert config["default_space_location"] == "/mmfs1/data" and config["health_timeout"] == 10
    assert config["node_health_last_heartbeat_interval"] == 120 and config["salt_task_timeout"] == 60


def test_published_site_health_alert_verbatim(seed):
    assert seed["alerts"] == [{
        "id": 99, "site": "testexample", "name": "SiteHealth", "node": None, "queue": None,
        "created": "2025-07-03T14:33:00.031598Z", "timestamp": "2025-08-07T12:16:00.018308Z",
        "severity": "INFO", "summary": "No workers are joined", "suppressed": False,
    }]
    assert list(seed["alerts"][0]) == ["id", "site", "name", "node", "queue", "created", "timestamp",
                                        "severity", "summary", "suppressed"]


def test_pki_settings_tags(seed):
    assert seed["pki_lifetime"][0]["updated_by"] == 1
    assert seed["settings"] and [s["id"] for s in seed["settings"]] == list(range(1, len(seed["settings"]) + 1))
    site_ids = {s["id"] for s in seed["sites"]}
    for site_id in site_ids:  # every site starts with a copy of every global setting
        copies = {(s["key"], json.dumps(s["value"])) for s in seed["site_settings"] if s["site"] == site_id}
        assert copies == {(s["key"], json.dumps(s["value"])) for s in seed["settings"]}
    names = [t["name"] for t in seed["tags"]]
    assert names and names == sorted(set(names))


def test_permissions(seed):
    rows = seed["permissions"]
    assert [p["id"] for p in rows] == list(range(1, len(rows) + 1))
    models = {p["model"] for p in rows}
    assert {"site", "space", "workflow", "job", "user", "group", "datastore", "ipaddress"} <= models
    for model in models:
        assert sorted(p["codename"] for p in rows if p["model"] == model) == [
            f"{action}_{model}" for action in ("add", "change", "delete", "view")]
    assert all(p["app_label"] == "hub" for p in rows)
    assert by_id(rows, "codename")["add_datastore"]["name"] == "Can add data store"
    assert by_id(rows, "codename")["view_nfsshare"]["name"] == "Can view nfs share"


@pytest.mark.parametrize("resource", hub.EMPTY_RESOURCES)
def test_resources_without_seed_are_empty(seed, resource):
    assert seed[resource] == []


def test_no_host_dependent_urls(seed):
    def walk(node):
        if isinstance(node, dict):
            assert "url" not in node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(seed)


# -- referential consistency ------------------------------------------------------------------------------------


def values_at(row: Any, path: str) -> list[Any]:
    """Values of ``path`` in ``row``: ``a.b`` nested key, ``a[]`` each element, ``a{}`` each key of an object."""
    nodes = [row]
    for part in path.split("."):
        found = []
        for node in nodes:
            if node is None:
                continue
            if part.endswith("[]"):
                found.extend(node[part[:-2]])
            elif part.endswith("{}"):
                found.extend(node[part[:-2]].keys())
            else:
                found.append(node[part])
        nodes = found
    return [n for n in nodes if n is not None]


# (resource, path of the reference, target resource, target field)
REFERENCES = [
    ("sites", "spaces[].id", "spaces", "id"),
    ("sites", "spaces[].name", "spaces", "name"),
    ("spaces", "sites[].id", "sites", "id"),
    ("spaces", "sites[].name", "sites", "name"),
    ("spaces", "sites[].label", "sites", "label"),
    ("spaces", "sites[].pool", "storagepools", "name"),
    ("spaces", "on_sites{}", "sites", "name"),
    ("nodes", "site", "sites", "name"),
    ("queues", "site", "sites", "name"),
    ("queues", "nodes[]", "nodes", "name"),
    ("filesystems", "site", "sites", "name"),
    ("storagepools", "site", "sites", "id"),
    ("storagepools", "filesystem", "filesystems", "name"),
    ("servers", "site", "sites", "id"),
    ("servers", "name", "nodes", "name"),
    ("alerts", "site", "sites", "name"),
    ("alerts", "node", "nodes", "name"),
    ("alerts", "queue", "queues", "name"),
    ("workflows", "preferred_queue", "queues", "name"),
    ("users", "groups[].id", "groups", "id"),
    ("users", "groups[].name", "groups", "name"),
    ("users", "nas_user.primary_group", "groups", "name"),
    ("users", "profile.default_site", "sites", "id"),
    ("users", "profile.home_site", "sites", "id"),
    ("groups", "users[].username", "users", "username"),
    ("groups", "permissions[]", "permissions", "id"),
    ("groups", "object_permissions[].permission", "permissions", "id"),
    ("pki_lifetime", "updated_by", "users", "id"),
    ("site_settings", "site", "sites", "id"),
]


@pytest.mark.parametrize(("resource", "path", "target", "field"), REFERENCES,
                         ids=[f"{r}.{p}->{t}.{f}" for r, p, t, f in REFERENCES])
def test_every_reference_resolves(seed, resource, path, target, field):
    known = {row[field] for row in seed[target]}
    for row in seed[resource]:
        for value in values_at(row, path):
            assert value in known, f"{resource} {row.get('id')}: {path}={value!r} is not a {target}.{field}"


def test_nested_objects_match_their_targets(seed):
    """An embedded {id, name} (or user) object is a faithful copy of the row it names."""
    sites, spaces, groups = by_id(seed["sites"]), by_id(seed["spaces"]), by_id(seed["groups"])
    users = by_id(seed["users"], "username")
    for site in seed["sites"]:
        for ref in site["spaces"]:
            assert spaces[ref["id"]]["name"] == ref["name"]
            assert site["id"] in [s["id"] for s in spaces[ref["id"]]["sites"]]
    for space in seed["spaces"]:
        assert list(space["on_sites"]) == [s["name"] for s in space["sites"]]
        for ref in space["sites"]:
            assert (sites[ref["id"]]["name"], sites[ref["id"]]["label"]) == (ref["name"], ref["label"])
            assert space["id"] in [s["id"] for s in sites[ref["id"]]["spaces"]]
    for user in seed["users"]:
        for ref in user["groups"]:
            assert groups[ref["id"]]["name"] == ref["name"]
            assert user["username"] in [u["username"] for u in groups[ref["id"]]["users"]]
    for group in seed["groups"]:
        for member in group["users"]:
            assert member == {k: users[member["username"]][k] for k in member}
            assert group["id"] in [g["id"] for g in users[member["username"]]["groups"]]


def test_queues_list_the_nodes_of_their_site(seed):
    for queue in seed["queues"]:
        assert queue["nodes"] == [n["name"] for n in seed["nodes"] if n["site"] == queue["site"]]


def test_pools_and_filesystems_one_per_site(seed):
    site_names = [s["name"] for s in seed["sites"]]
    assert [fs["site"] for fs in seed["filesystems"]] == site_names
    assert [p["site"] for p in seed["storagepools"]] == [s["id"] for s in seed["sites"]]


# -- the contract -----------------------------------------------------------------------------------------------


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` admits null; ``url`` is never required (the mock adds it);
    an object with listed properties admits no others (a response has exactly the documented fields, H8)."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable_to_json_schema(v) for k, v in node.items()}
    if isinstance(node.get("required"), list) and "url" in node["required"]:
        node["required"] = [name for name in node["required"] if name != "url"]
    if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def _contract() -> dict[str, Any]:
    return json.loads(CONTRACT.read_text(encoding="utf-8"))


# Rows shown in another resource's shape: a site's settings are items of GET sites/{id}/settings/, like settings.
SHAPE_OF = {"site_settings": "settings"}


def _item_schema(document: dict[str, Any], resource: str) -> dict[str, Any] | None:
    """The contract's item schema: ``x-resources[<key>].schema``, else the 200 body of its GET detail path."""
    key = hub.contract_resource(SHAPE_OF.get(resource, resource))
    entry = document.get("x-resources", {}).get(key)
    if entry is None:
        return None
    if entry.get("schema"):
        return {"$ref": f"#/components/schemas/{entry['schema']}"}
    operation = document.get("paths", {}).get(entry.get("detail_path") or "", {}).get("get")
    if operation is None:
        return None
    return operation["responses"]["200"]["content"]["application/json"]["schema"]


def test_every_stored_contract_resource_has_a_seed_file(seed):
    """Each x-resource with a model (plus the seeded model-less ones) has a seed key, and vice versa."""
    resources = _contract()["x-resources"]
    stored = {key for key, entry in resources.items() if entry.get("model")} | {"configurations", "settings", "tags"}
    mapped = {hub.contract_resource(key) for key in seed} - {None}
    assert mapped == stored
    assert {key for key in seed if hub.contract_resource(key) is None} == set(hub.NOT_IN_CONTRACT)


def test_permissions_cover_every_contract_model(seed):
    models = {entry["model"].lower() for entry in _contract()["x-resources"].values() if entry.get("model")}
    assert {p["model"] for p in seed["permissions"]} == models


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


SEEDED = [r for r, rows in hub.generate().items() if rows]


@pytest.mark.parametrize("resource", SEEDED)
def test_seed_rows_validate_against_the_contract(seed, resource):
    from jsonschema import Draft202012Validator

    document = _contract()
    schema = _item_schema(document, resource)
    assert schema is not None, f"the contract has no item schema for {resource!r}"
    root = _nullable_to_json_schema(document)
    item = _nullable_to_json_schema(schema)
    declared = _resolve(root, item).get("properties", {})
    validator = Draft202012Validator({**item, "components": root.get("components", {})})
    for row in seed[resource]:
        # Store-only fields are checked only where the contract declares them.
        shown = {k: v for k, v in row.items() if k in declared or k not in hub.STORE_ONLY_FIELDS.get(resource, ())}
        errors = sorted(validator.iter_errors(shown), key=lambda e: list(e.absolute_path))
        assert not errors, f"{resource} {row.get('id', '')}: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<row>'}: {e.message}" for e in errors)
