"""The Hub's own lookups, registered under the names its contract's filters use, and the reading of the lists
the product serves: the contract's ``filters`` of a resource, applied to rows as the product lists them (a
job with its computed ``state``, ``completed``, ``owner_name`` and ``noop``).

Also the typed reading of the params that are arguments of an operation rather than filters (``cache_ttl``,
``details``, ``site``): the engine's reading of that type, refused in DRF's words.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from ..dialects.drf.lists import conditions, problem_error
from ..engine.query import SKIP, FilterSpec, Query, QueryProblem, read_value, register_lookup
from .common import Row

PERIOD = re.compile(r"^(\d+)([mhdw])$")
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


# -- lookups (H82) ----------------------------------------------------------------------------------------------------


def _since(spec: FilterSpec, text: str, context: dict[str, Any]) -> Any:
    """``created=<n><m|h|d|w>``: the instant that long before now; ``null`` filters nothing."""
    if text == "null":
        return SKIP
    match = PERIOD.match(text)
    if match is None:
        raise QueryProblem(spec.param, "refused", f'Invalid time period "{text}".')
    try:
        return context["now"] - timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2]])
    except OverflowError:  # a period reaching before year 1 holds every job: it filters nothing
        return SKIP


def _owner_in(row: Row, field: str, owners: list[int]) -> bool:
    """Owner ids, and two sentinels: -1 = nobody started it (no owner, no schedule or policy), -2 = a schedule
    or a policy started it."""
    automated = bool(row.get("schedule") or row.get("policy"))
    return (row.get(field) in owners or (-1 in owners and row.get(field) is None and not automated)
            or (-2 in owners and automated))


def _keyword(row: Row, field: str, keyword: str) -> bool:
    """The keyword in any of the fields (items of a list field each), any case; a null reads as "None"."""
    return any(keyword in str(text).lower() for name in field.split(",") for text in _items(row.get(name)))


register_lookup("period", lambda row, field, since: row.get(field) is not None and row[field] >= since, _since)
register_lookup("owner_in", _owner_in)
register_lookup("keyword", _keyword, lambda spec, text, context: text.lower())
register_lookup("hides", lambda row, field, hide: not (hide and row.get(field)))


# -- lists and arguments ----------------------------------------------------------------------------------------------


def row_filter(call: Any, resource: str, context: dict[str, Any] | None = None) -> Callable[[Row], bool]:
    """The rows the resource's filters in the request accept (all of them when it gives none); 400 in DRF's
    words for a refused value, checked up front in the contract's order."""
    predicate = Query(conditions=conditions(resource, call.query, context=context)).predicate()
    return predicate or (lambda row: True)


def matching(call: Any, resource: str, rows: Iterable[Row], context: dict[str, Any] | None = None) -> list[Row]:
    accept = row_filter(call, resource, context)
    return [row for row in rows if accept(row)]


def argument(query: Any, name: str, kind: str = "string") -> Any:
    """An operation's argument of ``kind`` (integer, boolean, string): None when absent, empty, or a boolean word
    it does not know; 400 ``{"name": ["Enter a whole number."]}`` for a bad integer."""
    raws = query.getlist(name) if query is not None else []
    try:
        value = read_value(FilterSpec(name, name, "exact", kind), [str(raw) for raw in raws])
    except QueryProblem as problem:
        raise problem_error(problem) from None
    return None if value is SKIP else value
