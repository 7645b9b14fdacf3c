"""Resources of the Hub contract: which operations belong together, and the ``x-resources`` entries.

The shape of an entry is documented in :mod:`mockserver.contractgen.hub`.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import re

from . import hub_spec as spec
from .hub_lists import lists
from .hub_ops import PAGINATION, PATH_PARAM
from .hub_parse import Operation
from .hub_relations import relations
from .hub_schema import REF, list_shape


class Resource:
    """One row of the 4.1 route table with the operations whose paths start with its key."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.model, self.base, self.list_shape, self.staff_writes = spec.RESOURCES[key]
        self.list_path = f"/{key}/"
        self.detail_path: str | None = None
        self.operations: list[Operation] = []

    def add(self, op: Operation) -> None:
        self.operations.append(op)
        if re.fullmatch(re.escape(self.list_path) + r"\{\w+\}/", op.path):
            self.detail_path = op.path

    def staff_only(self, op: Operation) -> bool:
        """H25: a write on a staff-only resource (change_password excepted)."""
        return self.staff_writes and op.method != "GET" and (op.method, op.path) not in spec.STAFF_EXEMPT

    def is_write(self, op: Operation) -> bool:
        """A create or update of the resource's object: its response is the full object (H8)."""
        if op.method == "POST":
            return self.is_create(op)
        return op.method == "PATCH" and op.path in (self.list_path, self.detail_path)

    def is_create(self, op: Operation) -> bool:
        return op.method == "POST" and op.path == self.list_path and self.model is not None


def group(operations: list[Operation]) -> dict[str, Resource]:
    """Every route-table resource with its operations; each operation joins the longest key it starts with."""
    resources = {key: Resource(key) for key in sorted(spec.RESOURCES)}
    for op in operations:
        keys = [key for key in resources if op.path.startswith(f"/{key}/")]
        if not keys:
            raise ValueError(f"no resource in the route table for {op.path}")
        resources[max(keys, key=len)].add(op)
    return resources


def x_resources(resources: dict[str, Resource], paths: dict) -> dict:
    entries = {key: _entry(resource, paths) for key, resource in resources.items()}
    return {key: {**{k: v for k, v in entry.items() if k != "lookup"}, **relations(key, set(resources)),
                  **lists(key, entry, _query_params(resources[key], paths), set(resources))}
            for key, entry in entries.items()}


def _query_params(resource: Resource, paths: dict) -> dict[str, dict]:
    """The collection GET's documented query parameters (page and page_size aside) → their schemas."""
    operation = paths.get(resource.list_path, {}).get("get") if any(
        (op.method, op.path) == ("GET", resource.list_path) for op in resource.operations) else None
    return {p["name"]: p.get("schema", {}) for p in (operation or {}).get("parameters", [])
            if p.get("in") == "query" and p["name"] not in PAGINATION}


def _entry(resource: Resource, paths: dict) -> dict:
    ops = {(op.method, op.path): paths[op.path][op.method.lower()] for op in resource.operations}
    lookup = _lookup(resource)
    if lookup != spec.LOOKUPS.get(resource.key, "id" if resource.detail_path else None):
        raise ValueError(f"{resource.key}: the reference's lookup {lookup} contradicts D13")
    list_get = next((op for op in resource.operations if (op.method, op.path) == ("GET", resource.list_path)), None)
    shape = resource.list_shape
    if shape is None and list_get is not None and list_get.response:
        shape = list_shape(list_get.response)[0]  # shares: not in 4.1, the reference says
    parent = None
    nested = PATH_PARAM.search(resource.key)  # "schedules/{parent_lookup_schedule}/workflows"
    if nested:
        parent = {"param": nested.group(1), "resource": resource.key.split("/")[0],
                  "pattern": spec.DEFAULT_LOOKUP_PATTERN}
    list_op = ops.get(("GET", resource.list_path))
    update_op = ops.get(("PATCH", resource.detail_path or "")) or ops.get(("PATCH", resource.list_path))
    return {
        "model": resource.model,
        "table": "hub/" + spec.TABLES.get(resource.key, resource.key),
        "list_path": resource.list_path,
        "detail_path": resource.detail_path,
        "lookup": lookup,
        "lookup_pattern": spec.LOOKUP_PATTERNS.get(lookup, spec.DEFAULT_LOOKUP_PATTERN) if lookup else None,
        "parent": parent,
        "list_shape": shape,
        "staff_writes": resource.staff_writes,
        "schema": _item_name(ops.get(("GET", resource.detail_path or ""))) or _item_name(list_op),
        "list_schema": _item_name(list_op),
        "write_schema": _request_of(ops.get(("POST", resource.list_path))) or _request_of(update_op),
        "update_schema": _request_of(update_op),
        "actions": [
            {"path": op.path, "method": op.method, "detail": "{" in op.path[len(resource.list_path):],
             "operationId": ops[(op.method, op.path)]["operationId"], "staff_only": resource.staff_only(op)}
            for op in resource.operations if op.path not in (resource.list_path, resource.detail_path)
        ],
    }


def _lookup(resource: Resource) -> str | None:
    if resource.detail_path is None:
        return None
    return PATH_PARAM.findall(resource.detail_path)[-1]


def _success_schema(operation: dict | None) -> dict | None:
    if operation is None:
        return None
    for code in ("200", "201"):
        if code in operation["responses"]:
            return operation["responses"][code]["content"]["application/json"]["schema"]
    return None


def _item_name(operation: dict | None) -> str | None:
    """The component name of one item of an operation's success body (a list's item, or the object)."""
    schema = _success_schema(operation)
    while schema is not None and "$ref" not in schema:
        if "oneOf" in schema:
            schema = schema["oneOf"][-1]  # the bare-array form of an envelope list
        elif "anyOf" in schema:
            schema = schema["anyOf"][0]
        elif schema.get("type") == "array":
            schema = schema["items"]
        else:
            return None
    return None if schema is None else schema["$ref"].removeprefix(REF)


def _request_of(operation: dict | None) -> str | None:
    if operation is None or "requestBody" not in operation:
        return None
    return operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].removeprefix(REF)


def rename(entries: dict, names: dict[str, str]) -> None:
    """Point the entries' schema names at the names kept for identical schemas."""
    for entry in entries.values():
        for key in ("schema", "list_schema", "write_schema", "update_schema"):
            if entry[key] is not None:
                entry[key] = names.get(entry[key], entry[key])


def mark_unique(document: dict) -> None:
    """4.5: ``x-unique`` (the message DRF answers when the value is taken) on the unique field of every schema
    of its resource, as the Torrent contract marks its fields; the representation must have the field."""
    schemas = document["components"]["schemas"]
    for key, fields in spec.UNIQUE.items():
        entry = document["x-resources"][key]
        for name, message in fields.items():
            if name not in schemas[entry["schema"]]["properties"]:
                raise ValueError(f"{key}: unique field {name} is not in {entry['schema']}")
            for role in ("schema", "list_schema", "write_schema", "update_schema"):
                properties = schemas[entry[role]]["properties"] if entry[role] else {}
                if name in properties:
                    properties[name]["x-unique"] = message
