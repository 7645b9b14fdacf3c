"""Shared by the Hub simulation tests: a MockState with the Hub seed in its stored form, on a frozen clock, and
a way to call a domain handler as the dialect would (no HTTP). The ``hub`` fixture is in conftest.py.

Imported as ``sim_support`` (pytest puts this folder on ``sys.path``); the name is this folder's own, so it cannot
clash with a module of another test folder.
"""
from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from mockserver.config import Settings
from mockserver.errors import ApiError
from mockserver.hub import DOMAIN_HANDLERS, HubCall, HubList, HubReply
from mockserver.products import bindings
from mockserver.seeds import read_seed
from mockserver.state import MockState

T0 = datetime(2025, 7, 3, 12, 38, 44, tzinfo=UTC)
BASE = "http://hub.test/api"
ADMIN = {"id": 1, "username": "admin", "is_staff": True, "is_superuser": True}
for _module in ("files", "jobs", "search", "settings"):  # the simulation's modules only, not accounts
    importlib.import_module(f"mockserver.hub.{_module}")
HANDLERS = DOMAIN_HANDLERS


def dialect_ready() -> bool:
    try:
        return hasattr(importlib.import_module("mockserver.dialects.drf"), "create")
    except ImportError:
        return False


def hub_state(seed: int = 0, **options: Any) -> MockState:
    """A MockState holding the Hub seed, on a frozen clock: stored by the DRF dialect when it serves, else the
    seed's API representation as-is (the simulation reads references written as ids, names or objects)."""
    if dialect_ready():
        state = MockState(Settings(apis=("hub",), seed=seed, **options), bindings)
    else:
        state = MockState(Settings(apis=(), seed=seed, **options), bindings)
        state.seed_tables = {f"hub/{name}": [{"id": i, **row} for i, row in enumerate(rows, 1)]
                             for name, rows in read_seed("hub").items()}
        for node in state.seed_tables["hub/nodes"]:
            node["_live_heartbeat"] = True
        state.store.load_seed(state.seed_tables)
    state.clock.set(T0)
    return state


class Hub:
    """Calls domain handlers by operationId (``pk`` = the path's id, other keywords = query parameters);
    ``items`` of a HubList come back as a list."""

    def __init__(self, state: MockState):
        self.state = state

    def call(self, op: str, method: str = "GET", body: Any = None, user: dict | None = None,
             key: dict | None = None, **params: Any) -> HubReply | HubList:
        pk = params.pop("pk", None)
        path_params = {} if pk is None else {"id": str(pk)}
        query = MultiDict([(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])])
        return HANDLERS[op](HubCall(op, method, path_params, query, body, user or ADMIN, BASE, self.state, key))

    def body(self, op: str, **kwargs: Any) -> Any:
        reply = self.call(op, **kwargs)
        return reply.items if isinstance(reply, HubList) else reply.body

    def error(self, op: str, **kwargs: Any) -> tuple[int, Any]:
        with pytest.raises(ApiError) as caught:
            self.call(op, **kwargs)
        return caught.value.status, caught.value.body

    def advance(self, seconds: float) -> None:
        self.state.clock.advance(seconds)

    def run(self, workflow: str, paths: list, site: str = "site1", **extra: Any) -> int:
        reply = self.call("file_workflow_create", method="POST",
                          body={"site": site, "workflow": workflow, "paths": paths, **extra})
        assert reply.status == 201, reply.body
        return reply.body["job"]

    def job(self, job_id: int) -> dict:
        return self.body("jobs_retrieve", pk=job_id)

    def file(self, path: str, site: str = "site1") -> dict:
        return self.body("file_retrieve", site=site, path=path)


def assert_valid(path: str, method: str, body: Any, status: str = "200") -> None:
    """``body`` validates against the contract's response schema of that operation."""
    from mockserver.schemas import response_schema, validator

    errors = [e.message for e in validator("hub", response_schema("hub", path, method, status)).iter_errors(body)]
    assert not errors, errors[:3]


def files_with(state: MockState, status: str, below: str = "/mmfs1/data/space01", site_id: int = 1) -> list[str]:
    """Paths of unrestricted seeded files with a given status, in tree order."""
    from mockserver.hub.vfs import SiteFS

    fs = SiteFS(state, state.store.get("hub/sites", site_id))
    return [n.path for n in fs.files_below(below) if fs.status(n) == status and not n.restricted]
