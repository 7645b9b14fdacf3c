"""Reads never write (H80, H81, H106): every GET of the Hub contract leaves the store exactly as it was, while jobs
are due to finish, mid-run, paused and long done. What a finished task did to the files is derived when it is
read; a write that changes tasks stores it first, and the answers are the same either way.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import json

from sim_support import T0

from mockserver.app import create_app, state_of
from mockserver.config import Settings
from mockserver.contract import load
from mockserver.hub import DOMAIN_HANDLERS

OUTPUT = "/mmfs1/data/space01/output.mov"
SPACE = "/mmfs1/data/space01"
# Path parameters and queries that reach the simulation's answers (the rest are read with the path's id 1).
VALUES = {"id": "1", "name": "sites", "key": "MIGRATED", "username": "admin", "parent_lookup_schedule": "1"}
QUERIES = {
    "/file/": f"?site=site1&path={SPACE}&details=true&page_size=0",
    "/analytics/": "?site=site1&path=/mmfs1&children=true",
    "/spaces/{id}/files/": "?details=true&page_size=0",
    "/external_targets/{id}/files/": "?path=space01/ab",
    "/search/{id}/": "?page_size=0",
    "/spaces/": "?page_size=0",
    "/jobs/": "?page_size=0",
    "/tasks/": "?page_size=0",
    "/jobstats/": "?page_size=0",
}


def get_paths(simulated_only: bool = False) -> list[str]:
    """Every GET of the contract, as a URL below /api; or only those the simulation answers, and the spaces
    (whose usage reads the file systems)."""
    paths = []
    for template, item in load("hub")["paths"].items():
        simulated = item.get("get", {}).get("operationId") in DOMAIN_HANDLERS or template.startswith("/spaces/")
        if "get" in item and (simulated or not simulated_only):
            path = template
            for name, value in VALUES.items():
                path = path.replace("{" + name + "}", value)
            paths.append(path + QUERIES.get(template, ""))
    return paths


class Session:
    def __init__(self) -> None:
        self.app = create_app(Settings(apis=("hub",), seed=0))
        self.http = self.app.test_client()
        self.state = state_of(self.app)
        self.clock(set=T0.isoformat())
        token = self.http.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).json
        self.headers = {"Authorization": f"Bearer {token['access']}"}

    def clock(self, **change) -> None:
        assert self.http.post("/__mock__/clock", json=change).status_code == 200

    def send(self, method: str, path: str, body=None) -> dict:
        answer = self.http.open(f"/api/{path.lstrip('/')}", method=method, headers=self.headers, json=body)
        assert answer.status_code < 300, answer.data
        return answer.json

    def get(self, path: str) -> bytes:
        answer = self.http.get(f"/api{path}", headers=self.headers)
        assert answer.status_code < 500, (path, answer.data)
        return answer.data

    def reads(self, simulated_only: bool = False) -> list[bytes]:
        """Every GET once; each must leave the store as it found it."""
        answers = []
        for path in get_paths(simulated_only):
            before = self.state.store.dump()
            answers.append(self.get(path))
            assert self.state.store.dump() == before, f"GET {path} changed the store"
        return answers


def started() -> Session:
    """Three jobs over the seeded files: two on site1 (a migrate of the space, then a recall), one on site2,
    an external target over space01 and a search to read back."""
    session = Session()
    session.state.store.put("hub/external_targets", 1, {"id": 1, "name": "cloud", "space": 1,
                                                        "available_on_sites": [1, 2]})
    session.send("POST", "search/", {"path": "/mmfs1", "filters": {"type": "file"}})
    session.send("POST", "file/workflow/", {"site": "site1", "workflow": "migrate", "paths": [SPACE, "/nope"]})
    session.send("POST", "file/workflow/", {"site": "site1", "workflow": "recall", "paths": [OUTPUT, SPACE]})
    session.send("POST", "file/workflow/", {"site": "site2", "workflow": "premigrate", "paths": [SPACE]})
    return session


def test_h80_every_get_leaves_the_store_as_it_was_while_jobs_finish() -> None:
    session = started()
    session.clock(advance=1.2)  # the first tasks have finished, the others not
    session.reads()
    for seconds in (0.6, 0.5, 5):  # between finishes, after the last
        session.clock(advance=seconds)
        session.reads(simulated_only=True)
    assert session.state.store.all("hub/file_status") == []  # nothing stored the effects: they were read
    assert json.loads(session.get(f"/file/?site=site1&path={OUTPUT}"))["status"] == "PREMIGRATED"


def test_h81_gets_leave_the_store_as_it_was_around_pause_resume_and_cancel() -> None:
    session = started()
    session.clock(advance=1.5)
    session.send("POST", "jobs/3/pause/")
    session.clock(advance=3)
    session.reads(simulated_only=True)
    session.send("POST", "jobs/3/resume/")
    session.clock(advance=0.5)
    session.reads(simulated_only=True)
    session.send("POST", "jobs/2/cancel/")  # a write: it stores what had finished by now
    assert session.state.store.all("hub/file_status")
    session.clock(advance=10)
    session.reads(simulated_only=True)


def test_h80_answers_do_not_depend_on_reads_before_them() -> None:
    """A session that reads at every step and one that reads only at the end answer the same, and so do a
    session whose effects a write stored (a cancel of a finished job stores them and changes nothing else)."""
    read_often, read_once, settled = started(), started(), started()
    for seconds in (0.7, 1.2, 2.5, 30):
        for session in (read_often, read_once, settled):
            session.clock(advance=seconds)
        read_often.reads(simulated_only=True)
    settled.send("POST", "jobs/1/cancel/")
    assert settled.state.store.all("hub/file_status")
    last = read_often.reads(simulated_only=True)
    assert read_once.reads(simulated_only=True) == last
    assert settled.reads(simulated_only=True) == last


def test_h80_gets_leave_the_store_as_it_was_while_failure_scenarios_hold_a_site() -> None:
    """A node_offline scenario (the site's work waits, its SiteHealth alert is derived) and a task_failure: every
    GET still only reads, before and after the node is back."""
    session = Session()
    admin = session.http
    assert admin.post("/__mock__/scenarios", json={"kind": "task_failure", "site": "site1", "path": OUTPUT,
                                                   "error": "EIO"}).status_code == 201
    session.send("POST", "file/workflow/", {"site": "site1", "workflow": "migrate", "paths": [SPACE, OUTPUT]})
    session.clock(advance=1.5)
    assert admin.post("/__mock__/scenarios", json={"kind": "node_offline", "node": "pixstor-east-ng-test"}
                      ).status_code == 201
    session.send("POST", "file/workflow/", {"site": "site1", "workflow": "recall", "paths": [OUTPUT]})
    session.clock(advance=150)
    session.reads()  # held, the alert raised
    assert b"No workers are joined" in session.get("/alerts/?site=site1")
    assert admin.delete("/__mock__/scenarios/2").status_code == 204
    for seconds in (0.5, 1, 5):
        session.clock(advance=seconds)
        session.reads(simulated_only=True)
    assert json.loads(session.get("/jobs/1/"))["state"] == "FAILURE"
