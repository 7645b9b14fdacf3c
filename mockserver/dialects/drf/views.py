"""The generic CRUD path (H60–H67): list, retrieve, create, update, delete, and the singletons, for every
resource of the contract; resource rules come from ``hooks``, response shapes from the operation.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine import crud, relations
from ...errors import ApiError
from .call import Call
from .http import require_object
from .lists import Listing, ordering, row_filter
from .product import Hooks
from .relations import all_references, cascades
from .results import OperationList, OperationReply
from .serializers import apply_reverse, clean_body, create_defaults, number_nested, without_reverse
from .world import Row, World


def item_schema(call: Call) -> dict[str, Any] | None:
    """The schema of one list item in the operation's answer (envelope or bare array)."""
    response = call.world.spec.resolve(call.op.response or {})
    items: dict[str, Any] | None
    for option in response.get("oneOf", response.get("anyOf", [response])):
        option = call.world.spec.resolve(option)
        if option.get("type") == "array":
            items = option.get("items")
            return items
        if "results" in option.get("properties", {}):
            items = option["properties"]["results"].get("items")
            return items
    return None


def visible(call: Call, resource: str) -> Callable[[Row], bool] | None:
    """Which stored rows the list shows: those the caller may see, that pass the query's filters and, on a
    nested route, that belong to the parent. None: every row."""
    hooks = call.world.product.hooks_for(resource)
    checks: list[Callable[[Row], bool]] = []
    if type(hooks).visible is not Hooks.visible:
        checks.append(lambda row: hooks.visible(call, row))
    predicate = row_filter(call.world, resource, call.op.params, call.query)
    checks += [predicate] if predicate is not None else []
    if call.route.params and call.resource_spec.get("parent"):
        if call.parent is None:
            return lambda row: False
        parent_field, parent_id = call.world.parent_field(resource), call.parent["id"]
        checks.append(lambda row: row.get(parent_field) == parent_id)
    if not checks:
        return None
    return checks[0] if len(checks) == 1 else lambda row: all(check(row) for check in checks)


def list_view(call: Call) -> OperationList:
    """Only the page asked for is rendered (``lists.Listing``); ties of the resource's order keep id order."""
    schema, resource = item_schema(call), call.resource or ""
    order = list(ordering(resource))  # ends with the id: ties keep id order
    listing = Listing(call.world, resource, visible(call, resource), order, lambda row: call.render(row, schema))
    return OperationList(listing)


def named(call: Call) -> Row:
    """The object the path names: the pipeline's lookup set it, or refused with a 404, before the view runs."""
    if call.obj is None:
        raise ApiError(404, {"detail": "Not found."})
    return call.obj


def retrieve(call: Call) -> OperationReply:
    return OperationReply(200, call.render(named(call), call.op.response))


def singleton(call: Call) -> Row:
    row = call.world.head(call.resource or "")
    if row is None:
        raise ApiError(404, {"detail": "Not found."})
    return row


def singleton_view(call: Call) -> OperationReply:
    call.obj = singleton(call)
    if call.op.method == "PATCH":
        return update(call)
    return retrieve(call)


def create(call: Call) -> OperationReply:
    row = create_row(call)
    body = call.render_write(call.world.get(call.resource or "", row["id"]) or row)
    return OperationReply(201, body, {"Location": body["url"]} if body.get("url") else {})


def create_row(call: Call, pk: int | None = None) -> Row:
    """Store the row a create asks for (with its reverse references and what the product adds) → the row.
    ``pk``: the id a records insert (A9) asks for; a POST never names one, the row gets the next id."""
    world, resource, hooks = call.world, call.resource or "", call.hooks
    cleaned = clean_body(world, resource, call.op.request, require_object(call.body))
    stored = {**create_defaults(world, resource, call.op.request), **without_reverse(resource, cleaned)}
    stored = number_nested(world, resource, hooks.prepare(call, stored, None), None)
    row = world.collection(resource).create(stored, pk)
    world.changed()
    apply_reverse(world, resource, row, cleaned)
    hooks.created(call, row)
    world.changed()
    return row


def update(call: Call) -> OperationReply:
    world, resource, hooks = call.world, call.resource or "", call.hooks
    row = named(call)
    hooks.updating(call, row)
    cleaned = clean_body(world, resource, call.op.request, require_object(call.body), existing=row)
    changes = number_nested(world, resource, hooks.prepare(call, without_reverse(resource, cleaned), row), row)
    world.collection(resource).save(crud.merge(row, changes, world.spec.resolve(call.op.request or {}),
                                               world.spec.resolve))
    world.changed()
    apply_reverse(world, resource, row, cleaned)
    return OperationReply(200, call.render_write(world.get(resource, row["id"]) or row))


def destroy(call: Call) -> OperationReply:
    row = named(call)
    call.hooks.deleting(call, row)
    delete_row(call.world, call.resource or "", row["id"])
    return OperationReply(204)


def delete_row(world: World, resource: str, pk: int) -> None:
    """Delete, then cascade (H65): dependent rows go (the contract's cascades and the product's), references to
    the row become null or leave their list."""
    def dependents(name: str) -> tuple[tuple[str, str], ...]:
        return (*cascades(name), *world.product.hooks_for(name).cascades)

    relations.delete_row(world, resource, pk, dependents, all_references())
