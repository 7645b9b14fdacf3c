"""Query filters of list operations, as django-filter reads them (H38).

Only the operation's documented query parameters filter; each is typed by the contract (integer, boolean,
array, string) and means "the stored field equals the value" unless ``models.FILTERS`` says otherwise.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine import LOOKUPS
from ...errors import ApiError
from .models import FILTERS, PARAM_TYPES
from .render import stored_refs
from .world import Row, World

PAGING = ("page", "page_size")
BOOLEAN_WORDS = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}


def row_filter(world: World, resource: str, params: dict[str, dict[str, Any]], query: Any
               ) -> Callable[[Row], bool] | None:
    """A predicate for the documented filters present in ``query``; 400 for a badly typed value."""
    conditions: list[Callable[[Row], bool]] = []
    special = FILTERS.get(resource, {})
    for name, schema in params.items():
        if name in PAGING or name not in query:
            continue
        if name in PARAM_TYPES.get(resource, {}):
            schema = {**schema, "type": PARAM_TYPES[resource][name]}
        values = _values(name, schema, query)
        if values is None:
            continue
        field, lookup = special.get(name, (name, "exact"))
        conditions.append(_condition(world, resource, field, lookup, values, schema.get("type") == "array"))
    if not conditions:
        return None
    return lambda row: all(check(row) for check in conditions)


def _values(name: str, schema: dict[str, Any], query: Any) -> list[Any] | None:
    kind = schema.get("type")
    if kind == "array":
        raw = [part for value in query.getlist(name) for part in value.split(",") if part != ""]
        kind = schema.get("items", {}).get("type", "string")
    else:
        raw = [query.get(name)]
        if raw == [""]:
            return None  # django-filter skips empty values
    if kind == "integer":
        try:
            return [int(value) for value in raw]
        except ValueError:
            raise ApiError(400, {name: ["Enter a whole number."]}) from None
    if kind == "boolean":
        known = [BOOLEAN_WORDS[v] for v in raw if v in BOOLEAN_WORDS]
        return known or None  # anything else: no filtering
    return raw


def _condition(world: World, resource: str, field: str, lookup: str, values: list[Any], many: bool
               ) -> Callable[[Row], bool]:
    def value_of(row: Row, name: str) -> Any:
        head, _, attribute = name.partition(".")
        if not attribute:
            return row.get(head)
        ref = stored_refs(resource).get(head, (None, None))[1]
        target = world.get(ref.target, row.get(head)) if ref else None
        return target.get(attribute) if target else None

    if lookup == "has":
        return lambda row: any(v in (row.get(field) or []) for v in values)
    if lookup == "any_icontains":
        names = field.split(",")
        return lambda row: any(LOOKUPS["icontains"](value_of(row, n), values[0]) for n in names)
    if many:
        return lambda row: value_of(row, field) in values
    check = LOOKUPS[lookup]
    return lambda row: check(value_of(row, field), values[0])
