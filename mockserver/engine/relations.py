"""References between resources and what a delete takes with it, as the contract states them (each
``x-resources`` entry's ``references`` and ``cascade``): a written reference resolved to the target's id, unique
fields, memberships kept on the other side, and the cascade of a delete.

Rows are read and written through a :class:`Rows` (a request's view of the store); refusals are neutral
:class:`~.fields.FieldError`\\ s the dialect words.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .collection import Collection
from .fields import INVALID, UNIQUE, FieldError

Row = dict[str, Any]
# Codes of refused references.
NOT_A_LIST = "not_a_list"  # params: type (the given value's type name)
INCORRECT_TYPE = "incorrect_type"  # params: type
DOES_NOT_EXIST = "does_not_exist"  # params: value (as written), by (the target field it names)


class Rows(Protocol):
    """What the engine needs of a request's view of the store."""

    def collection(self, resource: str) -> Collection: ...
    def get(self, resource: str, pk: Any) -> Row | None: ...
    def find(self, resource: str, field: str, value: Any) -> Row | None: ...
    def first(self, resource: str, where: Callable[[Row], bool] | None = None) -> Row | None: ...
    def where(self, resource: str, where: Callable[[Row], bool]) -> list[Row]: ...
    def having(self, resource: str, field: str, value: Any) -> list[Row]: ...
    def changed(self) -> None: ...


@dataclass(frozen=True)
class Ref:
    target: str  # x-resources key of the referenced resource
    by: str = "id"  # the target field clients write: "id", "name", "username"
    many: bool = False
    stored: str | None = None  # the row field holding the id(s), when not the field itself ("sites.name" → "sites")
    reverse: str | None = None  # kept on the target rows, in this field (site.spaces → space.sites)
    scope: str | None = None  # a sibling field the target must belong to (a queue of that site)

    def field(self, path: str) -> str:
        return self.stored or path


def references_of(entry: Mapping[str, Any]) -> dict[str, Ref]:
    """Field path as written → reference, from one ``x-resources`` entry."""
    return {path: Ref(r["resource"], r["by"], r["many"], r.get("stored"), r.get("reverse"), r.get("scope"))
            for path, r in (entry.get("references") or {}).items()}


def cascade_of(entry: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The (resource or table, field) rows a delete of the entry's row takes with it."""
    return tuple((child, field) for child, field in entry.get("cascade", []))


# -- writing references ---------------------------------------------------------------------------------------------


def resolve(rows: Rows, path: str, ref: Ref, value: Any) -> Any:
    """A written reference → the target's id (ids for ``many``)."""
    if ref.many:
        if isinstance(value, (str, dict)) or not isinstance(value, list):
            raise FieldError(path, NOT_A_LIST, {"type": type(value).__name__})
        return [_one(rows, path, ref, item) for item in value]
    return _one(rows, path, ref, value)


def _one(rows: Rows, path: str, ref: Ref, value: Any) -> int:
    if ref.by == "id":
        try:  # a pk lookup casts with int(), as Django's IntegerField does: "+1", " 1 ", 1.5 all name row 1
            if isinstance(value, bool):
                raise TypeError
            row = rows.get(ref.target, int(value))
        except (TypeError, ValueError):
            raise FieldError(path, INCORRECT_TYPE, {"type": type(value).__name__}) from None
        if row is None:
            raise FieldError(path, DOES_NOT_EXIST, {"value": value, "by": "id"})
        pk: int = row["id"]
        return pk
    if isinstance(value, (dict, list)):
        raise FieldError(path, INVALID, {})
    text = str(value)
    row = rows.find(ref.target, ref.by, text)
    if row is None:
        raise FieldError(path, DOES_NOT_EXIST, {"value": text, "by": ref.by})
    found: int = row["id"]
    return found


def check_unique(rows: Rows, resource: str, path: str, value: Any, existing: Row | None) -> None:
    """A unique field's value may be held by no other row."""
    if value is None:
        return
    clash = rows.find(resource, path, value)
    if clash is not None and (existing is None or clash["id"] != existing["id"]):
        raise FieldError(path, UNIQUE, {"value": value})


def resolve_scoped(rows: Rows, refs: Mapping[str, Ref], cleaned: dict[str, Any], existing: Row | None) -> None:
    """References that only make sense with a sibling (a queue of the site given), in place."""
    for path, ref in refs.items():
        if not ref.scope or path not in cleaned or cleaned[path] is None:
            continue
        owner = cleaned.get(ref.scope, (existing or {}).get(ref.scope))
        name = cleaned[path]
        if isinstance(name, (dict, list)):
            raise FieldError(path, INVALID, {})
        found = rows.first(ref.target, _named_in(ref.by, str(name), ref.scope, owner))
        if found is None:
            raise FieldError(path, DOES_NOT_EXIST, {"value": name, "by": ref.by})
        cleaned[path] = found["id"]


def _named_in(by: str, name: str, scope: str, owner: Any) -> Callable[[Row], bool]:
    return lambda target: target.get(by) == name and target.get(scope) == owner


def without_reverse(refs: Mapping[str, Ref], cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The fields stored on the row itself: memberships kept on the other side left out."""
    reverse = {path for path, ref in refs.items() if ref.reverse}
    return {k: v for k, v in cleaned.items() if k not in reverse}


def apply_reverse(rows: Rows, refs: Mapping[str, Ref], row: Row, cleaned: Mapping[str, Any]) -> None:
    """Memberships written on this side but stored on the other: a site's spaces, a group's users."""
    for path, ref in refs.items():
        if not ref.reverse or path not in cleaned:
            continue
        wanted = set(cleaned[path] or [])
        collection = rows.collection(ref.target)
        for target in rows.where(ref.target, _out_of_step(ref.reverse, row["id"], wanted)):
            members = list(target.get(ref.reverse) or [])
            has = row["id"] in members
            members = [m for m in members if m != row["id"]] if has else [*members, row["id"]]
            collection.update(target["id"], {ref.reverse: members})
        rows.changed()


def _out_of_step(reverse: str, pk: int, wanted: set[Any]) -> Callable[[Row], bool]:
    """Target rows whose membership list disagrees with what was written: only they change."""
    return lambda target: (target["id"] in wanted) != (pk in (target.get(reverse) or []))


# -- deleting -------------------------------------------------------------------------------------------------------


def delete_row(rows: Rows, resource: str, pk: int, cascades: Callable[[str], Iterable[tuple[str, str]]],
               references: Mapping[str, Mapping[str, Ref]]) -> None:
    """Delete, then cascade: dependent rows go (``cascades(resource)``), references to the row become null or
    leave their list (``references``: every resource's)."""
    rows.collection(resource).delete([pk])
    rows.changed()
    for child, field in cascades(resource):
        for row in rows.having(child, field, pk):
            delete_row(rows, child, row["id"], cascades, references)
    for source, refs in references.items():
        fields = {ref.field(path) for path, ref in refs.items() if ref.target == resource and not ref.reverse}
        if fields:
            _forget(rows, source, fields, pk)


def _forget(rows: Rows, resource: str, fields: set[str], pk: int) -> None:
    collection = rows.collection(resource)
    paths = [field.split(".") for field in fields]
    for row in rows.where(resource, lambda r: any(_holds(r, parts, pk) for parts in paths)):
        changed = copy.deepcopy(row)
        for field in fields:
            _drop(changed, field.split("."), pk)
        if changed != row:
            collection.save(changed)
    rows.changed()


def _holds(node: Any, parts: list[str], pk: int) -> bool:
    """Whether ``_drop`` would change the node: the stored rows are read in place, and only these copied."""
    if isinstance(node, list):
        return any(_holds(item, parts, pk) for item in node)
    if not isinstance(node, dict) or parts[0] not in node:
        return False
    value = node[parts[0]]
    if len(parts) > 1:
        return _holds(value, parts[1:], pk)
    return pk in value if isinstance(value, list) else value == pk


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
