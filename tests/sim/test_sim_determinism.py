"""H118: the same seed, clock and calls give byte-identical answers; a reset (A2) starts the simulation over.
Rules: docs/behaviour/hub.md, docs/behaviour/admin.md."""
from __future__ import annotations

import json

from sim_support import T0, Hub, hub_state

from mockserver.hub import HubList


def script(hub: Hub) -> str:
    """A session touching every kind of generated value: file trees, task uuids, timestamps, settingstasks."""
    answers = []

    def ask(op: str, **kwargs) -> None:
        reply = hub.call(op, **kwargs)
        answers.append(reply.items if isinstance(reply, HubList) else [reply.status, reply.body, reply.headers])

    ask("file_retrieve", site="site2", path="/mmfs1/data/space01", details="true", page_size="100")
    ask("file_workflow_create", method="POST", body={"site": "site1", "workflow": "migrate",
                                                     "paths": ["/mmfs1/data/space01", "/nope"]})
    ask("search_create", method="POST", body={"path": "/mmfs1/data", "filters": {"type": "file"}})
    hub.advance(1.25)
    ask("jobs_pause_create", method="POST", pk=1)
    hub.advance(3)
    ask("jobs_resume_create", method="POST", pk=1)
    ask("settings_partial_update", method="PATCH", body={"values": [{"key": "a", "value": 1}]})
    hub.advance(5)
    for op in ("jobs_list", "tasks_list", "jobstats_list", "settingstasks_list"):
        ask(op)
    ask("tasks_retrieve", pk=1)
    ask("search_retrieve", pk=1, sort="-mtime")
    ask("analytics_list", site="site1", path="/mmfs1", children="true")
    return json.dumps(answers, separators=(",", ":"), ensure_ascii=False)


def test_h118_same_seed_same_bytes() -> None:
    first, second = script(Hub(hub_state(seed=7))), script(Hub(hub_state(seed=7)))
    assert first == second
    assert '"state":"FAILURE"' in first and '"status":"MIGRATED"' in first


def test_h118_another_seed_another_world() -> None:
    assert script(Hub(hub_state(seed=7))) != script(Hub(hub_state(seed=8)))


def test_a2_reset_starts_the_simulation_over() -> None:
    hub = Hub(hub_state(seed=3))
    before = script(hub)
    hub.state.reset()
    hub.state.clock.set(T0)
    assert hub.body("jobs_list") == [] and hub.body("settingstasks_list") == []
    assert script(hub) == before
