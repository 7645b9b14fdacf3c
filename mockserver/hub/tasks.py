"""Reading tasks (H78, H88) and jobstats (H86); their states come from the clock, like their jobs'."""
from __future__ import annotations

from . import HubCall, HubList, HubReply, domain
from .common import Row, detail_row, now_us, q_int, q_list, q_str, table
from .lifecycle import Phase, task_phase
from .shapes import entry_state, jobstat_body, task_body


def jobs_of(call: HubCall, rows: list[Row]) -> dict[int, Row]:
    wanted = {r.get("job") for r in rows}
    return {j["id"]: j for j in table(call.state, "jobs").list(lambda r: r["id"] in wanted)[1]}


def phases(call: HubCall, tasks: list[Row]) -> dict[int, Phase]:
    jobs, now = jobs_of(call, tasks), now_us(call.state)
    return {t["id"]: task_phase(t, jobs.get(t.get("job")), now) for t in tasks}


@domain("tasks_list")
def tasks_list(call: HubCall) -> HubList:
    tasktype, task_id = q_str(call.query, "tasktype"), q_str(call.query, "task_id")
    states, job = q_list(call.query, "state"), q_int(call.query, "job_id")
    found = table(call.state, "tasks").list(lambda r: (tasktype is None or r.get("tasktype") == tasktype)
                                            and (task_id is None or r.get("task_id") == task_id)
                                            and (job is None or r.get("job") == job))[1]
    now_of = phases(call, found)
    return HubList([task_body(call.base_url, t, now_of[t["id"]], listed=True) for t in found
                    if not states or now_of[t["id"]].state in states])


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
    state, kind, site = q_str(call.query, "state"), q_str(call.query, "type"), q_str(call.query, "site")
    if site is not None and site != task.get("site"):
        return HubList([])
    items = [{"path": e["path"], "type": e["type"], "size": e["size"], "state": entry_state(e["kind"], phase)}
             for e in task.get("entries") or []]
    return HubList([i for i in items if (state is None or i["state"] == state) and (kind is None or i["type"] == kind)])


def jobstat_rows(call: HubCall, found: list[Row], listed: bool) -> list[dict]:
    wanted = {s.get("task") for s in found}
    tasks = {t["id"]: t for t in table(call.state, "tasks").list(lambda r: r["id"] in wanted)[1]}
    now_of = phases(call, list(tasks.values()))
    return [jobstat_body(call.base_url, s, now_of.get(s.get("task")), listed) for s in found]


@domain("jobstats_list")
def jobstats_list(call: HubCall) -> HubList:
    states, job, path = q_list(call.query, "state"), q_int(call.query, "job"), q_str(call.query, "path")
    found = table(call.state, "jobstats").list(lambda r: (job is None or r.get("job") == job)
                                               and (path is None or r.get("path") == path))[1]
    return HubList([s for s in jobstat_rows(call, found, listed=True) if not states or s["state"] in states])


@domain("jobstats_retrieve", "jobstats_history_retrieve")
def jobstats_retrieve(call: HubCall) -> HubReply:
    stat = detail_row(call.state, "jobstats", call.path_params.get("id"), "JobStat")
    return HubReply(200, jobstat_rows(call, [stat], listed=False)[0])

