"""Starting jobs — ``POST file/workflow/`` (H74), ``POST jobs/`` (H75), schedule runs (H89), policy runs (H90) —
and the per-job routes that change or remove one: retrieve, cancel/pause/resume/resubmit (H81), delete (H87).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import Any

from ..errors import ApiError
from . import HubCall, HubReply, domain, joblists, tasks  # noqa: F401  (joblists, tasks register handlers)
from .common import Row, detail_row, iso_z, now_us, ref, ref_name, rows, table
from .lifecycle import FINISHED, bake, cancel, pause, phase_of, resume, settle
from .plans import path_text, start_run
from .settings import create_settingstask
from .tasks import job_body

DISCOVERIES = ("recursive", "snapdiff", None)
DEFAULT_RULES = [{"type": "all", "state": "all", "action": [{"name": "dynamo.tasks.migrate"}]}]


def site_queue(state: Any, site: Row, name: str) -> Row | None:
    return next((q for q in rows(state, "queues") if q.get("name") == name
                 and (ref(state, "sites", q.get("site")) or {}).get("id") == site["id"]), None)


def workflow_request(call: HubCall) -> dict[str, Any]:
    """The body of H74 as the dialect validated it against the contract (types, required fields, choices; the
    site, workflow and queue resolved to their rows' ids with H56's messages), resolved to stored rows, with
    the rules only the product knows: a workflow that may run, paths as strings or objects with one, the
    default queue (all their errors at once, H58)."""
    body = call.body
    errors: dict[str, Any] = {}
    site, workflow = ref(call.state, "sites", body["site"]), ref(call.state, "workflows", body["workflow"])
    assert site is not None and workflow is not None  # the dialect resolved both to rows (x-references)
    if workflow.get("enabled") is False:
        errors["workflow"] = ["Workflow is disabled."]
    elif workflow.get("schedule_only"):
        errors["workflow"] = ["Workflow can only run inside a schedule."]
    paths = body.get("paths")
    paths = [] if paths is None else paths  # H46: null for this optional list is accepted, as no paths
    bad = {str(i): ["Not a valid string."] for i, p in enumerate(paths)
           if not isinstance(p, str) and not (isinstance(p, dict) and isinstance(p.get("path"), str))}
    if bad:
        errors["paths"] = bad
    discovery = body["discovery"] if "discovery" in body else workflow.get("discovery")
    if discovery not in DISCOVERIES:  # the workflow's own (the body's is a choice the dialect checked)
        errors["discovery"] = [f'"{discovery}" is not a valid choice.']
    if body.get("queue") is not None:
        queue = ref(call.state, "queues", body["queue"])
    else:
        preferred = ref_name(call.state, "queues", workflow.get("preferred_queue"))
        queue = (preferred and site_queue(call.state, site, preferred)) or site_queue(call.state, site, "default")
        if queue is None:
            errors["queue"] = ["Object with name=default does not exist."]
    if errors:
        raise ApiError(400, errors)
    return {"site": site, "workflow": workflow, "queue": queue, "paths": paths, "discovery": discovery,
            "fields": body.get("fields", {}), "include": body.get("include") or [],
            "exclude": body.get("exclude") or [], "ignore_site_includes": bool(body.get("ignore_site_includes")),
            "ignore_site_excludes": bool(body.get("ignore_site_excludes"))}


def create_job(state: Any, request: dict[str, Any], owner: int | None = None, clientkey: int | None = None,
               schedule: int | None = None, policy: int | None = None) -> Row:
    """A new job (H76) whose first run starts now."""
    now = now_us(state)
    workflow, site, queue = request["workflow"], request["site"], request["queue"]
    job = table(state, "jobs").create({
        "workflow": workflow["name"], "workflow_id": workflow.get("id"), "site": site["name"], "site_id": site["id"],
        "queue": queue["name"] if queue else "default", "queue_id": queue["id"] if queue else None,
        "owner": owner, "clientkey": clientkey, "schedule": schedule, "policy": policy,
        "created": iso_z(now), "created_us": now, "paths": [path_text(p) for p in request["paths"]],
        "fields": request["fields"],
        "discovery": request["discovery"], "include": request.get("include", []),
        "exclude": request.get("exclude", []), "ignore_site_includes": request.get("ignore_site_includes", False),
        "ignore_site_excludes": request.get("ignore_site_excludes", False),
        "rules": workflow.get("filter_rules") if isinstance(workflow.get("filter_rules"), list) else DEFAULT_RULES,
    })
    return table(state, "jobs").save(start_run(state, job, now))


def caller(call: HubCall) -> dict[str, int | None]:
    return {"owner": (call.user or {}).get("id"), "clientkey": (call.client_key or {}).get("id")}


@domain("file_workflow_create")
def file_workflow_create(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        request = workflow_request(call)
        job = create_job(call.state, request, **caller(call))
    return HubReply(201, {
        "discovery": job["discovery"], "exclude": job["exclude"], "fields": job["fields"],
        "ignore_site_excludes": job["ignore_site_excludes"], "ignore_site_includes": job["ignore_site_includes"],
        "include": job["include"], "job": job["id"], "paths": request["paths"], "queue": job["queue"],
        "site": job["site"], "workflow": job["workflow"]})


def job_reply(call: HubCall, job: Row, status: int = 200) -> HubReply:
    body = job_body(call.base_url, job, phase_of(call.state, job))
    return HubReply(status, body, {"Location": body["url"]} if status == 201 else {})


@domain("jobs_create")
def jobs_create(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        job = create_job(call.state, workflow_request(call), **caller(call))
        return job_reply(call, job, 201)


@domain("jobs_retrieve")
def jobs_retrieve(call: HubCall) -> HubReply:
    return job_reply(call, detail_row(call.state, "jobs", call.path_params.get("id"), "Job"))


def resubmit(state: Any, job: Row) -> Row:
    """A finished job runs again from now: new tasks, the same id and ``created`` (H81)."""
    if phase_of(state, job).state not in FINISHED:
        return job
    settle(state)
    job = bake(state, job)  # the finished run keeps the times the outages gave it
    return table(state, "jobs").save(start_run(state, job, now_us(state)))


ACTIONS = {"jobs_cancel_create": cancel, "jobs_pause_create": pause, "jobs_resume_create": resume,
           "jobs_resubmit_create": resubmit}


@domain(*ACTIONS)
def job_action(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        job = detail_row(call.state, "jobs", call.path_params.get("id"), "Job")
        return job_reply(call, ACTIONS[call.operation_id](call.state, job))


@domain("jobs_destroy")
def jobs_destroy(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        job = detail_row(call.state, "jobs", call.path_params.get("id"), "Job")
        settle(call.state)  # what finished before the delete keeps its effect on the files
        table(call.state, "tasks").delete_where(lambda r: r.get("job") == job["id"])
        table(call.state, "jobstats").delete_where(lambda r: r.get("job") == job["id"])
        table(call.state, "jobs").delete([job["id"]])
    return HubReply(204)


@domain("schedules_run_create")
def schedules_run_create(call: HubCall) -> HubReply:
    """H89: one job per schedule workflow, on the schedule's managed paths or else its space's mountpoint."""
    state = call.state
    with state.store.atomic():
        schedule = detail_row(state, "schedules", call.path_params.get("id"), "Schedule")
        space = ref(state, "spaces", schedule.get("space"))
        managed = schedule.get("managed_paths")
        if isinstance(managed, list) and all(isinstance(p, str) for p in managed):
            paths = list(managed)
        else:
            paths = [space["mountpoint"]] if space and space.get("mountpoint") else []
        for link in rows(state, "schedule_workflows"):
            if (ref(state, "schedules", link.get("schedule")) or {}).get("id") != schedule["id"]:
                continue
            workflow, site = ref(state, "workflows", link.get("workflow")), ref(state, "sites", link.get("site"))
            if workflow is None or site is None:
                continue
            queue_name = ref_name(state, "queues", link.get("queue")) or "default"
            create_job(state, {"workflow": workflow, "site": site, "queue": site_queue(state, site, queue_name),
                               "paths": paths, "fields": link.get("fields") or {},
                               "discovery": schedule.get("discovery")}, schedule=schedule["id"])
    return HubReply(200, schedule_body(call, schedule))


def schedule_body(call: HubCall, schedule: Row) -> dict[str, Any]:
    keys = ("day_of_month", "day_of_week", "discovery", "discovery_options", "enabled", "hour", "id",
            "managed_paths", "minute", "month_of_year", "name")
    return {**{k: schedule.get(k) for k in keys}, "site": ref_name(call.state, "sites", schedule.get("site")),
            "space": ref_name(call.state, "spaces", schedule.get("space")),
            "url": f"{call.base_url}/schedules/{schedule['id']}/"}


@domain("policies_run_create")
def policies_run_create(call: HubCall) -> HubReply:
    """H90: a ``migrate`` job over the policy's spaces, and a settingstask whose uuid the body reports."""
    state = call.state
    with state.store.atomic():
        policy = detail_row(state, "policies", call.path_params.get("id"), "Policy")
        site = ref(state, "sites", policy.get("site"))
        if site is None:
            raise ApiError(400, {"detail": "Policy has no site to run on."})
        spaces = [ref(state, "spaces", s) for s in policy.get("spaces") or []]
        workflow = ref(state, "workflows", "migrate") or {"name": "migrate", "filter_rules": DEFAULT_RULES}
        job = create_job(state, {"workflow": workflow, "site": site, "queue": site_queue(state, site, "default"),
                                 "paths": [s["mountpoint"] for s in spaces if s and s.get("mountpoint")],
                                 "fields": {}, "discovery": "recursive"}, policy=policy["id"])
        uuid = create_settingstask(state, site["name"], "dynamo.tasks.policy.run", call.body or {}, job["id"])
    return HubReply(202, {site["name"]: uuid})
