"""OpenAPI links, so that stateful contract runs chain create → retrieve → update → delete.

Added to the generated documents as a last, separate step (``build_all``): the links follow from facts the
contracts already hold — each ``x-resources`` entry's list and detail paths, the operations on them, and how a
create answers. Where the new object's key comes from:

- a create that answers a JSON body holding the lookup field (DRF): ``$response.body#/<lookup>``;
- a create that answers an empty body and a ``Location`` header (tastypie): the key cut out of ``Location``;
- an update: its own path parameter (tastypie answers no body), or the body's lookup field when it has one;
- a list: its first item.

Link names are the target's operationId, so a run's transitions read ``POST /message/ -> 201 -> message_retrieve``.
"""
from __future__ import annotations

import copy
import re
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
WRITES = ("put", "patch")
PARAM = re.compile(r"\{([^}]+)\}")


def add_links(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with ``links`` on the success responses of every resource's operations (a new dict)."""
    linked = copy.deepcopy(document)
    for entry in linked.get("x-resources", {}).values():
        if entry.get("detail_path") and entry.get("list_path"):
            _link_resource(linked, entry)
    return linked


def _link_resource(document: dict[str, Any], entry: dict[str, Any]) -> None:
    base = document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")
    list_path, detail_path = _relative(entry["list_path"], base), _relative(entry["detail_path"], base)
    paths = document["paths"]
    if detail_path not in paths or list_path not in paths:
        return
    lookup = PARAM.findall(detail_path)[-1]
    parents = PARAM.findall(list_path)
    detail_ops = _operations(paths, [detail_path])
    below = _operations(paths, _paths_below(paths, detail_path, lookup))
    retrieve = [op for op in detail_ops if op["method"] == "get"]

    create = paths[list_path].get("post")
    for source in _successes(document, create):
        key = _created_key(document, source, list_path, lookup)
        if key is not None:
            _add(source, detail_ops + below, key, parents)
    for op in detail_ops:
        for source in _successes(document, op["operation"]):
            if op["method"] == "get":
                _add(source, [o for o in detail_ops if o["method"] != "get"] + below, f"$request.path.{lookup}",
                     parents)
            elif op["method"] in WRITES:
                key = _body_key(document, source, lookup) or f"$request.path.{lookup}"
                _add(source, retrieve + [o for o in detail_ops if o["method"] == "delete"], key, parents)
    for source in _successes(document, paths[list_path].get("get")):
        pointer = _first_item(document, source, lookup)
        if pointer is not None:
            _add(source, retrieve + [o for o in below if o["method"] == "get"], pointer, parents)


def _relative(path: str, base: str) -> str:
    return path[len(base):] if base and path.startswith(base + "/") else path


def _paths_below(paths: dict[str, Any], detail_path: str, lookup: str) -> list[str]:
    """Paths that extend the detail path, whatever they call its key (``/schedules/{parent_lookup_schedule}/…``)."""
    head, _, tail = detail_path.partition("{" + lookup + "}")
    pattern = re.compile(re.escape(head) + r"\{[^}]+\}" + re.escape(tail) + ".+")
    return [path for path in paths if pattern.fullmatch(path)]


def _operations(paths: dict[str, Any], selected: list[str]) -> list[dict[str, Any]]:
    """The operations on these paths that can succeed (not tastypie's POST to a detail URL, which answers 501)."""
    found = []
    for path in selected:
        for method in METHODS:
            operation = paths[path].get(method)
            if operation is not None and "operationId" in operation and _success_codes(operation):
                found.append({"path": path, "method": method, "operation": operation})
    return found


def _success_codes(operation: dict[str, Any]) -> list[str]:
    return [code for code in operation.get("responses", {}) if code.startswith("2")]


def _successes(document: dict[str, Any], operation: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The 2xx responses, made inline so that each can carry links."""
    if operation is None:
        return []
    responses = operation["responses"]
    for code in _success_codes(operation):
        if "$ref" in responses[code]:
            responses[code] = copy.deepcopy(_resolve(document, responses[code]))
    return [responses[code] for code in _success_codes(operation)]


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _json_schema(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any] | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return _resolve(document, schema) if schema is not None else None


def _body_key(document: dict[str, Any], response: dict[str, Any], lookup: str) -> str | None:
    schema = _json_schema(document, response)
    if schema is not None and lookup in schema.get("properties", {}):
        return f"$response.body#/{lookup}"
    return None


def _created_key(document: dict[str, Any], response: dict[str, Any], list_path: str, lookup: str) -> str | None:
    key = _body_key(document, response, lookup)
    if key is None and "Location" in response.get("headers", {}):
        # The created object's URL is the list URL plus its key; the path parameters of the list (a parent's key)
        # match any one segment.
        tail = PARAM.sub("[^/]+", list_path.rsplit("/", 2)[-2])
        key = f"$response.header.Location#regex:/{tail}/([^/?#]+)/?(?:[?#].*)?$"
    return key


def _first_item(document: dict[str, Any], response: dict[str, Any], lookup: str) -> str | None:
    schema = _json_schema(document, response)
    if schema is None:
        return None
    schema = _resolve(document, (schema.get("oneOf") or [schema])[0])
    if schema.get("type") == "array":
        return f"$response.body#/0/{lookup}" if _has(document, schema.get("items"), lookup) else None
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(document, prop)
        if prop.get("type") == "array":
            return f"$response.body#/{name}/0/{lookup}" if _has(document, prop.get("items"), lookup) else None
    return None


def _has(document: dict[str, Any], schema: Any, name: str) -> bool:
    """Whether list items carry the key (some lists show objects without it, e.g. storage pools without id)."""
    return name in _resolve(document, schema or {}).get("properties", {})


def _add(response: dict[str, Any], targets: list[dict[str, Any]], key: str, parents: list[str]) -> None:
    links = response.setdefault("links", {})
    for target in targets:
        names = PARAM.findall(target["path"])
        parameters = {}
        for name in names:
            if name in parents:
                parameters[f"path.{name}"] = f"$request.path.{name}"
        # The key fills the target's parameter at the lookup's position: its last one, unless the target is a
        # nested path below the detail (then the first after the parents).
        position = len(parents)
        if position < len(names):
            parameters[f"path.{names[position]}"] = key
        if len(parameters) == len(names):
            links[target["operation"]["operationId"]] = {
                "operationId": target["operation"]["operationId"], "parameters": parameters}
