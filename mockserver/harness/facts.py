"""What one contract says about its resources, in the terms the checks need.

Everything is read from the OpenAPI document: ``x-resources`` for paths, lookup and model names; the component
schemas for ``readOnly``, ``nullable``, ``default`` and ``x-unique`` (with the message for a taken value, Hub).
Paths are the document's path keys (relative to its server URL), which is how schemathesis names an operation's
path too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import takewhile
from typing import Any

from ..contract import operations

PARAM = re.compile(r"\{([^}]+)\}")


def resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict[str, Any]

    @property
    def type(self) -> str | None:
        return self.schema.get("type")


@dataclass
class Resource:
    name: str
    list_path: str
    detail_path: str | None
    lookup: str | None  # the detail path's own parameter: id, username, name, key
    parents: tuple[str, ...]  # parameters of the list path (a nested resource's parent key)
    model: str  # the name errors use: "message", "Site"
    read: dict[str, dict[str, Any]]  # read representation: field → schema
    create: dict[str, Any] | None  # the create body schema (resolved), if the resource can be created
    update: dict[str, Any] | None  # the partial-update body schema (resolved)
    unique: dict[str, str | None] = field(default_factory=dict)  # field → the contract's message, when it has one

    def readonly_fields(self) -> list[Field]:
        """Top-level fields a write must ignore: read-only in the representation and not writable on update."""
        writable = {name for name, schema in (self.update or {}).get("properties", {}).items()
                    if not schema.get("readOnly")}
        found = {name: schema for name, schema in self.read.items() if schema.get("readOnly")}
        for name, schema in (self.update or {}).get("properties", {}).items():
            if schema.get("readOnly"):
                found.setdefault(name, self.read.get(name, schema))
        return [Field(name, schema) for name, schema in found.items() if name not in writable]

    def non_nullable_fields(self) -> list[Field]:
        """Writable fields that must refuse ``null``: ``nullable: false`` on the update body, or — where the contract
        leaves nullability unsaid — fields a create requires."""
        required = set((self.create or {}).get("required", ()))
        found = []
        for name, schema in (self.update or {}).get("properties", {}).items():
            if schema.get("readOnly"):
                continue
            if schema.get("nullable") is False or ("nullable" not in schema and name in required):
                found.append(Field(name, schema))
        return found

    def defaulted_fields(self) -> list[Field]:
        """Create-body fields with a ``default`` the server must apply when the body leaves them out."""
        return [Field(name, schema) for name, schema in (self.create or {}).get("properties", {}).items()
                if "default" in schema and not schema.get("readOnly") and "x-server-set" not in schema]


class ApiFacts:
    def __init__(self, api: str, document: dict[str, Any]):
        self.api = api
        self.document = document
        self.base_path = document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")

    @cached_property
    def api_root(self) -> str:
        """The path every operation lives under: the server URL and the paths' common leading segments
        (``/rundb/api/v1`` for Torrent, whose server URL is ``/``; ``/api`` for the Hub)."""
        common: list[str] | None = None
        for path in self.document.get("paths", {}):
            segments = list(takewhile(lambda s: not s.startswith("{"), path.strip("/").split("/")))
            common = segments if common is None else [a for a, _ in takewhile(lambda p: p[0] == p[1],
                                                                               zip(common, segments))]
        return self.base_path + "".join("/" + segment for segment in common or [])

    @cached_property
    def operation_ids(self) -> list[str]:
        return [op["operation_id"] for op in operations(self.document) if op["operation_id"]]

    @cached_property
    def resources(self) -> list[Resource]:
        return [self._resource(name, entry) for name, entry in self.document.get("x-resources", {}).items()
                if entry.get("list_path")]

    @cached_property
    def _by_path(self) -> dict[str, tuple[str, Resource]]:
        found: dict[str, tuple[str, Resource]] = {}
        for resource in self.resources:
            found[resource.list_path] = ("list", resource)
            if resource.detail_path:
                found[resource.detail_path] = ("detail", resource)
        return found

    def locate(self, path: str) -> tuple[str, Resource] | tuple[None, None]:
        """``("list" | "detail", resource)`` for a list or detail path template; ``(None, None)`` otherwise."""
        return self._by_path.get(path, (None, None))

    def operation(self, method: str, path: str) -> dict[str, Any]:
        """The contract's operation; empty for a method the path does not document (schemathesis tries those)."""
        return self.document["paths"].get(path, {}).get(method.lower(), {})

    def is_protected(self, method: str, path: str) -> bool:
        """Whether the operation requires credentials (an empty ``security`` list opens it)."""
        operation = self.operation(method, path)
        return bool(operation) and bool(operation.get("security", self.document.get("security", [])))

    def declared_statuses(self, method: str, path: str) -> set[str]:
        return set(self.operation(method, path).get("responses", {}))

    def path_pattern(self, path: str, name: str) -> re.Pattern | None:
        """The pattern a path parameter must match, when the contract gives one."""
        for item in (self.document["paths"][path].get(m, {}) for m in ("get", "post", "put", "patch", "delete")):
            for parameter in item.get("parameters", []):
                parameter = resolve(self.document, parameter)
                if parameter.get("in") == "path" and parameter.get("name") == name:
                    pattern = parameter.get("schema", {}).get("pattern")
                    return re.compile(pattern) if pattern else None
        return None

    def _schema(self, name: str | None) -> dict[str, Any] | None:
        if not name:
            return None
        return resolve(self.document, {"$ref": f"#/components/schemas/{name}"})

    def _resource(self, name: str, entry: dict[str, Any]) -> Resource:
        base = self.base_path
        list_path = _relative(entry["list_path"], base)
        detail_path = _relative(entry["detail_path"], base) if entry.get("detail_path") else None
        read = self._schema(entry.get("schema")) or {}
        properties = {key: resolve(self.document, value) for key, value in read.get("properties", {}).items()}
        # x-unique: true (Torrent), or the message answered for a taken value (Hub)
        unique = {key: value["x-unique"] if isinstance(value["x-unique"], str) else None
                  for key, value in properties.items() if value.get("x-unique")}
        create = self._schema(entry.get("write_schema")) if self._creates(list_path) else None
        return Resource(
            name=name, list_path=list_path, detail_path=detail_path,
            lookup=PARAM.findall(detail_path)[-1] if detail_path else None,
            parents=tuple(PARAM.findall(list_path)),
            model=entry.get("model_name") or entry.get("model") or name,
            read=properties, create=create, update=self._schema(entry.get("update_schema")), unique=unique,
        )

    def _creates(self, list_path: str) -> bool:
        return "post" in self.document["paths"].get(list_path, {})


def _relative(path: str, base: str) -> str:
    return path[len(base):] if base and path.startswith(base + "/") else path
