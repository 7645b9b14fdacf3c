"""One view of time and state per request (A2, A4, A6, A7, A12), raced with real threads. Each test stops a
request at the moment that used to be unsafe (events, not sleeps), does the racing admin call, and lets go.
Rules: docs/behaviour/admin.md."""
import json
import threading
from datetime import datetime

import pytest
from flask import Response
from stub_dialect import StubApi, install

import mockserver.products
from mockserver.app import create_app, state_of
from mockserver.config import Settings

ECHO = "/rundb/api/v1/echo/"
TWICE = "/rundb/api/v1/twice/"
WAIT_S = 10  # how long a test waits for the other thread before it calls the test failed


class Paused:
    """Wrap ``owner.<name>`` so that its next call runs ``before`` or ``after`` the real one as told, then says
    so (``reached``) and waits for ``go``; later calls run straight through."""

    def __init__(self, owner, name: str, when: str = "after"):
        self.real = getattr(owner, name)
        self.reached = threading.Event()
        self.go = threading.Event()
        self.when = when
        self._first = True
        setattr(owner, name, self)

    def __call__(self, *args, **kwargs):
        first, self._first = self._first, False
        if first and self.when == "before":
            self._pause()
        result = self.real(*args, **kwargs)
        if first and self.when == "after":
            self._pause()
        return result

    def _pause(self):
        self.reached.set()
        assert self.go.wait(WAIT_S), "the test never let the paused call go on"


class Background(threading.Thread):
    """One request on its own thread and test client; ``answer`` once joined."""

    def __init__(self, app, method: str, path: str, **kwargs):
        super().__init__()
        self.app, self.method, self.path, self.kwargs = app, method, path, kwargs
        self.answer = None

    def run(self):
        self.answer = self.app.test_client().open(self.path, method=self.method, **self.kwargs)

    def result(self):
        self.join(WAIT_S)
        assert not self.is_alive(), "the request never finished"
        return self.answer


class ClockReader(StubApi):
    """The stub, plus ``GET /twice/``: reads the clock, waits for the test, reads it again."""

    between = None  # set by the test: (reached, go)

    def handle(self, request):
        if request.path == TWICE:
            first = self.state.clock.now()
            reached, go = self.between
            reached.set()
            assert go.wait(WAIT_S)
            second = self.state.clock.now()
            return Response(json.dumps([first.isoformat(), second.isoformat()]), 200,
                            content_type="application/json")
        return super().handle(request)


@pytest.fixture
def app(monkeypatch, tmp_path):
    seed_dir = install(monkeypatch, tmp_path)
    monkeypatch.setitem(mockserver.products.PRODUCTS, "torrent", ClockReader)
    return create_app(Settings(apis=("torrent",), seed_dir=seed_dir))


def test_a6_the_clock_cannot_move_inside_one_request(app):
    admin = app.test_client()
    reached, go = threading.Event(), threading.Event()
    ClockReader.between = (reached, go)
    request = Background(app, "GET", TWICE)
    request.start()
    assert reached.wait(WAIT_S)
    assert admin.post("/__mock__/clock", json={"advance": 3600}).status_code == 200  # an hour, mid-request
    go.set()
    first, second = request.result().get_json()
    assert first == second
    (entry,) = admin.get("/__mock__/journal").get_json()
    assert datetime.fromisoformat(entry["time"].replace("Z", "+00:00")) == datetime.fromisoformat(first)


def test_a2_a_fault_decision_from_before_a_reset_is_dropped(app):
    admin = app.test_client()
    old = admin.post("/__mock__/faults", json={"path": ECHO, "status": 503}).get_json()
    decided = Paused(state_of(app).faults, "decide")
    request = Background(app, "GET", ECHO)
    request.start()
    assert decided.reached.wait(WAIT_S)  # the request holds a decision of rule `old`
    assert admin.post("/__mock__/reset").status_code == 204
    new = admin.post("/__mock__/faults", json={"path": "/nowhere/", "status": 418}).get_json()
    decided.go.set()
    assert request.result().status_code == 200  # the rule is gone: the request goes on as if none matched
    assert new["id"] != old["id"]  # ids are never reused, not even after a reset
    (entry,) = admin.get("/__mock__/journal").get_json()  # served after the reset: journaled, with no rule
    assert (entry["status"], entry["fault"]) == (200, None)
    assert [(r["id"], r["hits"]) for r in admin.get("/__mock__/faults").get_json()] == [(new["id"], 0)]


def test_a2_a_journal_entry_from_before_a_reset_is_dropped(app):
    admin = app.test_client()
    rule = admin.post("/__mock__/faults", json={"path": ECHO, "headers": {"X-Rule": "1"}}).get_json()
    recording = Paused(state_of(app).journal, "record", when="before")
    request = Background(app, "GET", ECHO)
    request.start()
    assert recording.reached.wait(WAIT_S)  # answered, not yet journaled
    assert admin.post("/__mock__/reset").status_code == 204
    recording.go.set()
    assert request.result().headers["X-Rule"] == "1"
    assert admin.get("/__mock__/journal").get_json() == []  # it arrived before the reset that cleared the journal
    assert admin.get(ECHO).status_code == 200
    (entry,) = admin.get("/__mock__/journal").get_json()
    assert entry["fault"] is None and rule["id"] not in json.dumps(admin.get("/__mock__/faults").get_json())


def test_a4_clearing_the_journal_drops_the_entry_of_a_request_in_flight(app):
    admin = app.test_client()
    recording = Paused(state_of(app).journal, "record", when="before")
    request = Background(app, "GET", ECHO)
    request.start()
    assert recording.reached.wait(WAIT_S)
    assert admin.delete("/__mock__/journal").status_code == 204
    recording.go.set()
    assert request.result().status_code == 200
    assert admin.get("/__mock__/journal").get_json() == []


@pytest.mark.parametrize("paused, answer, items", [
    ("state.reset", 404, ["seeded", "kept", "after the snapshot"]),  # before it looked the snapshot up: 404
    ("store.reset", 204, ["seeded", "kept"]),  # after it found the snapshot: the reset restores it whole
])
def test_a3_a_reset_racing_a_snapshot_drop_never_answers_500(app, paused, answer, items):
    admin = app.test_client()
    state = state_of(app)
    admin.post("/__mock__/records/torrent/item", json={"name": "kept"})
    assert admin.put("/__mock__/snapshots/s").status_code == 201
    admin.post("/__mock__/records/torrent/item", json={"name": "after the snapshot"})
    owner = state if paused == "state.reset" else state.store
    resetting = Paused(owner, "reset", when="before")
    reset = Background(app, "POST", "/__mock__/reset", json={"snapshot": "s"})
    reset.start()
    assert resetting.reached.wait(WAIT_S)
    drop = Background(app, "DELETE", "/__mock__/snapshots/s")
    drop.start()
    assert drop.result().status_code == 204  # not held up by the reset
    resetting.go.set()
    assert reset.result().status_code == answer
    assert [row["name"] for row in state.store.all("torrent/item")] == items
    again = admin.post("/__mock__/reset", json={"snapshot": "s"})
    assert again.status_code == 404 and again.get_json() == {"error": "unknown snapshot 's'; known: []"}
    assert state.server_errors == []


def test_a3_snapshot_calls_from_many_threads_at_once_never_answer_500(app):
    state = state_of(app)
    names = [f"s{i}" for i in range(4)]
    for name in names:
        state.save_snapshot(name)
    start = threading.Barrier(16)
    statuses: list[int] = []

    def caller(i: int):
        client = app.test_client()
        start.wait(WAIT_S)
        for round_ in range(20):
            name = names[(i + round_) % len(names)]
            calls = [("POST", "/__mock__/reset", {"snapshot": name}), ("DELETE", f"/__mock__/snapshots/{name}", None),
                     ("PUT", f"/__mock__/snapshots/{name}", None), ("GET", "/__mock__/snapshots", None)]
            method, path, body = calls[(i + round_) % len(calls)]
            statuses.append(client.open(path, method=method, json=body).status_code)  # list.append is atomic

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(16)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert len(statuses) == 16 * 20 and set(statuses) <= {200, 201, 204, 404}
    assert state.server_errors == []


def test_a7_fault_ids_are_never_reused(app):
    admin = app.test_client()
    ids = [admin.post("/__mock__/faults", json={"path": ECHO}).get_json()["id"]]
    admin.delete(f"/__mock__/faults/{ids[0]}")
    ids.append(admin.post("/__mock__/faults", json={"path": ECHO}).get_json()["id"])
    admin.delete("/__mock__/faults")
    ids.append(admin.post("/__mock__/faults", json={"path": ECHO}).get_json()["id"])
    admin.post("/__mock__/reset")
    ids.append(admin.post("/__mock__/faults", json={"path": ECHO}).get_json()["id"])
    assert len(set(ids)) == 4
