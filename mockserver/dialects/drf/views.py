"""The generic CRUD path (H60–H67): list, retrieve, create, update, delete, and the singletons, for every
resource of the contract; resource rules come from ``hooks``, response shapes from the operation."""
from __future__ import annotations

import copy
from typing import Any

from ...engine import order_rows
from ...errors import ApiError
from ...hub import HubList, HubReply
from .call import Call
from .hooks import hooks_for
from .http import require_object
from .lists import row_filter
from .models import CASCADES, DEFAULTS, ORDERING, REFERENCES
from .world import Row, World
from .writes import apply_reverse, clean_body, number_nested, without_reverse


def item_schema(call: Call) -> dict[str, Any] | None:
    """The schema of one list item in the operation's answer (envelope or bare array)."""
    response = call.world.spec.resolve(call.op.response or {})
    for option in response.get("oneOf", response.get("anyOf", [response])):
        option = call.world.spec.resolve(option)
        if option.get("type") == "array":
            return option.get("items")
        if "results" in option.get("properties", {}):
            return option["properties"]["results"].get("items")
    return None


def visible_rows(call: Call, resource: str | None = None) -> list[Row]:
    resource = resource or call.resource or ""
    hooks = hooks_for(resource)
    predicate = row_filter(call.world, resource, call.op.params, call.query)
    rows = [r for r in call.world.rows(resource) if hooks.visible(call, r) and (predicate is None or predicate(r))]
    if call.route.params and call.resource_spec.get("parent"):
        parent_field = call.world.parent_field(resource)
        rows = [r for r in rows if call.parent is not None and r.get(parent_field) == call.parent["id"]]
    return order_rows(rows, ORDERING.get(resource, [("id", False)]))


def list_view(call: Call) -> HubList:
    schema = item_schema(call)
    return HubList([call.render(row, schema) for row in visible_rows(call)])


def retrieve(call: Call) -> HubReply:
    return HubReply(200, call.render(call.obj, call.op.response))


def singleton(call: Call) -> Row:
    rows = call.world.rows(call.resource or "")
    if not rows:
        raise ApiError(404, {"detail": "Not found."})
    return rows[0]


def singleton_view(call: Call) -> HubReply:
    call.obj = singleton(call)
    if call.op.method == "PATCH":
        return update(call)
    return retrieve(call)


def create(call: Call) -> HubReply:
    world, resource, hooks = call.world, call.resource or "", hooks_for(call.resource)
    cleaned = clean_body(world, resource, call.op.request, require_object(call.body))
    stored = {**copy.deepcopy(DEFAULTS.get(resource, {})), **without_reverse(resource, cleaned)}
    stored = number_nested(world, resource, hooks.prepare(call, stored, None), None)
    row = world.collection(resource).create(stored)
    world.changed()
    apply_reverse(world, resource, row, cleaned)
    hooks.created(call, row)
    world.changed()
    body = call.render_write(world.get(resource, row["id"]) or row)
    return HubReply(201, body, {"Location": body["url"]} if body.get("url") else {})


def update(call: Call) -> HubReply:
    world, resource, hooks = call.world, call.resource or "", hooks_for(call.resource)
    row = call.obj
    hooks.updating(call, row)
    cleaned = clean_body(world, resource, call.op.request, require_object(call.body), existing=row)
    changes = number_nested(world, resource, hooks.prepare(call, without_reverse(resource, cleaned), row), row)
    world.collection(resource).save(merge(row, changes, world.spec.resolve(call.op.request or {}), world))
    world.changed()
    apply_reverse(world, resource, row, cleaned)
    return HubReply(200, call.render_write(world.get(resource, row["id"]) or row))


def merge(row: Row, changes: dict[str, Any], schema: dict[str, Any], world: World) -> Row:
    """PATCH: nested objects change field by field, everything else (arrays, free JSON) is replaced (H54)."""
    merged = copy.deepcopy(row)
    for key, value in changes.items():
        sub = world.spec.resolve(schema.get("properties", {}).get(key, {}))
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and "properties" in sub:
            merged[key] = merge(merged[key], value, sub, world)
        else:
            merged[key] = value
    return merged


def destroy(call: Call) -> HubReply:
    hooks_for(call.resource).deleting(call, call.obj)
    delete_row(call.world, call.resource or "", call.obj["id"])
    return HubReply(204)


def delete_row(world: World, resource: str, pk: int) -> None:
    """Delete, then cascade (H65): dependent rows go, references to the row become null or leave their list."""
    world.collection(resource).delete([pk])
    world.changed()
    for child, field in CASCADES.get(resource, ()):
        for row in [r for r in world.rows(child) if r.get(field) == pk]:
            delete_row(world, child, row["id"])
    for source, refs in REFERENCES.items():
        fields = {ref.field(path) for path, ref in refs.items() if ref.target == resource and not ref.reverse}
        if fields:
            _forget(world, source, fields, pk)


def _forget(world: World, resource: str, fields: set[str], pk: int) -> None:
    collection = world.collection(resource)
    for row in world.rows(resource):
        changed = copy.deepcopy(row)
        for field in fields:
            _drop(changed, field.split("."), pk)
        if changed != row:
            collection.save(changed)
    world.changed()


def _drop(node: Any, parts: list[str], pk: int) -> None:
    if isinstance(node, list):
        for item in node:
            _drop(item, parts, pk)
        return
    if not isinstance(node, dict) or parts[0] not in node:
        return
    if len(parts) > 1:
        _drop(node[parts[0]], parts[1:], pk)
    elif isinstance(node[parts[0]], list):
        node[parts[0]] = [v for v in node[parts[0]] if v != pk]
    elif node[parts[0]] == pk:
        node[parts[0]] = None
