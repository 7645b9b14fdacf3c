"""Settings tasks (H91), global settings (H92), site settings (H93), site refresh (H94) and site health (H95).

Every change answers 202 with a settingstask per affected site (D15, H91). Settings take effect at once: the
settingstask reports the push to the sites, it does not gate it. Global settings are pushed to every site's
settings when they change (4.6: global settings are pushed to every site).
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from . import HubCall, HubList, HubReply, domain
from .common import (
    Row,
    configuration,
    detail_row,
    field_error,
    iso_z,
    new_uuid,
    now_us,
    ref,
    rng,
    rows,
    start_delay_us,
    table,
    task_duration_us,
)
from .lifecycle import settle
from .outages import Outages, heartbeat_us
from .queries import argument, row_filter
from .sitefs import FileSystems
from .tasks import runtime

if TYPE_CHECKING:
    from ..state import MockState

APPLY, REFRESH = "dynamo.tasks.settings.apply", "dynamo.tasks.settings.refresh"


# -- settingstasks (H91): on the clock like a task, PENDING → STARTED at +d0 → SUCCESS at +d0+d ------------

TASK_LIST_FIELDS = ("id", "job", "site", "started", "state", "task_id", "tasktype", "url")


def create_settingstask(state: MockState, site: str, tasktype: str, request: Any, job: int | None = None) -> str:
    """A settingstask for one site, starting now; → its uuid (the value of a 202 body's entry)."""
    tasks = table(state, "settingstasks")
    now = now_us(state)
    start = now + start_delay_us(state)
    pk = tasks.allocate_id()
    uuid = new_uuid(rng(state, "settingstask", pk))
    tasks.create({"task_id": uuid, "tasktype": tasktype, "site": site, "job": job,
                  "request": request if isinstance(request, dict) else {}, "created_us": now, "start": start,
                  "finish": start + task_duration_us(state)}, pk=pk)
    return uuid


def task_map(state: MockState, sites: list[Row], tasktype: str, request: Any) -> dict[str, str]:
    """The 202 body of D15: ``{"<site name>": "<task uuid>"}``, a settingstask per site."""
    return {site["name"]: create_settingstask(state, site["name"], tasktype, request) for site in sites}


def settingstask_phase(row: Row, now: int) -> tuple[str, int | None, int | None]:
    if "start" not in row:  # stored as-is (admin records)
        return row.get("state") or "PENDING", None, None
    if now < row["start"]:
        return "PENDING", None, None
    if now < row["finish"]:
        return "STARTED", row["start"], None
    return "SUCCESS", row["start"], row["finish"]


def settingstask_body(base: str, row: Row, now: int, listed: bool) -> dict[str, Any]:
    state, started, completed = settingstask_phase(row, now)
    full = {
        "completed": iso_z(completed) if "start" in row else row.get("completed"), "friendly_name": None,
        "id": row["id"], "job": row.get("job"), "request": row.get("request") or {},
        "results": {} if state == "SUCCESS" else None, "runtime": runtime(started, completed),
        "site": row.get("site"), "started": iso_z(started) if "start" in row else row.get("started"),
        "state": state, "task_id": row.get("task_id"), "tasktype": row.get("tasktype"),
        "url": f"{base}/settingstasks/{row['id']}/",
    }
    return {k: full[k] for k in TASK_LIST_FIELDS} if listed else full


@domain("settingstasks_list")
def settingstasks_list(call: HubCall) -> HubList:
    now = now_us(call.state)
    accept = row_filter(call, "settingstasks")  # on the task as listed, with its stored job
    found = table(call.state, "settingstasks").list()[1]
    items = [(row, settingstask_body(call.base_url, row, now, listed=True)) for row in found]
    return HubList([item for row, item in items if accept({**item, "job": row.get("job")})])


@domain("settingstasks_retrieve")
def settingstasks_retrieve(call: HubCall) -> HubReply:
    row = detail_row(call.state, "settingstasks", call.path_params.get("id"), "SettingsTask")
    return HubReply(200, settingstask_body(call.base_url, row, now_us(call.state), listed=False))


# -- settings ---------------------------------------------------------------------------------------------------


def setting_body(row: Row) -> dict[str, Any]:
    return {"desc": row.get("desc"), "id": row["id"], "key": row.get("key"), "value": row.get("value")}


def site_rows(call: HubCall, site: Row) -> list[Row]:
    return [r for r in rows(call.state, "site_settings")
            if (ref(call.state, "sites", r.get("site")) or {}).get("id") == site["id"]]


def changes(call: HubCall) -> list[tuple[str, Any]]:
    """The ``values`` of a settings PATCH as (key, value) pairs; errors as DRF lists them (H55, H58)."""
    body = call.body if isinstance(call.body, dict) else {}
    values = body.get("values")
    if values is None:
        raise field_error("values", "This field may not be null." if "values" in body else "This field is required.")
    if not isinstance(values, list):
        raise field_error("values", f'Expected a list of items but got type "{type(values).__name__}".')
    errors: list[dict] = []
    for item in values:
        if not isinstance(item, dict):
            kind = type(item).__name__
            errors.append({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]})
        elif not isinstance(item.get("key"), str) or not item["key"].strip():
            errors.append({"key": ["This field may not be blank." if isinstance(item.get("key"), str)
                                   else "This field is required."]})
        else:
            errors.append({})
    if any(errors):
        raise ApiError(400, {"values": errors})
    return [(item["key"].strip(), item.get("value")) for item in values]


def upsert(resource: str, existing: list[Row], key: str, value: Any, call: HubCall, extra: dict | None = None,
           desc: str = "") -> None:
    """Set ``key`` to ``value`` among ``existing`` rows; a null value removes the key."""
    settings = table(call.state, resource)
    found = next((r for r in existing if r.get("key") == key), None)
    if value is None:
        if found:
            settings.delete([found["id"]])
            existing.remove(found)
    elif found:
        found["value"] = value
        settings.save(found)
    else:
        existing.append(settings.create({"desc": desc, "key": key, "value": value, **(extra or {})}))


def push(call: HubCall, site: Row, pairs: list[tuple[str, Any]], only_missing: bool = False) -> None:
    globals_by_key = {r.get("key"): r for r in rows(call.state, "settings")}
    existing = site_rows(call, site)
    have = {r.get("key") for r in existing}
    for key, value in pairs:
        if not (only_missing and key in have):
            upsert("site_settings", existing, key, value, call, {"site": site["id"]},
                   (globals_by_key.get(key) or {}).get("desc") or "")


@domain("settings_list")
def settings_list(call: HubCall) -> HubList:
    return HubList([setting_body(r) for r in table(call.state, "settings").list()[1]])


@domain("settings_partial_update")
def settings_partial_update(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        pairs = changes(call)
        existing = rows(call.state, "settings")
        for key, value in pairs:
            upsert("settings", existing, key, value, call)
        sites = rows(call.state, "sites")
        for site in sites:
            push(call, site, pairs)
        return HubReply(202, task_map(call.state, sites, APPLY, call.body))


@domain("settings_sync_create")
def settings_sync_create(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        name = argument(call.query, "site")
        sites = rows(call.state, "sites")
        if name is not None:
            sites = [s for s in sites if s.get("name") == name]
            if not sites:
                raise field_error("site", f"Object with name={name} does not exist.")
        pairs = [(r["key"], r.get("value")) for r in rows(call.state, "settings")]
        for site in sites:
            push(call, site, pairs)
        return HubReply(202, task_map(call.state, sites, APPLY, {}))


def site_of(call: HubCall) -> Row:
    return detail_row(call.state, "sites", call.path_params.get("id"), "Site")


@domain("sites_settings_list")
def sites_settings_list(call: HubCall) -> HubList | HubReply:
    found = sorted(site_rows(call, site_of(call)), key=lambda r: r["id"])
    if argument(call.query, "flat", "boolean"):
        return HubReply(200, {r.get("key"): r.get("value") for r in found})
    return HubList([setting_body(r) for r in found])


@domain("sites_settings_partial_update")
def sites_settings_partial_update(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        site = site_of(call)
        pairs = changes(call)
        existing = site_rows(call, site)
        for key, value in pairs:
            upsert("site_settings", existing, key, value, call, {"site": site["id"]})
        return HubReply(202, task_map(call.state, [site], APPLY, call.body))


@domain("sites_settings_refresh_create")
def sites_settings_refresh_create(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        site = site_of(call)
        push(call, site, [(r["key"], r.get("value")) for r in rows(call.state, "settings")], only_missing=True)
        return HubReply(202, task_map(call.state, [site], REFRESH, {}))


@domain("sites_refresh_create")
def sites_refresh_create(call: HubCall) -> HubReply:
    """H94: the site's stored file counts are recounted from its file system."""
    with call.state.store.atomic():
        site = site_of(call)
        settle(call.state)
        table(call.state, "sites").save({**site, **FileSystems(call.state).of(site).counts()})
        return HubReply(202, task_map(call.state, [site], "dynamo.tasks.site.refresh", {}))


def node_online(state: Any, node: Row, outages: Outages) -> bool:
    """H96: heard from within ``node_health_last_heartbeat_interval``; seeded nodes heartbeat live until a client
    sets ``last_heartbeat`` (the dialect's stored flag ``_live_heartbeat``) or a scenario stops it."""
    heard = heartbeat_us(node, now_us(state), outages)
    interval = configuration(state, "node_health_last_heartbeat_interval", 120)  # an int too large for float()
    return heard is not None and now_us(state) - heard <= interval * 1_000_000


@domain("sites_health_retrieve")
def sites_health_retrieve(call: HubCall) -> HubReply:
    site = site_of(call)
    nodes = [n for n in table(call.state, "nodes").list()[1]
             if (ref(call.state, "sites", n.get("site")) or {}).get("id") == site["id"]]
    outages = Outages(call.state)
    shown = [{"name": n.get("name"), "health": "ok" if on else "critical", "online": on}
             for n in nodes for on in [node_online(call.state, n, outages)]]
    online = sum(1 for n in shown if n["online"])
    health = "ok" if shown and online == len(shown) else "warning" if online else "critical"
    return HubReply(200, {"site": site["name"], "health": health, "nodes": shown})
