"""Django-style lookups (shared by tastypie filtering and django-filter): exact, contains, gt, range, year …"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from ..store import Row


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(stored: Any, wanted: Any) -> bool:
        if stored is None or wanted is None:
            return False
        try:
            return op(stored, wanted)
        except TypeError:
            return op(_text(stored), _text(wanted))

    return check


LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": lambda s, w: s == w,
    "iexact": lambda s, w: s is not None and w is not None and _text(s).lower() == _text(w).lower(),
    "contains": lambda s, w: s is not None and _text(w) in _text(s),
    "icontains": lambda s, w: s is not None and _text(w).lower() in _text(s).lower(),
    "startswith": lambda s, w: s is not None and _text(s).startswith(_text(w)),
    "istartswith": lambda s, w: s is not None and _text(s).lower().startswith(_text(w).lower()),
    "endswith": lambda s, w: s is not None and _text(s).endswith(_text(w)),
    "iendswith": lambda s, w: s is not None and _text(s).lower().endswith(_text(w).lower()),
    "in": lambda s, w: s in w,
    "gt": _compare(lambda s, w: s > w),
    "gte": _compare(lambda s, w: s >= w),
    "lt": _compare(lambda s, w: s < w),
    "lte": _compare(lambda s, w: s <= w),
    "range": lambda s, w: s is not None and LOOKUPS["gte"](s, w[0]) and LOOKUPS["lte"](s, w[1]),
    "isnull": lambda s, w: (s is None) == bool(w),
    "regex": lambda s, w: s is not None and re.search(w, _text(s)) is not None,
    "iregex": lambda s, w: s is not None and re.search(w, _text(s), re.IGNORECASE) is not None,
}


def _part(name: str) -> Callable[[Any, Any], bool]:
    """A datetime component lookup (``year`` … ``second``; ``week_day`` is 1 = Sunday … 7 = Saturday)."""
    def check(stored: Any, wanted: Any) -> bool:
        instant = parse_datetime_value(stored) if stored is not None else None
        if instant is None:
            return False
        value = instant.isoweekday() % 7 + 1 if name == "week_day" else getattr(instant, name)
        return bool(value == wanted)

    return check


LOOKUPS.update({name: _part(name) for name in ("year", "month", "day", "week_day", "hour", "minute", "second")})


def matches(row: Row, conditions: Iterable[tuple[str, str, Any]]) -> bool:
    """True when the row satisfies every (field, lookup, already-converted value) condition."""
    return all(LOOKUPS[lookup](row.get(field), value) for field, lookup, value in conditions)


def parse_datetime_value(value: Any) -> datetime | None:
    """Stored datetimes are ISO strings; compare them as datetimes."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
