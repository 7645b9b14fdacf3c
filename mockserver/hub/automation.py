"""Schedules and their workflows, policies, automated schedules and actions (H67, H112, H114).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import Any

from ..dialects.drf.call import Call
from ..dialects.drf.product import Hooks
from ..dialects.drf.views import item_schema
from ..dialects.drf.world import Row, World
from ..engine import parse_datetime_value
from ..errors import ApiError
from . import HUB, HubList

SCHEDULE_WORKFLOWS = "schedules/{parent_lookup_schedule}/workflows"
CRON = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


@HUB.resource(SCHEDULE_WORKFLOWS)
class ScheduleWorkflows(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        if existing is not None:
            return cleaned
        changes = {**cleaned, "schedule": call.parent["id"] if call.parent else None}
        if changes.get("queue") is None:  # the site's default queue, which must exist (H67)
            site = changes.get("site")
            queue = call.world.first("queues", lambda q: q.get("site") == site and q.get("name") == "default")
            if queue is None:
                raise ApiError(400, {"queue": ["Object with name=default does not exist."]})
            changes["queue"] = queue["id"]
        return changes


@HUB.resource("policies")
class Policies(Hooks):
    """``created`` is set once; a schedule runs in its site's time zone (H114)."""

    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        changes = dict(cleaned)
        if isinstance(changes.get("schedule"), dict) and not ((existing or {}).get("schedule") or {}).get("timezone"):
            site = call.world.get("sites", changes.get("site", (existing or {}).get("site"))) or {}
            changes["schedule"] = {**changes["schedule"], "timezone": site.get("timezone") or "UTC"}
        if existing is None:
            changes["created"] = call.world.now_text()
        return changes


@HUB.operation("automatedschedules_list")
def automated_schedules(call: Call) -> HubList:
    """One item per schedule and one per policy (H114)."""
    world = call.world
    items = []
    for schedule in world.rows("schedules"):
        first = next(iter(world.having(SCHEDULE_WORKFLOWS, "schedule", schedule["id"])), None)
        workflow = world.get("workflows", first.get("workflow")) if first else None
        site = world.get("sites", schedule.get("site"))
        space = world.get("spaces", schedule.get("space"))
        items.append({
            **{field: schedule.get(field) for field in CRON}, "enabled": schedule.get("enabled"),
            "name": schedule.get("name"), "schedule_type": "discovery", "discovery_id": schedule["id"],
            "discovery_name": schedule.get("name"), "discovery_managed_paths": schedule.get("managed_paths"),
            "discovery_workflow": workflow["name"] if workflow else None, "policy_id": None, "policy_name": None,
            "site_name": site["name"] if site else None, "spaces": [space["name"]] if space else [],
        })
    for policy in world.rows("policies"):
        cron = policy.get("schedule") or {}
        site = world.get("sites", policy.get("site"))
        spaces = [s["name"] for s in (world.get("spaces", pk) for pk in policy.get("spaces") or []) if s]
        items.append({
            **{field: cron.get(field) or "*" for field in CRON}, "enabled": policy.get("enabled"),
            "name": policy.get("name"), "schedule_type": "policy", "discovery_id": None, "discovery_name": None,
            "discovery_managed_paths": None, "discovery_workflow": None, "policy_id": policy["id"],
            "policy_name": policy.get("name"), "site_name": site["name"] if site else None, "spaces": spaces,
        })
    schema = world.spec.resolve(item_schema(call))
    return HubList([{k: item.get(k) for k in schema.get("properties", {})} for item in items])


# -- actions: PENDING until the simulated run ends at +d0+d (H112) -------------------------------------------------


def action_done(world: World, row: Row) -> bool:
    created = parse_datetime_value(row.get("_created"))
    if created is None:
        return True
    settings = world.state.settings
    duration = float(settings.hub_job_start_delay) + float(settings.hub_task_duration)
    return (world.now() - created).total_seconds() >= duration


@HUB.resource("actions")
class Actions(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        if existing is not None:
            return cleaned
        return {**cleaned, "user": (call.user or {}).get("id"), "_created": call.world.now_text()}


HUB.computes("actions", {
    "state": lambda world, row: "SUCCESS" if action_done(world, row) else "PENDING",
    "results": lambda world, row: {} if action_done(world, row) else None,
})
