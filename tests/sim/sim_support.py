"""Shared by the Hub simulation tests: a MockState with the Hub seed in its stored form, on a frozen clock, and
a way to call an operation through the dialect's request path after authentication (no HTTP). The ``hub``
fixture is in conftest.py.

Imported as ``sim_support`` (pytest puts this folder on ``sys.path``); the name is this folder's own, so it cannot
clash with a module of another test folder.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from mockserver.config import Settings
from mockserver.dialects.drf.call import Call
from mockserver.dialects.drf.request import Query
from mockserver.dialects.drf.spec import load_spec
from mockserver.dialects.drf.world import World
from mockserver.errors import ApiError
from mockserver.hub import HubList, HubReply
from mockserver.products import bindings
from mockserver.state import MockState

T0 = datetime(2025, 7, 3, 12, 38, 44, tzinfo=UTC)
BASE = "http://hub.test/api"
ADMIN = {"id": 1, "username": "admin", "is_staff": True, "is_superuser": True}


def hub_state(seed: int = 0, **options: Any) -> MockState:
    """A MockState holding the Hub seed as the Hub binding stores it, on a frozen clock."""
    state = MockState(Settings(apis=("hub",), seed=seed, **options), bindings)
    state.clock.set(T0)
    return state


class Hub:
    """Calls operations by operationId through the dialect's request path after authentication
    (``DrfApi.operate``: object lookup, body parsing and validation, the handler) as ``user`` (default: the
    admin); ``pk`` = the path's id, other keywords = query parameters (a list: the parameter repeated).
    ``items`` of a HubList come back as a list."""

    def __init__(self, state: MockState):
        self.state = state
        self.binding = state.bindings["hub"]

    def call(self, op: str, method: str = "GET", body: Any = None, user: dict | None = None,
             key: dict | None = None, **params: Any) -> HubReply | HubList:
        operation = load_spec().operations[op]  # it says the method; ``method`` only reads well in the tests
        route = next(r for r in load_spec().routes if r.path == operation.path)
        pk = params.pop("pk", None)
        path_params = {} if pk is None else {route.lookup_param: str(pk)}
        query = Query([(k, _text(v)) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])])
        world = World(self.state, BASE, self.binding.product)
        call = Call(world, route, operation, path_params, query, BASE + operation.path, user or ADMIN, key)
        raw = b"" if body is None else json.dumps(body).encode()
        return self.binding.operate(call, raw, "application/json")

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


def _text(value: Any) -> str:
    """A query value as a client writes it."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def assert_valid(path: str, method: str, body: Any, status: str = "200") -> None:
    """``body`` validates against the contract's response schema of that operation."""
    from mockserver.schemas import response_schema, validator

    errors = [e.message for e in validator("hub", response_schema("hub", path, method, status)).iter_errors(body)]
    assert not errors, errors[:3]


def files_with(state: MockState, status: str, below: str = "/mmfs1/data/space01", site_id: int = 1) -> list[str]:
    """Paths of unrestricted seeded files with a given status, in tree order."""
    from mockserver.hub.sitefs import SiteFS

    fs = SiteFS(state, state.store.get("hub/sites", site_id))
    return [n.path for n in fs.files_below(below) if fs.status(n) == status and not n.restricted]
