"""A walk along every link of the contract: each link followed once, on purpose.

schemathesis' state machine chains links at random, so in a run of minutes it follows only some of them. The
walk makes sure each one is followed: it sends a request to the link's source that answers the link's status,
takes the values the link names from that answer, sends the link's target with them, and runs every check on
the target's answer. On the mock in process each link starts from the seed.

Source requests, first that answers the link's status wins: requests the run already saw succeed (the runner
passes them in), then one built from the data the server lists (an existing object's key; for a create, a copy
of an existing object with fresh unique values), then generated ones.

What a source needs is made to exist first, from the contract: an object a create refers to (an IP address's
``datastore``) is listed or created; rows of a resource the API only derives (tasks, job stats, settings tasks)
come from the operation :data:`DERIVED_ROWS` names, run only when the list is empty — on the mock in process
its clock is advanced, on another server the walk polls the list for a few seconds. A detail the list shows
no key of (``/pki/lifetime/`` lists items without ``id``) is found by reading the detail path. With
``--read-only`` the walk writes nothing: links that need a write stay unfollowed and say so.
"""
from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CheckContext, run_checks

from ..schemas import validator
from .facts import PARAM, Resource
from .suite import Suite

GENERATED_TRIES = 25
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


@dataclass(frozen=True)
class Link:
    source: Any  # schemathesis APIOperation
    status: int
    name: str
    target: Any
    parameters: dict[str, str]

    @property
    def label(self) -> str:  # schemathesis' name for a transition
        return f"{self.source.label} -> [{self.status}] {self.name} -> {self.target.label}"


@dataclass
class Step:
    link: Link
    cases: list = field(default_factory=list)  # [source, target]
    responses: list = field(default_factory=list)
    results: list[tuple[str, Any]] = field(default_factory=list)  # (check name, failure or None)
    skipped: str | None = None
    error: str | None = None


def contract_link_labels(api: str, selected: set[str] | None = None) -> list[str]:
    """Every link the contract declares (between ``selected`` operations), named as schemathesis names a
    transition — without building a suite, so that tests can be parametrized by link."""
    from ..contract import load

    document = load(api)
    by_id = {op.get("operationId"): f"{method.upper()} {path}" for path, item in document["paths"].items()
             for method, op in item.items() if isinstance(op, dict)}
    labels = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            source = f"{method.upper()} {path}"
            if not isinstance(operation, dict) or (selected is not None and source not in selected):
                continue
            for status, response in operation.get("responses", {}).items():
                for name, link in response.get("links", {}).items():
                    target = by_id.get(link.get("operationId"))
                    if target is not None and (selected is None or target in selected):
                        labels.append(f"{source} -> [{status}] {name} -> {target}")
    return labels


def contract_links(suite: Suite) -> list[Link]:
    operations = {}
    for result in suite.schema.get_all_operations():
        operation = result.ok()
        if operation is not None:
            operations[operation.label] = operation
    by_id = {op.definition.raw.get("operationId"): op for op in operations.values()}
    links = []
    for operation in operations.values():
        for status, response in operation.definition.raw.get("responses", {}).items():
            for name, link in response.get("links", {}).items():
                target = by_id.get(link.get("operationId"))
                if target is not None:
                    links.append(Link(operation, int(status), name, target, dict(link.get("parameters", {}))))
    return links


class Walker:
    def __init__(self, suite: Suite, recorded: dict[tuple[str, int], list] | None = None):
        self.suite = suite
        self.recorded = recorded or {}
        self.token = secrets.token_hex(3)
        self.writes = not suite.options.read_only  # --read-only: nothing is created for a link's sake
        self.notes: list[str] = []  # why what a link needed is missing, for its skip reason

    def walk(self, links: list[Link] | None = None) -> Iterator[Step]:
        for link in contract_links(self.suite) if links is None else links:
            yield self.follow(link)

    def follow(self, link: Link) -> Step:
        self.suite.walking = True  # the walk resets the mock itself, once per link
        try:
            return self._follow(link)
        except Exception as exc:  # one link's trouble (a server that drops the connection) is that link's error
            return Step(link, error=f"{type(exc).__name__}: {exc}")
        finally:
            self.suite.walking = False

    def _follow(self, link: Link) -> Step:
        self.notes = []
        for prepare in self._sources(link):
            self.suite.target.reset()
            source = prepare()
            response = self._call(source) if source is not None else None
            values = _extract(link, source, response) if response is not None and \
                response.status_code == link.status else None
            if values is not None:
                return self._finish(link, prepare, source, response, values)
        notes = "".join(f"; {note}" for note in dict.fromkeys(self.notes))
        return Step(link, skipped=f"no request to {link.source.label} answered {link.status} with the values "
                                  f"the link takes ({', '.join(link.parameters.values())}){notes}")

    def _finish(self, link: Link, prepare, source, response, values) -> Step:
        """The target with the link's values; for a POST, the first body it accepts (else the last tried)."""
        for attempt, body in enumerate(self._target_bodies(link.target, values)):
            if attempt:  # each further body starts over from the seed and a fresh source
                self.suite.target.reset()
                source = prepare()
                response = self._call(source)
                values = _extract(link, source, response) or values
            body = body() if callable(body) else body
            target = link.target.Case(path_parameters=dict(values), **body)
            target_response = self._call(target)
            if target_response.status_code in CREATED_STATUSES:
                break
        return Step(link, [source, target], [response, target_response], self._validate(target, target_response))

    # --- requests ---------------------------------------------------------------------------------------------

    def _call(self, case):
        authenticator = self.suite.target.authenticator
        if authenticator is not None:
            case.headers.update(authenticator.headers())
        return case.call()

    def _sources(self, link: Link) -> Iterator:
        """Ways to make the source request, each run after a reset: recorded, built, generated."""
        for case in self.recorded.get((link.source.label, link.status), [])[:3]:
            yield lambda case=case: case
        yield lambda: self._built(link.source)
        generated = self._generated(link.source, lambda case: self._status(case) == link.status)
        if generated is not None:
            yield lambda: generated

    def _target_bodies(self, operation, values) -> Iterator:
        if not _takes_body(operation):
            yield {}
            return
        if operation.method.upper() in ("PATCH", "PUT"):
            yield {"body": {}, "media_type": "application/json"}  # a partial update that changes nothing
            return
        _, resource = self.suite.facts.locate(operation.path)
        if resource is not None and resource.create is not None:
            yield lambda: {"body": self._create_body(resource, values) or {}, "media_type": "application/json"}
        yield {"body": {}, "media_type": "application/json"}

    def _status(self, case) -> int:
        self.suite.target.reset()
        return self._call(case).status_code

    def _generated(self, operation, condition):
        """The first of a few generated cases that meets the condition. The cases are drawn first (a pure,
        seeded draw) and only then sent: the server's answers are not Hypothesis' business, as they change with
        the server's state."""
        drawn: list = []

        @hypothesis.seed(0)
        @settings(max_examples=GENERATED_TRIES, phases=[Phase.generate], database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def draw(case):
            drawn.append(case)

        draw()
        return next((case for case in drawn if condition(case)), None)

    def _validate(self, case, response) -> list[tuple[str, Any]]:
        config = self.suite.schema.config.checks_config_for(operation=case.operation, phase="stateful")
        ctx = CheckContext(override=None, auth=None, headers=None, config=config, transport_kwargs=None,
                           response_checks=None)
        results: list[tuple[str, Any]] = []
        run_checks(case=case, response=response, ctx=ctx, checks=ctx.internals.checks,
                   on_failure=lambda name, collected, failure: results.append((name, failure)),
                   on_success=lambda name, _case: results.append((name, None)))
        return results

    # --- requests built from what the server holds ------------------------------------------------------------

    def _built(self, operation):
        """The operation on an object that exists (listed, or created for the purpose), with a body it takes."""
        kind, resource = self.suite.facts.locate(operation.path)
        if resource is None:
            return None
        parameters = self._parents(resource)
        if parameters is None:
            return None
        if kind == "detail" or operation.method.upper() == "GET":  # a list with something in it links further
            obj = self._some_object(resource, parameters)
            if obj is None and kind == "detail":
                return None
            if kind == "detail":
                parameters[resource.lookup] = obj[resource.lookup]
        body: dict[str, Any] = {}
        if operation.method.upper() in ("PATCH", "PUT"):
            body = {"body": {}, "media_type": "application/json"}
        elif operation.method.upper() == "POST" and kind == "list":
            created = self._create_body(resource, parameters)
            if created is None:
                return None
            body = {"body": created, "media_type": "application/json"}
        return operation.Case(path_parameters=parameters, **body)

    def _parents(self, resource: Resource, depth: int = 0) -> dict[str, Any] | None:
        parameters: dict[str, Any] = {}
        for name in resource.parents:
            parent = next((r for r in self.suite.facts.resources if r.detail_path and r.lookup
                           and r is not resource and _below(resource.list_path, r.detail_path)), None)
            obj = self._some_object(parent, {}, depth + 1) if parent is not None else None
            if obj is None:
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

    def _some_object(self, resource: Resource, parameters: dict, depth: int = 0) -> dict | None:
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
        body = self._create_body(resource, parameters, depth)
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
                                       **({} if body is None else {"json": body}))
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
            return self._call(case).status_code == 200

        case = self._generated(read, answers)
        return {resource.lookup: case.path_parameters[resource.lookup]} if case is not None else None

    def _create_body(self, resource: Resource, parameters: dict, depth: int = 0) -> dict | None:
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
        kind = schema.get("type", "string")
        items = schema.get("items", {}).get("type") if kind == "array" else None
        referenced = next((r for r in self.suite.facts.resources if "/" not in r.name and r.lookup
                           and r.name in (name, name + "s", name + "es")), None)
        if referenced is not None and depth <= 2:
            obj = self._some_object(referenced, {}, depth + 1) or {}
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


def _takes_body(operation) -> bool:
    return "requestBody" in operation.definition.raw


def _below(list_path: str, detail_path: str) -> bool:
    """Whether a list path sits under a detail path: ``/schedules/{p}/workflows/`` under ``/schedules/{id}/``."""
    head = PARAM.sub("{}", detail_path)
    return PARAM.sub("{}", list_path).startswith(head)


def _extract(link: Link, source, response) -> dict[str, Any] | None:
    """The target's path parameters from the link's runtime expressions; None when one cannot be evaluated."""
    values = {}
    for parameter, expression in link.parameters.items():
        name = parameter.split(".", 1)[-1]
        value = _evaluate(expression, source, response)
        if value is None:
            return None
        values[name] = value
    return values


def _evaluate(expression: str, source, response) -> Any:
    if expression.startswith("$request.path."):
        return source.path_parameters.get(expression[len("$request.path."):])
    if expression.startswith("$response.body#"):
        try:
            node: Any = response.json()
        except ValueError:
            return None
        for part in expression[len("$response.body#/"):].split("/"):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        return node
    if expression.startswith("$response.header."):
        name, _, pattern = expression[len("$response.header."):].partition("#regex:")
        value = (response.headers.get(name.lower()) or [None])[0]
        match = re.search(pattern, value) if value and pattern else None
        return match.group(1) if match else value if not pattern else None
    return None
