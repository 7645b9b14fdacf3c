"""The Torrent Suite seeds: regenerable, sized as documented, the example first, every row as the contract says."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from mockserver.seedgen import torrent as seedgen

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = json.loads((ROOT / "mockserver" / "openapi" / "torrent.json").read_text(encoding="utf-8"))
SEEDS = seedgen.generate(CONTRACT)
RESOURCES = ["filemonitor", "compositedatamanagement", "PluginResultJob", "message"]
TOTALS = {"filemonitor": 8, "compositedatamanagement": 6, "PluginResultJob": 15, "message": 6}
FIRST_IDS = {"filemonitor": 9, "compositedatamanagement": 5, "PluginResultJob": 19, "message": 23}


def to_json_schema(schema):
    """OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes a "null" type alternative."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: to_json_schema(value) for key, value in schema.items() if key != "nullable"}
    if schema.get("nullable") and "type" in schema:
        converted["type"] = [schema["type"], "null"]
    return converted


def validator(resource: str) -> Draft202012Validator:
    name = CONTRACT["x-resources"][resource]["schema"]
    return Draft202012Validator(to_json_schema(CONTRACT["components"]["schemas"][name]),
                                format_checker=FormatChecker())


def test_generate_covers_every_contract_resource():
    assert list(SEEDS) == list(CONTRACT["x-resources"]) == RESOURCES


@pytest.mark.parametrize("resource", RESOURCES)
def test_seed_files_equal_a_fresh_generation(resource):
    on_disk = (ROOT / "mockserver" / "seed_data" / "torrent" / f"{resource}.json").read_text(encoding="utf-8")
    assert on_disk == json.dumps(SEEDS[resource], ensure_ascii=False, indent=2) + "\n"
    assert on_disk == seedgen.render(SEEDS[resource])


def test_generation_is_deterministic_and_pure():
    before = json.dumps(CONTRACT)
    assert seedgen.generate(CONTRACT) == seedgen.generate(CONTRACT)
    assert json.dumps(CONTRACT) == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_each_resource_holds_the_documented_total_count(resource):
    assert len(SEEDS[resource]) == TOTALS[resource] == CONTRACT["x-resources"][resource]["total_count"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_documented_example_is_first_by_id_and_verbatim(resource):
    rows = SEEDS[resource]
    example = CONTRACT["x-resources"][resource]["example"]
    assert rows[0] == example
    assert list(rows[0]) == list(example)
    ids = [row["id"] for row in rows]
    assert ids == sorted(set(ids))
    assert ids == list(range(FIRST_IDS[resource], FIRST_IDS[resource] + TOTALS[resource]))


@pytest.mark.parametrize("resource", RESOURCES)
def test_limit_1_in_default_order_gives_the_documented_response(resource):
    rows = sorted(SEEDS[resource], key=lambda row: row["id"])
    info = CONTRACT["x-resources"][resource]
    meta = {"limit": 1, "next": f"/rundb/api/v1/{resource}/?offset=1&limit=1&format=json", "offset": 0,
            "previous": None, "total_count": len(rows)}
    assert {"meta": meta, "objects": rows[:1]} == {"meta": info["example_meta"], "objects": [info["example"]]}


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_row_matches_its_contract_schema(resource):
    check = validator(resource)
    for row in SEEDS[resource]:
        errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in check.iter_errors(row)]
        assert errors == [], f"row {row['id']}"
        assert row["resource_uri"] == f"/rundb/api/v1/{resource}/{row['id']}/"


@pytest.mark.parametrize("resource", RESOURCES)
def test_rows_keep_the_example_key_order(resource):
    order = list(CONTRACT["x-resources"][resource]["example"])
    for row in SEEDS[resource]:
        assert list(row) == [key for key in order if key in row]


def test_the_contract_validator_rejects_a_misrepresented_row():
    row = dict(SEEDS["filemonitor"][1], size=24174499)
    assert not validator("filemonitor").is_valid(row)
    row = dict(SEEDS["message"][1], time="2017-05-02T12:31:56.843000+00:00")
    assert not validator("message").is_valid(row)


def test_composite_seed_covers_the_file_set_cases():
    rows = SEEDS["compositedatamanagement"]
    prefixes = ("sigproc", "basecall", "output", "misc")
    sets = [(row, p) for row in rows for p in prefixes]
    assert any(row[f"{p}_state"] == "Archived" and row[f"{p}_keep"] is None for row, p in sets)
    assert any(row[f"{p}_state"] == "Unknown" and row[f"{p}_keep"] is None and f"{p}_diskspace" not in row
               for row, p in sets)
    assert any(row["in_process"] for row in rows)
    assert {row["sigproc_keep"] for row in rows} >= {True, False}


def test_composite_in_process_follows_the_file_set_states():
    busy = {"Archiving", "Deleting", "Exporting", "Archive Pending", "Export Pending", "Delete Pending", "Importing"}
    for row in SEEDS["compositedatamanagement"]:
        states = {row[f"{p}_state"] for p in ("sigproc", "basecall", "output", "misc")}
        assert row["in_process"] is bool(states & busy), row["id"]


def test_running_plugin_jobs_have_no_end_time():
    for row in SEEDS["PluginResultJob"]:
        if row["state"] in ("Started", "Queued", "Pending"):
            assert row["endtime"] is None
        if row["starttime"] and row["endtime"]:
            assert row["starttime"] < row["endtime"]


def test_plugin_config_is_always_an_object():
    assert all(isinstance(row["config"], dict) for row in SEEDS["PluginResultJob"])


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2014, 5, 8, 19, 25, 27, 843000, tzinfo=UTC), "2014-05-08T19:25:27.000843+00:00"),
    (datetime(2014, 5, 8, 19, 25, 27, 843, tzinfo=UTC), "2014-05-08T19:25:27+00:00"),
    (datetime(2000, 1, 1, tzinfo=UTC), "2000-01-01T00:00:00+00:00"),
])
def test_datetimes_are_rendered_as_the_server_does(moment, text):
    assert seedgen.render_datetime(moment) == text
