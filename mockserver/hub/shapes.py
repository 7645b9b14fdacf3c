"""Representations of jobs (H76), tasks (H78), jobstats (H86) and task files (H88) at one instant."""
from __future__ import annotations

from typing import Any

from .common import Row, iso_z, seconds
from .lifecycle import JobPhase, Phase, task_phase
from .plans import result

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
    body = {
        "url": f"{base}/tasks/{task['id']}/", "id": task["id"], "task_id": task.get("task_id"),
        "tasktype": task.get("tasktype"), "state": phase.state, "started": iso_z(phase.started),
        "completed": iso_z(phase.completed), "runtime": runtime(phase.started, phase.completed),
        "job": task.get("job"), "site": task.get("site"), "paths": f"{base}/tasks/{task['id']}/files/",
        "parents": [], "dynamic_parents": [],
        "result": result(task, phase.started) if finished else task.get("result"), "friendly_name": None,
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
        return JOBSTAT_STATES.get(kind, phase.state)
    return phase.state


def jobstat_body(base: str, stat: Row, phase: Phase | None, listed: bool = True) -> dict[str, Any]:
    state = jobstat_state(stat.get("kind"), phase) if "kind" in stat else stat.get("state")
    body = {"code": stat.get("code"), "id": stat["id"], "job": stat.get("job"), "message": stat.get("message"),
            "path": stat.get("path"), "state": state, "task": stat.get("task")}
    return {**body, "url": f"{base}/jobstats/{stat['id']}/"} if listed else body


def phases_of_tasks(tasks: list[Row], jobs: dict[int, Row], now: int) -> dict[int, Phase]:
    return {t["id"]: task_phase(t, jobs.get(t.get("job")), now) for t in tasks}
