"""One run of a job, planned when the run is created: a task per input path (H78), the files each task handles
(H79), the status changes it will make (H80) and a jobstat per handled file (H86). The failure scenarios read
here (:mod:`.scenarios`): ``durations`` time the run, ``task_failure`` makes the tasks it names fail.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

from .common import Row, iso_offset, new_uuid, ref, rng, rows, start_delay_us, table, task_duration_us
from .sitefs import SiteFS
from .vfs import Node

if TYPE_CHECKING:
    from ..state import MockState

ACTION_OPS: dict[Any, str] = {"dynamo.tasks.migrate": "migrate", "dynamo.tasks.recall": "recall"}


def path_text(item: Any) -> str:
    """``paths`` items are sent as strings or objects with a ``path`` key (H74); jobs keep the strings."""
    return item.get("path", "") if isinstance(item, dict) else str(item)


def matching_rule(rules: list[Row], kind: str | None) -> Row | None:
    return next((r for r in rules if isinstance(r, dict) and r.get("type") in ("all", kind)), None)


def task_type(rules: list[Row], kind: str | None, workflow: str) -> str:
    """The first action of the first rule matching the path's type, else of the first rule (H78)."""
    rule = matching_rule(rules, kind) or next((r for r in rules if isinstance(r, dict)), None)
    actions = [a for a in (rule or {}).get("action") or [] if isinstance(a, dict) and a.get("name")]
    return actions[0]["name"] if actions else f"dynamo.tasks.{workflow}"


def ops_of(rule: Row) -> list[str]:
    ops = []
    for action in rule.get("action") or []:
        op = ACTION_OPS.get(action.get("name")) if isinstance(action, dict) else None
        if op == "migrate" and action.get("premigrate") is True:
            op = "premigrate"
        if op:
            ops.append(op)
    return ops


def plan_path(fs: SiteFS | None, job: Row, item: Any) -> Row:
    """What one task will do with one input path, decided against the file system as it is now."""
    text = path_text(item)
    rules = job.get("rules") or []
    node = fs.node(text) if fs is not None and text.startswith("/") else None
    if fs is None or node is None:
        message = f"[Errno 2] No such file or directory: '{text}'"
        return {"input": text, "tasktype": task_type(rules, None, job["workflow"]), "outcome": "FAILURE",
                "input_path": {"path": text, "size": None, "type": None, "state": "created"}, "effects": [],
                "entries": [{"path": text, "type": None, "size": None, "kind": "failures", "message": message,
                             "code": "ENOENT"}]}
    recursive = node.type == "directory" and job.get("discovery") in ("recursive", "snapdiff")
    targets: list[Node] = fs.files_below(node.path) if recursive else [node]
    entries, effects = [], []
    for target in targets:
        rule = matching_rule(rules, target.type)
        entries.append({"path": target.path, "type": target.type, "size": target.size,
                        "kind": "processed" if rule else "skipped", "message": "", "code": None})
        if rule and ops_of(rule):
            effects.append([target.path, ops_of(rule)])
    return {"input": text, "tasktype": task_type(rules, node.type, job["workflow"]), "outcome": "SUCCESS",
            "input_path": {"path": text, "size": node.size, "type": node.type, "state": "created"},
            "entries": entries, "effects": effects}


def below(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def timing(state: MockState, workflow: str) -> tuple[int, int]:
    """(start delay, task duration) in microseconds: the latest ``durations`` scenario of the workflow, each
    value it leaves out from the settings (H77)."""
    d0, d = start_delay_us(state), task_duration_us(state)
    latest = max((s for s in rows(state, "scenarios") if s.get("kind") == "durations"
                  and s.get("workflow") == workflow), key=lambda s: s["id"], default=None)
    if latest is not None:  # an earlier scenario of the workflow counts for nothing: the latest one wins whole
        if latest.get("start_delay") is not None:
            d0 = int(latest["start_delay"] * 1_000_000)
        if latest.get("task_duration") is not None:
            d = int(latest["task_duration"] * 1_000_000)
    return d0, d


def failing(state: MockState, job: Row, plan: Row) -> Row:
    """The plan as a ``task_failure`` scenario of the job's site that names its path (or a path above one it
    handles) makes it: FAILURE, every handled path a failure with the scenario's error, no file changed. The
    scenario's count goes down by one."""
    if plan["outcome"] != "SUCCESS":
        return plan  # a path that is not there is no task that processes it
    handled = [plan["input"], *(e["path"] for e in plan["entries"])]
    for scenario in sorted(rows(state, "scenarios"), key=lambda r: r["id"]):
        if (scenario.get("kind") == "task_failure" and scenario["remaining"] > 0
                and scenario["_site"] == job.get("site_id") and any(below(p, scenario["path"]) for p in handled)):
            state.store.put("hub/scenarios", scenario["id"], {**scenario, "remaining": scenario["remaining"] - 1})
            code = getattr(errno, scenario["error"])
            entries = [{**e, "kind": "failures", "code": scenario["error"],
                        "message": str(OSError(code, scenario["message"], e["path"]))} for e in plan["entries"]]
            return {**plan, "outcome": "FAILURE", "entries": entries, "effects": []}
    return plan


def start_run(state: MockState, job: Row, now: int) -> Row:
    """Create the tasks and jobstats of a new run starting ``now``; → the job with its new schedule."""
    run = job.get("run", 0) + 1
    d0, d = timing(state, job["workflow"])
    site = ref(state, "sites", job.get("site_id"))
    fs = SiteFS(state, site) if site else None
    uuids = rng(state, "job", job["id"], "run", run)
    tasks, stats = table(state, "tasks"), table(state, "jobstats")
    earlier = {s["path"]: s for s in stats.list(lambda r: r.get("job") == job["id"])[1]}
    kept: set[int] = set()
    for index, item in enumerate(job.get("paths") or []):
        plan = failing(state, job, plan_path(fs, job, item))
        start = now + d0 + index * d
        task = tasks.create({
            "task_id": new_uuid(uuids), "job": job["id"], "run": run, "index": index, "site": job["site"],
            "site_id": job.get("site_id"), "queue": f"{job['site']}#{job['queue']}", "start": start,
            "finish": start + d, "cancelled": None, "applied": False, **plan})
        for entry in plan["entries"]:
            # One jobstat per (job, path), pointing at the latest task that handled it ("Latest related dag task").
            row = {"job": job["id"], "task": task["id"], "path": entry["path"], "kind": entry["kind"],
                   "code": entry["code"], "message": entry["message"], "run": run}
            known = earlier.get(entry["path"])
            saved = stats.save({**row, "id": known["id"]}) if known else stats.create(row)
            earlier[entry["path"]] = saved
            kept.add(saved["id"])
    stats.delete(s["id"] for s in earlier.values() if s["id"] not in kept)
    return {**job, "run": run, "t0": now, "started_at": now + d0, "paused_at": None, "cancelled_at": None}


def result(task: Row, started: int) -> Row:
    """A finished task's ``result`` (H79), in the shape of the published task sample (4.8)."""
    details: dict[str, list] = {"aborted": [], "skipped": [], "failures": [], "processed": [], "inprogress": []}
    for entry in task.get("entries") or []:
        shown = {"path": entry["path"]}
        if entry["kind"] == "failures":
            shown["message"] = [entry["message"]]
        details[entry["kind"]].append(shown)
    return {
        "log": [], "skip": False, "jobid": task["job"], "paths": [], "queue": task.get("queue"),
        "status": {"task": task["tasktype"], "details": details, "started": iso_offset(started),
                   "summary": {k: len(v) for k, v in details.items()}, "input_paths": [task["input_path"]],
                   "input_total": 1},
        "chain_details": {"all_fail": list(details["failures"]), "all_skip": list(details["skipped"])},
    }
