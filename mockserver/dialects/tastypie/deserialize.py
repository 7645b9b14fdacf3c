"""Writes, from the body to the store: Content-Type (T50), JSON (T51), shape (T52), the contract's field rules
(T54–T64), then the row in two steps — prepare (no store writes) and commit — so the caller can check
permission in between and a refused write leaves the store as it was (T70, T74).

The engine checks the fields (in T70's order: type, null, length, then required, each over the body's fields in
alphabetical order) and builds the rows: server-set datetimes (T14), ids (T40, T42, T44, T57), the resource's
own create/update hooks (T65, T67). Here: tastypie's reading of values (:mod:`.values`) and its messages.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from typing import Any

from ...engine import Collection, crud
from ...engine.crud import commit_create, commit_update
from ...engine.fields import FieldError
from ...errors import ApiError
from .render import bad_request, refuse
from .request import Call
from .spec import Resource
from .values import coerce, loads_body, message

__all__ = ["commit_create", "commit_update", "prepare_create", "prepare_update", "read_json", "read_object"]

Row = dict[str, Any]
NOT_AN_OBJECT = "Invalid data sent: the request body must be a JSON object."


def read_json(call: Call) -> Any:
    """The body as JSON; 415 for anything but application/json (or no Content-Type), 400 when malformed."""
    content_type = (call.header("Content-Type") or "").strip()
    if content_type and content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise refuse(415, f"Unsupported Content-Type '{content_type}'; send application/json.")
    try:
        return loads_body(call.body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError and NaN are ValueErrors
        raise bad_request(f"Malformed JSON: {exc}") from None


def read_object(call: Call) -> dict[str, Any]:
    body = read_json(call)
    if not isinstance(body, dict):
        raise bad_request(NOT_AN_OBJECT)
    return body


def refused(error: FieldError, resource: Resource) -> ApiError:
    """A neutral field error as tastypie's 400."""
    return bad_request(message(error, resource.name))


def prepare_create(resource: Resource, coll: Collection, body: dict[str, Any], now: str, pk: int | None = None,
                   keep_server_set: bool = False) -> Row:
    """The row a create would store: the field rules in T70's order, then the engine's create; ``pk`` (a PUT's
    URL id) wins over a body ``id``. ``keep_server_set`` (admin records) keeps given server-set values."""
    table = resource.table_for(coll)
    try:
        values = crud.check_body(table, body, creating=True)
        if pk is not None:  # a PUT's URL id is stored as a body id would be: within the column's range
            pk = coerce(resource.fields["id"], pk)
        return crud.prepare_create(table, values, now, pk, keep_server_set)
    except FieldError as exc:
        raise refused(exc, resource) from None


def prepare_update(resource: Resource, coll: Collection, old: Row, body: dict[str, Any], now: str) -> Row:
    """Only the body's fields change (PUT detail is partial too: T41); a new free id moves the row (T44)."""
    table = resource.table_for(coll)
    try:
        return crud.prepare_update(table, old, crud.check_body(table, body, creating=False), now)
    except FieldError as exc:
        raise refused(exc, resource) from None
