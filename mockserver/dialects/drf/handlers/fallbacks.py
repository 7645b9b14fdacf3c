"""Stand-ins for the domain operations (files, jobs, search, settings tasks) while no ``mockserver.hub``
module serves them: a valid request still gets a documented status and a body the contract accepts, built
from the stored rows, the published example or the schema. Global settings (H92) are applied for real."""
from __future__ import annotations

from typing import Any

from ....hub import HubList, HubReply
from ..call import Call
from ..hooks import operation
from ..http import require_object
from ..views import destroy, item_schema, list_view, retrieve
from ..writes import clean_body
from .estate import new_uuid


def default_for(call: Call, schema: dict[str, Any] | None) -> Any:
    """The simplest value a schema accepts: required fields filled in, nulls where allowed."""
    schema = call.world.spec.resolve(schema or {})
    if schema.get("nullable"):
        return None
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return default_for(call, schema[key][0])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: default_for(call, props[name]) for name in schema.get("required", []) if name in props}
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    return {"string": "", "integer": 0, "number": 0, "boolean": False, "array": []}.get(kind or "", {})


def task_map(call: Call, sites: list[dict[str, Any]]) -> HubReply:
    """``{"<site name>": "<task uuid>"}`` per site affected (D15)."""
    now = call.world.now_text()
    return HubReply(call.op.status, {site["name"]: new_uuid(call, call.op.op_id, site["name"], now) for site in sites})


def stand_in(call: Call) -> Any:
    op, world = call.op, call.world
    if op.method == "DELETE":
        return destroy(call)
    if item_schema(call) is not None:
        return list_view(call) if call.route.kind == "list" else HubList([])
    response = world.spec.resolve(op.response or {})
    own = world.spec.resources.get(call.resource or "", {}).get("schema")
    if call.obj is not None and op.response == {"$ref": f"#/components/schemas/{own}"}:
        return retrieve(call)
    if response == world.spec.schema("TaskMap"):
        site = call.obj if call.resource == "sites" else None
        return task_map(call, [site] if site else world.rows("sites"))
    if isinstance(call.body, dict) and op.request is not None:
        body = clean_body(world, call.resource, op.request, require_object(call.body))
        answer = default_for(call, response)
        if isinstance(answer, dict):
            answer.update({k: v for k, v in body.items() if k in response.get("properties", {})})
        return HubReply(op.status, answer)
    return HubReply(op.status, op.example if isinstance(op.example, dict) else default_for(call, response))


for _op_id in (
    "analytics_list", "external_targets_files_retrieve", "file_retrieve", "file_workflow_create", "filesets_list",
    "jobs_create", "jobs_cancel_create", "jobs_pause_create", "jobs_resume_create", "jobs_resubmit_create",
    "jobs_files_list", "jobs_progress_retrieve", "jobs_statistics_retrieve", "jobs_stats_retrieve",
    "jobs_jobtype_choices_list", "jobs_recent_list", "jobstats_history_retrieve", "policies_run_create",
    "schedules_run_create", "search_create", "search_retrieve", "search_metadata_fields_list",
    "search_metadata_partial_update", "settings_sync_create", "sites_health_retrieve", "sites_refresh_create",
    "sites_settings_partial_update", "sites_settings_refresh_create", "spaces_files_retrieve", "tasks_files_list",
):
    operation(_op_id, fallback=True)(stand_in)


@operation("sites_settings_list", fallback=True)
def site_settings(call: Call) -> Any:
    rows = call.world.having("site_settings", "site", call.obj["id"])
    if call.query.get("flat") in ("true", "True", "1"):
        return HubReply(200, {r["key"]: r.get("value") for r in rows})
    return HubList([call.render(r, item_schema(call), "settings") for r in rows])


@operation("settings_partial_update", fallback=True)
def update_settings(call: Call) -> HubReply:
    """Create, change or (``value`` null) delete global settings; 202 for every site (H92)."""
    body = clean_body(call.world, "settings", call.op.request, require_object(call.body))
    collection = call.world.collection("settings")
    for entry in body["values"]:
        current = call.world.find("settings", "key", entry["key"])
        if entry.get("value") is None:
            if current is not None:
                collection.delete([current["id"]])
        elif current is not None:
            collection.update(current["id"], {"value": entry["value"]})
        else:
            collection.create({"key": entry["key"], "value": entry["value"], "desc": None})
        call.world.changed()
    return task_map(call, call.world.rows("sites"))
