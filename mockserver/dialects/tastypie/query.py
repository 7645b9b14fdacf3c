"""A list's query string: filters → engine conditions (T23–T26), ``order_by`` → sort keys (T27, T28),
limit/offset (T17, T18) and the ``meta`` with its links (T16, T19, T20), each with tastypie's errors.

Values are converted as Django 1.6 prepares them for the column type, so every refusal is a 400 (never the
real server's 500s, which T26/T28 replace with chosen messages).
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

from ...engine.query import SKIP, Condition, FilterSpec, QueryProblem, Window, check_order, condition
from ...engine.query import Query as Q
from . import datetimes
from .render import py2_list_repr
from .request import Query
from .spec import Resource
from .values import INTEGER_TEXT

QUERY_TERMS = frozenset({"exact", "iexact", "contains", "icontains", "gt", "gte", "lt", "lte", "in", "startswith",
                         "istartswith", "endswith", "iendswith", "range", "year", "month", "day", "week_day", "hour",
                         "minute", "second", "isnull", "search", "regex", "iregex"})
MISMATCHED = "Invalid resource lookup data provided (mismatched type)."


class QueryError(ValueError):
    """A refused query param; the message is sent as ``{"error": …}``."""


def where(resource: Resource, query: Query) -> Callable[[dict[str, Any]], bool] | None:
    """The predicate of every filter param (AND); None: no filter. The params are the contract's ``filters``
    (one per field and lookup, plus the resource's own); tastypie's syntax only explains the refusals.

    Two passes, as tastypie checks every param's name (build_filters) before Django reads any value: a
    field that may not be filtered wins over a bad value in an earlier param (T26). The resource's own params
    (not named after a field) are read last, as its apply_filters does."""
    try:
        return Q(conditions=_conditions(resource, query)).predicate()
    except QueryProblem as problem:
        raise QueryError(message(problem)) from None


def list_query(resource: Resource, query: Query) -> Q:
    """A GET list's whole query in tastypie's get_list order: filters, then ordering, then limit and offset."""
    try:
        found = _conditions(resource, query)
    except QueryProblem as problem:
        raise QueryError(message(problem)) from None
    keys = ordering(resource, query)
    limit, offset = window(query)
    return Q(found, tuple(keys), Window(offset, limit))


def _conditions(resource: Resource, query: Query) -> tuple[Condition, ...]:
    steps: list[FilterSpec | QueryProblem] = []
    for param in query.keys():
        spec = resource.filters.get(param)
        if spec is not None and spec.field in resource.fields:
            steps.append(spec)
        elif spec is None:
            refusal = _refusal(resource, param)
            if refusal is not None:
                steps.append(refusal)
    own = [spec for param, spec in resource.own_filters if param in query]
    found = []
    for step in [*steps, *own]:
        if isinstance(step, QueryProblem):
            raise step
        made = condition(step, query.getlist(step.param), read_value)
        if made is not None:
            found.append(made)
    return tuple(found)


def _refusal(resource: Resource, param: str) -> QueryProblem | None:
    """Why a param outside the filters is refused: now for its name (not filterable, relations), or later, in
    its turn among the values, for a lookup the field does not support. None: it names no field (T24)."""
    bits = param.split("__")
    name = bits.pop(0)
    if name not in resource.schema_fields or name not in resource.fields:
        return None  # not a field: format, limit, username, typos, reverse relations (T24)
    lookup = bits.pop() if bits and bits[-1] in QUERY_TERMS else "exact"
    if name not in resource.filtering:
        raise QueryProblem(param, "not_filterable", name)
    if bits:
        raise QueryProblem(param, "relations", name)
    return QueryProblem(param, "unsupported_lookup", (lookup, name))


def read_value(spec: FilterSpec, raws: list[str]) -> Any:
    """A param's value as Django 1.6 prepares it for the column (T25): tastypie's true/false/none words first,
    then the type. SKIP: the resource's own param is empty."""
    if spec.lookup not in QUERY_TERMS:  # the resource's own param: its last value, as given
        raw = raws[-1]
        if raw == "":
            return SKIP
        if spec.type == "pattern":
            _pattern(spec.param, raw)
        return raw.split(",") if spec.many else raw
    if spec.lookup in ("in", "range"):
        values = [part for raw in raws for part in raw.split(",")]
        if spec.lookup == "range" and len(values) != 2:
            raise QueryProblem(spec.param, "range_arity", spec.field)
        return [_convert(spec.param, spec.item_type, v) for v in values]
    value = _simple(raws[-1])
    if value is None:
        if spec.lookup != "exact":
            raise QueryProblem(spec.param, "mismatched")  # Django: "Cannot use None as a query value"
        return None
    if spec.lookup == "isnull":
        return bool(value)  # Django tests the value's truth: "isnull=" is IS NOT NULL
    if spec.type == "pattern":
        _pattern(spec.param, str(value))
    if spec.type in ("pattern", "string"):
        return str(value)
    return _convert(spec.param, spec.type, value)


def _pattern(param: str, text: str) -> None:
    try:
        re.compile(text)
    except re.error as exc:
        raise QueryProblem(param, "pattern", str(exc)) from None


def _simple(value: str | None) -> Any:
    """tastypie's filter_value_to_python: true/false/none words become Python values (T25)."""
    if value in ("true", "True"):
        return True
    if value in ("false", "False"):
        return False
    if value in ("nil", "none", "None"):
        return None
    return value


def _integer(param: str, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and INTEGER_TEXT.match(value):
        return int(value)
    raise QueryProblem(param, "mismatched")


def _convert(param: str, kind: str, value: Any) -> Any:
    """A value for an exact/comparison/in/range lookup, prepared as the column type wants it."""
    if kind == "integer":
        return _integer(param, value)
    if kind == "date-time":
        try:
            return datetimes.parse_filter(str(value))
        except ValueError as exc:
            raise QueryProblem(param, "invalid", str(exc)) from None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise QueryProblem(param, "mismatched")
    return str(value)


def message(problem: QueryProblem) -> str:
    """tastypie's words for a refused param."""
    detail = problem.detail
    return {
        "not_filterable": lambda: f"The '{detail}' field does not allow filtering.",
        "relations": lambda: f"The '{detail}' field does not support relations.",
        "unsupported_lookup": lambda: f"The '{detail[0]}' lookup is not supported on the '{detail[1]}' field.",
        "range_arity": lambda: f"The 'range' lookup on the '{detail}' field needs exactly two comma-separated "
                               "values.",
        "mismatched": lambda: MISMATCHED,
        "invalid": lambda: py2_list_repr(detail),
        "pattern": lambda: f"Invalid regular expression for '{problem.param}': {detail}",
        "no_field": lambda: f"No matching '{detail}' field for ordering on.",
        "not_orderable": lambda: f"The '{detail}' field does not allow ordering.",
    }[problem.problem]()


# -- ordering ------------------------------------------------------------------------------------------------------


def ordering(resource: Resource, query: Query) -> list[tuple[str, bool]]:
    """``order_by`` (repeatable; ``sort_by`` when it is absent) → [(field, descending), …], then the default
    order (ties by ascending id)."""
    if "order_by" in query:
        param, values = "order_by", query.getlist("order_by")
    elif "sort_by" in query:
        param, values = "sort_by", query.getlist("sort_by")
    else:
        return list(resource.default_order)
    keys = []
    try:
        for value in values:
            bits = value.split("__")
            name, descending = bits[0], bits[0].startswith("-")
            if descending:
                name = name[1:]
            if name not in resource.schema_fields:
                raise QueryProblem(param, "no_field", name)
            check_order([(name, descending)], resource.orderable, param)
            if len(bits) > 1:
                raise QueryProblem(param, "relations", name)
            keys.append((name, descending))
    except QueryProblem as problem:
        raise QueryError(message(problem)) from None
    return [*keys, *resource.default_order]


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
