"""Field lists of the Hub reference → OpenAPI 3.0 schemas.

Notation (section 1 of the behaviour spec): ``results[].x`` an item field of a paginated list, ``[].x`` an
item field of a bare array, ``a.b`` a nested object, ``a[]`` an array, ``a[].b`` an array of objects. A
field typed ``object`` with no sub-fields is free JSON (an empty schema).

Three modes:

- ``create``: a POST body; ``(required)`` fields that are not ``(read only)`` are required.
- ``update``: a PATCH body; nothing is required (a partial update; nested objects merge field by field),
  except inside arrays of objects, which are replaced whole and so keep their required fields.
- ``response``: every listed field is present (H8); unset scalars and nested objects are null, arrays are
  ``[]``: a scalar is nullable unless the reference marks it ``(required)`` or it is an ``id``/``url``.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import copy
import json

from .hub_parse import Field

SCALARS = ("string", "integer", "number", "boolean")
NEVER_NULL = frozenset({"id", "url"})
REF = "#/components/schemas/"


def list_shape(fields: list[Field]) -> tuple[str, list[Field]]:
    """("env" | "arr" | "obj", the item fields with the list prefix removed)."""
    names = [f.name for f in fields]
    if "count" in names and any(n.startswith("results[].") for n in names):
        items = [f for f in fields if f.name.startswith("results[].")]
        return "env", [_renamed(f, f.name[len("results[]."):]) for f in items]
    if fields and all(n.startswith("[].") for n in names):
        return "arr", [_renamed(f, f.name[len("[]."):]) for f in fields]
    return "obj", list(fields)


def _renamed(f: Field, name: str) -> Field:
    return Field(name, f.type, f.description, f.read_only, f.required)


class _Node:
    def __init__(self) -> None:
        self.field: Field | None = None  # the line that names this node, if any
        self.array = False
        self.children: dict[str, _Node] = {}


def _tree(fields: list[Field]) -> _Node:
    root = _Node()
    for f in fields:
        node = root
        for part in f.name.split("."):
            key = part.removesuffix("[]")
            node = node.children.setdefault(key, _Node())
            node.array = node.array or part.endswith("[]")
        node.field = f
    return root


def _scalar(type_: str | None) -> dict:
    return {"type": type_} if type_ in SCALARS else {}  # "object" or untyped: free JSON


def _annotate(schema: dict, f: Field | None) -> dict:
    if f is not None and f.description:
        schema["description"] = f.description
    if f is not None and f.read_only:
        schema["readOnly"] = True
    return schema


def _node_schema(node: _Node, mode: str, top: bool, nullable_names: frozenset[str], name: str) -> dict:
    f = node.field
    if node.children:
        inner = _object(node, "create" if (node.array and mode == "update") else mode, nullable_names, False)
        if node.array:
            return _annotate({"type": "array", "items": inner}, f)
        inner = _annotate(inner, f)
        if mode == "response":
            inner["nullable"] = True
        return inner
    base = _scalar(f.type if f else None)
    if node.array:
        return _annotate({"type": "array", "items": base}, f)
    schema = _annotate(dict(base), f)
    if mode == "response" and base and _nullable(f, name, top, nullable_names):
        schema["nullable"] = True
    return schema


def _nullable(f: Field | None, name: str, top: bool, nullable_names: frozenset[str]) -> bool:
    if name in NEVER_NULL:
        return False
    if f is None or not f.required:
        return True
    return top and name in nullable_names


def _object(node: _Node, mode: str, nullable_names: frozenset[str], top: bool) -> dict:
    properties = {
        name: _node_schema(child, mode, top, nullable_names, name) for name, child in node.children.items()
    }
    schema: dict = {"type": "object", "properties": properties}
    if mode == "response":
        required = list(properties)
    elif mode == "create":
        required = [
            name for name, child in node.children.items()
            if child.field is not None and child.field.required and not child.field.read_only
        ]
    else:
        required = []
    if required:
        schema["required"] = required
    return schema


def object_schema(fields: list[Field], mode: str, nullable_names: frozenset[str] = frozenset()) -> dict:
    """The object schema of a field list (already stripped of any list prefix).

    ``nullable_names``: top-level fields that are nullable in responses although marked ``(required)``
    (the reference makes them optional on create, so they may be unset).
    """
    return _object(_tree(fields), mode, nullable_names, True)


def at(schema: dict, path: str) -> tuple[dict, str] | None:
    """The (parent properties, key) of a dotted field path in an object schema, or None if absent."""
    node = schema
    parts = path.split(".")
    for i, part in enumerate(parts):
        key = part.removesuffix("[]")
        properties = node.get("properties")
        if properties is None or key not in properties:
            return None
        if i == len(parts) - 1:
            return properties, key
        node = properties[key]
        if part.endswith("[]"):
            node = node.get("items", {})
    return None


def replace_at(schema: dict, path: str, new: dict, only_type: str | None = None) -> bool:
    """Give a field a new schema, keeping its description and readOnly flag.

    False if the field is absent, or typed other than ``only_type`` when that is given.
    """
    found = at(schema, path)
    if found is None:
        return False
    properties, key = found
    old = properties[key]
    if only_type is not None and old.get("type") != only_type:
        return False
    merged = copy.deepcopy(new)
    for keep in ("description", "readOnly"):
        if keep in old and keep not in merged:
            merged[keep] = old[keep]
    properties[key] = merged
    return True


def ref(name: str) -> dict:
    return {"$ref": REF + name}


class Registry:
    """Named component schemas; identical schemas collapse onto one name at the end."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict] = {}

    def add(self, name: str, schema: dict) -> dict:
        if "$ref" in schema and len(schema) == 1:
            return schema
        if name in self.schemas and self.schemas[name] != schema:
            raise ValueError(f"two different schemas named {name}")
        self.schemas[name] = schema
        return ref(name)

    def canonical(self, preferred: set[str]) -> dict[str, str]:
        """Each name → the name kept for its schema: a preferred name first, else the first registered."""
        position = {name: i for i, name in enumerate(self.schemas)}
        order = sorted(self.schemas, key=lambda n: (n not in preferred, position[n]))
        seen: dict[str, str] = {}
        names = {}
        for name in order:
            key = json.dumps(self.schemas[name], sort_keys=True)
            names[name] = seen.setdefault(key, name)
        return names


def rename_refs(node, names: dict[str, str]):
    """A copy of ``node`` whose component ``$ref``s point at the kept names."""
    if isinstance(node, dict):
        return {k: _renamed_ref(v, names) if k == "$ref" else rename_refs(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [rename_refs(v, names) for v in node]
    return node


def _renamed_ref(target: str, names: dict[str, str]) -> str:
    name = target.removeprefix(REF)
    return REF + names[name] if target.startswith(REF) and name in names else target
