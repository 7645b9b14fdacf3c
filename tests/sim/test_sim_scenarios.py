"""Failure scenarios (``/__mock__/scenarios``): the admin API and the kinds task_failure, alert and durations,
each driven over HTTP with the clock, reading every Hub resource it touches. node_offline: test_sim_outages.py."""
from __future__ import annotations

import pytest
from scenario_support import EAST, Mock
from sim_support import files_with

OUTPUT = "/mmfs1/data/space01/output.mov"


@pytest.fixture
def mock() -> Mock:
    return Mock()


# -- the admin API ------------------------------------------------------------------------------------------------


def test_scenarios_are_added_listed_and_removed(mock: Mock) -> None:
    failure = mock.add(kind="task_failure", site="site1", path=OUTPUT, error="ENOSPC",
                       message="No space left on device", times=2)
    assert failure == {"id": 1, "kind": "task_failure", "site": "site1", "path": OUTPUT, "error": "ENOSPC",
                       "message": "No space left on device", "times": 2, "remaining": 2,
                       "added": "2025-07-03T12:38:44Z"}
    offline = mock.add(kind="node_offline", node=EAST, until=None)
    assert offline == {"id": 2, "kind": "node_offline", "node": EAST, "until": None, "added": "2025-07-03T12:38:44Z"}
    timing = mock.add(kind="durations", workflow="recall", task_duration=600, start_delay=5)
    assert (timing["task_duration"], timing["start_delay"]) == (600, 5)
    assert [s["id"] for s in mock.scenarios()] == [1, 2, 3]

    mock.remove(2)
    assert [s["id"] for s in mock.scenarios()] == [1, 3]
    answer = mock.http.delete("/__mock__/scenarios/2")
    assert answer.status_code == 404 and "unknown scenario '2'" in answer.json["error"]
    mock.remove()
    assert mock.scenarios() == []


@pytest.mark.parametrize(("spec", "words"), [
    ([], "kind: send a JSON object with a kind"),
    ({"kind": "flood"},
     "kind: 'flood' is not a scenario kind; use one of task_failure, node_offline, alert, durations"),
    ({"kind": "task_failure", "site": "site9", "path": OUTPUT, "error": "EIO"},
     "site: 'site9' is not a Hub site; use the name of one of: site1, site2, testexample"),
    ({"kind": "task_failure", "site": "site1", "path": OUTPUT, "error": "ENOPE"},
     "error: 'ENOPE' is not an error code; send a name of Python's errno module"),
    ({"kind": "task_failure", "site": "site1", "path": "output.mov", "error": "EIO"}, "path: send an absolute path"),
    ({"kind": "task_failure", "site": "site1", "path": OUTPUT, "error": "EIO", "times": 0},
     "times: send a whole number >= 1"),
    ({"kind": "task_failure", "site": "site1", "path": OUTPUT}, "error: task_failure needs site, path, error"),
    ({"kind": "task_failure", "site": "site1", "path": OUTPUT, "error": "EIO", "code": 5},
     "code: task_failure takes site, path, error, message, times; leave out code"),
    ({"kind": "node_offline", "node": "nodeX"},
     f"node: 'nodeX' is not a Hub node; use the name of one of: {EAST}, pixstor-west-ng-test"),
    ({"kind": "node_offline", "node": EAST, "until": "soon"},
     "until: send an ISO-8601 date-time with its time zone (e.g. 2031-01-01T00:00:00Z) or null, not 'soon'"),
    ({"kind": "node_offline", "node": EAST, "until": "2031-01-01"}, "until: send an ISO-8601 date-time with its"),
    ({"kind": "node_offline", "node": EAST, "until": "2031-01-01T00:00:00"},
     "until: send an ISO-8601 date-time with its time zone"),
    ({"kind": "node_offline", "node": EAST, "until": "2025-07-03T12:00:00Z"},
     "until: '2025-07-03T12:00:00Z' is not after the mock's clock (2025-07-03T12:38:44Z)"),
    ({"kind": "alert", "site": "site1", "name": "Disk", "severity": "FATAL"},
     "severity: 'FATAL' is not a severity; use one of INFO, WARNING, CRITICAL"),
    ({"kind": "durations", "workflow": "defrag", "task_duration": 5},
     "workflow: 'defrag' is not a Hub workflow; use the name of one of: migrate, premigrate, recall, send"),
    ({"kind": "durations", "workflow": "recall"}, "task_duration: send task_duration, start_delay or both"),
    ({"kind": "durations", "workflow": "recall", "start_delay": -1},
     "start_delay: send a number of seconds from 0 to 1000000000, not -1"),
    ({"kind": "durations", "workflow": "recall", "start_delay": 1e308},
     "start_delay: send a number of seconds from 0 to 1000000000, not 1e+308"),
    ({"kind": "durations", "workflow": "recall", "task_duration": 1_000_000_001}, "task_duration: send a number"),
    ({"kind": "alert", "site": "site1", "name": "Disk", "summary": None},
     "summary: send a string (it may be empty) or leave summary out"),
    ({"kind": "alert", "site": "site1", "name": "Disk", "node": "nodeX"},
     f"node: 'nodeX' is not a Hub node; use the name of one of: {EAST}, pixstor-west-ng-test"),
    ({"kind": "alert", "site": "site1", "name": "Disk", "node": "pixstor-west-ng-test"},
     f"node: 'pixstor-west-ng-test' is a node of another site; use one of site site1's nodes: {EAST}"),
])
def test_bad_scenarios_are_refused_naming_the_field_and_the_fix(mock: Mock, spec, words: str) -> None:
    assert mock.refused(spec).startswith(words)
    assert mock.scenarios() == []
    assert mock.alerts() == mock.get("alerts/")  # nothing stored on the way
    assert [a["id"] for a in mock.alerts()] == [99]


def test_one_scenario_by_its_id(mock: Mock) -> None:
    added = mock.add(kind="alert", site="site1", name="DiskSpace")
    shown = mock.http.get(f"/__mock__/scenarios/{added['id']}")
    assert shown.status_code == 200 and shown.json == added
    for unknown in ("999", "abc"):
        missing = mock.http.get(f"/__mock__/scenarios/{unknown}")
        assert missing.status_code == 404
        assert missing.json == {"error": f"unknown scenario {unknown!r}; GET /__mock__/scenarios lists them"}


def test_scenarios_are_cleared_by_reset_and_kept_in_snapshots(mock: Mock) -> None:
    mock.add(kind="alert", site="site1", name="Disk", severity="WARNING", summary="Pool nearly full")
    assert mock.http.put("/__mock__/snapshots/one").status_code == 201
    mock.add(kind="durations", workflow="recall", task_duration=60)
    assert mock.http.post("/__mock__/reset").status_code == 204
    mock.login()
    assert mock.scenarios() == [] and [a["id"] for a in mock.alerts()] == [99]

    assert mock.http.post("/__mock__/reset", json={"snapshot": "one"}).status_code == 204
    mock.login()
    assert [(s["id"], s["kind"]) for s in mock.scenarios()] == [(1, "alert")]
    assert [a["name"] for a in mock.alerts()] == ["SiteHealth", "Disk"]


def test_scenarios_need_the_hub() -> None:
    from mockserver.app import create_app
    from mockserver.config import Settings

    http = create_app(Settings(apis=("torrent",))).test_client()
    answer = http.get("/__mock__/scenarios")
    assert answer.status_code == 404 and "serve the hub API" in answer.json["error"]


# -- task_failure -------------------------------------------------------------------------------------------------


def test_task_failure_fails_the_next_task_on_the_path_at_its_finish(mock: Mock) -> None:
    first, second = mock.files("UNMANAGED")[:2]
    mock.add(kind="task_failure", site="site1", path=first, error="ENOSPC", message="No space left on device")
    job_id = mock.run("migrate", [first, second])
    assert mock.scenarios()[0]["remaining"] == 0  # counted when the job planned its tasks

    mock.advance(1)
    assert [t["state"] for t in mock.tasks(job_id)] == ["STARTED", "PENDING"]
    assert mock.jobstats(job_id)[first]["state"] == "STARTED"

    mock.advance(1)  # its normal finish time
    failed, running = mock.tasks(job_id)
    assert (failed["state"], failed["completed"], running["state"]) == ("FAILURE", "2025-07-03T12:38:46Z", "STARTED")
    message = f"[Errno 28] No space left on device: '{first}'"
    assert failed["result"]["status"]["details"]["failures"] == [{"path": first, "message": [message]}]
    assert failed["result"]["status"]["summary"]["failures"] == 1
    assert failed["result"]["chain_details"]["all_fail"] == [{"path": first, "message": [message]}]
    assert mock.get(f"tasks/{failed['id']}/files/")["results"] == [
        {"path": first, "type": "file", "size": mock.get(f"file/?site=site1&path={first}")["size"],
         "state": "failures"}]
    stat = mock.jobstats(job_id)[first]
    assert (stat["state"], stat["code"], stat["message"]) == ("FAILURE", "ENOSPC", message)
    assert mock.file_status(first) == "UNMANAGED"  # what it would have migrated keeps its status

    mock.advance(1)
    job = mock.job(job_id)
    assert (job["state"], job["completed"], job["progress"]) == ("FAILURE", "2025-07-03T12:38:47Z", 100)
    assert mock.get(f"jobs/{job_id}/statistics/") == {"total": 2, "processed": 1, "failures": 1, "skipped": 0,
                                                      "aborted": 0, "inprogress": 0}
    assert [s["path"] for s in mock.get(f"jobs/{job_id}/files/?category=failures&page_size=0")] == [first]
    assert mock.get("jobs/?state=FAILURE&page_size=0")[0]["id"] == job_id
    assert mock.file_status(second) == "MIGRATED"

    again = mock.run("migrate", [first])  # times: 1, used up
    mock.advance(2)
    assert mock.job(again)["state"] == "SUCCESS" and mock.file_status(first) == "MIGRATED"


def test_task_failure_below_a_directory_counts_tasks_and_keeps_other_sites(mock: Mock) -> None:
    first, second, third = mock.files("UNMANAGED")[:3]
    mock.add(kind="task_failure", site="site1", path="/mmfs1/data/space01", error="EIO", times=2)
    elsewhere = files_with(mock.state, "UNMANAGED", site_id=2)[0]
    on_site2 = mock.run("migrate", [elsewhere], site="site2")  # another site: not this scenario's
    job_id = mock.run("migrate", [first, second, third])
    mock.advance(4)
    assert [t["state"] for t in mock.tasks(job_id)] == ["FAILURE", "FAILURE", "SUCCESS"]
    assert {s["code"] for s in mock.jobstats(job_id).values()} == {"EIO", None}
    assert mock.jobstats(job_id)[second]["message"] == f"[Errno 5] Input/output error: '{second}'"
    assert [mock.file_status(p) for p in (first, second, third)] == ["UNMANAGED", "UNMANAGED", "MIGRATED"]
    assert mock.job(on_site2)["state"] == "SUCCESS"


# -- alert --------------------------------------------------------------------------------------------------------


def test_alert_is_recorded_now_as_the_hub_would(mock: Mock) -> None:
    scenario = mock.add(kind="alert", site="site2", name="DiskSpace", severity="WARNING",
                        summary="Pool nearly full", node="pixstor-west-ng-test")
    recorded = {"id": scenario["alert"], "site": "site2", "name": "DiskSpace", "node": "pixstor-west-ng-test",
                "queue": None, "created": "2025-07-03T12:38:44Z", "timestamp": "2025-07-03T12:38:44Z",
                "severity": "WARNING", "summary": "Pool nearly full", "suppressed": False}
    mock.advance(60)
    assert mock.alerts(severity="WARNING") == [recorded]
    assert mock.alerts(site="site2", name="DiskSpace") == [recorded]
    assert mock.get(f"alerts/{scenario['alert']}/") == recorded
    assert mock.alerts(timestamp="2025-07-03T12:38:44Z") == [recorded]
    mock.remove(scenario["id"])  # the alert is cleared
    assert [a["id"] for a in mock.alerts()] == [99]
    assert mock.status(f"alerts/{scenario['alert']}/") == 404


# -- durations ----------------------------------------------------------------------------------------------------


def test_durations_time_the_workflows_jobs_created_from_then_on(mock: Mock) -> None:
    premigrated = mock.files("MIGRATED")  # recall: MIGRATED → PREMIGRATED (H80)
    assert len(premigrated) >= 4
    before = mock.run("recall", premigrated[:1])
    mock.add(kind="durations", workflow="recall", task_duration=600, start_delay=5)
    after = mock.run("recall", premigrated[1:3])
    other = mock.run("migrate", mock.files("UNMANAGED")[:1])

    mock.advance(2)
    assert mock.job(before)["state"] == "SUCCESS" and mock.job(other)["state"] == "SUCCESS"
    assert mock.job(after)["state"] == "PENDING"
    mock.advance(3)  # + start_delay
    job = mock.job(after)
    assert (job["state"], job["started"]) == ("STARTED", "2025-07-03T12:38:49Z")
    assert [t["state"] for t in mock.tasks(after)] == ["STARTED", "PENDING"]
    mock.advance(600)
    assert [t["state"] for t in mock.tasks(after)] == ["SUCCESS", "STARTED"]
    assert mock.tasks(after)[0]["runtime"] == 600.0
    mock.advance(600)
    job = mock.job(after)
    assert (job["state"], job["completed"], job["runtime"]) == ("SUCCESS", "2025-07-03T12:58:49Z", 1200.0)
    assert [mock.file_status(p) for p in premigrated[:3]] == ["PREMIGRATED"] * 3

    mock.remove()  # back to the settings for new jobs
    quick = mock.run("recall", premigrated[3:4])
    mock.advance(2)
    assert mock.job(quick)["state"] == "SUCCESS"


def test_durations_the_latest_scenario_of_a_workflow_wins_whole_and_removing_it_returns_to_the_settings(
        mock: Mock) -> None:
    unmanaged = mock.files("UNMANAGED")
    first = mock.add(kind="durations", workflow="migrate", task_duration=50, start_delay=20)
    latest = mock.add(kind="durations", workflow="migrate", task_duration=7)
    timed = mock.run("migrate", unmanaged[:1])
    mock.advance(1)  # the settings' start delay (1 s), not the earlier scenario's 20 s
    assert mock.job(timed)["state"] == "STARTED"
    mock.advance(7)
    job = mock.job(timed)
    assert (job["state"], job["runtime"]) == ("SUCCESS", 7.0)

    mock.remove(latest["id"])  # the earlier one is the latest again
    again = mock.run("migrate", unmanaged[1:2])
    mock.advance(19)
    assert mock.job(again)["state"] == "PENDING"
    mock.advance(1 + 50)
    assert (mock.job(again)["state"], mock.job(again)["runtime"]) == ("SUCCESS", 50.0)

    mock.remove(first["id"])
    quick = mock.run("migrate", unmanaged[2:3])
    mock.advance(2)
    assert (mock.job(quick)["state"], mock.job(quick)["runtime"]) == ("SUCCESS", 1.0)


def test_scenarios_are_carried_by_the_db_file(tmp_path) -> None:
    db = tmp_path / "mock.json"
    first = Mock(db=db)
    first.add(kind="durations", workflow="recall", start_delay=30)
    first.state.store.close()
    again = Mock(db=db)
    assert [(s["kind"], s["start_delay"]) for s in again.scenarios()] == [("durations", 30)]


def test_h83_job_stats_count_per_workflow_state_utc_day_and_site(mock: Mock) -> None:
    empty = mock.get("jobs/stats/")
    assert empty == {"type": {"migrate": 0, "premigrate": 0, "recall": 0},
                     "state": {"SUCCESS": 0, "FAILURE": 0, "STARTED": 0, "PENDING": 0, "ERROR": 0},
                     "created": {}, "site": {}}
    mock.run("migrate", mock.files("UNMANAGED")[:1])
    mock.run("recall", mock.files("MIGRATED")[:1])
    mock.advance(5)
    stats = mock.get("jobs/stats/")
    assert stats == {"type": {"migrate": 1, "premigrate": 0, "recall": 1},
                     "state": {"SUCCESS": 2, "FAILURE": 0, "STARTED": 0, "PENDING": 0, "ERROR": 0},
                     "created": {"2025-07-03": 2}, "site": {"site1": 2}}
    assert list(stats["state"]) == ["SUCCESS", "FAILURE", "STARTED", "PENDING", "ERROR"]
    assert mock.get("jobs/")["stats"] == stats  # H82's envelope carries the same object
