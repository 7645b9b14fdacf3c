"""Jobs and tasks on the mock's clock (H77, H80, H81).

Nothing runs in the background. A job stores its schedule — run start ``t0``, ``started_at`` (= t0 + d0) and,
per task, ``start``/``finish`` in integer microseconds — and every state is computed from the clock when it is
read. Pausing records ``paused_at`` (the job's clock stops there); resuming shifts the remaining schedule by the
time spent paused; cancelling stamps the unfinished tasks. The one side effect, a file's new migration status,
is derived the same way: a read sees the stored statuses with the effects of the successful tasks finished by
now applied on top, in finish order (:func:`file_systems`); a write that changes or removes tasks first stores
those effects and marks the tasks applied (:func:`settle`). Reads never write.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..jsoncopy import copy_json
from .common import Row, now_us, parse_time, ref
from .outages import NEVER, Outages
from .sitefs import FileSystems, set_status

if TYPE_CHECKING:
    from ..state import MockState

DONE = ("SUCCESS", "FAILURE")
FINISHED = ("SUCCESS", "FAILURE", "CANCELLED")


@dataclass(frozen=True)
class Phase:
    state: str
    started: int | None
    completed: int | None


@dataclass(frozen=True)
class JobPhase(Phase):
    progress: int
    tasks: tuple[tuple[Row, Phase], ...]  # the current run's tasks with their phases


def job_clock(job: Row, now: int) -> int:
    """The instant a job's schedule has reached: the clock, stopped at ``paused_at`` while paused."""
    paused = job.get("paused_at")
    return now if paused is None else min(now, paused)


def task_phase(task: Row, job: Row | None, now: int) -> Phase:
    if "start" not in task:  # a row stored as-is (admin records): shown as stored
        return Phase(task.get("state") or "PENDING", parse_time(task.get("started")), parse_time(task.get("completed")))
    if task.get("cancelled") is not None:
        ran = bool(task.get("ran"))
        return Phase("CANCELLED", task["start"] if ran else None, task["cancelled"] if ran else None)
    at = job_clock(job, now) if job is not None and task.get("run") == job.get("run") else now
    if at < task["start"]:
        return Phase("PENDING", None, None)
    if at < task["finish"]:
        return Phase("STARTED", task["start"], None)
    return Phase(task["outcome"], task["start"], task["finish"])


def job_phase(job: Row, tasks: list[Row], now: int, outages: Outages | None = None) -> JobPhase:
    """The job at ``now``; with ``outages``, on the times the site's outages give its run (the phase's tasks are
    the moved copies)."""
    if outages is not None:
        job, tasks = outages.schedule(job, tasks)
    current = tuple((t, task_phase(t, job, now)) for t in sorted(tasks, key=lambda t: t["id"])
                    if t.get("run") == job.get("run"))
    finished = sum(1 for _, phase in current if phase.state in DONE)
    if "t0" not in job:
        state = job.get("state") or "PENDING"
        started, completed = parse_time(job.get("started")), parse_time(job.get("completed"))
    elif job.get("cancelled_at") is not None:
        state, started, completed = "CANCELLED", job.get("started_at"), job["cancelled_at"]
    elif job.get("paused_at") is not None:
        state, started, completed = "PAUSED", job["started_at"], None
    elif now < job["started_at"]:
        state, started, completed = "PENDING", None, None
    else:
        end = max((t["finish"] for t, _ in current), default=job["started_at"])
        failed = any(t["outcome"] != "SUCCESS" for t, _ in current)
        state = ("FAILURE" if failed else "SUCCESS") if now >= end else "STARTED"
        started, completed = job["started_at"], end if now >= end else None
    if current:
        progress = 100 * finished // len(current)
    else:
        progress = 100 if state in DONE else 0
    return JobPhase(state, started, completed, progress, current)


def tasks_by_job(state: MockState, job_ids: set[int] | None = None) -> dict[Any, list[Row]]:
    grouped: dict[Any, list[Row]] = defaultdict(list)  # keyed by each task's stored job
    for task in state.store.select("hub/tasks", lambda r: job_ids is None or r.get("job") in job_ids)[1]:
        grouped[task.get("job")].append(task)
    return grouped


def phase_of(state: MockState, job: Row) -> JobPhase:
    return job_phase(job, tasks_by_job(state, {job["id"]}).get(job["id"], []), now_us(state), Outages(state))


def task_phases(state: MockState, tasks: list[Row], now: int) -> dict[int, Phase]:
    """task id → its phase at ``now``, on the times the site's outages give it (which depend on the tasks of
    its run before it, read here when an outage touches its job)."""
    job_ids = {t.get("job") for t in tasks}
    jobs = {j["id"]: j for j in state.store.select("hub/jobs", lambda r: r["id"] in job_ids)[1]}
    outages = Outages(state)
    moved: dict[int, Row] = {}
    touched = {i for i, j in jobs.items() if j.get("site_id") in outages.sites}
    for job_id, run in tasks_by_job(state, touched).items() if touched else ():
        job, run = outages.schedule(jobs[job_id], run)
        jobs[job_id] = job
        moved.update((t["id"], t) for t in run)
    return {t["id"]: task_phase(moved.get(t["id"], t), jobs.get(t.get("job")), now) for t in tasks}


def bake(state: MockState, job: Row) -> Row:
    """Store the times the outages give the job's run (a fixed point: reads derive the same from them), before
    a write that reschedules or ends it; work still waiting for a site with no end in sight keeps its times.
    → the job as stored."""
    outages = Outages(state)
    if job.get("site_id") not in outages.sites:
        return job
    tasks = tasks_by_job(state, {job["id"]}).get(job["id"], [])
    moved, run = outages.schedule(job, tasks)
    for before, after in zip(tasks, run, strict=True):
        if after != before and after["start"] < NEVER:
            state.store.put("hub/tasks", after["id"], after)
    if moved.get("started_at") is not None and moved["started_at"] < NEVER and moved != job:
        job = state.store.put("hub/jobs", job["id"], moved)
    return job


# -- effects --------------------------------------------------------------------------------------------------


def due_tasks(state: MockState, now: int, pick: Callable[[Row], Any] = copy_json) -> list[Any]:
    """``pick(task)`` of each successful task finished by ``now`` whose file effects the store does not hold
    yet, in the order they take effect (finish, then id). The tasks and jobs are read in place, under the
    store's lock; ``pick`` copies what it keeps (the whole task by default)."""
    found: list[Any] = []
    outages = Outages(state)

    def read(tasks: list[Row]) -> list[Row]:
        pending = [t for t in tasks if t.get("effects") and not t.get("applied")]
        job_ids = {t["job"] for t in pending}
        jobs: dict[Any, Row] = {}
        if job_ids:
            state.store.select("hub/jobs", None, lambda rows: jobs.update(
                (j["id"], j) for j in rows if j["id"] in job_ids) or [])
        if outages.sites:  # the times the outages give the runs of the jobs they touch
            moved: dict[int, Row] = {}
            for job_id, job in list(jobs.items()):
                if job.get("site_id") in outages.sites:
                    jobs[job_id], run = outages.schedule(job, [t for t in tasks if t.get("job") == job_id])
                    moved.update((t["id"], t) for t in run)
            pending = [moved.get(t["id"], t) for t in pending]
        due = [t for t in pending if task_phase(t, jobs.get(t["job"]), now).state == "SUCCESS"]
        found.extend(pick(t) for t in sorted(due, key=lambda t: (t["finish"], t["id"])))
        return []

    state.store.select("hub/tasks", None, read)
    return found


def file_systems(state: MockState) -> FileSystems:
    """The sites' file systems as a read sees them now: the stored statuses, then the effects of the tasks due
    by now, exactly as :func:`settle` would store them. Nothing is written: a GET never changes the store."""
    effects = due_tasks(state, now_us(state), lambda t: (t.get("site_id"), copy_json(t["effects"])))
    return FileSystems(state, effects)


def settle(state: MockState) -> None:
    """Store the file effects of every successful task finished by now, oldest finish first, and mark them
    applied. Only writes call it (before changing tasks whose effects must not be lost); reads derive the same
    statuses with :func:`file_systems`."""
    with state.store.atomic():
        systems = FileSystems(state)
        for task in due_tasks(state, now_us(state)):
            site_id = task.get("site_id")
            site = ref(state, "sites", site_id)
            if site:
                fs = systems.of(site)
                for path, ops in task["effects"]:
                    node = fs.apply(path, ops)
                    if node is not None:
                        set_status(state, site_id, node, fs.changed[path])
            state.store.put("hub/tasks", task["id"], {**task, "applied": True})


# -- actions (H81) --------------------------------------------------------------------------------------------


def cancel(state: MockState, job: Row) -> Row:
    """PENDING, STARTED or PAUSED → CANCELLED now; unfinished tasks are stamped, finished ones keep their effects."""
    settle(state)
    job = bake(state, job)
    now = now_us(state)
    phase = phase_of(state, job)
    if phase.state not in ("PENDING", "STARTED", "PAUSED"):
        return job
    for task, task_now in phase.tasks:
        if task_now.state in ("PENDING", "STARTED") and "start" in task:
            state.store.put("hub/tasks", task["id"], {**task, "cancelled": now, "ran": task_now.state == "STARTED",
                                                      "applied": True})
    job = {**job, "cancelled_at": now, "started_at": phase.started}
    return state.store.put("hub/jobs", job["id"], job)


def pause(state: MockState, job: Row) -> Row:
    if phase_of(state, job).state != "STARTED":
        return job
    return state.store.put("hub/jobs", job["id"], {**job, "paused_at": now_us(state)})


def resume(state: MockState, job: Row) -> Row:
    """PAUSED → STARTED: what had not happened by the pause moves later by the time spent paused."""
    if phase_of(state, job).state != "PAUSED":
        return job
    job = bake(state, job)
    paused, now = job["paused_at"], now_us(state)
    shift = now - paused
    for task in tasks_by_job(state, {job["id"]}).get(job["id"], []):
        if task.get("run") == job.get("run") and "start" in task and task["finish"] > paused:
            start = task["start"] + shift if task["start"] > paused else task["start"]
            state.store.put("hub/tasks", task["id"], {**task, "start": start, "finish": task["finish"] + shift})
    return state.store.put("hub/jobs", job["id"], {**job, "paused_at": None})
