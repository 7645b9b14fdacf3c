"""Create, update and delete over one resource the contract describes: defaults, server-set stamps, free ids,
then the row in the store. Plain data in and out; a refusal is a neutral :class:`~.fields.FieldError`.

A write comes in two steps, prepare (no store writes) and commit, so a dialect can check permission between
them and a refused write leaves the store as it was.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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

