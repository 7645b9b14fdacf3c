"""The Hub contract (mockserver/contractgen/hub.py) against the vendor reference and the behaviour spec.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from mockserver.contractgen import hub
from mockserver.contractgen import hub_spec as spec

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "contracts" / "source"
REFERENCE = SOURCE_DIR / "003_cbc2723944dd96d0.txt"
SHARES = {
    ("GET", "/shares/nfs/"), ("POST", "/shares/nfs/"), ("GET", "/shares/nfs/{id}/"),
    ("PATCH", "/shares/nfs/{id}/"), ("DELETE", "/shares/nfs/{id}/"),
    ("GET", "/shares/samba/"), ("POST", "/shares/samba/"), ("GET", "/shares/samba/{id}/"),
    ("PATCH", "/shares/samba/{id}/"), ("DELETE", "/shares/samba/{id}/"),
}


@pytest.fixture(scope="module")
def built():
    return hub.build(SOURCE_DIR)


@pytest.fixture(scope="module")
def doc(built):
    return built[0]


@pytest.fixture(scope="module")
def drifts(built):
    return built[1]


def documented_operations() -> set[tuple[str, str]]:
    """An independent scan of the reference headings."""
    text = REFERENCE.read_text(encoding="utf-8")
    return set(re.findall(r"^- (GET|POST|PATCH|PUT|DELETE) (/\S+)¶$", text, re.M))


def contract_operations(doc) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def deref(doc, node):
    """The node with every $ref inlined (the Hub contract has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = doc
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            return deref(doc, target)
        return {k: deref(doc, v) for k, v in node.items()}
    if isinstance(node, list):
        return [deref(doc, v) for v in node]
    return node


def op(doc, method, path):
    return doc["paths"][path][method.lower()]


def success(doc, method, path):
    responses = op(doc, method, path)["responses"]
    code = next(c for c in responses if c.startswith("2"))
    return int(code), responses[code]


def body(doc, method, path):
    return deref(doc, success(doc, method, path)[1]["content"]["application/json"]["schema"])


def request(doc, method, path):
    return deref(doc, op(doc, method, path)["requestBody"]["content"]["application/json"]["schema"])


def item(schema):
    """One item of a list body (envelope or bare array), or the object itself."""
    if "oneOf" in schema:
        return schema["oneOf"][1]["items"]
    if schema.get("type") == "array":
        return schema["items"]
    return schema


def accepts(doc, schema, instance) -> bool:
    return OAS30Validator(deref(doc, schema)).is_valid(instance)


# --- operations ------------------------------------------------------------------------------------------------

def test_reference_scan_finds_155_operations_on_102_paths():
    scanned = documented_operations()
    assert len(scanned) == 155
    assert len({path for _, path in scanned}) == 102


def test_contract_holds_the_documented_operations_plus_jobs_retrieve_and_the_ten_shares(doc):
    expected = documented_operations() | {("GET", "/jobs/{id}/")} | SHARES
    assert contract_operations(doc) == expected
    assert len(contract_operations(doc)) == 166


def test_document_is_valid_openapi_3_0_3(doc):
    assert doc["openapi"] == "3.0.3"
    validate(doc)


def test_operation_ids_are_unique(doc):
    ids = [o["operationId"] for item in doc["paths"].values() for o in item.values()]
    assert len(ids) == len(set(ids)) == 166


def test_paths_are_relative_to_the_api_root(doc):
    assert doc["servers"] == [{"url": "/api"}]
    assert all(path.startswith("/") and path.endswith("/") and not path.startswith("/api/") for path in doc["paths"])


def test_build_is_deterministic(doc):
    again, _ = hub.build(SOURCE_DIR)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(doc, ensure_ascii=False)


# --- parameters -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, name, schema", [
    ("GET", "/sites/{id}/", "id", {"type": "string", "pattern": "^[^/.]+$"}),
    ("GET", "/features/{name}/", "name", {"type": "string", "pattern": "^[^/.]+$"}),
    ("GET", "/filestatustypes/{key}/", "key", {"type": "string", "pattern": "^[^/.]+$"}),
    ("GET", "/users/{username}/", "username", {"type": "string", "pattern": "^[^/]+$"}),
    ("GET", "/schedules/{parent_lookup_schedule}/workflows/", "parent_lookup_schedule",
     {"type": "string", "pattern": "^[^/.]+$"}),
    ("GET", "/alerts/{id}/", "id", {"type": "integer"}),
    ("GET", "/pki/lifetime/{id}/", "id", {"type": "integer"}),
    ("GET", "/shares/nfs/{id}/", "id", {"type": "integer"}),
])
def test_path_parameters_have_the_documented_type_and_router_pattern(doc, method, path, name, schema):
    (param,) = [p for p in op(doc, method, path)["parameters"] if p["in"] == "path" and p["name"] == name]
    assert param["required"] is True
    assert param["schema"] == schema


def test_undocumented_request_parameter_of_bucket_delete_is_left_out(doc):
    names = [p["name"] for p in op(doc, "DELETE", "/buckets/{id}/")["parameters"]]
    assert names == ["id"]


# Query values are text: each parameter is a string the server reads as its documented type (H32, H35, H38),
# which its description keeps.
@pytest.mark.parametrize("method, path, name, documented, read, refused", [
    ("GET", "/jobs/", "state", "a list of strings", "SUCCESS,FAILURE", "success"),
    ("GET", "/jobs/", "owner_ids", "a list of integers", "-1, 2", "1;2"),
    ("GET", "/jobs/", "clientkey_ids", "a list of integers", "3", "x"),
    ("GET", "/jobs/", "site_id", "integer", "3", "3x"),
    ("GET", "/jobs/", "hide_noop", "boolean", "true", None),
    ("GET", "/file/", "path", "string", "/mmfs1", ""),
    ("GET", "/ipaddresses/", "datastore_id", "integer", " 7 ", "seven"),
    ("GET", "/external_targets/", "bucket", "string", "any", None),
    ("GET", "/spaces/{id}/files/", "custom_refresh_period", "integer", "", "1.5"),
    ("GET", "/sites/", "page_size", "integer", "abc", None),
])
def test_query_parameters_are_typed_as_documented(doc, method, path, name, documented, read, refused):
    (param,) = [p for p in op(doc, method, path)["parameters"] if p["in"] == "query" and p["name"] == name]
    assert param["schema"]["type"] == "string"
    assert f"Documented as {documented}" in param["description"]
    assert OAS30Validator(param["schema"]).is_valid(read)
    if refused is not None:
        assert not OAS30Validator(param["schema"]).is_valid(refused)


def test_query_parameters_of_jobs_follow_the_reference_order(doc):
    names = [p["name"] for p in op(doc, "GET", "/jobs/")["parameters"]]
    assert names == ["page", "page_size", "created", "created_time_from", "created_time_to", "completed_time_from",
                     "completed_time_to", "workflow", "state", "owner_ids", "clientkey_ids", "schedule_ids", "site",
                     "site_id", "input_paths_prefix", "search_keyword", "hide_noop", "queue", "queue_id"]


# --- request bodies ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, required", [
    ("POST", "/sites/", ["name", "shortcode"]),
    ("POST", "/workflows/", ["label", "name"]),
    ("POST", "/users/", ["password", "username"]),
    ("POST", "/spaces/", ["mountpoint", "name"]),
    ("POST", "/auth/token/", ["password", "username"]),
    ("POST", "/auth/token/verify/", ["token", "type"]),
    ("POST", "/file/workflow/", ["site", "workflow"]),
    ("POST", "/shares/nfs/", ["space"]),
    ("POST", "/shares/samba/", ["name", "read_only", "space", "visible"]),
    ("POST", "/pki/site/", ["site"]),
])
def test_create_bodies_require_the_fields_marked_required(doc, method, path, required):
    assert sorted(request(doc, method, path).get("required", [])) == required


@pytest.mark.parametrize("method, path, field", [
    ("POST", "/sites/", "id"),
    ("POST", "/auth/clientkeys/", "api_key"),
    ("POST", "/auth/token/refresh/", "access"),
    ("PATCH", "/spaces/{id}/", "mountpoint"),
    ("PATCH", "/nodes/{id}/", "online"),
    ("POST", "/shares/nfs/", "uuid"),
    ("POST", "/external_targets/", "bucket"),
])
def test_h43_read_only_fields_are_left_out_of_request_bodies(doc, method, path, field):
    """DRF ignores a read-only field a client sends (H43): the request schema does not list it (a listed
    ``readOnly`` property tells tools that sending it must be refused), the answer marks it read-only."""
    assert field not in request(doc, method, path)["properties"]
    assert field in item(body(doc, method, path))["properties"]  # the answer has it


def test_nested_object_fields_become_a_nested_object_with_its_own_required(doc):
    snapshot = request(doc, "POST", "/spaces/")["properties"]["snapshot_schedule"]
    assert snapshot["type"] == "object"
    assert snapshot["required"] == ["duration", "frequency", "time"]
    assert "id" not in snapshot["properties"]  # read-only (H43)


def test_array_of_objects_fields_become_an_array_of_objects(doc):
    sites = request(doc, "POST", "/spaces/")["properties"]["sites"]
    assert sites["type"] == "array"
    assert sites["items"]["required"] == ["label", "name"]
    usage = sites["items"]["properties"]["usage"]
    assert usage["type"] == "array" and usage["items"]["anyOf"][0] == {"type": "integer"}  # then DRF's lenient forms
    triggers = request(doc, "POST", "/policies/")["properties"]["triggers"]
    assert triggers["items"]["required"] == ["pool_name"]
    assert triggers["items"]["properties"]["lower_threshold"]["anyOf"][0] == {"type": "number"}


def test_arrays_of_scalars_and_nested_objects_in_nested_arrays(doc):
    policy = item(body(doc, "GET", "/policies/"))
    groups = policy["properties"]["condition_groups"]["items"]["properties"]
    filetypes = groups["filetype_conditions"]["items"]["properties"]["filetypes"]
    assert filetypes == {"type": "array", "items": {"type": "string"}}
    assert request(doc, "POST", "/users/")["properties"]["nas_user"]["required"] == ["primary_group"]


def test_object_fields_without_sub_fields_are_free_json(doc):
    workflow = request(doc, "POST", "/workflows/")["properties"]
    assert "type" not in workflow["filter_rules"]
    assert "type" not in workflow["icon_classes"]
    assert accepts(doc, workflow["filter_rules"], [{"type": "all"}])


def test_help_text_becomes_the_description(doc):
    name = request(doc, "POST", "/sites/")["properties"]["name"]
    assert name["description"] == "Site Name. Must match [a-zA-Z0-9-_]+"


def test_patch_bodies_require_nothing_but_keep_required_inside_arrays_of_objects(doc):
    space = request(doc, "PATCH", "/spaces/{id}/")
    assert "required" not in space
    assert "required" not in space["properties"]["snapshot_schedule"]
    assert space["properties"]["sites"]["items"]["required"] == ["label", "name"]


def test_settings_patches_require_values(doc):
    for path in ("/settings/", "/sites/{id}/settings/"):
        values = request(doc, "PATCH", path)
        assert values["required"] == ["values"]
        assert values["properties"]["values"]["items"]["required"] == ["key"]


def test_jobs_create_takes_the_file_workflow_body(doc):
    assert request(doc, "POST", "/jobs/") == request(doc, "POST", "/file/workflow/")


@pytest.mark.parametrize("method, path", [
    ("POST", "/schedules/"), ("POST", "/workflows/"), ("POST", "/file/workflow/"),
])
def test_discovery_is_a_choice_or_null(doc, method, path):
    discovery = request(doc, method, path)["properties"]["discovery"]
    assert accepts(doc, discovery, "snapdiff") and accepts(doc, discovery, None)
    assert not accepts(doc, discovery, "deep")


def test_published_workflow_definition_is_a_valid_workflow_body(doc):
    content = op(doc, "POST", "/workflows/")["requestBody"]["content"]["application/json"]
    assert accepts(doc, content["schema"], content["example"])
    assert not accepts(doc, content["schema"], {**content["example"], "enabled": "sometimes"})


# --- statuses ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, status", [
    ("POST", "/sites/", 201), ("POST", "/schedules/{parent_lookup_schedule}/workflows/", 201),
    ("POST", "/search/", 201), ("POST", "/jobs/", 201), ("POST", "/actions/", 201), ("POST", "/shares/nfs/", 201),
    ("POST", "/file/workflow/", 201), ("POST", "/pki/site/", 201),
    ("PATCH", "/sites/{id}/", 200), ("PATCH", "/configurations/", 200), ("PATCH", "/search/metadata/", 200),
    ("DELETE", "/sites/{id}/", 204), ("DELETE", "/jobs/{id}/", 204), ("DELETE", "/shares/samba/{id}/", 204),
    ("PATCH", "/settings/", 202), ("POST", "/settings/sync/", 202), ("PATCH", "/sites/{id}/settings/", 202),
    ("POST", "/sites/{id}/settings/refresh/", 202), ("POST", "/policies/{id}/run/", 202),
    ("POST", "/sites/{id}/refresh/", 202),
    ("POST", "/jobs/{id}/cancel/", 200), ("POST", "/schedules/{id}/run/", 200), ("POST", "/users/sync/", 200),
    ("POST", "/users/{username}/activate/", 200), ("POST", "/auth/token/", 200),
    ("POST", "/users/change_password/", 200), ("GET", "/jobs/{id}/", 200),
])
def test_success_status_follows_the_spec(doc, method, path, status):
    assert success(doc, method, path)[0] == status
    codes = [c for c in op(doc, method, path)["responses"] if c.startswith("2")]
    assert codes == [str(status)]


def test_deletes_have_no_body(doc):
    for item_ in doc["paths"].values():
        if "delete" in item_:
            assert "content" not in item_["delete"]["responses"]["204"]


def test_creates_with_a_url_announce_location(doc):
    assert "Location" in success(doc, "POST", "/sites/")[1]["headers"]
    assert "Location" in success(doc, "POST", "/search/")[1]["headers"]
    assert "headers" not in success(doc, "POST", "/actions/")[1]
    assert "headers" not in success(doc, "POST", "/file/workflow/")[1]


@pytest.mark.parametrize("method, path, codes", [
    ("POST", "/sites/", {"400", "401", "403", "413", "415"}),
    ("GET", "/sites/", {"401", "404"}),
    ("GET", "/sites/{id}/", {"401", "404"}),
    ("PATCH", "/spaces/{id}/", {"400", "401", "403", "404", "413", "415"}),
    ("POST", "/users/change_password/", {"400", "401", "413", "415"}),
    ("GET", "/auth/token/publickey/", set()),
    ("POST", "/auth/token/", {"400", "401", "413", "415"}),
    ("POST", "/policies/{id}/run/", {"400", "401", "404"}),
    ("GET", "/tags/", {"400", "401"}),
])
def test_error_responses_follow_the_h_rules(doc, method, path, codes):
    responses = op(doc, method, path)["responses"]
    assert {c for c in responses if not c.startswith("2")} == codes


def test_error_bodies_are_drf_shaped(doc):
    not_found = deref(doc, doc["components"]["responses"]["NotFound"])["content"]["application/json"]["schema"]
    assert OAS30Validator(not_found).is_valid({"detail": "No Site matches the given query."})
    assert not OAS30Validator(not_found).is_valid({"message": "nope"})
    bad = deref(doc, doc["components"]["responses"]["BadRequest"])["content"]["application/json"]["schema"]
    for errors in ({"name": ["This field is required."]}, {"detail": "JSON parse error - Expecting value"},
                   {"snapshot_schedule": {"time": ["This field is required."]}}, {"sites": [{}, {"name": ["x"]}]}):
        assert OAS30Validator(bad).is_valid(errors), errors
    assert "MethodNotAllowed" in doc["components"]["responses"]
    assert "WWW-Authenticate" in doc["components"]["responses"]["Unauthorized"]["headers"]


def test_staff_only_writes_can_be_forbidden(doc):
    for path, item_ in doc["paths"].items():
        for method, operation in item_.items():
            staff = operation["x-resource"] in {"users", "groups", "sites", "settings", "configurations",
                                                "features", "pki/lifetime", "pki/site"}
            expected = staff and method != "get" and path != "/users/change_password/"
            expected = expected or (path == "/spaces/{id}/" and method in ("patch", "delete"))
            assert ("403" in operation["responses"]) == expected, (method, path)


# --- response bodies ---------------------------------------------------------------------------------------------

ENVELOPE_LISTS = ["/actions/", "/sites/", "/users/", "/jobs/", "/jobstats/", "/features/", "/analytics/",
                  "/jobs/recent/", "/jobs/jobtype_choices/", "/jobs/{id}/files/", "/tasks/{id}/files/",
                  "/search/{id}/", "/search/metadata_fields/", "/schedules/{parent_lookup_schedule}/workflows/"]
BARE_ARRAYS = ["/alerts/", "/settings/", "/sites/{id}/settings/", "/tags/", "/pki/lifetime/", "/my-permissions/",
               "/filesets/", "/shares/nfs/", "/shares/samba/"]


@pytest.mark.parametrize("path", ENVELOPE_LISTS)
def test_paginated_lists_answer_the_envelope_or_with_page_size_0_a_bare_array(doc, path):
    schema = body(doc, "GET", path)
    envelope, bare = schema["oneOf"]
    assert envelope["required"][:4] == ["count", "next", "previous", "results"]
    assert envelope["properties"]["next"]["nullable"] is True
    assert bare == {"type": "array", "items": envelope["properties"]["results"]["items"]}
    names = [p["name"] for p in op(doc, "GET", path)["parameters"]]
    assert "page" in names and "page_size" in names


@pytest.mark.parametrize("path", BARE_ARRAYS)
def test_bare_array_lists_are_never_enveloped(doc, path):
    schema = body(doc, "GET", path)
    array = schema["anyOf"][0] if "anyOf" in schema else schema
    assert array["type"] == "array"
    assert "oneOf" not in json.dumps(array)[:20]


def test_jobs_list_carries_stats_and_matches_the_published_example(doc):
    content = success(doc, "GET", "/jobs/")[1]["content"]["application/json"]
    envelope = deref(doc, content["schema"])["oneOf"][0]
    assert envelope["required"] == ["count", "next", "previous", "results", "stats"]
    assert accepts(doc, content["schema"], content["example"])
    assert not accepts(doc, content["schema"], {**content["example"], "stats": None})


def test_job_representation_has_the_h76_keys_in_order(doc):
    job = body(doc, "GET", "/jobs/{id}/")
    assert list(job["properties"]) == ["url", "id", "workflow", "state", "site", "queue", "owner", "clientkey",
                                       "schedule", "created", "started", "completed", "runtime", "paths", "fields",
                                       "discovery", "tasks_count", "progress"]
    for path in ("/jobs/{id}/cancel/", "/jobs/{id}/pause/", "/jobs/{id}/resume/", "/jobs/{id}/resubmit/", "/jobs/"):
        assert body(doc, "POST", path) == job


@pytest.mark.parametrize("method, path, keys", [
    ("POST", "/auth/token/", ["refresh", "access"]),
    ("POST", "/auth/token/refresh/", ["access"]),
    ("GET", "/auth/token/publickey/", ["public_key"]),
    ("GET", "/sites/{id}/health/", ["site", "health", "nodes"]),
    ("POST", "/pki/site/", ["site", "certificate"]),
    ("GET", "/jobs/stats/", ["type", "state", "created", "site"]),
    ("GET", "/jobs/{id}/progress/", ["progress"]),
    ("GET", "/jobs/{id}/statistics/", ["total", "processed", "failures", "skipped", "aborted", "inprogress"]),
])
def test_spec_defined_bodies_replace_the_reference_fields(doc, method, path, keys):
    schema = body(doc, method, path)
    assert list(schema["properties"]) == keys
    assert schema["required"] == keys


@pytest.mark.parametrize("method, path", [("POST", "/auth/token/verify/"), ("PATCH", "/search/metadata/")])
def test_empty_object_bodies(doc, method, path):
    schema = body(doc, method, path)
    assert accepts(doc, schema, {}) and not accepts(doc, schema, {"token": "x"})


@pytest.mark.parametrize("method, path", [
    ("PATCH", "/settings/"), ("POST", "/settings/sync/"), ("PATCH", "/sites/{id}/settings/"),
    ("POST", "/sites/{id}/settings/refresh/"), ("POST", "/policies/{id}/run/"), ("POST", "/sites/{id}/refresh/"),
])
def test_202_bodies_map_site_names_to_task_ids(doc, method, path):
    schema = body(doc, method, path)
    assert accepts(doc, schema, {"site1": "2a991ff0-f2a3-45f9-8bc3-988026596c28"})
    assert not accepts(doc, schema, {"site1": 5})


def test_sync_actions_answer_bare_arrays_and_activation_the_user(doc):
    user = body(doc, "GET", "/users/{username}/")
    assert body(doc, "POST", "/users/sync/") == {"type": "array", "items": user}
    assert body(doc, "POST", "/users/{username}/activate/") == user
    assert body(doc, "POST", "/users/{username}/deactivate/") == user
    assert body(doc, "POST", "/groups/sync/") == {"type": "array", "items": body(doc, "GET", "/groups/{id}/")}


def test_my_permissions_holds_four_arrays_of_permissions(doc):
    entry = item(body(doc, "GET", "/my-permissions/"))
    assert list(entry["properties"]) == ["group_object_permissions", "group_permissions", "user_object_permissions",
                                         "user_permissions"]
    for value in entry["properties"].values():
        assert value["type"] == "array"
        assert {"app_label", "codename", "id", "model", "name"} <= set(value["items"]["properties"])
    assert "object_pk" in entry["properties"]["user_object_permissions"]["items"]["properties"]


def test_search_bodies(doc):
    created = body(doc, "POST", "/search/")
    assert {"id", "url", "path", "sites"} <= set(created["properties"])
    result = item(body(doc, "GET", "/search/{id}/"))
    row = {"href": "h", "metadata": {}, "name": "a.mov", "path": "/a.mov", "proxies": {}, "site": "site1"}
    assert accepts(doc, result, row) and accepts(doc, result, {"a.mov": [row]})
    field = item(body(doc, "GET", "/search/metadata_fields/"))
    assert list(field["properties"]) == ["id", "url", "name", "type"]


def test_file_objects_have_a_paginated_children_envelope_or_null(doc):
    file_object = body(doc, "GET", "/file/")
    assert file_object == body(doc, "GET", "/spaces/{id}/files/")
    children = file_object["properties"]["children"]
    assert accepts(doc, children, None)
    assert accepts(doc, children, {"count": 1, "next": None, "previous": None,
                                   "results": [{"name": "a", "path": "/a", "type": "file", "url": "u"}]})
    assert not accepts(doc, children, "1 entry")
    assert "text/csv" in success(doc, "GET", "/analytics/")[1]["content"]


def test_site_settings_answer_an_array_or_with_flat_an_object(doc):
    schema = body(doc, "GET", "/sites/{id}/settings/")
    assert accepts(doc, schema, [{"desc": None, "id": 1, "key": "ngenea:realm", "value": "X"}])
    assert accepts(doc, schema, {"ngenea:realm": "X"})


def test_file_workflow_and_schedule_run_keep_the_reference_body(doc):
    assert list(body(doc, "POST", "/file/workflow/")["properties"])[:2] == ["discovery", "exclude"]
    assert "managed_paths" in body(doc, "POST", "/schedules/{id}/run/")["properties"]


@pytest.mark.parametrize("path, field, value, wrong", [
    ("/sites/{id}/", "editable", True, "yes"),
    ("/spaces/{id}/", "is_ready", True, "true"),
    ("/spaces/{id}/", "nested_shares", [], "[]"),
    ("/external_targets/{id}/", "is_ready", True, "true"),
    ("/nodes/{id}/", "online", False, "false"),
    ("/nodes/{id}/", "has_default_queue", True, "true"),
    ("/queues/{id}/", "nodes", ["pixstor-east-ng-test"], "pixstor-east-ng-test"),
    ("/tasks/{id}/", "parents", [], "[]"),
    ("/tasks/{id}/", "runtime", 21.233232, "21.2"),
    ("/settingstasks/{id}/", "runtime", None, "0"),
    ("/settingstasks/{id}/", "request", {}, "{}"),
    ("/settingstasks/{id}/", "results", None, "{}"),
    ("/actions/{id}/", "results", {}, "{}"),
    ("/policies/{id}/", "triggers", [{"id": 1, "is_cloud": False, "lower_threshold": 1.0, "max_utilisation": 2.0,
                                      "pool_name": "system", "premigrate_threshold": 3, "upper_threshold": 4}], "x"),
])
def test_computed_fields_are_typed_as_the_mock_emits_them(doc, path, field, value, wrong):
    schema = body(doc, "GET", path)["properties"][field]
    assert accepts(doc, schema, value)
    assert not accepts(doc, schema, wrong)


def test_space_site_ids_are_integers_and_automated_schedule_spaces_names(doc):
    space = body(doc, "GET", "/spaces/{id}/")
    assert space["properties"]["sites"]["items"]["properties"]["id"]["type"] == "integer"
    spaces = item(body(doc, "GET", "/automatedschedules/"))["properties"]["spaces"]
    assert spaces == {"type": "array", "items": {"type": "string"}, "readOnly": True}


def test_response_fields_are_all_present_and_unset_scalars_nullable(doc):
    site = body(doc, "GET", "/sites/{id}/")
    assert site["required"] == list(site["properties"])
    assert site["properties"]["label"]["nullable"] is True
    assert "nullable" not in site["properties"]["id"]
    assert "nullable" not in site["properties"]["url"]
    assert "nullable" not in site["properties"]["name"]  # (required)
    assert "nullable" not in site["properties"]["color"]  # arrays are [] when unset
    assert body(doc, "GET", "/users/{username}/")["properties"]["nas_user"]["nullable"] is True
    assert body(doc, "GET", "/schedules/{id}/")["properties"]["space"]["nullable"] is True  # optional on create


def response_items(doc, resource):
    """(operation, one item schema) of every success body of a resource, list items and alternatives included."""
    def items(schema):
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return [i for s in schema[key] for i in items(s)]
        if schema.get("type") == "array":
            return items(schema["items"])
        if "results" in schema.get("properties", {}) and "count" in schema["properties"]:
            return items(schema["properties"]["results"])
        return [schema]
    found = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                if operation["x-resource"] == resource and code.startswith("2") and content:
                    found += [(f"{method.upper()} {path}", i) for i in items(deref(doc, content["schema"]))]
    return found


def field_at(schema, path):
    for part in path.split("."):
        if part not in schema.get("properties", {}):
            return None
        schema = schema["properties"][part]
    return schema


@pytest.mark.parametrize(("resource", "path"), sorted(spec.DELETED_REFERENCES))
def test_h65_references_a_delete_can_null_are_nullable_in_every_response_of_their_resource(doc, resource, path):
    fields = [(where, field_at(schema, path)) for where, schema in response_items(doc, resource)]
    fields = [(where, field) for where, field in fields if field is not None]
    assert fields, f"{resource}.{path} is in no response"
    assert [where for where, field in fields if not field.get("nullable")] == []


def test_references_and_cascades_are_in_the_contract_and_the_dialect_reads_them(doc):
    from mockserver.contractgen.hub_relations import CASCADES, REFERENCES
    from mockserver.dialects.drf.relations import all_references, cascades
    entries = doc["x-resources"]
    assert {key: entry["references"] for key, entry in entries.items() if entry["references"]} == REFERENCES
    assert {key: [tuple(p) for p in entry["cascade"]] for key, entry in entries.items() if entry["cascade"]} == CASCADES
    assert {key: {path: ref.target for path, ref in refs.items()} for key, refs in all_references().items()} == {
        key: {path: ref["resource"] for path, ref in refs.items()} for key, refs in REFERENCES.items()}
    assert all_references()["sites"]["spaces"].reverse == "sites"
    assert all_references()["spaces"]["sites.name"].field("sites.name") == "sites"
    assert ("site_settings", "site") not in cascades("sites")  # a stored table, not in the contract: the Hub's
    from mockserver.hub.binding import HUB
    assert HUB.hooks_for("sites").cascades == (("site_settings", "site"),)


def test_h37_h38_lists_speak_the_shared_vocabulary_and_the_dialect_reads_it(doc):
    from mockserver.dialects.drf.lists import filters, ordering
    entries = doc["x-resources"]
    ordered = {key: entry["default_order"] for key, entry in entries.items()}
    assert {key: order for key, order in ordered.items() if order != [["id", False]]} == {
        "filestatustypes": [["key", False], ["id", False]], "tags": [["name", False], ["id", False]],
        "jobs": [["created", True], ["id", True]]}
    assert all(entry["orderable"] == [] for entry in entries.values())  # the Hub takes no ordering param
    assert entries["spaces"]["filters"] == {
        "site_id": {"field": "sites", "lookup": "has", "type": "integer"},
        "search_keyword": {"field": "name,mountpoint", "lookup": "any_icontains", "type": "string"}}
    assert entries["alerts"]["filters"]["timestamp"] == {"field": "timestamp", "lookup": "exact", "type": "date-time"}
    assert entries["jobs"]["filters"]["owner_ids"] == {"field": "owner", "lookup": "owner_in",
                                                       "type": "list-of-integer"}
    assert entries["jobs"]["filters"]["created_time_from"] == {"field": "created", "lookup": "gte",
                                                               "type": "date-time", "unless": "created"}
    assert (entries["users"]["table"], entries["auth/clientkeys"]["table"]) == ("hub/users", "hub/clientkeys")
    assert (filters("spaces")["site_id"].field, filters("spaces")["site_id"].lookup) == ("sites", "has")
    assert ordering("tags") == (("name", False), ("id", False)) and ordering("sites") == (("id", False),)


def test_h65_table_holds_every_single_reference_a_delete_leaves_null(doc, drifts):
    # The mock's references less those whose referrer goes with the target, and targets the API cannot delete.
    entries = doc["x-resources"]
    cascaded = {tuple(pair) for entry in entries.values() for pair in entry["cascade"]}
    deletable = {operation["x-resource"] for operations in doc["paths"].values()
                 for method, operation in operations.items() if method == "delete"}
    def single(resource, field):  # spaces' "sites.name" is an item field of the sites array
        shapes = [field_at(schema, field) for _, schema in response_items(doc, resource)]
        return all(shape.get("type") != "array" for shape in shapes if shape is not None)
    stored = [(resource, ref.get("stored", path), ref) for resource, entry in entries.items()
              for path, ref in entry["references"].items()]
    derived = {(resource, field) for resource, field, ref in stored
               if not ref["many"] and (resource, field) not in cascaded and ref["resource"] in deletable
               and single(resource, field)}
    assert derived == set(spec.DELETED_REFERENCES) - {("automatedschedules", "site_name")}
    chose = {d.where: d.contract_chose for d in drifts}
    assert chose["shares/nfs.space"] == "nullable (H65: null once its Space is deleted)"
    assert chose["users.nas_user.primary_group"] == "nullable (H65: null once its Group is deleted)"
    assert "policies.site" not in chose  # nullable already: optional in the reference


def test_write_responses_are_the_full_object(doc):
    created = body(doc, "POST", "/auth/clientkeys/")
    assert list(created["properties"]) == ["api_key", "id", "name", "url", "user"]
    assert set(body(doc, "POST", "/actions/")["properties"]) == {"action", "id", "results", "state", "user"}
    patched = body(doc, "PATCH", "/filestatustypes/{key}/")
    assert list(patched["properties"]) == ["background_color", "label", "text_color", "key", "url"]


@pytest.mark.parametrize("method, path", [("GET", "/configurations/"), ("GET", "/alerts/"), ("GET", "/features/"),
                                          ("GET", "/sites/{id}/health/"), ("GET", "/tasks/{id}/")])
def test_published_examples_validate_against_their_bodies(doc, method, path):
    content = success(doc, method, path)[1]["content"]["application/json"]
    assert accepts(doc, content["schema"], content["example"])


# --- security -------------------------------------------------------------------------------------------------

def test_security_schemes_are_jwt_bearer_or_api_key(doc):
    schemes = doc["components"]["securitySchemes"]
    assert schemes["jwt"] == {**schemes["jwt"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["apiKey"] == {"type": "apiKey", "in": "header", "name": "Authorization",
                                 "description": "Api-Key <prefix>.<secret>", "x-secret": True}
    assert schemes["jwt"]["x-secret"] is True
    assert doc["security"] == [{"jwt": []}, {"apiKey": []}]


def test_only_the_token_endpoints_are_open(doc):
    open_ = {(m.upper(), p) for p, item_ in doc["paths"].items() for m, o in item_.items() if o.get("security") == []}
    assert open_ == {("POST", "/auth/token/"), ("POST", "/auth/token/refresh/"), ("POST", "/auth/token/verify/"),
                     ("GET", "/auth/token/publickey/")}


# --- x-resources --------------------------------------------------------------------------------------------------

def test_every_operation_belongs_to_exactly_one_resource(doc):
    resources = doc["x-resources"]
    claimed = []
    for key, entry in resources.items():
        for method, path in contract_operations(doc):
            operation = op(doc, method, path)
            if operation["x-resource"] == key:
                claimed.append((method, path))
                assert path in (entry["list_path"], entry["detail_path"]) or (method, path) in {
                    (a["method"], a["path"]) for a in entry["actions"]}
    assert sorted(claimed) == sorted(contract_operations(doc))


@pytest.mark.parametrize("resource, lookup, pattern", [
    ("features", "name", "[^/.]+"), ("filestatustypes", "key", "[^/.]+"), ("users", "username", "[^/]+"),
    ("sites", "id", "[^/.]+"), ("jobs", "id", "[^/.]+"), ("shares/nfs", "id", "[^/.]+"),
    ("schedules/{parent_lookup_schedule}/workflows", "id", "[^/.]+"),
    ("configurations", None, None), ("tags", None, None),
])
def test_lookups_follow_d13(doc, resource, lookup, pattern):
    entry = doc["x-resources"][resource]
    assert (entry["key"], entry["lookup_pattern"]) == (lookup, pattern)


def test_every_detail_route_other_than_features_filestatustypes_users_is_looked_up_by_id(doc):
    for key, entry in doc["x-resources"].items():
        if entry["detail_path"] and key not in ("features", "filestatustypes", "users"):
            assert entry["key"] == "id", key


UNIQUE = {
    "sites": ("name", "site with this name already exists."),
    "spaces": ("name", "space with this name already exists."),
    "workflows": ("name", "workflow with this name already exists."),
    "groups": ("name", "group with this name already exists."),
    "buckets": ("name", "bucket with this name already exists."),
    "datastores": ("name", "data store with this name already exists."),
    "external_targets": ("name", "external target with this name already exists."),
    "nodes": ("name", "node with this name already exists."),
    "users": ("username", "A user with that username already exists."),
}


def test_unique_fields_and_messages_follow_4_5(doc):
    schemas = doc["components"]["schemas"]
    declared = {key: {name: prop["x-unique"] for name, prop in schemas[entry["schema"]].get("properties", {}).items()
                      if prop.get("x-unique")}
                for key, entry in doc["x-resources"].items() if entry["schema"]}
    assert {key: fields for key, fields in declared.items() if fields} == {
        key: {field: message} for key, (field, message) in UNIQUE.items()}
    assert all("unique" not in entry for entry in doc["x-resources"].values())


def test_resource_entries_name_existing_schemas(doc):
    schemas = doc["components"]["schemas"]
    for key, entry in doc["x-resources"].items():
        for role in ("schema", "list_schema", "write_schema", "update_schema"):
            assert entry[role] is None or entry[role] in schemas, (key, role)


def test_site_resource_entry(doc):
    entry = doc["x-resources"]["sites"]
    assert {k: entry[k] for k in ("model", "list_path", "detail_path", "list_shape", "staff_writes", "schema",
                                  "write_schema")} == {
        "model": "Site", "list_path": "/sites/", "detail_path": "/sites/{id}/", "list_shape": "env",
        "staff_writes": True, "schema": "Site", "write_schema": "SiteCreate"}
    refresh = next(a for a in entry["actions"] if a["path"] == "/sites/{id}/refresh/")
    assert refresh == {"path": "/sites/{id}/refresh/", "method": "POST", "detail": True,
                       "operationId": op(doc, "POST", "/sites/{id}/refresh/")["operationId"], "staff_only": True}


@pytest.mark.parametrize("resource, shape", [
    ("sites", "env"), ("alerts", "arr"), ("settings", "arr"), ("tags", "arr"), ("pki/lifetime", "arr"),
    ("my-permissions", "arr"), ("filesets", "arr"), ("configurations", "obj"), ("file", "obj"),
    ("shares/nfs", "arr"), ("shares/samba", "arr"), ("jobs", "env"),
])
def test_list_shapes_follow_the_route_table(doc, resource, shape):
    assert doc["x-resources"][resource]["list_shape"] == shape


def test_models_and_filters(doc):
    resources = doc["x-resources"]
    assert resources["datastores"]["model"] == "DataStore"
    assert resources["pki/lifetime"]["model"] == "CertificateLifetime"
    assert resources["schedules/{parent_lookup_schedule}/workflows"]["model"] == "ScheduleWorkflow"
    assert resources["schedules/{parent_lookup_schedule}/workflows"]["parent"] == {
        "param": "parent_lookup_schedule", "resource": "schedules", "pattern": "[^/.]+"}
    assert list(resources["schedules"]["filters"]) == ["site_id", "space_id"]
    assert list(resources["spaces"]["filters"]) == ["site_id", "search_keyword"]
    assert list(resources["external_targets"]["filters"]) == ["bucket"]
    # ``internal`` is documented, but filters nothing: an argument, not in ``filters``.
    assert list(resources["tasks"]["filters"]) == ["tasktype", "task_id", "state", "job_id"]


def test_change_password_is_open_to_every_user(doc):
    (action,) = [a for a in doc["x-resources"]["users"]["actions"] if a["path"] == "/users/change_password/"]
    assert action["staff_only"] is False and action["detail"] is False


# --- drifts ------------------------------------------------------------------------------------------------------

def test_drifts_record_where_the_contract_leaves_the_reference(drifts):
    assert all(d.api == "hub" for d in drifts)
    chosen = {d.where: d.contract_chose for d in drifts}
    assert chosen["GET /jobs/{id}/"].startswith("D2")
    assert sum(c.startswith("D18: ") for c in chosen.values()) == 10
    assert "H108" in chosen["POST /external_targets/ bucket"]
    assert chosen["sites.editable"] == "4.3: boolean"
    assert chosen["POST /users/sync/"] == "H102: 200 bare array of User"
    assert len({(d.where, d.reference_says) for d in drifts}) == len(drifts)


def resource_bodies(doc, resource):
    """(request schemas, response item schemas) of every operation of the resource, $refs inlined."""
    requests, responses = [], []
    for item in doc["paths"].values():
        for operation in item.values():
            if operation["x-resource"] != resource:
                continue
            if "requestBody" in operation:
                requests.append(deref(doc, operation["requestBody"]["content"]["application/json"]["schema"]))
            for code, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if code.startswith("2") and schema is not None:
                    schema = deref(doc, schema)
                    schema = schema.get("properties", {}).get("results", schema)  # envelope
                    responses.append(schema.get("items", schema))  # bare array
    return requests, responses


USERNAME_MESSAGE = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."


@pytest.mark.parametrize("resource, field, rule, in_responses", [
    ("workflows", "name", {"maxLength": 100}, {"maxLength": 100}),  # H53, H117
    ("workflows", "label", {"maxLength": 100}, {"maxLength": 100}),
    ("users", "username", {"maxLength": 150, "pattern": r"^[\w.@+-]+$(?!\n)", "x-pattern-message": USERNAME_MESSAGE},
     {"maxLength": 150}),  # H53; the pattern checks input only
    ("users", "email", {"format": "email"}, {}),  # a stored email may be blank
    ("auth/clientkeys", "name", {"maxLength": 50}, {"maxLength": 50}),
    ("ipaddresses", "ipaddr", {"format": "ipv4"}, {"format": "ipv4"}),
    ("sites", "name", {"pattern": "^[a-zA-Z0-9-_]+$"}, {}),
    ("spaces", "mountpoint", {"pattern": "^/", "x-pattern-message": "Enter an absolute path."}, {}),
    ("external_targets", "local_file_regex", {"format": "regex"}, {"format": "regex"}),
    ("pki/lifetime", "days", {"minimum": 1}, {}),
    ("nodes", "last_heartbeat", {"format": "date-time"}, {"format": "date-time"}),  # H51
])
def test_h53_field_rules_are_on_the_requests_and_representation_rules_on_the_responses(
        doc, resource, field, rule, in_responses):
    requests, responses = resource_bodies(doc, resource)
    writable = [s["properties"][field] for s in requests if field in s.get("properties", {})
                and not s["properties"][field].get("readOnly")]
    assert writable
    for schema in writable:
        assert {k: schema.get(k) for k in rule} == rule
    shown = [s["properties"][field] for s in responses if field in s.get("properties", {})]
    assert shown
    for schema in shown:
        assert {k: v for k, v in schema.items() if k in ("maxLength", "pattern", "format", "minimum")} == in_responses
    assert (resource, field) in spec.FIELD_RULES


def test_the_new_job_id_is_read_only_in_the_file_workflow_body(doc):
    for path in ("/file/workflow/", "/jobs/"):  # H74, H75: an answer field, not one a client sends (H43)
        assert "job" not in request(doc, "POST", path)["properties"]


CREATE_DEFAULTS = [  # (resource, field, value, on the POST body: else on the responses)
    *[("workflows", f, v, True) for f, v in (("enabled", True), ("visible", True), ("external_only", False),
                                           ("schedule_only", False))],  # H117
    ("external_targets", "enabled", True, True),  # H108
    *[("schedules", f, "*", True) for f in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")],
    ("schedules", "enabled", True, True),  # H114
    ("schedules/{parent_lookup_schedule}/workflows", "fields", {}, True),  # H67
    ("spaces", "immutable", False, False),  # H106
    ("users", "is_active", True, False),  # H100
    ("users", "first_name", "", True), ("users", "last_name", "", True), ("users", "groups", [], True),
    ("groups", "permissions", [], True), ("groups", "object_permissions", [], True),
    ("policies", "enabled", True, True), ("policies", "spaces", [], True), ("policies", "triggers", [], True),
    ("policies", "condition_groups", [], False),
    *[("sites", f, [], True) for f in ("color", "include", "exclude")],
    *[("sites", f, 0, True) for f in ("files_count", "directories_count", "files_stubbed_count",
                                      "files_hydrated_count")],  # H107: an empty file system
]


@pytest.mark.parametrize("resource, field, value, on_request", CREATE_DEFAULTS)
def test_documented_create_defaults_are_in_the_contract(doc, resource, field, value, on_request):
    entry = doc["x-resources"][resource]
    create = op(doc, "POST", entry["list_path"])
    body = deref(doc, create["requestBody"]["content"]["application/json"]["schema"])["properties"]
    if on_request:
        assert body[field]["default"] == value
        assert field not in deref(doc, create["requestBody"]["content"]["application/json"]["schema"]).get(
            "required", [])
    else:
        assert field not in body
        _, responses = resource_bodies(doc, resource)
        shown = [s["properties"][field] for s in responses if field in s.get("properties", {})]
        assert shown and all(s["default"] == value for s in shown)


def test_only_documented_create_defaults_are_in_the_contract(doc):
    """H8: everything else a create leaves out is null; PATCH bodies never default."""
    expected = {(r, f) for r, f, _, _ in CREATE_DEFAULTS}
    found = set()
    for item in doc["paths"].values():
        for operation in item.values():
            for node in [operation.get("requestBody", {}), *operation["responses"].values()]:
                schema = deref(doc, node.get("content", {}).get("application/json", {}).get("schema", {}))
                for name, value in _walk_properties(schema):
                    if "default" in value:
                        found.add((operation["x-resource"], name))
    assert found == expected
    for entry in doc["x-resources"].values():
        if entry["update_schema"]:
            props = doc["components"]["schemas"][entry["update_schema"]]["properties"]
            assert not [name for name, value in props.items() if "default" in value]


def _walk_properties(schema):
    if isinstance(schema, dict):
        for name, value in schema.get("properties", {}).items():
            yield name, value
            yield from _walk_properties(value)
        subs = [schema["items"]] if "items" in schema else []
        for sub in [*subs, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
            yield from _walk_properties(sub)


def test_alert_filters_are_typed_as_h110_says(doc, drifts):
    params = {p["name"]: p["schema"] for p in op(doc, "GET", "/alerts/")["parameters"]}
    assert params["suppressed"] == {"type": "string"}  # a boolean word; any other text filters nothing (H38)
    assert params["timestamp"] == {"type": "string", "anyOf": [{"format": "date-time"}, {"maxLength": 0}]}
    assert any(d.where == "GET /alerts/ parameter suppressed" and "boolean" in d.contract_chose for d in drifts)


# --- secrets (issue 13) ---------------------------------------------------------------------------------------

SECRET_FIELDS = {  # schema → the properties holding a credential (H11, H15-H17, H21, H100, H101, H108, H116)
    "TokenCreate": {"password"}, "TokenPair": {"access", "refresh"}, "AccessToken": {"access"},
    "TokenRefreshRequest": {"refresh"}, "TokenVerifyRequest": {"token"},
    "UserCreate": {"password"}, "UserCreateResponse": {"password"}, "UserUpdate": {"password"},
    "UserUpdateResponse": {"password"}, "UserChangePasswordRequest": {"old_password", "new_password"},
    "UserChangePasswordResponse": {"old_password", "new_password"},  # no longer the request's schema (lenient)
    "ClientKeyCreateResponse": {"api_key"},  # read-only: not in the create body (H43), masked from the answer
    **{name: {"access_key", "access_key_id", "secret_access_key", "credentials_json"}
       for name in ("Bucket", "BucketCreate", "BucketCreateResponse", "BucketUpdate")},
    **{name: {"accesskey", "accesskeyid", "secretaccesskey"}
       for name in ("DataStore", "DataStoreCreate", "DataStoreUpdate")},
}


def test_secret_fields_are_marked_x_secret(doc):
    marked = {name: {key for key, prop in schema.get("properties", {}).items() if prop.get("x-secret")}
              for name, schema in doc["components"]["schemas"].items()}
    assert {name: keys for name, keys in marked.items() if keys} == SECRET_FIELDS
    for name in ("ExternalTarget",):  # the nested bucket (read-only: in the answers only, H43)
        bucket = doc["components"]["schemas"][name]["properties"]["bucket"]["properties"]
        assert {key for key, prop in bucket.items() if prop.get("x-secret")} == SECRET_FIELDS["Bucket"]
