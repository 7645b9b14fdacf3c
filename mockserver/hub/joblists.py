"""Reading jobs: ``GET jobs/`` with its filters and ``stats`` (H82, H83), ``jobs/stats/``, ``jobs/recent/``,
``jobs/jobtype_choices/`` (H84) and the per-job views ``progress/``, ``statistics/``, ``files/`` (H85).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from . import HubCall, HubList, HubReply, domain
from .common import Row, choice_error, detail_row, iso_z, now_us, rows, table, to_dt
from .lifecycle import JobPhase, job_phase, phase_of, task_phases, tasks_by_job
from .outages import Outages
from .queries import argument, row_filter
from .tasks import job_body, jobstat_body, jobstat_state

CATEGORIES = {"processed": ("SUCCESS",), "failures": ("FAILURE",), "skipped": ("SKIPPED",),
              "aborted": ("CANCELLED",), "inprogress": ("PENDING", "STARTED")}


def job_filter(call: HubCall) -> Callable[[Row, JobPhase], bool]:
    """The contract's filters of ``GET jobs/`` (H82), checked up front (a bad value → 400 naming the param), on
    the job as listed: its stored fields with the computed ``created``, ``completed``, ``state``, ``owner_name``
    and ``noop``."""
    accept = row_filter(call, "jobs", {"now": to_dt(now_us(call.state))})
    names = {u["id"]: u.get("username", "") for u in rows(call.state, "users")}

    def listed(job: Row, phase: JobPhase) -> Row:
        return {**job, "created": to_dt(job.get("created_us", 0)),
                "completed": None if phase.completed is None else to_dt(phase.completed), "state": phase.state,
                "owner_name": names.get(job.get("owner"), ""), "paths": input_paths(job),
                "noop": phase.state == "SUCCESS" and not processed(phase)}

    return lambda job, phase: accept(listed(job, phase))


def input_paths(job: Row) -> list[str]:
    return [str(p) for p in job.get("paths") or []]


def processed(phase: JobPhase) -> int:
    return sum(1 for task, _ in phase.tasks for e in task.get("entries") or [] if e["kind"] == "processed")


def newest_first(call: HubCall, matching: Callable[[Row, JobPhase], bool] | None = None) -> list[tuple[Row, JobPhase]]:
    """Jobs with their phases, ``created`` descending then id descending (H37)."""
    now, grouped = now_us(call.state), tasks_by_job(call.state)
    jobs = table(call.state, "jobs").list(order=[("created_us", True), ("id", True)])[1]
    outages = Outages(call.state)
    found = [(job, job_phase(job, grouped.get(job["id"], []), now, outages)) for job in jobs]
    return [(j, p) for j, p in found if matching is None or matching(j, p)]


def stats(found: list[tuple[Row, JobPhase]]) -> dict[str, dict[str, int]]:
    """H83: counts per workflow, state, UTC day and site; the published keys always present, in their order."""
    def tally(values: list[Any], always: tuple[str, ...]) -> dict[str, int]:
        counts = Counter(values)
        return {**{k: counts.get(k, 0) for k in always}, **{k: counts[k] for k in sorted(counts) if k not in always}}

    return {"type": tally([j.get("workflow") for j, _ in found], ("migrate", "premigrate", "recall")),
            "state": tally([p.state for _, p in found], ("SUCCESS", "FAILURE", "STARTED", "PENDING", "ERROR")),
            "created": tally([(iso_z(j["created_us"]) if "created_us" in j else str(j.get("created")))[:10]
                              for j, _ in found], ()),
            "site": tally([j.get("site") for j, _ in found], ())}


@domain("jobs_list")
def jobs_list(call: HubCall) -> HubList:
    found = newest_first(call, job_filter(call))
    return HubList([job_body(call.base_url, j, p) for j, p in found], {"stats": stats(found)})


@domain("jobs_stats_retrieve")
def jobs_stats_retrieve(call: HubCall) -> HubReply:
    return HubReply(200, stats(newest_first(call, job_filter(call))))


@domain("jobs_recent_list")
def jobs_recent_list(call: HubCall) -> HubList:
    return HubList([job_body(call.base_url, j, p) for j, p in newest_first(call)[:5]])


@domain("jobs_jobtype_choices_list")
def jobs_jobtype_choices_list(call: HubCall) -> HubList:
    return HubList([{"name": w.get("name"), "label": w.get("label")} for w in table(call.state, "workflows").list()[1]])


def job_of(call: HubCall) -> Row:
    return detail_row(call.state, "jobs", call.path_params.get("id"), "Job")


@domain("jobs_progress_retrieve")
def jobs_progress_retrieve(call: HubCall) -> HubReply:
    return HubReply(200, {"progress": phase_of(call.state, job_of(call)).progress})


def jobstats_with_states(call: HubCall, job: Row) -> list[tuple[Row, str | None]]:
    tasks = tasks_by_job(call.state, {job["id"]}).get(job["id"], [])
    now_of = task_phases(call.state, tasks, now_us(call.state))
    found = table(call.state, "jobstats").list(lambda r: r.get("job") == job["id"])[1]
    return [(s, jobstat_state(s.get("kind"), now_of.get(s.get("task", 0))) if "kind" in s else s.get("state"))
            for s in found]


@domain("jobs_statistics_retrieve")
def jobs_statistics_retrieve(call: HubCall) -> HubReply:
    states = Counter(state for _, state in jobstats_with_states(call, job_of(call)))
    counts = {name: sum(states[s] for s in wanted) for name, wanted in CATEGORIES.items()}
    return HubReply(200, {"total": sum(states.values()), "processed": counts["processed"],
                          "failures": counts["failures"], "skipped": counts["skipped"], "aborted": counts["aborted"],
                          "inprogress": counts["inprogress"]})


@domain("jobs_files_list")
def jobs_files_list(call: HubCall) -> HubList:
    job = job_of(call)
    category = argument(call.query, "category")
    if category is not None and category not in CATEGORIES:
        raise choice_error("category", category)
    items = []
    for stat, state in jobstats_with_states(call, job):
        if category is None or state in CATEGORIES[category]:
            items.append({**jobstat_body(call.base_url, stat, None), "state": state})
    return HubList(items)
