"""Create, update and delete over one resource the contract describes: defaults, server-set stamps, free ids,
then the row in the store. Plain data in and out; a refusal is a neutral :class:`~.fields.FieldError`.

A write comes in two steps, prepare (no store writes) and commit, so a dialect can check permission between
them and a refused write leaves the store as it was.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..jsoncopy import ATOMS, copy_json
from .collection import Collection
from .fields import UNIQUE, Coercer, FieldError, FieldRule, check_in_phases, defaults

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """A resource as the engine writes it: its rows, its field rules and the dialect's way of reading values."""

    collection: Collection
    rules: Mapping[str, FieldRule]
    coerce: Coercer
    on_create: Callable[[Row], None] = lambda row: None  # fill what a client cannot set (in place)
    on_update: Callable[[Row, Row, str], None] = lambda old, new, now: None  # side effects of a change (on new)

    @property
    def pk(self) -> str:
        return self.collection.pk

    def taken(self, pk: Any) -> bool:
        return self.collection.exists(pk)


def check_body(table: Table, body: Mapping[str, Any], creating: bool) -> dict[str, Any]:
    return check_in_phases(table.rules, body, table.coerce, creating)


def prepare_create(table: Table, values: Mapping[str, Any], now: str, pk: Any = None,
                   keep_server_set: bool = False) -> Row:
    """The row a create would store from checked ``values``; ``pk`` (an id given beside the body, already in
    stored form) wins over a body id. ``keep_server_set`` keeps given values of server-set fields instead of
    stamping now (records loaded as they were)."""
    values = dict(values)
    body_pk = values.pop(table.pk, None)
    pk = body_pk if pk is None else pk
    if pk is not None and table.taken(pk):
        raise FieldError(table.pk, UNIQUE, {"value": pk})
    row = {**defaults(table.rules, table.coerce), **values}
    for rule in table.rules.values():
        if rule.server_set and not (keep_server_set and rule.name in values):
            row[rule.name] = now
    table.on_create(row)
    if pk is not None:
        row[table.pk] = pk
    return row


def commit_create(collection: Collection, row: Row) -> Row:
    """Store a prepared row; without an id it gets the next one (never reused)."""
    row = dict(row)
    pk = row.pop(collection.pk, None)
    return collection.create(row, pk)


def prepare_update(table: Table, old: Row, values: Mapping[str, Any], now: str) -> Row:
    """Only the given fields change; a new free id moves the row."""
    new = {**old, **values}
    if new[table.pk] != old[table.pk] and table.taken(new[table.pk]):
        raise FieldError(table.pk, UNIQUE, {"value": new[table.pk]})
    for rule in table.rules.values():
        if rule.server_set == "write":
            new[rule.name] = now
    table.on_update(old, new, now)
    return new


def commit_update(collection: Collection, old: Row, new: Row) -> Row:
    if new[collection.pk] != old[collection.pk]:
        collection.delete([old[collection.pk]])
    return collection.save(new)



# -- writes of nested documents (a contract whose schemas nest objects) ----------------------------------------------

Resolve = Callable[[Mapping[str, Any]], Mapping[str, Any]]  # a schema with its $ref followed


def schema_defaults(body: Mapping[str, Any], detail: Mapping[str, Any]) -> dict[str, Any]:
    """What a create stores for the fields its body leaves out: the ``default`` of the create body's schema, or of
    the representation's for fields that body lacks. Everything else stays unset (it reads as null)."""
    found = {name: value["default"] for name, value in body.get("properties", {}).items() if "default" in value}
    found.update({name: value["default"] for name, value in detail.get("properties", {}).items()
                  if "default" in value and name not in body.get("properties", {})})
    return copy_json(found)


def merge(row: Row, changes: Mapping[str, Any], schema: Mapping[str, Any], resolve: Resolve) -> Row:
    """A partial update: nested objects change field by field, everything else (arrays, free JSON) is replaced."""
    merged = copy_json(row)
    for key, value in changes.items():
        sub = resolve(schema.get("properties", {}).get(key, {}))
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and "properties" in sub:
            merged[key] = merge(merged[key], value, sub, resolve)
        else:
            merged[key] = value
    return merged


def number_nested(stored: Row, schema: Mapping[str, Any], existing: Row | None, resolve: Resolve,
                  allocate: Callable[[str], int]) -> Row:
    """Nested objects the representation gives a read-only ``id`` get one when written without, from
    ``allocate(path)`` (one sequence per field path, never reused); objects already stored keep theirs."""
    numbered: Row = _numbered(stored, schema, "", existing, resolve, allocate)
    return numbered


def _numbered(value: Any, node: Mapping[str, Any], path: str, old: Any, resolve: Resolve,
              allocate: Callable[[str], int]) -> Any:
    # A module function, not a closure: a recursive closure is a reference cycle, left for the garbage collector
    # on every write.
    node = resolve(node)
    if isinstance(value, list) and node.get("type") == "array":
        return [_numbered(item, node.get("items", {}), path, None, resolve, allocate) for item in value]
    if not isinstance(value, dict) or "properties" not in node:
        return value
    props = node["properties"]
    before = old if isinstance(old, dict) else {}
    out = {k: v if v.__class__ in ATOMS  # nothing to number in a string, number, boolean or null
           else _numbered(v, props.get(k, {}), f"{path}.{k}", before.get(k), resolve, allocate)
           for k, v in value.items()}
    if path and "id" in props and props["id"].get("readOnly") and out.get("id") is None:
        out["id"] = before.get("id") or allocate(path)
    return out
