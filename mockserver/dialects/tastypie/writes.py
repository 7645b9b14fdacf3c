"""Writes, from the body to the store: Content-Type (T50), JSON (T51), shape (T52), the contract's field rules
(T54–T64), then the row in two steps — prepare (no store writes) and commit — so the caller can check
permission in between and a refused write leaves the store as it was (T70, T74).

Field checks run in the order T70 gives — type, null, length, then required — each over the body's fields in
alphabetical order, so the first message is always the same for the same body. Rows get server-set datetimes
(T14), ids (T40, T42, T44, T57) and the resource's own create/update hooks (T65, T67).
"""
from __future__ import annotations

from typing import Any

from ...engine import Collection
from .render import bad_request, refuse
from .request import Call
from .spec import Resource
from .values import FieldError, coerce, loads_body

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


def check_fields(resource: Resource, body: dict[str, Any], creating: bool) -> dict[str, Any]:
    """The body's writable fields in stored form. Read-only and unknown keys are dropped (T54); so are
    ignored fields, after their checks. ``creating`` adds the required-field check (T55)."""
    present = sorted(name for name in body if name in resource.fields and resource.fields[name].writable)
    values: dict[str, Any] = {}
    try:
        for name in present:
            if body[name] is not None:
                values[name] = coerce(resource.fields[name], body[name])
        for name in present:
            if body[name] is None:
                if not resource.fields[name].nullable:
                    raise FieldError(f"The '{name}' field doesn't allow a null value.")
                values[name] = None
        for name in present:
            limit = resource.fields[name].max_length
            if limit is not None and isinstance(values[name], str) and len(values[name]) > limit:
                raise FieldError(f"The '{name}' field accepts at most {limit} characters; "
                                 f"{len(values[name])} given.")
        if creating:
            for field in sorted(resource.writable(), key=lambda f: f.name):
                if field.required and field.name not in body:
                    raise FieldError(f"The '{field.name}' field has no data and doesn't allow a default or null "
                                     f"value.")
    except FieldError as exc:
        raise bad_request(str(exc)) from None
    return {name: value for name, value in values.items() if not resource.fields[name].ignored}


def defaults(resource: Resource) -> dict[str, Any]:
    """A created row's values for the fields a body left out: the contract default, else null."""
    row: dict[str, Any] = {}
    for field in resource.writable():
        if field.ignored or field.name == "id":
            continue
        default = field.default if field.has_default else None
        row[field.name] = coerce(field, default) if default is not None else None
    return row


# -- rows ------------------------------------------------------------------------------------------------------------


def taken(resource: Resource, pk: int):
    return bad_request(f"A {resource.name} with id '{pk}' already exists.")


def prepare_create(resource: Resource, coll: Collection, body: dict[str, Any], now: str, pk: int | None = None,
                   keep_server_set: bool = False) -> Row:
    """The row a create would store; ``pk`` (a PUT's URL id) wins over a body ``id``. ``keep_server_set``
    (admin records) keeps given values of server-set fields instead of stamping now."""
    values = check_fields(resource, body, creating=True)
    body_pk = values.pop("id", None)
    pk = body_pk if pk is None else _url_pk(resource, pk)
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


def _url_pk(resource: Resource, pk: int) -> int:
    """A PUT's URL id is stored as a body id would be: within the column's range."""
    try:
        return coerce(resource.fields["id"], pk)
    except FieldError as exc:
        raise bad_request(str(exc)) from None


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
