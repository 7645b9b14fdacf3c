"""Settings tasks (H91): the background work a 202 answer reports, one per affected site, on the clock like a
task — ``PENDING``, ``STARTED`` at +d0, ``SUCCESS`` at +d0+d — computed when read."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import HubCall, HubList, HubReply, domain
from .common import Row, detail_row, duration_us, iso_z, new_uuid, now_us, q_int, q_list, q_str, rng, table
from .shapes import runtime

if TYPE_CHECKING:
    from ..state import MockState

LIST_FIELDS = ("id", "job", "site", "started", "state", "task_id", "tasktype", "url")


def create_settingstask(state: MockState, site: str, tasktype: str, request: Any, job: int | None = None) -> str:
    """A settingstask for one site, starting now; → its uuid (the value of a 202 body's entry)."""
    tasks = table(state, "settingstasks")
    now = now_us(state)
    start = now + duration_us(state, "hub_job_start_delay")
    pk = tasks.allocate_id()
    uuid = new_uuid(rng(state, "settingstask", pk))
    tasks.create({"task_id": uuid, "tasktype": tasktype, "site": site, "job": job,
                  "request": request if isinstance(request, dict) else {}, "created_us": now, "start": start,
                  "finish": start + duration_us(state, "hub_task_duration")}, pk=pk)
    return uuid


def task_map(state: MockState, sites: list[Row], tasktype: str, request: Any) -> dict[str, str]:
    """The 202 body of D15: ``{"<site name>": "<task uuid>"}``, a settingstask per site."""
    return {site["name"]: create_settingstask(state, site["name"], tasktype, request) for site in sites}


def phase(row: Row, now: int) -> tuple[str, int | None, int | None]:
    if "start" not in row:  # stored as-is (admin records)
        return row.get("state") or "PENDING", None, None
    if now < row["start"]:
        return "PENDING", None, None
    if now < row["finish"]:
        return "STARTED", row["start"], None
    return "SUCCESS", row["start"], row["finish"]


def body(base: str, row: Row, now: int, listed: bool) -> dict[str, Any]:
    state, started, completed = phase(row, now)
    full = {
        "completed": iso_z(completed) if "start" in row else row.get("completed"), "friendly_name": None,
        "id": row["id"], "job": row.get("job"), "request": row.get("request") or {},
        "results": {} if state == "SUCCESS" else None, "runtime": runtime(started, completed),
        "site": row.get("site"), "started": iso_z(started) if "start" in row else row.get("started"),
        "state": state, "task_id": row.get("task_id"), "tasktype": row.get("tasktype"),
        "url": f"{base}/settingstasks/{row['id']}/",
    }
    return {k: full[k] for k in LIST_FIELDS} if listed else full


@domain("settingstasks_list")
def settingstasks_list(call: HubCall) -> HubList:
    now = now_us(call.state)
    tasktype, states, job = q_str(call.query, "tasktype"), q_list(call.query, "state"), q_int(call.query, "job_id")
    items = [body(call.base_url, row, now, listed=True) for row in table(call.state, "settingstasks").list()[1]
             if (job is None or row.get("job") == job)]
    return HubList([i for i in items if (tasktype is None or i["tasktype"] == tasktype)
                    and (not states or i["state"] in states)])


@domain("settingstasks_retrieve")
def settingstasks_retrieve(call: HubCall) -> HubReply:
    row = detail_row(call.state, "settingstasks", call.path_params.get("id"), "SettingsTask")
    return HubReply(200, body(call.base_url, row, now_us(call.state), listed=False))
