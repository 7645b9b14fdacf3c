"""Starting jobs and reading them: H74–H76, H78, H82–H86, H88–H90. Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import pytest
from sim_support import ADMIN, Hub, assert_valid, files_with

OUTPUT = "/mmfs1/data/space01/output.mov"
EMPTY_STATS = {"type": {"migrate": 0, "premigrate": 0, "recall": 0},
               "state": {"SUCCESS": 0, "FAILURE": 0, "STARTED": 0, "PENDING": 0, "ERROR": 0},
               "created": {}, "site": {}}


def test_h74_file_workflow_answers_the_request_with_the_job(hub: Hub) -> None:
    paths = [OUTPUT, {"path": "/mmfs1/data/space01/ab", "note": "ignored"}]
    reply = hub.call("file_workflow_create", method="POST",
                     body={"site": "site1", "workflow": "migrate", "paths": paths, "job": 99})
    assert reply.status == 201 and "Location" not in reply.headers
    assert reply.body == {"discovery": "recursive", "exclude": [], "fields": {}, "ignore_site_excludes": False,
                          "ignore_site_includes": False, "include": [], "job": 1, "paths": paths,
                          "queue": "default", "site": "site1", "workflow": "migrate"}
    assert_valid("/file/workflow/", "post", reply.body, "201")
    job = hub.job(1)
    assert (job["owner"], job["clientkey"], job["paths"], job["tasks_count"]) == (
        1, None, [OUTPUT, "/mmfs1/data/space01/ab"], 2)
    assert [t["tasktype"] for t in hub.body("tasks_list", job_id=1)] == ["dynamo.tasks.migrate"] * 2


def test_h74_owner_and_client_key(hub: Hub) -> None:
    reply = hub.call("file_workflow_create", method="POST", body={"site": "site2", "workflow": "recall"},
                     user={"id": 2, "username": "alice"}, key={"id": 7})
    job = hub.job(reply.body["job"])
    assert (job["owner"], job["clientkey"], job["site"], job["workflow"], job["paths"]) == (2, 7, "site2", "recall",
                                                                                           [])


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"site": ["This field is required."], "workflow": ["This field is required."]}),
    ({"site": "nosuch", "workflow": "migrate"}, {"site": ["Object with name=nosuch does not exist."]}),
    ({"site": 5, "workflow": "nope"}, {"site": ["Object with name=5 does not exist."],
                                       "workflow": ["Object with name=nope does not exist."]}),
    ({"site": {"name": "site1"}, "workflow": "migrate"}, {"site": ["Invalid value."]}),
    ({"site": "site1", "workflow": "migrate", "queue": "fast"}, {"queue": ["Object with name=fast does not exist."]}),
    ({"site": "site1", "workflow": "migrate", "paths": "/x"},
     {"paths": ['Expected a list of items but got type "str".']}),
    ({"site": "site1", "workflow": "migrate", "paths": ""},
     {"paths": ['Expected a list of items but got type "str".']}),
    ({"site": "site1", "workflow": "migrate", "paths": 0}, {"paths": ['Expected a list of items but got type "int".']}),
    ({"site": "site1", "workflow": "migrate", "paths": ["/x", 3]}, {"paths": {"1": ["Not a valid string."]}}),
    ({"site": "site1", "workflow": "migrate", "discovery": "all"}, {"discovery": ['"all" is not a valid choice.']}),
])
def test_h74_invalid_requests(hub: Hub, body: dict, errors: dict) -> None:
    assert hub.error("file_workflow_create", method="POST", body=body) == (400, errors)
    assert hub.body("jobs_list") == []


def test_h46_h74_null_optional_lists_are_refused(hub: Hub) -> None:
    null = ["This field may not be null."]
    assert hub.error("file_workflow_create", method="POST", body={
        "site": "site1", "workflow": "migrate", "paths": None, "include": None, "exclude": None}) == (
        400, {"paths": null, "include": null, "exclude": null})
    assert hub.body("jobs_list") == []


@pytest.mark.parametrize(("change", "message"), [
    ({"enabled": False}, "Workflow is disabled."),
    ({"schedule_only": True}, "Workflow can only run inside a schedule."),
])
def test_h74_workflow_that_cannot_run(hub: Hub, change: dict, message: str) -> None:
    workflows = hub.state.store
    workflows.put("hub/workflows", 1, {**workflows.get("hub/workflows", 1), **change})
    assert hub.error("file_workflow_create", method="POST", body={"site": "site1", "workflow": "migrate"}) == (
        400, {"workflow": [message]})


def test_h79_files_no_rule_matches_are_skipped(hub: Hub) -> None:
    workflow = {"id": 9, "name": "dirs_only", "label": "Dirs", "enabled": True, "discovery": "recursive",
                "filter_rules": [{"type": "directory", "state": "all", "action": [{"name": "dynamo.tasks.recall"}]}]}
    hub.state.store.put("hub/workflows", 9, workflow)
    folder = "/mmfs1/data/space01/ab/voluptates"
    migrated = files_with(hub.state, "MIGRATED", folder)[0]
    job_id = hub.run("dirs_only", [folder])
    hub.advance(2)
    task = hub.body("tasks_list", job_id=job_id)[0]
    assert task["tasktype"] == "dynamo.tasks.recall"
    summary = hub.body("tasks_retrieve", pk=task["id"])["result"]["status"]["summary"]
    stats = hub.body("jobs_statistics_retrieve", pk=job_id)
    assert summary["processed"] == 0 and summary["skipped"] == stats["skipped"] == stats["total"] > 0
    assert {s["state"] for s in hub.body("jobstats_list", job=job_id)} == {"SKIPPED"}
    assert hub.job(job_id)["state"] == "SUCCESS" and hub.file(migrated)["status"] == "MIGRATED"


def test_h75_jobs_create(hub: Hub) -> None:
    reply = hub.call("jobs_create", method="POST", body={"site": "site1", "workflow": "premigrate", "paths": [OUTPUT]})
    assert (reply.status, reply.headers) == (201, {"Location": "http://hub.test/api/jobs/1/"})
    assert list(reply.body) == ["url", "id", "workflow", "state", "site", "queue", "owner", "clientkey", "schedule",
                                "created", "started", "completed", "runtime", "paths", "fields", "discovery",
                                "tasks_count", "progress"]
    assert_valid("/jobs/", "post", reply.body, "201")


def test_h82_no_jobs_is_the_published_example(hub: Hub) -> None:
    reply = hub.call("jobs_list")
    assert (reply.items, reply.extra) == ([], {"stats": EMPTY_STATS})
    assert hub.body("jobs_stats_retrieve") == EMPTY_STATS


def populate(hub: Hub) -> None:
    """Four jobs: migrate on site1 (done), recall on site2 by alice (done), send on site1 (started), a schedule's."""
    hub.run("migrate", [OUTPUT])
    hub.call("file_workflow_create", method="POST", body={"site": "site2", "workflow": "recall", "paths": ["/x"]},
             user={"id": 2, "username": "alice"})
    hub.advance(86400 + 2)
    hub.run("send", [OUTPUT, "/mmfs1/data/default"])
    hub.state.store.put("hub/schedules", 1, {"id": 1, "name": "nightly", "site": 1, "space": 1,
                                             "managed_paths": None, "discovery": None})
    hub.state.store.put("hub/schedule_workflows", 1, {"id": 1, "schedule": 1, "site": 1, "workflow": 1,
                                                      "queue": 1, "fields": {}})
    hub.call("schedules_run_create", method="POST", pk=1)
    hub.advance(1.5)


def test_h37_h82_h83_lists_filters_and_stats(hub: Hub) -> None:
    populate(hub)
    jobs = hub.call("jobs_list")
    assert [j["id"] for j in jobs.items] == [4, 3, 2, 1]
    assert jobs.extra["stats"] == {
        "type": {"migrate": 2, "premigrate": 0, "recall": 1, "send": 1},
        "state": {"SUCCESS": 1, "FAILURE": 1, "STARTED": 2, "PENDING": 0, "ERROR": 0},
        "created": {"2025-07-03": 2, "2025-07-04": 2}, "site": {"site1": 3, "site2": 1}}
    for job in jobs.items:
        assert_valid("/jobs/{id}/", "get", job)

    def ids(**query) -> list[int]:
        return [j["id"] for j in hub.body("jobs_list", **query)]

    assert ids(state="SUCCESS,FAILURE") == ids(state=["SUCCESS", "FAILURE"]) == [2, 1]
    assert ids(workflow="send") == [3] and ids(site="site2") == [2] and ids(site_id=1) == [4, 3, 1]
    assert ids(owner_ids="2") == [2] and ids(owner_ids="-2") == [4] and ids(owner_ids="-1") == []
    assert ids(schedule_ids="1") == [4] and ids(queue="default") == [4, 3, 2, 1] and ids(queue_id=2) == [2]
    assert ids(created="1h") == [4, 3] and ids(created="null") == ids()
    assert ids(created_time_to="2025-07-03T23:00:00Z") == [2, 1]
    assert ids(completed_time_from="2025-07-03T12:38:45Z") == [2, 1]
    assert ids(input_paths_prefix="/mmfs1/data/default") == [3] and ids(search_keyword="ALICE") == [2]
    assert ids(search_keyword="output.MOV") == [3, 1]
    assert hub.body("jobs_stats_retrieve", site="site2")["site"] == {"site2": 1}
    noop = hub.run("migrate", [])
    hub.advance(1)
    assert ids(hide_noop="true") == [4, 3, 2, 1] and ids(hide_noop="maybe")[0] == noop  # only SUCCESS is a no-op
    for query, error in [({"state": "DONE"}, {"state": ["Select a valid choice. DONE is not one of the available "
                                                        "choices."]}),
                         ({"created": "3y"}, {"created": ['Invalid time period "3y".']}),
                         ({"owner_ids": "me"}, {"owner_ids": ["Enter a whole number."]}),
                         ({"created_time_from": "yesterday"}, {"created_time_from": ["Enter a valid date/time."]})]:
        assert hub.error("jobs_list", **query) == (400, error)


def test_h84_recent_and_jobtype_choices(hub: Hub) -> None:
    for _ in range(7):
        hub.run("migrate", [OUTPUT])
    assert [j["id"] for j in hub.body("jobs_recent_list")] == [7, 6, 5, 4, 3]
    assert hub.body("jobs_jobtype_choices_list") == [
        {"name": "migrate", "label": "Migrate"}, {"name": "premigrate", "label": "Premigrate"},
        {"name": "recall", "label": "Recall"}, {"name": "send", "label": "Send"},
        {"name": "site_sync", "label": "Site Sync"}]


def test_h85_h86_h88_per_job_views(hub: Hub) -> None:
    folder = "/mmfs1/data/space01/ab/voluptates"
    job_id = hub.run("migrate", [folder, "/nope"])
    hub.advance(2)
    stats = hub.body("jobs_statistics_retrieve", pk=job_id)
    assert_valid("/jobs/{id}/statistics/", "get", stats)
    below = len(files_with(hub.state, "UNMANAGED", folder) + files_with(hub.state, "MIGRATED", folder)
                + files_with(hub.state, "PREMIGRATED", folder))
    assert stats["processed"] >= below and stats["inprogress"] == 1 and stats["total"] == stats["processed"] + 1
    assert {s["state"] for s in hub.body("jobs_files_list", pk=job_id, category="inprogress")} == {"STARTED"}
    assert hub.error("jobs_files_list", pk=job_id, category="x") == (
        400, {"category": ["Select a valid choice. x is not one of the available choices."]})
    stat = hub.body("jobstats_list", job=job_id, path="/nope")[0]
    assert list(stat) == ["code", "id", "job", "message", "path", "state", "task", "url"]
    detail = hub.body("jobstats_retrieve", pk=stat["id"])
    assert detail == {k: v for k, v in stat.items() if k != "url"}
    assert hub.body("jobstats_history_retrieve", pk=stat["id"]) == detail
    assert_valid("/jobstats/{id}/", "get", detail)
    task = hub.body("tasks_list", job_id=job_id)[0]
    files = hub.body("tasks_files_list", pk=task["id"])
    assert {f["state"] for f in files} == {"processed"} and {f["type"] for f in files} == {"file"}
    assert hub.body("tasks_files_list", pk=task["id"], site="site2") == []
    assert hub.body("tasks_files_list", pk=task["id"], state="failures") == []


def test_h78_task_list_fields_and_filters(hub: Hub) -> None:
    hub.run("migrate", [OUTPUT])
    hub.run("recall", [OUTPUT])
    hub.advance(1)
    listed = hub.body("tasks_list")
    assert list(listed[0]) == ["url", "id", "task_id", "tasktype", "state", "started", "job", "site", "parents",
                               "dynamic_parents"]
    assert_valid("/tasks/", "get", listed)
    assert [t["id"] for t in hub.body("tasks_list", tasktype="dynamo.tasks.recall")] == [2]
    assert [t["id"] for t in hub.body("tasks_list", state="STARTED", internal="x")] == [1, 2]
    assert [t["id"] for t in hub.body("tasks_list", task_id=listed[1]["task_id"])] == [2]
    assert hub.error("tasks_retrieve", pk=99) == (404, {"detail": "No Task matches the given query."})
    assert hub.error("tasks_retrieve", pk="abc") == (404, {"detail": "Not found."})


def test_h89_schedule_run(hub: Hub) -> None:
    hub.state.store.put("hub/schedules", 3, {"id": 3, "name": "nightly", "site": 1, "space": 1, "hour": "2",
                                             "managed_paths": [OUTPUT], "discovery": "snapdiff"})
    reply = hub.call("schedules_run_create", method="POST", pk=3)
    assert (reply.status, reply.body["url"], reply.body["site"], reply.body["space"]) == (
        200, "http://hub.test/api/schedules/3/", "site1", "space01")
    assert hub.body("jobs_list") == []  # no schedule workflows: nothing runs
    hub.state.store.put("hub/schedule_workflows", 1, {"id": 1, "schedule": 3, "site": 2, "workflow": 2,
                                                      "queue": None, "fields": {"lock_level": "none"}})
    hub.call("schedules_run_create", method="POST", pk=3)
    job = hub.body("jobs_list")[0]
    assert (job["schedule"], job["owner"], job["workflow"], job["site"], job["paths"], job["discovery"],
            job["fields"]) == (3, None, "premigrate", "site2", [OUTPUT], "snapdiff", {"lock_level": "none"})


def test_h90_policy_run(hub: Hub) -> None:
    hub.state.store.put("hub/policies", 1, {"id": 1, "name": "tiering", "site": 2, "spaces": [1]})
    reply = hub.call("policies_run_create", method="POST", pk=1)
    assert reply.status == 202 and list(reply.body) == ["site2"]
    assert_valid("/policies/{id}/run/", "post", reply.body, "202")
    job = hub.body("jobs_list")[0]
    assert (job["workflow"], job["owner"], job["discovery"], job["paths"]) == (
        "migrate", None, "recursive", ["/mmfs1/data/space01"])
    task = hub.body("settingstasks_list")[0]
    assert (task["task_id"], task["job"], task["tasktype"]) == (reply.body["site2"], job["id"],
                                                                "dynamo.tasks.policy.run")
    hub.state.store.put("hub/policies", 2, {"id": 2, "name": "loose", "site": None, "spaces": []})
    assert hub.error("policies_run_create", method="POST", pk=2) == (400, {"detail": "Policy has no site to run on."})


def test_h81_actions_on_a_missing_job(hub: Hub) -> None:
    for op in ("jobs_cancel_create", "jobs_pause_create", "jobs_resume_create", "jobs_resubmit_create",
               "jobs_destroy", "jobs_progress_retrieve"):
        assert hub.error(op, method="POST", pk=5) == (404, {"detail": "No Job matches the given query."})


def test_h65_jobs_keep_the_names_they_recorded(hub: Hub) -> None:
    job_id = hub.run("migrate", [OUTPUT])
    hub.state.store.put("hub/workflows", 1, {**hub.state.store.get("hub/workflows", 1), "name": "renamed"})
    assert hub.job(job_id)["workflow"] == "migrate"
    assert ADMIN["id"] == hub.job(job_id)["owner"]
