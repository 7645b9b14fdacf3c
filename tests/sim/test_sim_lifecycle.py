"""Whole job lives driven by the clock (H74–H81, H85, H86, H88): migrate, recall, cancel, pause/resume,
resubmit — job, tasks, jobstats, progress and file statuses asserted at each step.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import pytest
from sim_support import Hub, assert_valid, files_with, hub_state

MISSING = "/mmfs1/data/space01/missing.mov"


def tasks_of(hub: Hub, job_id: int) -> list[dict]:
    return [hub.body("tasks_retrieve", pk=t["id"]) for t in hub.body("tasks_list", job_id=job_id)]


def jobstats_of(hub: Hub, job_id: int) -> dict[str, dict]:
    return {s["path"]: s for s in hub.body("jobstats_list", job=job_id)}


def states(hub: Hub, job_id: int) -> list[str]:
    return [t["state"] for t in tasks_of(hub, job_id)]


def test_h77_h80_migrate_three_files_one_missing(hub: Hub) -> None:
    first, last = files_with(hub.state, "UNMANAGED")[:2]
    job_id = hub.run("migrate", [first, MISSING, last])

    job = hub.job(job_id)  # t0: pending, nothing started
    assert_valid("/jobs/{id}/", "get", job)
    assert (job["state"], job["started"], job["completed"], job["runtime"]) == ("PENDING", None, None, None)
    assert (job["tasks_count"], job["progress"], job["created"]) == (3, 0, "2025-07-03T12:38:44Z")
    assert states(hub, job_id) == ["PENDING"] * 3
    assert all(t["result"] is None and t["started"] is None for t in tasks_of(hub, job_id))
    assert {s["state"] for s in jobstats_of(hub, job_id).values()} == {"PENDING"}
    assert hub.body("jobs_statistics_retrieve", pk=job_id)["inprogress"] == 3

    hub.advance(1)  # t0 + d0: the job and its first task start
    job = hub.job(job_id)
    assert (job["state"], job["started"], job["progress"]) == ("STARTED", "2025-07-03T12:38:45Z", 0)
    assert states(hub, job_id) == ["STARTED", "PENDING", "PENDING"]
    assert jobstats_of(hub, job_id)[first]["state"] == "STARTED"
    assert hub.file(first)["status"] == "UNMANAGED"

    hub.advance(1)  # the first file is migrated at its task's finish
    assert states(hub, job_id) == ["SUCCESS", "STARTED", "PENDING"]
    assert hub.body("jobs_progress_retrieve", pk=job_id) == {"progress": 33}
    migrated = hub.file(first)
    assert (migrated["status"], migrated["disk_usage"], migrated["data_size"]) == ("MIGRATED", 0, migrated["size"])
    assert hub.file(last)["status"] == "UNMANAGED"
    done = tasks_of(hub, job_id)[0]
    assert_valid("/tasks/{id}/", "get", done)
    assert (done["tasktype"], done["runtime"], done["completed"]) == ("dynamo.tasks.migrate", 1.0,
                                                                     "2025-07-03T12:38:46Z")
    assert done["result"]["status"]["details"]["processed"] == [{"path": first}]
    assert done["result"]["status"]["started"] == "2025-07-03T12:38:45+00:00"
    assert done["result"]["queue"] == "site1#default"

    hub.advance(1)  # the missing path fails
    failed = tasks_of(hub, job_id)[1]
    assert failed["state"] == "FAILURE"
    failure = {"path": MISSING, "message": [f"[Errno 2] No such file or directory: '{MISSING}'"]}
    assert failed["result"]["status"]["details"]["failures"] == [failure]
    assert failed["result"]["chain_details"]["all_fail"] == [failure]
    assert failed["result"]["status"]["input_paths"] == [{"path": MISSING, "size": None, "type": None,
                                                          "state": "created"}]
    stat = jobstats_of(hub, job_id)[MISSING]
    assert (stat["state"], stat["code"], stat["message"]) == ("FAILURE", "ENOENT", failure["message"][0])
    assert hub.job(job_id)["progress"] == 66

    hub.advance(1)  # the last task ends the job: FAILURE, because one task failed
    job = hub.job(job_id)
    assert (job["state"], job["completed"], job["runtime"], job["progress"]) == (
        "FAILURE", "2025-07-03T12:38:48Z", 3.0, 100)
    assert hub.file(last)["status"] == "MIGRATED"
    assert hub.body("jobs_statistics_retrieve", pk=job_id) == {
        "total": 3, "processed": 2, "failures": 1, "skipped": 0, "aborted": 0, "inprogress": 0}
    assert [s["path"] for s in hub.body("jobs_files_list", pk=job_id, category="failures")] == [MISSING]
    assert [f["state"] for f in hub.body("tasks_files_list", pk=done["id"])] == ["processed"]


def test_h80_recall_turns_migrated_into_premigrated(hub: Hub) -> None:
    migrated, premigrated, unmanaged = (files_with(hub.state, s)[0] for s in ("MIGRATED", "PREMIGRATED",
                                                                               "UNMANAGED"))
    job_id = hub.run("recall", [migrated, premigrated, unmanaged])
    assert hub.body("tasks_list", job_id=job_id)[0]["tasktype"] == "dynamo.tasks.recall"
    hub.advance(1.5)
    assert hub.job(job_id)["state"] == "STARTED"
    assert hub.file(migrated)["status"] == "MIGRATED"
    hub.advance(0.5)
    assert hub.file(migrated)["status"] == "PREMIGRATED"
    hub.advance(2)
    job = hub.job(job_id)
    assert (job["state"], job["progress"]) == ("SUCCESS", 100)
    assert [hub.file(p)["status"] for p in (migrated, premigrated, unmanaged)] == ["PREMIGRATED"] * 2 + ["UNMANAGED"]


@pytest.mark.parametrize(("workflow", "before", "after"), [
    ("premigrate", "UNMANAGED", "PREMIGRATED"), ("premigrate", "MIGRATED", "MIGRATED"),
    ("send", "UNMANAGED", "PREMIGRATED"), ("site_sync", "UNMANAGED", "UNMANAGED"),
])
def test_h80_status_per_workflow(hub: Hub, workflow: str, before: str, after: str) -> None:
    path = files_with(hub.state, before)[0]
    hub.run(workflow, [path])
    hub.advance(2)
    assert hub.file(path)["status"] == after


def test_h79_directory_recursive_and_not(hub: Hub) -> None:
    folder = "/mmfs1/data/space01/ab"
    below = files_with(hub.state, "UNMANAGED", below=folder)
    recursive = hub.run("migrate", [folder])
    flat = hub.run("migrate", [folder], discovery=None)
    hub.advance(10)
    task = hub.body("tasks_list", job_id=recursive)[0]
    result = hub.body("tasks_retrieve", pk=task["id"])["result"]["status"]
    assert result["input_paths"] == [{"path": folder, "size": 4096, "type": "directory", "state": "created"}]
    assert result["summary"]["processed"] == len(hub.body("jobstats_list", job=recursive)) > len(below) > 0
    assert all(hub.file(p)["status"] == "MIGRATED" for p in below)
    assert [s["path"] for s in hub.body("jobstats_list", job=flat)] == [folder]


def test_h81_cancel_while_started(hub: Hub) -> None:
    first, second = files_with(hub.state, "UNMANAGED")[:2]
    job_id = hub.run("migrate", [first, second])
    hub.advance(1.5)
    job = hub.body("jobs_cancel_create", method="POST", pk=job_id)
    assert (job["state"], job["started"], job["completed"], job["runtime"]) == (
        "CANCELLED", "2025-07-03T12:38:45Z", "2025-07-03T12:38:45.500000Z", 0.5)
    running, waiting = tasks_of(hub, job_id)
    assert (running["state"], running["started"], running["completed"]) == (
        "CANCELLED", "2025-07-03T12:38:45Z", "2025-07-03T12:38:45.500000Z")
    assert (waiting["state"], waiting["started"], waiting["completed"]) == ("CANCELLED", None, None)
    hub.advance(10)
    assert hub.job(job_id)["state"] == "CANCELLED"
    assert [hub.file(p)["status"] for p in (first, second)] == ["UNMANAGED"] * 2
    assert hub.body("jobs_statistics_retrieve", pk=job_id)["aborted"] == 2
    assert [f["state"] for f in hub.body("tasks_files_list", pk=running["id"])] == ["aborted"]
    assert hub.body("jobs_cancel_create", method="POST", pk=job_id)["completed"] == "2025-07-03T12:38:45.500000Z"


def test_h81_cancel_keeps_finished_work(hub: Hub) -> None:
    first, second = files_with(hub.state, "UNMANAGED")[:2]
    job_id = hub.run("migrate", [first, second])
    hub.advance(2.5)
    job = hub.body("jobs_cancel_create", method="POST", pk=job_id)
    assert (job["state"], job["progress"]) == ("CANCELLED", 50)
    assert states(hub, job_id) == ["SUCCESS", "CANCELLED"]
    assert [hub.file(p)["status"] for p in (first, second)] == ["MIGRATED", "UNMANAGED"]


def test_h81_pause_and_resume_shift_the_schedule(hub: Hub) -> None:
    first, second = files_with(hub.state, "UNMANAGED")[:2]
    job_id = hub.run("migrate", [first, second])
    assert hub.body("jobs_pause_create", method="POST", pk=job_id)["state"] == "PENDING"  # not started: no effect
    hub.advance(1.5)
    assert hub.body("jobs_resume_create", method="POST", pk=job_id)["state"] == "STARTED"  # not paused: no effect
    assert hub.body("jobs_pause_create", method="POST", pk=job_id)["state"] == "PAUSED"
    hub.advance(10)
    assert (hub.job(job_id)["state"], states(hub, job_id)) == ("PAUSED", ["STARTED", "PENDING"])
    assert hub.file(first)["status"] == "UNMANAGED"
    assert hub.body("jobs_resume_create", method="POST", pk=job_id)["state"] == "STARTED"
    hub.advance(0.5)  # the first task had 0.5 s left at the pause
    assert states(hub, job_id) == ["SUCCESS", "STARTED"]
    assert hub.file(first)["status"] == "MIGRATED"
    hub.advance(1)
    job = hub.job(job_id)
    assert (job["state"], job["started"], job["completed"], job["runtime"]) == (
        "SUCCESS", "2025-07-03T12:38:45Z", "2025-07-03T12:38:57Z", 12.0)
    assert tasks_of(hub, job_id)[1]["started"] == "2025-07-03T12:38:56Z"


def test_h81_resubmit_runs_a_finished_job_again(hub: Hub) -> None:
    path = files_with(hub.state, "UNMANAGED")[0]
    job_id = hub.run("migrate", [path, MISSING])
    assert hub.body("jobs_resubmit_create", method="POST", pk=job_id)["tasks_count"] == 2  # running: no effect
    assert len(hub.body("tasks_list", job_id=job_id)) == 2
    hub.advance(3)
    assert hub.job(job_id)["state"] == "FAILURE"
    first_run = {s["path"]: s["id"] for s in hub.body("jobstats_list", job=job_id)}
    job = hub.body("jobs_resubmit_create", method="POST", pk=job_id)
    assert (job["state"], job["started"], job["completed"], job["runtime"], job["progress"], job["created"]) == (
        "PENDING", None, None, None, 0, "2025-07-03T12:38:44Z")
    tasks = hub.body("tasks_list", job_id=job_id)
    assert [t["state"] for t in tasks] == ["SUCCESS", "FAILURE", "PENDING", "PENDING"]
    assert len({t["task_id"] for t in tasks}) == 4
    assert {s["path"]: s["id"] for s in hub.body("jobstats_list", job=job_id)} == first_run
    assert {s["state"] for s in hub.body("jobstats_list", job=job_id)} == {"PENDING"}
    hub.advance(3)
    job = hub.job(job_id)
    assert (job["state"], job["started"], job["completed"]) == (
        "FAILURE", "2025-07-03T12:38:48Z", "2025-07-03T12:38:50Z")


def test_h77_durations_are_configurable() -> None:
    slow = Hub(hub_state(hub_job_start_delay=5, hub_task_duration=0.25))
    job_id = slow.run("migrate", [files_with(slow.state, "UNMANAGED")[0]])
    slow.advance(4.9)
    assert slow.job(job_id)["state"] == "PENDING"
    slow.advance(0.35)
    assert (slow.job(job_id)["state"], slow.job(job_id)["runtime"]) == ("SUCCESS", 0.25)


def test_h77_job_without_paths_finishes_at_start(hub: Hub) -> None:
    job_id = hub.run("migrate", [])
    assert (hub.job(job_id)["tasks_count"], hub.job(job_id)["progress"]) == (0, 0)
    hub.advance(1)
    assert (hub.job(job_id)["state"], hub.job(job_id)["progress"], hub.job(job_id)["runtime"]) == (
        "SUCCESS", 100, 0.0)


def test_h87_delete_removes_tasks_and_jobstats_keeps_effects(hub: Hub) -> None:
    path = files_with(hub.state, "UNMANAGED")[0]
    job_id = hub.run("migrate", [path, MISSING])
    hub.advance(2)
    assert hub.call("jobs_destroy", method="DELETE", pk=job_id).status == 204
    assert hub.body("tasks_list", job_id=job_id) == [] and hub.body("jobstats_list", job=job_id) == []
    assert hub.error("jobs_retrieve", pk=job_id) == (404, {"detail": "No Job matches the given query."})
    assert hub.file(path)["status"] == "MIGRATED"
