"""Reading jobs: ``GET jobs/`` with its filters and ``stats`` (H82, H83), ``jobs/stats/``, ``jobs/recent/``,
``jobs/jobtype_choices/`` (H84) and the per-job views ``progress/``, ``statistics/``, ``files/`` (H85)."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from . import HubCall, HubList, HubReply, domain
from .common import (
    Row,
    choice_error,
    detail_row,
    field_error,
    iso_z,
    now_us,
    parse_time,
    q_bool,
    q_int,
    q_list,
    q_str,
    rows,
    table,
)
from .lifecycle import JobPhase, job_phase, phase_of, task_phase, tasks_by_job
from .tasks import job_body, jobstat_body, jobstat_state

STATES = ("PENDING", "STARTED", "PAUSED", "SUCCESS", "FAILURE", "CANCELLED", "NEW", "ERROR", "SKIPPED",
          "CANCELLING", "PAUSING", "DEQUEUING", "UNKNOWN", "FAILING")
PERIOD = re.compile(r"^(\d+)([mhdw])$")
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
CATEGORIES = {"processed": ("SUCCESS",), "failures": ("FAILURE",), "skipped": ("SKIPPED",),
              "aborted": ("CANCELLED",), "inprogress": ("PENDING", "STARTED")}


def q_ints(call: HubCall, name: str) -> set[int]:
    try:
        return {int(v) for v in q_list(call.query, name)}
    except ValueError:
        raise field_error(name, "Enter a whole number.") from None


def q_time(call: HubCall, name: str) -> int | None:
    raw = q_str(call.query, name)
    if raw is None:
        return None
    value = parse_time(raw)
    if value is None:
        raise field_error(name, "Enter a valid date/time.")
    return value


def job_filter(call: HubCall) -> Callable[[Row, JobPhase], bool]:
    """The filters of H82, validated up front (a bad value → 400 naming the parameter)."""
    now, checks = now_us(call.state), []
    created = q_str(call.query, "created")
    if created not in (None, "null"):
        match = PERIOD.match(created)
        if match is None:
            raise field_error("created", f'Invalid time period "{created}".')
        since = now - int(match[1]) * UNIT_SECONDS[match[2]] * 1_000_000
        checks.append(lambda j, p: j.get("created_us", 0) >= since)
    else:
        low, high = q_time(call, "created_time_from"), q_time(call, "created_time_to")
        checks.append(lambda j, p: (low is None or j.get("created_us", 0) >= low)
                      and (high is None or j.get("created_us", 0) <= high))
    low_c, high_c = q_time(call, "completed_time_from"), q_time(call, "completed_time_to")
    if low_c is not None or high_c is not None:
        checks.append(lambda j, p: p.completed is not None and (low_c is None or p.completed >= low_c)
                      and (high_c is None or p.completed <= high_c))
    states = q_list(call.query, "state")
    for state in states:
        if state not in STATES:
            raise choice_error("state", state)
    if states:
        checks.append(lambda j, p: p.state in states)
    owners, keys, schedules = q_ints(call, "owner_ids"), q_ints(call, "clientkey_ids"), q_ints(call, "schedule_ids")
    if owners:
        checks.append(lambda j, p: j.get("owner") in owners
                      or (-1 in owners and j.get("owner") is None and not (j.get("schedule") or j.get("policy")))
                      or (-2 in owners and bool(j.get("schedule") or j.get("policy"))))
    if keys:
        checks.append(lambda j, p: j.get("clientkey") in keys)
    if schedules:
        checks.append(lambda j, p: j.get("schedule") in schedules)
    for param, key in (("workflow", "workflow"), ("site", "site"), ("queue", "queue")):
        wanted = q_str(call.query, param)
        if wanted is not None:
            checks.append(lambda j, p, key=key, wanted=wanted: j.get(key) == wanted)
    for param, key in (("site_id", "site_id"), ("queue_id", "queue_id")):
        number = q_int(call.query, param)
        if number is not None:
            checks.append(lambda j, p, key=key, number=number: j.get(key) == number)
    prefix = q_str(call.query, "input_paths_prefix")
    if prefix is not None:
        checks.append(lambda j, p: any(str(x).startswith(prefix) for x in input_paths(j)))
    keyword = (q_str(call.query, "search_keyword") or "").lower()
    if keyword:
        names = {u["id"]: u.get("username", "") for u in rows(call.state, "users")}
        checks.append(lambda j, p: any(keyword in str(text).lower() for text in (
            j.get("workflow"), j.get("site"), names.get(j.get("owner"), ""), *input_paths(j))))
    if q_bool(call.query, "hide_noop"):
        checks.append(lambda j, p: not (p.state == "SUCCESS" and not processed(p)))
    return lambda job, phase: all(check(job, phase) for check in checks)


def input_paths(job: Row) -> list[str]:
    return [str(p) for p in job.get("paths") or []]


def processed(phase: JobPhase) -> int:
    return sum(1 for task, _ in phase.tasks for e in task.get("entries") or [] if e["kind"] == "processed")


def newest_first(call: HubCall, matching: Callable[[Row, JobPhase], bool] | None = None) -> list[tuple[Row, JobPhase]]:
    """Jobs with their phases, ``created`` descending then id descending (H37)."""
    now, grouped = now_us(call.state), tasks_by_job(call.state)
    jobs = table(call.state, "jobs").list(order=[("created_us", True), ("id", True)])[1]
    found = [(job, job_phase(job, grouped.get(job["id"], []), now)) for job in jobs]
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


def jobstats_with_states(call: HubCall, job: Row) -> list[tuple[Row, str]]:
    now = now_us(call.state)
    tasks = {t["id"]: t for t in tasks_by_job(call.state, {job["id"]}).get(job["id"], [])}
    found = table(call.state, "jobstats").list(lambda r: r.get("job") == job["id"])[1]
    return [(s, jobstat_state(s.get("kind"), task_phase(tasks[s["task"]], job, now) if s.get("task") in tasks
                              else None) if "kind" in s else s.get("state")) for s in found]


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
    category = q_str(call.query, "category")
    if category is not None and category not in CATEGORIES:
        raise choice_error("category", category)
    items = []
    for stat, state in jobstats_with_states(call, job):
        if category is None or state in CATEGORIES[category]:
            items.append({**jobstat_body(call.base_url, stat, None), "state": state})
    return HubList(items)
