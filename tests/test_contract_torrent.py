"""The Torrent Suite contract reflects every row of the vendor fields tables, plus the spec's additions.

The rows are read here with a parser of the test's own (a regular expression per row), so a bug in the
module's table parser cannot hide itself.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from mockserver.contractgen import torrent
from mockserver.engine.fields import json_type

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "contracts" / "source"
RESOURCES = ["filemonitor", "compositedatamanagement", "PluginResultJob", "message"]

ROW = re.compile(
    r"^\*\*(?P<name>\w+)\*\*\s+(?P<help>.+?Ex: (?:\"[^\"]*\"|\S+))\s+(?P<default>\S*)\s+"
    r"(?P<nullable>true|false)\s+(?P<readonly>true|false)\s+(?P<blank>true|false)\s+(?P<unique>true|false)\s+"
    r"(?P<type>\w+)\s*$"
)


def reference_pages() -> dict[str, str]:
    pages = {}
    for path in sorted(SOURCE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"rundb/api/v1/(\w+)/``", text)
        if match:
            pages[match.group(1)] = text
    return pages


PAGES = reference_pages()
TABLE = [
    (resource, match.groupdict())
    for resource, text in PAGES.items()
    for match in (ROW.match(line) for line in text.splitlines())
    if match
]


def reference_example(resource: str) -> dict:
    text = PAGES[resource]
    block = text.split(".. code-block:: javascript")[1].split("Allowed HTTP methods")[0]
    return json.loads(block)


@pytest.fixture(scope="module")
def built():
    return torrent.build(SOURCE)


@pytest.fixture(scope="module")
def document(built):
    return built[0]


@pytest.fixture(scope="module")
def drifts(built):
    return built[1]


def schema_of(document: dict, resource: str) -> dict:
    return document["components"]["schemas"][document["x-resources"][resource]["schema"]]


# What the server returns where the table's type says otherwise (T64, T66).
RETURNED_TYPES = {
    **{("compositedatamanagement", f"{p}_keep"): "boolean" for p in ("sigproc", "basecall", "output", "misc")},
    ("PluginResultJob", "config"): "object",
}


def expected_default(resource: str, row: dict):
    """(has a default, value) for one table row, as the contract should state it."""
    raw = row["default"]
    if (resource, row["name"]) == ("PluginResultJob", "config"):
        return True, {}
    if raw == "n/a" or row["type"] == "datetime" or (row["type"] == "integer" and raw == ""):
        return False, None
    if raw == "None":
        return True, None
    if row["type"] == "integer":
        return True, int(raw)
    if row["type"] == "boolean":
        return True, raw == "true"
    return True, raw


def test_the_reference_tables_have_46_rows():
    assert len(TABLE) == 46
    assert sorted({resource for resource, _ in TABLE}) == sorted(RESOURCES)


@pytest.mark.parametrize(("resource", "row"), TABLE, ids=[f"{r}.{row['name']}" for r, row in TABLE])
def test_every_table_row_is_reflected_in_the_resource_schema(document, resource, row):
    prop = schema_of(document, resource)["properties"][row["name"]]
    if row["type"] == "datetime":
        assert (prop["type"], prop["format"]) == ("string", "date-time")
    else:
        assert prop["type"] == RETURNED_TYPES.get((resource, row["name"]), row["type"])
    assert prop["readOnly"] is (row["readonly"] == "true")
    assert prop["nullable"] is (row["nullable"] == "true")
    assert prop["x-unique"] is (row["unique"] == "true")
    assert prop["x-blank"] is (row["blank"] == "true")
    assert prop["description"] == row["help"]
    has_default, value = expected_default(resource, row)
    assert ("default" in prop) is has_default
    if has_default:
        assert prop["default"] == value and type(prop["default"]) is type(value)
    if row["type"] == "datetime" and row["default"] == "true":
        assert prop["x-server-set"] in ("create", "write")
    assert prop["x-table"] == {
        "field": row["name"], "help text": row["help"], "default": row["default"], "nullable": row["nullable"],
        "readonly": row["readonly"], "blank": row["blank"], "unique": row["unique"], "type": row["type"],
    }


def test_the_document_is_valid_openapi_3_0_3(document):
    assert document["openapi"] == "3.0.3"
    assert document["info"]["title"] == "Ion Torrent Suite rundb API v1"
    assert document["servers"] == [{"url": "/"}]
    validate(document)


def test_build_is_deterministic():
    first, _ = torrent.build(SOURCE)
    second, _ = torrent.build(SOURCE)
    assert json.dumps(first) == json.dumps(second)


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_resource_has_its_paths_and_allowed_methods(document, resource):
    allowed = re.findall(r"^- (\w+)\s*$", PAGES[resource].split("Allowed HTTP methods")[1], re.MULTILINE)
    assert allowed == ["get", "post", "put", "delete", "patch"]
    base = f"/rundb/api/v1/{resource}/"
    paths = document["paths"]
    assert set(paths[base]) == set(allowed)
    assert set(paths[base + "{id}/"]) == set(allowed) - {"post"}  # POST to a detail is a 405 (T38)
    assert set(paths[base + "set/{ids}/"]) == {"get"}
    assert set(paths[base + "schema/"]) == {"get"}
    info = document["x-resources"][resource]
    assert info["list_allowed_methods"] == allowed
    assert info["detail_allowed_methods"] == [m for m in allowed if m != "post"]  # T38
    assert (info["list_path"], info["detail_path"]) == (base, base + "{id}/")


def test_statuses_follow_the_spec(document):
    base = "/rundb/api/v1/message/"
    paths = document["paths"]
    assert "201" in paths[base]["post"]["responses"]
    assert "Location" in paths[base]["post"]["responses"]["201"]["headers"]
    assert {"201", "204"} <= set(paths[base + "{id}/"]["put"]["responses"])
    assert "202" in paths[base + "{id}/"]["patch"]["responses"]
    assert "204" in paths[base + "{id}/"]["delete"]["responses"]
    assert "204" in paths[base]["delete"]["responses"]
    assert "post" not in paths[base + "{id}/"]  # a 405 (T38): undeclared
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and error["properties"]["error"]["type"] == "string"


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert {"filemonitor_list", "filemonitor_create", "filemonitor_retrieve", "message_destroy"} <= set(ids)


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_list_example_is_the_reference_response(document, resource):
    operation = document["paths"][f"/rundb/api/v1/{resource}/"]["get"]
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert example == reference_example(resource)
    assert list(example["objects"][0]) == list(reference_example(resource)["objects"][0])
    info = document["x-resources"][resource]
    assert info["example"] == reference_example(resource)["objects"][0]
    assert info["example_meta"] == reference_example(resource)["meta"]
    assert info["total_count"] == {"filemonitor": 8, "compositedatamanagement": 6, "PluginResultJob": 15,
                                   "message": 6}[resource]


def test_write_schemas_require_the_spec_required_fields(document):
    schemas = document["components"]["schemas"]
    assert schemas["FilemonitorWrite"]["required"] == ["url"]
    assert schemas["CompositedatamanagementWrite"]["required"] == ["resultsName"]
    assert schemas["PluginResultJobWrite"]["required"] == ["run_level", "state"]
    assert "required" not in schemas["MessageWrite"]
    for name in ("FilemonitorUpdate", "CompositedatamanagementUpdate", "PluginResultJobUpdate", "MessageUpdate"):
        assert "required" not in schemas[name]


def test_write_schemas_leave_out_read_only_fields(document):
    props = document["components"]["schemas"]["CompositedatamanagementWrite"]["properties"]
    assert sorted(props) == ["diskusage", "id", "in_process", "resultsName", "timeStamp"]
    assert json_type(document["components"]["schemas"]["FilemonitorWrite"]["properties"]["size"]) == "integer"


@pytest.mark.parametrize(("resource", "field", "length"), [
    ("filemonitor", "celery_task_id", 60), ("filemonitor", "local_dir", 512), ("filemonitor", "md5sum", 32),
    ("filemonitor", "name", 255), ("filemonitor", "status", 60), ("filemonitor", "tags", 1024),
    ("filemonitor", "url", 2000), ("compositedatamanagement", "resultsName", 512),
    ("PluginResultJob", "run_level", 20), ("PluginResultJob", "state", 20),
])
def test_max_lengths_from_the_spec(document, resource, field, length):
    prop = schema_of(document, resource)["properties"][field]
    assert prop["x-max-length"] == prop["maxLength"] == length


def test_message_strings_have_no_max_length(document):
    assert not any("x-max-length" in p for p in schema_of(document, "message")["properties"].values())


def test_server_set_timestamps(document):
    assert schema_of(document, "filemonitor")["properties"]["updated"]["x-server-set"] == "write"
    assert schema_of(document, "filemonitor")["properties"]["created"]["x-server-set"] == "create"
    assert schema_of(document, "message")["properties"]["time"]["x-server-set"] == "create"
    assert schema_of(document, "compositedatamanagement")["properties"]["timeStamp"]["x-server-set"] == "create"
    assert "x-server-set" not in schema_of(document, "PluginResultJob")["properties"]["starttime"]


def test_representation_quirks(document):
    fm = schema_of(document, "filemonitor")["properties"]
    assert fm["size"]["type"] == fm["progress"]["type"] == "string"
    assert fm["progress"]["default"] == "0"
    assert re.fullmatch(fm["size"]["pattern"], "24174499") and not re.fullmatch(fm["size"]["pattern"], "2.5")
    cdm = schema_of(document, "compositedatamanagement")
    assert cdm["properties"]["misc_diskspace"]["type"] == "number"
    assert "misc_diskspace" not in cdm["required"] and "misc_keep" in cdm["required"]
    pattern = fm["created"]["pattern"]
    assert re.fullmatch(pattern, "2014-05-08T19:25:27.000843+00:00")
    assert re.fullmatch(pattern, "2000-01-01T00:00:00+00:00")
    assert not re.fullmatch(pattern, "2014-05-08T19:25:27.843000+00:00")


def test_filtering_and_ordering(document):
    xr = document["x-resources"]
    assert xr["PluginResultJob"]["orderable"] == []
    assert "ordering" not in xr["PluginResultJob"]["schema_endpoint"]
    assert xr["compositedatamanagement"]["orderable"] == ["id", "resultsName", "timeStamp", "diskusage", "expDir",
                                                          "expName"]
    assert {e["table"] for e in xr.values()} == {"torrent/filemonitor", "torrent/compositedatamanagement",
                                                  "torrent/PluginResultJob", "torrent/message"}
    assert all(e["key"] == "id" and e["default_order"] == [["id", False]] for e in xr.values())
    # Declared, but no field: in the published /schema/ body, never a filter param (T24).
    assert "referencegenome" in xr["filemonitor"]["schema_endpoint"]["filtering"]
    assert not any(p.startswith("referencegenome") for p in xr["filemonitor"]["filters"])
    # ALL_WITH_RELATIONS: every lookup of the field is a param of its own, typed as the dialect reads it.
    filters = xr["message"]["filters"]
    assert filters["level"] == filters["level__exact"] == {"field": "level", "lookup": "exact", "type": "integer"}
    assert filters["level__in"] == {"field": "level", "lookup": "in", "type": "list-of-integer"}
    assert filters["time__year"] == {"field": "time", "lookup": "year", "type": "integer"}
    assert filters["time__range"] == {"field": "time", "lookup": "range", "type": "list-of-date-time"}
    assert filters["body__isnull"] == {"field": "body", "lookup": "isnull", "type": "boolean"}
    assert filters["body__iregex"] == {"field": "body", "lookup": "iregex", "type": "pattern"}
    assert "body__year" not in filters and "body__search" not in filters
    assert xr["filemonitor"]["filters"]["size__gt"]["type"] == "integer"  # an integer rendered as text
    own = {p: f for p, f in xr["compositedatamanagement"]["filters"].items() if "__" not in p
           and f["field"] not in xr["compositedatamanagement"]["orderable"]}
    assert own == {
        "search_name": {"field": "expName,resultsName", "lookup": "any_iregex", "type": "pattern"},
        **{f"{p}_filter": {"field": f"filesets.{p}", "lookup": "fileset_state", "type": "list-of-string"}
           for p in ("sigproc", "basecall", "output", "misc")}}
    list_params = document["paths"]["/rundb/api/v1/PluginResultJob/"]["get"]["parameters"]
    assert "order_by" not in [p.get("name") for p in list_params]
    message_params = {p.get("name"): p for p in document["paths"]["/rundb/api/v1/message/"]["get"]["parameters"]}
    assert "-time" in message_params["order_by"]["schema"]["items"]["enum"]


def test_schema_endpoint_is_exactly_the_documented_one(document):
    # T34: the message schema as the server renders it.
    expected = (
        '{"allowed_detail_http_methods": ["get", "post", "put", "delete", "patch"], "allowed_list_http_methods": '
        '["get", "post", "put", "delete", "patch"], "default_format": "application/json", "default_limit": 20, '
        '"fields": {"body": {"blank": true, "default": "", "help_text": "Unicode string data. Ex: \\"Hello '
        'World\\"", "nullable": false, "readonly": false, "type": "string", "unique": false}, "expires": '
        '{"blank": true, "default": "read", "help_text": "Unicode string data. Ex: \\"Hello World\\"", '
        '"nullable": false, "readonly": false, "type": "string", "unique": false}, "id": {"blank": true, '
        '"default": "", "help_text": "Integer data. Ex: 2673", "nullable": false, "readonly": false, "type": '
        '"integer", "unique": true}, "level": {"blank": false, "default": 20, "help_text": "Integer data. Ex: '
        '2673", "nullable": false, "readonly": false, "type": "integer", "unique": false}, "resource_uri": '
        '{"blank": false, "default": "No default provided.", "help_text": "Unicode string data. Ex: \\"Hello '
        'World\\"", "nullable": false, "readonly": true, "type": "string", "unique": false}, "route": {"blank": '
        'true, "default": "", "help_text": "Unicode string data. Ex: \\"Hello World\\"", "nullable": false, '
        '"readonly": false, "type": "string", "unique": false}, "status": {"blank": true, "default": "unread", '
        '"help_text": "Unicode string data. Ex: \\"Hello World\\"", "nullable": false, "readonly": false, '
        '"type": "string", "unique": false}, "tags": {"blank": true, "default": "", "help_text": "Unicode '
        'string data. Ex: \\"Hello World\\"", "nullable": false, "readonly": false, "type": "string", "unique": '
        'false}, "time": {"blank": true, "default": true, "help_text": "A date & time as a string. Ex: '
        '\\"2010-11-10T03:07:43\\"", "nullable": false, "readonly": false, "type": "datetime", "unique": '
        'false}}, "filtering": {"body": 2, "expires": 2, "id": 2, "level": 2, "route": 2, "status": 2, "tags": '
        '2, "time": 2}, "ordering": ["body", "expires", "id", "level", "route", "status", "tags", "time"]}'
    )
    assert json.dumps(document["x-resources"]["message"]["schema_endpoint"], sort_keys=True) == expected
    assert "ordering" not in document["x-resources"]["PluginResultJob"]["schema_endpoint"]


def test_security(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic", "x-secret": True}
    assert schemes["apiKeyHeader"]["x-secret"] is schemes["apiKeyQuery"]["x-secret"] is True
    assert (schemes["apiKeyHeader"]["in"], schemes["apiKeyHeader"]["name"]) == ("header", "Authorization")
    assert schemes["apiKeyHeader"]["description"] == "ApiKey user:key"
    assert (schemes["apiKeyQuery"]["in"], schemes["apiKeyQuery"]["name"]) == ("query", "api_key")
    assert document["components"]["parameters"]["username"]["in"] == "query"
    assert document["security"] == [{"basic": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}]
    root = document["paths"]["/rundb/api/v1/"]["get"]
    assert root["security"] == []
    assert list(root["responses"]["200"]["content"]["application/json"]["example"]) == [
        "PluginResultJob", "compositedatamanagement", "filemonitor", "message"]


@pytest.mark.parametrize("where", [
    "filemonitor.size", "filemonitor.progress", "PluginResultJob.config",
    *[f"compositedatamanagement.{p}_{kind}" for p in ("sigproc", "basecall", "output", "misc")
      for kind in ("keep", "diskspace")],
])
def test_known_disagreements_are_recorded_as_drift(drifts, where):
    matching = [d for d in drifts if d.where == where]
    assert len(matching) == 1 and matching[0].api == "torrent"
    assert matching[0].reference_says and matching[0].contract_chose


def test_an_unrecorded_disagreement_fails_the_build(tmp_path):
    for path in SOURCE.glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    page = next(tmp_path.glob("004_*.txt"))
    page.write_text(page.read_text().replace('"level": 40,', '"level": "40",'))
    with pytest.raises(ValueError, match="level"):
        torrent.build(tmp_path)
