"""The Hub's jobs and their tasks on the mock's clock (``GET /__mock__/timeline``), for the dashboard's timeline.

Each job and task is shown as the Hub would answer for it now (:mod:`mockserver.hub.lifecycle`), on the times
the failure scenarios give it (:mod:`mockserver.hub.outages`): a task's ``start`` and ``finish`` are when it runs
or ran, ``null`` while it waits for a site with no node online and no end in sight. A job is ``held`` when its
scheduled start has passed and it is still ``PENDING``: a ``node_offline`` scenario keeps its site down.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..hub.common import iso_z, now_us
from ..hub.lifecycle import job_phase, tasks_by_job
from ..hub.outages import NEVER, Outages

if TYPE_CHECKING:
    from ..state import MockState

MAX_JOBS = 200  # the newest; a page would not show more


class NoTimeline(LookupError):
    """This mock keeps no Hub jobs: it does not serve the Hub, or it is a proxy (the upstream keeps them)."""


def timeline(state: MockState) -> dict[str, Any]:
    """``{"now", "jobs": [...]}``, newest job first."""
    if "hub" not in getattr(state, "bindings", {}):
        raise NoTimeline("the timeline shows the Hub's jobs: serve the hub API (--api hub); a proxy keeps none")
    with state.store.lock:
        now = now_us(state)
        jobs = state.store.select("hub/jobs", lambda r: True)[1]
        jobs = sorted(jobs, key=lambda j: (j.get("created_us", 0), j["id"]), reverse=True)[:MAX_JOBS]
        grouped = tasks_by_job(state, {j["id"] for j in jobs})
        outages = Outages(state)
        shown = [_job(job, grouped.get(job["id"], []), now, outages) for job in jobs]
    return {"now": iso_z(now), "jobs": shown}


def _at(us: int | None) -> str | None:
    return None if us is None or us >= NEVER else iso_z(us)


def _job(job: dict[str, Any], tasks: list[dict[str, Any]], now: int, outages: Outages) -> dict[str, Any]:
    phase = job_phase(job, tasks, now, outages)
    moved, _ = outages.schedule(job, tasks)
    scheduled = job.get("started_at")
    return {
        "id": job["id"], "workflow": job.get("workflow"), "site": job.get("site"), "state": phase.state,
        "created": _at(job.get("created_us")), "scheduled_start": _at(scheduled),
        "start": _at(moved.get("started_at")), "started": _at(phase.started), "completed": _at(phase.completed),
        "progress": phase.progress,
        "held": phase.state == "PENDING" and scheduled is not None and scheduled <= now,
        "tasks": [_task(task, task_phase) for task, task_phase in phase.tasks],
    }


def _task(task: dict[str, Any], phase: Any) -> dict[str, Any]:
    failures = [e for e in task.get("entries") or [] if e.get("kind") == "failures"]
    return {
        "id": task["id"], "input": task.get("input"), "tasktype": task.get("tasktype"), "state": phase.state,
        "start": _at(task.get("start")), "finish": _at(task.get("finish")),
        "started": _at(phase.started), "completed": _at(phase.completed),
        "error": ({"code": failures[0].get("code"), "message": failures[0].get("message")}
                  if failures and phase.state == "FAILURE" else None),
    }
