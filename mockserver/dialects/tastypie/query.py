"""A list's query string: filters → engine conditions (T23–T26), ``order_by`` → sort keys (T27, T28),
limit/offset (T17, T18) and the ``meta`` with its links (T16, T19, T20), each with tastypie's errors.

Values are converted as Django 1.6 prepares them for the column type, so every refusal is a 400 (never the
real server's 500s, which T26/T28 replace with chosen messages).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

from ...engine import matches
from . import datetimes
from .render import py2_list_repr
from .request import Query
from .spec import Resource
from .values import INTEGER_TEXT

QUERY_TERMS = frozenset({"exact", "iexact", "contains", "icontains", "gt", "gte", "lt", "lte", "in", "startswith",
                         "istartswith", "endswith", "iendswith", "range", "year", "month", "day", "week_day", "hour",
                         "minute", "second", "isnull", "search", "regex", "iregex"})
DATE_PARTS = frozenset({"year", "month", "day", "week_day", "hour", "minute", "second"})
TEXT_LOOKUPS = frozenset({"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"})
MISMATCHED = "Invalid resource lookup data provided (mismatched type)."
NUMERIC = ("integer", "integer_text")


class QueryError(ValueError):
    """A refused query param; the message is sent as ``{"error": …}``."""


def where(resource: Resource, query: Query) -> Callable[[dict], bool] | None:
    """The predicate of every filter param (AND), plus the resource's own extra params; None: no filter.

    Two passes, as tastypie checks every param's name (build_filters) before Django reads any value: a
    field that may not be filtered wins over a bad value in an earlier param (T26)."""
    filters = [f for f in (_filter(resource, param) for param in query.keys()) if f is not None]
    conditions = [_condition(resource, query, *f) for f in filters]
    try:
        extra = resource.behaviour.extra_filter(query)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if not conditions and extra is None:
        return None
    return lambda row: matches(row, conditions) and (extra is None or extra(row))


def _filter(resource: Resource, param: str) -> tuple[str, str, str] | None:
    """(param, field, lookup) of a filter param; None for a param that names no field (T24)."""
    bits = param.split("__")
    name = bits.pop(0)
    if name not in resource.schema_fields or name not in resource.fields:
        return None  # not a field: format, limit, username, typos, reverse relations (T24)
    lookup = bits.pop() if bits and bits[-1] in QUERY_TERMS else "exact"
    if name not in resource.filtering:
        raise QueryError(f"The '{name}' field does not allow filtering.")
    if bits:
        raise QueryError(f"The '{name}' field does not support relations.")
    return param, name, lookup


def _condition(resource: Resource, query: Query, param: str, name: str, lookup: str) -> tuple[str, str, Any]:
    kind = resource.fields[name].kind
    if lookup == "search" or (lookup in DATE_PARTS and kind != "datetime"):
        raise QueryError(f"The '{lookup}' lookup is not supported on the '{name}' field.")
    if lookup in ("in", "range"):
        values = [part for raw in query.getlist(param) for part in raw.split(",")]
        if lookup == "range" and len(values) != 2:
            raise QueryError(f"The 'range' lookup on the '{name}' field needs exactly two comma-separated values.")
        return name, lookup, [_convert(kind, v) for v in values]
    value = _simple(query.get(param))
    if value is None:
        if lookup != "exact":
            raise QueryError(MISMATCHED)  # Django: "Cannot use None as a query value" (isnull=None too)
        return name, lookup, None
    if lookup == "isnull":
        return name, lookup, bool(value)  # Django tests the value's truth: "isnull=" is IS NOT NULL
    if lookup in DATE_PARTS:
        return name, lookup, _integer(value)
    if lookup in ("regex", "iregex"):
        try:
            re.compile(str(value))
        except re.error as exc:
            raise QueryError(f"Invalid regular expression for '{param}': {exc}") from None
        return name, lookup, str(value)
    if lookup in TEXT_LOOKUPS:
        return name, lookup, str(value)
    return name, lookup, _convert(kind, value)


def _simple(value: str | None) -> Any:
    """tastypie's filter_value_to_python: true/false/none words become Python values (T25)."""
    if value in ("true", "True"):
        return True
    if value in ("false", "False"):
        return False
    if value in ("nil", "none", "None"):
        return None
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and INTEGER_TEXT.match(value):
        return int(value)
    raise QueryError(MISMATCHED)


def _convert(kind: str, value: Any) -> Any:
    """A value for an exact/comparison/in/range lookup, prepared as the column type wants it."""
    if kind in NUMERIC:
        return _integer(value)
    if kind == "datetime":
        try:
            return datetimes.parse_filter(str(value))
        except ValueError as exc:
            raise QueryError(py2_list_repr(str(exc))) from None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise QueryError(MISMATCHED)
    return str(value)


# -- ordering ------------------------------------------------------------------------------------------------------


def ordering(resource: Resource, query: Query, pk: str = "id") -> list[tuple[str, bool]]:
    """``order_by`` (repeatable; ``sort_by`` when it is absent) → [(field, descending), …], ties by ascending id."""
    if "order_by" in query:
        params = query.getlist("order_by")
    elif "sort_by" in query:
        params = query.getlist("sort_by")
    else:
        return [(pk, False)]
    keys = []
    for param in params:
        bits = param.split("__")
        name, descending = bits[0], bits[0].startswith("-")
        if descending:
            name = name[1:]
        if name not in resource.schema_fields:
            raise QueryError(f"No matching '{name}' field for ordering on.")
        if name not in resource.ordering:
            raise QueryError(f"The '{name}' field does not allow ordering.")
        if len(bits) > 1:
            raise QueryError(f"The '{name}' field does not support relations.")
        keys.append((name, descending))
    return [*keys, (pk, False)]


# -- paging -----------------------------------------------------------------------------------------------------------

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000


def window(query: Query) -> tuple[int, int]:
    """→ (limit, offset), limit checked first, as tastypie's Paginator.page() does."""
    raw = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw is not None:
        if not INTEGER_TEXT.match(raw):
            raise QueryError(f"Invalid limit '{raw}' provided. Please provide a positive integer.")
        limit = int(raw)
        if limit < 0:  # the message shows the parsed number, as '%s' % int(limit) does
            raise QueryError(f"Invalid limit '{limit}' provided. Please provide a positive integer >= 0.")
    if limit == 0 or limit > MAX_LIMIT:
        limit = MAX_LIMIT
    raw = query.get("offset")
    offset = 0
    if raw is not None:
        if not INTEGER_TEXT.match(raw):
            raise QueryError(f"Invalid offset '{raw}' provided. Please provide an integer.")
        offset = int(raw)
        if offset < 0:
            raise QueryError(f"Invalid offset '{offset}' provided. Please provide a positive integer >= 0.")
    return limit, offset


def meta(path: str, query: Query, limit: int, offset: int, total: int) -> dict[str, Any]:
    return {
        "limit": limit,
        "next": None if offset + limit >= total else link(path, query, offset + limit, limit),
        "offset": offset,
        "previous": None if offset - limit < 0 else link(path, query, offset - limit, limit),
        "total_count": total,
    }


def link(path: str, query: Query, offset: int, limit: int) -> str:
    """Path-only; offset, limit, then every other param in request order, repeats kept (T19, T20)."""
    params = [("offset", str(offset)), ("limit", str(limit))]
    params += [(k, v) for k, v in query.pairs if k not in ("offset", "limit")]
    return path + "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params)


def _quote(text: str) -> str:
    # Python 2's urllib.urlencode: quote_plus with nothing safe beyond letters, digits and "_.-" ("~" included).
    return quote_plus(text, safe="").replace("~", "%7E")
