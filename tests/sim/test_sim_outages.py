"""node_offline scenarios driven over HTTP with the clock: heartbeats and ``online`` (H96), site health (H95), the
site's SiteHealth alert, and the site's jobs held while it has no node up; then determinism (H118) and snapshots
with scenarios."""
from __future__ import annotations

import json

import pytest
from scenario_support import EAST, WEST, Mock


@pytest.fixture
def mock() -> Mock:
    return Mock()


def health(mock: Mock, site_id: int = 1) -> dict:
    return mock.get(f"sites/{site_id}/health/")


def test_node_offline_holds_the_sites_work_raises_the_alert_and_releases_both(mock: Mock) -> None:
    files = mock.files("UNMANAGED")
    running = mock.run("migrate", files[:3])  # tasks at +1..+2, +2..+3, +3..+4
    mock.advance(1.5)
    scenario = mock.add(kind="node_offline", node=EAST)  # at +1.5: the first task is running

    node = mock.node(EAST)
    assert (node["last_heartbeat"], node["online"]) == ("2025-07-03T12:38:45.500000Z", True)
    assert mock.node(WEST)["online"] is True
    waiting = mock.run("migrate", files[3:4])
    on_site2 = mock.run("migrate", [], site="site2")  # another site's work goes on (no paths: done at its start)
    mock.advance(2)
    assert [t["state"] for t in mock.tasks(running)] == ["SUCCESS", "PENDING", "PENDING"]  # the running one finished
    assert mock.file_status(files[0]) == "MIGRATED" and mock.file_status(files[1]) == "UNMANAGED"
    assert (mock.job(running)["state"], mock.job(waiting)["state"]) == ("STARTED", "PENDING")
    assert mock.jobstats(waiting)[files[3]]["state"] == "PENDING"
    assert mock.job(on_site2)["state"] == "SUCCESS"
    assert health(mock)["health"] == "ok"  # the Hub has not noticed yet
    assert [a["id"] for a in mock.alerts()] == [99]

    mock.advance(120)  # past node_health_last_heartbeat_interval since the heartbeat stopped
    node = mock.node(EAST)
    assert (node["last_heartbeat"], node["online"]) == ("2025-07-03T12:38:45.500000Z", False)
    assert health(mock) == {"site": "site1", "health": "critical",
                            "nodes": [{"name": EAST, "health": "critical", "online": False}]}
    assert health(mock, 2)["health"] == "ok"
    raised = {"site": "site1", "name": "SiteHealth", "node": None, "queue": None,
              "created": "2025-07-03T12:40:45.500000Z", "timestamp": "2025-07-03T12:40:45.500000Z",
              "severity": "INFO", "summary": "No workers are joined", "suppressed": False}
    alerts = mock.alerts(site="site1")
    assert [{k: v for k, v in a.items() if k != "id"} for a in alerts] == [raised]
    assert mock.get(f"alerts/{alerts[0]['id']}/") == alerts[0]
    assert mock.alerts(name="SiteHealth", summary="No workers are joined") == [mock.get("alerts/99/"), alerts[0]]
    assert (mock.job(running)["progress"], mock.job(waiting)["progress"]) == (33, 0)
    assert mock.get("jobs/stats/")["state"]["PENDING"] == 1

    mock.remove(scenario["id"])  # the node is back at +123.5: what waited starts now, on the clock
    assert mock.node(EAST)["online"] is True and health(mock)["health"] == "ok"
    assert mock.alerts(site="site1") == [] and mock.status(f"alerts/{alerts[0]['id']}/") == 404
    tasks = mock.tasks(running)
    assert [t["state"] for t in tasks] == ["SUCCESS", "STARTED", "PENDING"]
    assert tasks[1]["started"] == "2025-07-03T12:40:47.500000Z"
    assert mock.job(waiting)["state"] == "STARTED"
    assert mock.job(waiting)["started"] == "2025-07-03T12:40:47.500000Z"
    mock.advance(2)
    job = mock.job(running)
    assert (job["state"], job["completed"], job["runtime"]) == ("SUCCESS", "2025-07-03T12:40:49.500000Z", 124.5)
    assert [mock.file_status(p) for p in files[:4]] == ["MIGRATED"] * 4
    assert mock.job(waiting)["state"] == "SUCCESS"
    assert mock.get(f"jobs/{running}/statistics/")["processed"] == 3


def test_node_offline_until_brings_the_node_back_on_the_clock(mock: Mock) -> None:
    mock.add(kind="node_offline", node=EAST, until="2025-07-03T12:48:44Z")  # ten minutes
    job_id = mock.run("migrate", mock.files("UNMANAGED")[:1])
    mock.advance(300)
    assert mock.node(EAST)["online"] is False and mock.job(job_id)["state"] == "PENDING"
    assert [a["summary"] for a in mock.alerts(site="site1")] == ["No workers are joined"]
    mock.advance(300)  # the scenario's end: no write needed
    assert mock.node(EAST)["online"] is True and mock.alerts(site="site1") == []
    job = mock.job(job_id)
    assert (job["state"], job["started"]) == ("STARTED", "2025-07-03T12:48:44Z")
    mock.advance(1)
    assert mock.job(job_id)["state"] == "SUCCESS"
    assert [s["kind"] for s in mock.scenarios()] == ["node_offline"]  # listed until removed


def test_a_site_keeps_working_while_one_of_its_nodes_is_up(mock: Mock) -> None:
    # A second node on site1 (nodes are not created through the API: the admin records insert one, A9).
    assert mock.http.post("/__mock__/records/hub/nodes", json={"name": "east-2", "site": "site1"}).status_code == 201
    mock.add(kind="node_offline", node=EAST)
    mock.advance(121)
    job_id = mock.run("migrate", mock.files("UNMANAGED")[:1])
    assert health(mock)["health"] == "warning" and mock.alerts(site="site1") == []
    mock.advance(2)
    assert mock.job(job_id)["state"] == "SUCCESS"


def test_a_site_without_nodes_keeps_todays_behaviour(mock: Mock) -> None:
    mock.add(kind="node_offline", node=EAST)
    mock.advance(121)
    assert health(mock, 3) == {"site": "testexample", "health": "critical", "nodes": []}
    job_id = mock.run("migrate", [], site="testexample")
    mock.advance(1)
    assert mock.job(job_id)["state"] == "SUCCESS"


def test_cancel_and_pause_while_the_site_is_down(mock: Mock) -> None:
    files = mock.files("UNMANAGED")
    paused = mock.run("migrate", files[:2])
    mock.advance(1.5)
    mock.add(kind="node_offline", node=EAST)
    assert mock.http.post(f"/api/jobs/{paused}/pause/", headers=mock.headers).json["state"] == "PAUSED"
    cancelled = mock.run("migrate", files[2:3])
    mock.advance(10)
    answer = mock.http.post(f"/api/jobs/{cancelled}/cancel/", headers=mock.headers).json
    assert (answer["state"], answer["started"]) == ("CANCELLED", None)
    assert mock.http.post(f"/api/jobs/{paused}/resume/", headers=mock.headers).json["state"] == "STARTED"
    mock.advance(10)
    assert [t["state"] for t in mock.tasks(paused)] == ["SUCCESS", "PENDING"]  # the running one finished
    mock.remove()
    mock.advance(1)
    assert mock.job(paused)["state"] == "SUCCESS" and mock.job(cancelled)["state"] == "CANCELLED"
    assert mock.file_status(files[1]) == "MIGRATED" and mock.file_status(files[2]) == "UNMANAGED"


# -- determinism and snapshots ------------------------------------------------------------------------------------

READS = ("jobs/?page_size=0", "tasks/?page_size=0", "jobstats/?page_size=0", "nodes/", "alerts/", "sites/1/health/",
         "sites/2/health/", "file/?site=site1&path=/mmfs1/data/space01&details=true&page_size=0")


def script(seed: int) -> bytes:
    """Scenarios of every kind and clock moves on a frozen clock; every answer, byte for byte."""
    mock = Mock(seed=seed)
    answers: list[bytes] = []

    def read() -> None:
        answers.extend(mock.http.get(f"/api/{path}", headers=mock.headers).data for path in READS)

    files = mock.files("UNMANAGED")
    answers.append(mock.http.post("/__mock__/scenarios", json={
        "kind": "task_failure", "site": "site1", "path": files[1], "error": "EACCES"}).data)
    answers.append(mock.http.post("/__mock__/scenarios", json={
        "kind": "durations", "workflow": "migrate", "task_duration": 2.5}).data)
    mock.run("migrate", files[:3])
    mock.advance(3.25)
    answers.append(mock.http.post("/__mock__/scenarios", json={"kind": "node_offline", "node": EAST}).data)
    answers.append(mock.http.post("/__mock__/scenarios", json={
        "kind": "alert", "site": "site2", "name": "Quota", "severity": "CRITICAL", "summary": "over"}).data)
    mock.run("migrate", files[3:5])
    read()
    mock.advance(200)
    read()
    answers.append(mock.http.delete("/__mock__/scenarios/3").data)
    mock.advance(1.5)
    read()
    mock.advance(60)
    read()
    answers.append(mock.http.get("/__mock__/scenarios").data)
    return b"\n".join(answers)


def test_h118_scenarios_on_a_frozen_clock_give_the_same_bytes() -> None:
    first, second = script(7), script(7)
    assert first == second
    text = first.decode()
    assert '"code":"EACCES"' in text.replace(" ", "") and "No workers are joined" in text


def test_a_snapshot_restore_brings_back_its_scenarios_and_their_effects(mock: Mock) -> None:
    job_id = mock.run("migrate", mock.files("UNMANAGED")[:1])
    mock.add(kind="node_offline", node=EAST)
    assert mock.http.put("/__mock__/snapshots/down").status_code == 201
    mock.remove()
    mock.add(kind="durations", workflow="recall", start_delay=30)
    assert mock.http.post("/__mock__/reset", json={"snapshot": "down"}).status_code == 204
    mock.clock(set="2025-07-03T12:45:00Z")
    mock.login()
    assert [(s["kind"], s["node"]) for s in mock.scenarios()] == [("node_offline", EAST)]
    assert mock.node(EAST)["online"] is False and mock.job(job_id)["state"] == "PENDING"
    assert json.dumps(mock.alerts(site="site1")).count("No workers are joined") == 1
