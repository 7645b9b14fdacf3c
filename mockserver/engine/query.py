"""A list query as plain data: filters (param → field, lookup, typed value), ordering and the window, built from a
resource's contract entry and the request's query params. No framework here: dialects read their own syntax
(``field__lookup``, ``order_by``, ``page``) and render :class:`QueryProblem` in their own envelope and words.

The contract's ``x-resources`` entry says, for both APIs alike::

    filters: {<param>: {field, lookup, type[, choices][, unless]}}
    default_order: [[field, descending], ...]
    orderable: [field, ...]

``lookup`` names a generic lookup (:data:`.lookups.LOOKUPS`, or one of the row lookups below) or one a product
registered with :func:`register_lookup`; ``type`` is what the param's text parses to: ``integer``, ``number``,
``boolean``, ``string``, ``date-time``, ``pattern`` (a regular expression), or ``list-of-<type>`` (repeated
and comma-separated values). ``choices`` limits the values; ``unless`` names a param whose filter, when the
request gives one, makes this one unapplied (a period that overrides a range); its value is still checked, as
django-filter checks every field of a filter set before any filters.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..store import Row
from .lookups import LOOKUPS, parse_datetime_value

LIST_OF = "list-of-"
TRUE_WORDS = frozenset({"true", "True", "1"})
FALSE_WORDS = frozenset({"false", "False", "0"})

SKIP: Any = type("NoFilter", (), {"__repr__": lambda self: "SKIP"})()  # a value that filters nothing

# (row, field, prepared value) → does the row match. Generic ones below; products add theirs by name.
RowLookup = Callable[[Row, str, Any], bool]
ValueOf = Callable[[Row, str], Any]


class QueryProblem(ValueError):
    """A refused query param, neutral: ``problem`` is a code (``invalid``, ``invalid_choice``, ``not_filterable``,
    ``not_orderable``, ``relations``, ``unsupported_lookup``, ``range_arity``, ``mismatched``, ``pattern``,
    ``invalid_page`` …) and ``detail`` what the dialect may quote (the value, the expected type, a message)."""

    def __init__(self, param: str, problem: str, detail: Any = None):
        super().__init__(f"{param}: {problem}")
        self.param, self.problem, self.detail = param, problem, detail


@dataclass(frozen=True)
class FilterSpec:
    param: str
    field: str
    lookup: str
    type: str
    choices: tuple[str, ...] | None = None
    unless: str | None = None

    @property
    def many(self) -> bool:
        return self.type.startswith(LIST_OF)

    @property
    def item_type(self) -> str:
        return self.type[len(LIST_OF):] if self.many else self.type


def filter_specs(entry: Mapping[str, Any]) -> dict[str, FilterSpec]:
    """A contract ``x-resources`` entry's ``filters`` as specs, in contract order."""
    return {param: FilterSpec(param, f["field"], f["lookup"], f["type"],
                              tuple(f["choices"]) if f.get("choices") else None, f.get("unless"))
            for param, f in (entry.get("filters") or {}).items()}


@dataclass(frozen=True)
class Condition:
    param: str
    field: str
    lookup: str
    value: Any


@dataclass(frozen=True)
class Window:
    """Rows ``offset`` … ``offset + limit`` (None: to the end) of the filtered, ordered list."""
    offset: int = 0
    limit: int | None = None


@dataclass(frozen=True)
class Query:
    conditions: tuple[Condition, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()
    window: Window = field(default_factory=Window)

    def predicate(self, value_of: ValueOf | None = None) -> Callable[[Row], bool] | None:
        """The rows every condition accepts (AND); None when there is no condition."""
        if not self.conditions:
            return None
        read = value_of or _get
        checks = [(_row_lookup(c.lookup, read), c.field, c.value) for c in self.conditions]
        return lambda row: all(check(row, name, value) for check, name, value in checks)


# -- values -----------------------------------------------------------------------------------------------------------


def read_value(spec: FilterSpec, raws: list[str]) -> Any:
    """django-filter's reading of a param's values: a list param's repeated and comma-separated values, a single
    one's first value. SKIP means "no filter" (an empty value, a boolean word it does not know). QueryProblem for
    a value of the wrong type or outside the choices."""
    if spec.many:
        items = [part.strip() for raw in raws for part in raw.split(",") if part.strip()]
        values = [_typed(spec, spec.item_type, item) for item in items]
        values = [v for v in values if v is not SKIP]
        return values or SKIP
    raw = raws[0] if raws else ""
    if raw == "":
        return SKIP
    return _typed(spec, spec.item_type, raw)


def _typed(spec: FilterSpec, kind: str, raw: str) -> Any:
    if spec.choices is not None and raw not in spec.choices:
        raise QueryProblem(spec.param, "invalid_choice", raw)
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise QueryProblem(spec.param, "invalid", kind) from None
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise QueryProblem(spec.param, "invalid", kind) from None
    if kind == "boolean":
        return True if raw in TRUE_WORDS else False if raw in FALSE_WORDS else SKIP
    if kind == "date-time":
        instant = parse_datetime_value(raw)
        if instant is None:
            raise QueryProblem(spec.param, "invalid", kind)
        return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    if kind == "pattern":
        try:
            re.compile(raw)
        except re.error as exc:
            raise QueryProblem(spec.param, "pattern", str(exc)) from None
    return raw


Reader = Callable[[FilterSpec, list[str]], Any]


def condition(spec: FilterSpec, raws: list[str], read: Reader = read_value, context: Any = None
              ) -> Condition | None:
    """One param's condition; None when its value filters nothing. ``read``: the dialect's reading of values
    (default django-filter's). A registered lookup may prepare the typed value with the request's ``context``
    (a period → an instant since now), or refuse it with a QueryProblem."""
    value = read(spec, raws)
    prepare = PREPARE.get(spec.lookup)
    if value is not SKIP and prepare is not None:
        value = prepare(spec, value, context)
    return None if value is SKIP else Condition(spec.param, spec.field, spec.lookup, value)


def build_filters(specs: Mapping[str, FilterSpec], params: Mapping[str, list[str]], read: Reader = read_value,
                  context: Any = None) -> tuple[Condition, ...]:
    """The conditions of the params present, checked in the contract's order; params outside ``specs`` are no
    filter, and a param whose ``unless`` param gave a condition is checked but not applied."""
    found: dict[str, Condition] = {}
    for param, spec in specs.items():
        if param in params:
            made = condition(spec, params[param], read, context)
            if made is not None:
                found[param] = made
    return tuple(c for c in found.values() if specs[c.param].unless not in found)


def check_order(keys: Iterable[tuple[str, bool]], orderable: Iterable[str], param: str = "ordering"
                ) -> tuple[tuple[str, bool], ...]:
    """The keys asked for, each among the resource's orderable fields (QueryProblem ``not_orderable`` names it)."""
    allowed = set(orderable)
    keys = tuple(keys)
    for name, _ in keys:
        if name not in allowed:
            raise QueryProblem(param, "not_orderable", name)
    return keys


# -- lookups over whole rows --------------------------------------------------------------------------------------

ROW_LOOKUPS: dict[str, RowLookup] = {}
Prepare = Callable[[FilterSpec, Any, Any], Any]  # (spec, typed value, context) → value to compare, or SKIP
PREPARE: dict[str, Prepare] = {}


def register_lookup(name: str, check: RowLookup, prepare: Prepare | None = None) -> None:
    """A product's own lookup, under the name its contract's filters use. Names are global: one meaning each, so
    another module registering a name again is refused; the same module may (a module imported anew, as a test
    runner that restores ``sys.modules`` does, registers its lookups again)."""
    taken = ROW_LOOKUPS.get(name)
    if name in LOOKUPS or (taken is not None and taken.__module__ != check.__module__):
        raise ValueError(f"lookup {name!r} is already registered")
    ROW_LOOKUPS[name] = check
    if prepare is not None:
        PREPARE[name] = prepare


def _get(row: Row, name: str) -> Any:
    return row.get(name)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _row_lookup(name: str, read: ValueOf) -> RowLookup:
    if name in ROW_LOOKUPS:
        return ROW_LOOKUPS[name]
    if name == "has":  # a list field holds the value (any of the values)
        return lambda row, f, wanted: any(v in _items(read(row, f)) for v in _items(wanted))
    if name == "any_icontains":  # any item of any of the comma-separated fields holds the text, any case
        return lambda row, f, text: any(LOOKUPS["icontains"](item, text)
                                        for n in f.split(",") for item in _items(read(row, n)))
    if name == "any_startswith":
        return lambda row, f, text: any(LOOKUPS["startswith"](item, text)
                                        for n in f.split(",") for item in _items(read(row, n)))
    if name == "any_iregex":  # the pattern found in any of the fields, any case (a null reads as "")
        return lambda row, f, pattern: any(re.search(pattern, _text(read(row, n)), re.IGNORECASE)
                                           for n in f.split(","))
    check = LOOKUPS[name]

    def field_lookup(row: Row, f: str, value: Any) -> bool:
        stored = read(row, f)
        if isinstance(value, datetime) and stored is not None and not isinstance(stored, datetime):
            stored = parse_datetime_value(stored)  # instants compare as instants, whatever text stored them
        return check(stored, value)

    return field_lookup


def _text(value: Any) -> str:
    return "" if value is None else str(value)
