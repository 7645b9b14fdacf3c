"""Jobs, tasks and jobstats as the API shows them at one instant — the job representation (H76), tasks (H78),
jobstats (H86), task files (H88) — and the task and jobstat routes.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import Any

from . import HubCall, HubList, HubReply, domain
from .common import Row, detail_row, iso_z, not_found, now_us, seconds, table
from .lifecycle import JobPhase, Phase, task_phases
from .plans import result
from .queries import argument, row_filter

JOBSTAT_STATES = {"processed": "SUCCESS", "failures": "FAILURE", "skipped": "SKIPPED"}
TASK_LIST_FIELDS = ("url", "id", "task_id", "tasktype", "state", "started", "job", "site", "parents",
                    "dynamic_parents")


def runtime(started: int | None, completed: int | None) -> float | None:
    return seconds(completed - started) if started is not None and completed is not None else None


def job_body(base: str, job: Row, phase: JobPhase) -> dict[str, Any]:
    return {
        "url": f"{base}/jobs/{job['id']}/", "id": job["id"], "workflow": job.get("workflow"), "state": phase.state,
        "site": job.get("site"), "queue": job.get("queue"), "owner": job.get("owner"),
        "clientkey": job.get("clientkey"), "schedule": job.get("schedule"),
        "created": iso_z(job["created_us"]) if "created_us" in job else job.get("created"),
        "started": iso_z(phase.started), "completed": iso_z(phase.completed),
        "runtime": runtime(phase.started, phase.completed), "paths": job.get("paths") or [],
        "fields": job.get("fields", {}), "discovery": job.get("discovery"), "tasks_count": len(phase.tasks),
        "progress": phase.progress,
    }


def task_body(base: str, task: Row, phase: Phase, listed: bool = False) -> dict[str, Any]:
    """The published task shape (4.8); list items keep the reference's list fields, in the same order."""
    finished = phase.state in ("SUCCESS", "FAILURE") and "entries" in task
    started = phase.started if finished else None  # a finished simulated task has started
    body = {
        "url": f"{base}/tasks/{task['id']}/", "id": task["id"], "task_id": task.get("task_id"),
        "tasktype": task.get("tasktype"), "state": phase.state, "started": iso_z(phase.started),
        "completed": iso_z(phase.completed), "runtime": runtime(phase.started, phase.completed),
        "job": task.get("job"), "site": task.get("site"), "paths": f"{base}/tasks/{task['id']}/files/",
        "parents": [], "dynamic_parents": [],
        "result": result(task, started) if started is not None else task.get("result"), "friendly_name": None,
    }
    return {k: body[k] for k in TASK_LIST_FIELDS} if listed else body


def entry_state(kind: str, phase: Phase) -> str:
    """A task file's state (H88): its outcome once the task has finished."""
    if phase.state == "CANCELLED":
        return "aborted"
    return kind if phase.state in ("SUCCESS", "FAILURE") else "inprogress"


def jobstat_state(kind: str | None, phase: Phase | None) -> str:
    """A jobstat follows its task: PENDING, STARTED, then its outcome, or CANCELLED."""
    if phase is None:
        return "PENDING"
    if phase.state in ("SUCCESS", "FAILURE"):
        return JOBSTAT_STATES.get(kind or "", phase.state)
    return phase.state


def jobstat_body(base: str, stat: Row, phase: Phase | None, listed: bool = True) -> dict[str, Any]:
    state = jobstat_state(stat.get("kind"), phase) if "kind" in stat else stat.get("state")
    body = {"code": stat.get("code"), "id": stat["id"], "job": stat.get("job"), "message": stat.get("message"),
            "path": stat.get("path"), "state": state, "task": stat.get("task")}
    return {**body, "url": f"{base}/jobstats/{stat['id']}/"} if listed else body


def phases(call: HubCall, tasks: list[Row]) -> dict[int, Phase]:
    return task_phases(call.state, tasks, now_us(call.state))


@domain("tasks_list")
def tasks_list(call: HubCall) -> HubList:
    accept = row_filter(call, "tasks")  # on the task as listed: its phase's state (H86)
    found = table(call.state, "tasks").list()[1]
    now_of = phases(call, found)
    return HubList([task_body(call.base_url, t, now_of[t["id"]], listed=True) for t in found
                    if accept({**t, "state": now_of[t["id"]].state})])


def task_of(call: HubCall) -> tuple[Row, Phase]:
    task = detail_row(call.state, "tasks", call.path_params.get("id"), "Task")
    return task, phases(call, [task])[task["id"]]


@domain("tasks_retrieve")
def tasks_retrieve(call: HubCall) -> HubReply:
    task, phase = task_of(call)
    return HubReply(200, task_body(call.base_url, task, phase))


@domain("tasks_files_list")
def tasks_files_list(call: HubCall) -> HubList:
    """H88: the task's per-path entries, each in its outcome's category once the task has finished."""
    task, phase = task_of(call)
    state, kind, site = (argument(call.query, name) for name in ("state", "type", "site"))
    if site is not None and site != task.get("site"):
        return HubList([])
    items = [{"path": e["path"], "type": e["type"], "size": e["size"], "state": entry_state(e["kind"], phase)}
             for e in task.get("entries") or []]
    return HubList([i for i in items if (state is None or i["state"] == state) and (kind is None or i["type"] == kind)])


def jobstat_rows(call: HubCall, found: list[Row], listed: bool) -> list[dict]:
    wanted = {s.get("task") for s in found}
    tasks = {t["id"]: t for t in table(call.state, "tasks").list(lambda r: r["id"] in wanted)[1]}
    now_of: dict[Any, Phase] = phases(call, list(tasks.values()))  # asked with each jobstat's stored task
    return [jobstat_body(call.base_url, s, now_of.get(s.get("task")), listed) for s in found]


@domain("jobstats_list")
def jobstats_list(call: HubCall) -> HubList:
    accept = row_filter(call, "jobstats")  # on the stat as listed: its state (H87)
    found = table(call.state, "jobstats").list()[1]
    return HubList([body for row, body in zip(found, jobstat_rows(call, found, listed=True), strict=True)
                    if accept({**row, "state": body["state"]})])


@domain("jobstats_retrieve")
def jobstats_retrieve(call: HubCall) -> HubReply:
    stat = detail_row(call.state, "jobstats", call.path_params.get("id"), "JobStat")
    return HubReply(200, jobstat_rows(call, [stat], listed=False)[0])


@domain("jobstats_history_retrieve")
def jobstats_history_retrieve(call: HubCall) -> HubReply:
    """The view's filters apply to its object, as DRF's get_object filters the queryset first (H86): a malformed
    value is a 400 naming the param, a stat the filters leave out is not found."""
    accept = row_filter(call, "jobstats")
    stat = detail_row(call.state, "jobstats", call.path_params.get("id"), "JobStat")
    body = jobstat_rows(call, [stat], listed=False)[0]
    if not accept({**stat, "state": body["state"]}):
        raise not_found("JobStat")
    return HubReply(200, body)

