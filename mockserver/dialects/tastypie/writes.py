"""Creating and changing rows through the engine, in two steps: prepare (validate, build the row, no store
writes) and commit. The caller checks permission in between, so a refused write leaves the store as it was.

Server-set datetimes (T14), ids on create and update (T40, T42, T44), unique ids (T57), the resource's own
create/update hooks (T65, T67).
"""
from __future__ import annotations

from typing import Any

from ...engine import Collection
from .render import bad_request
from .spec import Resource
from .validation import check_fields, defaults

Row = dict[str, Any]


def taken(resource: Resource, pk: int):
    return bad_request(f"A {resource.name} with id '{pk}' already exists.")


def prepare_create(resource: Resource, coll: Collection, body: dict[str, Any], now: str, pk: int | None = None,
                   keep_server_set: bool = False) -> Row:
    """The row a create would store; ``pk`` (a PUT's URL id) wins over a body ``id``. ``keep_server_set``
    (admin records) keeps given values of server-set fields instead of stamping now."""
    values = check_fields(resource, body, creating=True)
    body_pk = values.pop("id", None)
    pk = body_pk if pk is None else pk
    if pk is not None and coll.exists(pk):
        raise taken(resource, pk)
    row = {**defaults(resource), **values}
    for field in resource.fields.values():
        if field.server_set and not (keep_server_set and field.name in values):
            row[field.name] = now
    resource.behaviour.on_create(row)
    if pk is not None:
        row["id"] = pk
    return row


def commit_create(coll: Collection, row: Row) -> Row:
    """Store a prepared row; without an id it gets the next one (never reused)."""
    row = dict(row)
    pk = row.pop("id", None)
    return coll.create(row, pk)


def prepare_update(resource: Resource, coll: Collection, old: Row, body: dict[str, Any], now: str) -> Row:
    """Only the body's fields change (PUT detail is partial too: T41); a new free id moves the row (T44)."""
    new = {**old, **check_fields(resource, body, creating=False)}
    if new["id"] != old["id"] and coll.exists(new["id"]):
        raise taken(resource, new["id"])
    for field in resource.fields.values():
        if field.server_set == "write":
            new[field.name] = now
    resource.behaviour.on_update(old, new, now)
    return new


def commit_update(coll: Collection, old: Row, new: Row) -> Row:
    if new["id"] != old["id"]:
        coll.delete([old["id"]])
    return coll.save(new)
