"""What a link's source needs, made to exist first, from the contract.

An object a create refers to (an IP address's ``datastore``) is listed or created, its required fields filled
from objects named like them or with fresh values (:data:`FORMAT_VALUES` for formats a server validates). Rows
of a resource the API only derives (tasks, job stats, settings tasks) come from the operation
:data:`DERIVED_ROWS` names, run only when the list is empty — on the mock in process its clock is advanced, on
another server the list is polled for a few seconds. A detail the list shows no key of (``/pki/lifetime/``
lists items without ``id``) is found by reading the detail path. With ``--read-only`` nothing is written; what
a write would have made is noted, for the link's skip reason.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..engine.fields import json_type
from ..schemas import validator
from .cases import call, generated
from .facts import PARAM, Resource
from .suite import Suite
from .target import MISSING

CREATED_STATUSES = range(200, 300)
ROWS_WAIT = 10.0  # seconds to poll a real server's list for derived rows
ROWS_POLL = 0.5
CLOCK_STEP = 5  # seconds the mock's clock moves on per poll (past its job start delay and task duration)
REFERENCE = object()  # in a DERIVED_ROWS body: the key of an object of the resource named like the field


@dataclass(frozen=True)
class RowMaker:
    """A request that makes rows of a derived resource exist (the resource has no create of its own)."""
    method: str
    path: str  # relative to the contract's server URL
    body: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


# How to make rows of a derived resource exist, used only when its list is empty. Keyed by x-resources name.
_WORKFLOW_RUN = RowMaker("POST", "/file/workflow/", {"site": REFERENCE, "workflow": "migrate",
                                                     "paths": ["/mmfs1/data/space01/output.mov"]})
DERIVED_ROWS: dict[str, RowMaker] = {
    "tasks": _WORKFLOW_RUN,  # a job's tasks
    "jobstats": _WORKFLOW_RUN,  # a job's per-path stats
    "settingstasks": RowMaker("POST", "/settings/sync/"),  # a settings task per site
}
# Fresh values for string formats a server validates (documentation ranges and domains).
FORMAT_VALUES = {"ipv4": "192.0.2.{n}", "ipv6": "2001:db8::{n}", "email": "contract-{token}@example.com",
                 "uuid": "00000000-0000-4000-8000-{token:0>12}", "date-time": "2025-01-01T00:00:00Z"}


class Prerequisites:
    """Objects of the contract's resources: listed, else made (unless ``writes`` is off)."""

    def __init__(self, suite: Suite, token: str, writes: bool):
        self.suite = suite
        self.token = token  # makes unique values fresh
        self.writes = writes
        self.notes: list[str] = []  # why what a link needed is missing, for its skip reason

    def parents(self, resource: Resource, depth: int = 0) -> dict[str, Any] | None:
        parameters: dict[str, Any] = {}
        for name in resource.parents:
            parent = next((r for r in self.suite.facts.resources if r.detail_path and r.lookup
                           and r is not resource and _below(resource.list_path, r.detail_path)), None)
            obj = self.some_object(parent, {}, depth + 1) if parent is not None else None
            if parent is None or obj is None:
                return None
            parameters[name] = obj[parent.lookup]
        return parameters

    def _rows(self, resource: Resource, parameters: dict) -> list:
        reply = self.suite.target.send("GET", self.suite.facts.base_path + resource.list_path.format(**parameters))
        body = reply.json(None) if reply.status == 200 else None
        if isinstance(body, dict):
            body = body.get("objects", body.get("results"))
        return body if isinstance(body, list) else []

    def _listed(self, resource: Resource, parameters: dict) -> list[dict]:
        return [item for item in self._rows(resource, parameters) if isinstance(item, dict)
                and item.get(resource.lookup) is not None
                and not self.suite.is_guarded(resource.list_path, item[resource.lookup])]

    def some_object(self, resource: Resource, parameters: dict, depth: int = 0) -> dict | None:
        """An object of the resource: the first listed (rows of a derived resource made first, if need be), else
        one created now, else — where the list shows no keys — one found by reading the detail path."""
        listed = self._listed(resource, parameters)
        if not listed and resource.name in DERIVED_ROWS and not parameters:
            listed = self._derive_rows(resource, DERIVED_ROWS[resource.name], depth)
        if listed:
            return listed[0]
        if depth > 2:
            return None
        if resource.create is None or not self.writes:
            if resource.create is not None:
                self.notes.append(f"--read-only: the walk creates no {resource.name}")
            return self._found(resource, parameters)
        body = self.create_body(resource, parameters, depth)
        if body is None:
            return None
        path = self.suite.facts.base_path + resource.list_path.format(**parameters)
        reply = self.suite.target.send("POST", path, json=body)
        if reply.status != 201:
            return None
        created = reply.json(None)
        if isinstance(created, dict) and created.get(resource.lookup) is not None:
            return created
        location = reply.headers.get("Location")
        fetched = self.suite.target.send("GET", location) if location else None
        return fetched.json(None) if fetched is not None and fetched.status == 200 else None

    def _derive_rows(self, resource: Resource, maker: RowMaker, depth: int) -> list[dict]:
        """Rows of a derived resource, after the request that makes them ran; [] when none appear in time."""
        if not self.writes:
            self.notes.append(f"--read-only: the walk does not send {maker.label}, which makes {resource.name}")
            return []
        body = None
        if maker.body is not None:
            body = {}
            for name, value in maker.body.items():
                body[name] = self._reference(name, {"type": "string"}, depth) if value is REFERENCE else value
        reply = self.suite.target.send(maker.method, self.suite.facts.base_path + maker.path,
                                       json=MISSING if body is None else body)
        if reply.status not in CREATED_STATUSES:
            self.notes.append(f"{maker.label}, which makes {resource.name}, answered {reply.status}")
            return []
        deadline = time.monotonic() + ROWS_WAIT
        while True:
            listed = self._listed(resource, {})
            if listed:
                return listed
            if self.suite.target.advance_clock(CLOCK_STEP):  # the mock: its clock, not the wall's
                if time.monotonic() > deadline:
                    break
                continue
            if time.monotonic() > deadline:
                break
            time.sleep(ROWS_POLL)
        self.notes.append(f"no {resource.name} listed {ROWS_WAIT:g} s after {maker.label} answered {reply.status}")
        return []

    def _found(self, resource: Resource, parameters: dict) -> dict | None:
        """An object the list shows no key of (a singleton listed without ``id``), found by a generated read of
        its detail path that answers 200; only where the list answered items."""
        if not resource.detail_path or not resource.lookup or not self._rows(resource, parameters):
            return None
        read = next((result.ok() for result in self.suite.schema.get_all_operations()
                     if result.ok() is not None and result.ok().label == f"GET {resource.detail_path}"), None)
        if read is None:
            return None
        fixed = dict(parameters)

        def answers(case) -> bool:
            case.path_parameters.update(fixed)
            return call(self.suite, case).status_code == 200

        case = generated(read, answers)
        return {resource.lookup: case.path_parameters[resource.lookup]} if case is not None else None

    def create_body(self, resource: Resource, parameters: dict, depth: int = 0) -> dict | None:
        """A create body: an existing object's values the create takes, unique ones made fresh; required fields it
        lacks filled with an object of the resource named like the field (``site`` → a site), else a fresh
        string."""
        if resource.create is None:
            return None
        listed = self._listed(resource, parameters)
        source = listed[0] if listed else {}
        properties = resource.create.get("properties", {})
        body = {}
        for name, schema in properties.items():
            if name in source and not schema.get("readOnly") and name not in resource.parents:
                if validator(self.suite.api, schema).is_valid(source[name]):
                    body[name] = source[name]
        for name in resource.unique:
            if isinstance(body.get(name), str):
                body[name] = f"{body[name]}-{self.token}"[:50]
            else:
                body.pop(name, None)  # an integer key (tastypie's id): the server picks a free one
        for name in resource.create.get("required", []):
            if name not in body:
                value = self._reference(name, properties.get(name, {}), depth)
                if value is None:
                    return None
                body[name] = value
        return body

    def _reference(self, name: str, schema: dict, depth: int) -> Any:
        """A value for a required field: the key of an object of the resource the field is named after (``site``,
        ``workflow``; names or ids as the field's type says), else a fresh string (an absolute path for a path),
        or false."""
        kind = json_type(schema) or "string"  # a field taking lenient forms too (anyOf) has its own type first
        items = json_type(schema.get("items", {})) if kind == "array" else None
        referenced = next((r for r in self.suite.facts.resources if "/" not in r.name and r.lookup
                           and r.name in (name, name + "s", name + "es")), None)
        if referenced is not None and depth <= 2:
            obj = self.some_object(referenced, {}, depth + 1) or {}
            key = obj.get("id") if (items or kind) == "integer" else obj.get("name", obj.get(referenced.lookup))
            if key is not None:
                return [key] if kind == "array" else key
        if kind == "boolean":
            return False
        if kind == "string" and schema.get("format") in FORMAT_VALUES:
            return FORMAT_VALUES[schema["format"]].format(n=int(self.token, 16) % 254 + 1, token=self.token)
        if kind == "string":  # a path field takes an absolute path
            return f"/contract-{self.token}" if name == "path" or name.endswith("_path") else f"contract-{self.token}"
        return None


def _below(list_path: str, detail_path: str) -> bool:
    """Whether a list path sits under a detail path: ``/schedules/{p}/workflows/`` under ``/schedules/{id}/``."""
    head = PARAM.sub("{}", detail_path)
    return PARAM.sub("{}", list_path).startswith(head)
