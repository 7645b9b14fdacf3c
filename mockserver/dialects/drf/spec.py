"""The Hub contract as routes: every documented path, its operations and its resource (``x-resources``).

Read once per process from ``mockserver/openapi/hub.json``; nothing here knows Flask. Paths are relative to the
API root (``/api``), as in the contract.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from ...contract import load, resolve

API = "hub"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOW_ORDER = ("GET", "POST", "PATCH", "DELETE")  # DRF lists a view's methods in this order (H28)


def table(resource: str) -> str:
    """The store table of a resource's rows (the contract's ``x-resources`` ``table``); a stored table that is
    no resource of the contract (``site_settings``) is named after itself."""
    return load_spec().tables.get(resource) or f"hub/{resource}"


@dataclass
class Operation:
    op_id: str
    method: str
    path: str
    resource: str | None
    public: bool
    description: str
    request: dict[str, Any] | None  # resolved request body schema
    status: int  # the documented success status
    response: dict[str, Any] | None  # schema of the success body (None: no body)
    example: Any  # the published example of the success body, if any (key order, H8)
    params: dict[str, dict[str, Any]]  # query parameters → schema


@dataclass
class Route:
    path: str
    regex: re.Pattern[str]
    params: tuple[str, ...]
    operations: dict[str, Operation]
    resource: str | None
    kind: str  # "list" | "detail" | "action"
    literals: int = 0

    @property
    def allow(self) -> str:
        methods = [m for m in ALLOW_ORDER if m in self.operations]
        if "GET" in self.operations:
            methods.append("HEAD")
        return ", ".join([*methods, "OPTIONS"])

    @property
    def lookup_param(self) -> str | None:
        """The path parameter that names this route's object (not the nested route's parent)."""
        own = [p for p in self.params if not p.startswith("parent_lookup_")]
        return own[-1] if own else None


@dataclass
class Spec:
    document: dict[str, Any]
    routes: list[Route]
    resources: dict[str, dict[str, Any]]
    operations: dict[str, Operation] = field(default_factory=dict)
    key_orders: dict[int, list[str]] = field(default_factory=dict)  # id(schema) → published key order (H8)
    tables: dict[str, str] = field(default_factory=dict)  # resource → store table ("hub/clientkeys")
    seed_resources: dict[str, str] = field(default_factory=dict)  # seed file name → resource

    def match(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route of a path under the API root (``/sites/1/``), fixed segments before parameters (H3). Only
        the routes that can start as the path does are tried, in their order (a hundred regexes otherwise)."""
        for route in self._by_first.get(_leading_segment(path), self._any_first):
            found = route.regex.fullmatch(path)
            if found:
                return route, found.groupdict()
        return None

    @cached_property
    def _any_first(self) -> list[Route]:
        """The routes whose first segment is a parameter (they may match any path), in order."""
        return [route for route in self.routes if _first_segment(route) is None]

    @cached_property
    def _by_first(self) -> dict[str, list[Route]]:
        """First literal segment → the routes that may match a path starting with it, in the routes' order."""
        firsts = {_first_segment(route) for route in self.routes} - {None}
        return {first: [route for route in self.routes if _first_segment(route) in (first, None)]
                for first in firsts if first is not None}

    def schema(self, name: str | None) -> dict[str, Any] | None:
        return None if name is None else self.resolve({"$ref": f"#/components/schemas/{name}"})

    def resolve(self, node: Any) -> Any:
        return resolve(self.document, node)


def _first_segment(route: Route) -> str | None:
    """The route's first path segment when it is literal (``sites`` of ``/sites/{id}/``), else None."""
    first = _leading_segment(route.path)
    return None if "{" in first else first


def _leading_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else ""


@cache
def load_spec() -> Spec:
    document = load(API)
    resources = document.get("x-resources", {})
    routes = [_route(document, path, item, resources) for path, item in document["paths"].items()]
    # Fixed segments win over parameters: /jobs/stats/ before /jobs/{id}/ (H3).
    routes.sort(key=lambda r: (len(r.params), -r.literals, r.path))
    spec = Spec(document, routes, resources)
    spec.tables = {key: entry["table"] for key, entry in resources.items()}
    spec.seed_resources = {entry["table"].removeprefix("hub/"): key for key, entry in resources.items()}
    spec.operations = {op.op_id: op for route in routes for op in route.operations.values()}
    for op in spec.operations.values():
        _learn_order(spec, op.response, op.example)
    return spec


def _learn_order(spec: Spec, schema: Any, example: Any) -> None:
    """Published examples fix the key order of the schema they show, wherever that schema is rendered."""
    if not isinstance(schema, dict) or example is None:
        return
    for option in spec.resolve(schema).get("oneOf", [schema]):
        node = spec.resolve(option)
        if isinstance(example, list) and node.get("type") == "array" and example:
            _learn_order(spec, node.get("items"), example[0])
        elif isinstance(example, dict) and node.get("type") == "object":
            results = node.get("properties", {}).get("results")
            if results is not None and example.get("results"):
                _learn_order(spec, results.get("items"), example["results"][0])
            elif results is None:
                spec.key_orders[id(node)] = list(example)


def _route(document: dict[str, Any], path: str, item: dict[str, Any], resources: dict[str, Any]) -> Route:
    operations = {m.upper(): _operation(document, path, m.upper(), op)
                  for m, op in item.items() if m in ("get", "post", "patch", "delete", "put")}
    any_op = next(iter(item[m] for m in item if m in ("get", "post", "patch", "delete")))
    patterns = {p["name"]: p.get("schema", {}).get("pattern", "^[^/.]+$")
                for op in item.values() if isinstance(op, dict) for p in op.get("parameters", [])
                if p.get("in") == "path"}
    regex, params, literals = "", [], 0
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{"):
            name = part[1:-1]
            params.append(name)
            pattern = patterns.get(name, "^[^/.]+$").removeprefix("^").removesuffix("$")
            regex += f"(?P<{name}>{pattern})"
        else:
            regex += re.escape(part)
            literals += len([s for s in part.split("/") if s])
    resource = any_op.get("x-resource")
    spec = resources.get(resource or "", {})
    kind = "list" if path == spec.get("list_path") else "detail" if path == spec.get("detail_path") else "action"
    return Route(path, re.compile(regex), tuple(params), operations, resource, kind, literals)


def _operation(document: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> Operation:
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    status, response, example = 200, None, None
    for code, answer in op.get("responses", {}).items():
        if code.startswith("2"):
            status = int(code)
            content = resolve(document, answer).get("content", {}).get("application/json", {})
            response = content.get("schema")
            example = content.get("example")
            break
    params = {p["name"]: p.get("schema", {}) for p in op.get("parameters", []) if p.get("in") == "query"}
    return Operation(op["operationId"], method, path, op.get("x-resource"), op.get("security") == [],
                     op.get("description", ""), resolve(document, body) if body else None, status,
                     response, example, params)
