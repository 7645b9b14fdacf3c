"""The resource engine shared by both dialects: collections in the store, Django-style lookups, ordering.

Dialects parse requests and render responses in their framework's conventions; they run every query and
write through here, so both APIs store, filter, order and number rows the same way.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from operator import itemgetter
from typing import Any

from .store import Row, Store

SEQUENCES = "__meta__/sequences"


class Collection:
    """One resource's rows: ``<api>/<resource>`` in the store, keyed by an integer ``id``."""

    def __init__(self, store: Store, table: str, pk: str = "id"):
        self.store = store
        self.table = table
        self.pk = pk

    def list(self, where: Callable[[Row], bool] | None = None, order: list[tuple[str, bool]] | None = None,
             offset: int = 0, limit: int | None = None, nulls_last: bool = False) -> tuple[int, list[Row]]:
        """→ (number of matching rows, the window). ``order``: [(field, descending), …]; default ascending pk.
        ``nulls_last``: PostgreSQL's null placement (last ascending, first descending)."""
        keys = order or [(self.pk, False)]
        return self.store.select(self.table, where, lambda rows: order_rows(rows, keys, nulls_last), offset, limit)

    def get(self, pk: int) -> Row | None:
        return self.store.get(self.table, pk)

    def find(self, field: str, value: Any) -> Row | None:
        """The first row whose ``field`` equals ``value`` (lookups by name, key or username)."""
        _, rows = self.store.select(self.table, lambda r: r.get(field) == value, None, 0, 1)
        return rows[0] if rows else None

    def exists(self, pk: int) -> bool:
        return self.store.exists(self.table, pk)

    def allocate_id(self) -> int:
        """One more than the highest id this collection has ever held: ids are never reused."""
        with self.store.lock:
            sequence = self.store.get(SEQUENCES, 1) or {"id": 1}
            high = max(sequence.get(self.table, 0), self.store.next_id(self.table) - 1)
            sequence[self.table] = high + 1
            self.store.put(SEQUENCES, 1, sequence)
            return high + 1

    def _note_id(self, pk: int) -> None:
        with self.store.lock:
            sequence = self.store.get(SEQUENCES, 1) or {"id": 1}
            if pk > sequence.get(self.table, 0):
                sequence[self.table] = pk
                self.store.put(SEQUENCES, 1, sequence)

    def _note_gone(self, pks: Iterable[Any]) -> None:
        # Seeded rows were never noted: a deleted one must still count as held, or its id comes back.
        held = [pk for pk in pks if isinstance(pk, int) and self.store.exists(self.table, pk)]
        if held:
            self._note_id(max(held))

    def create(self, row: Row, pk: int | None = None) -> Row:
        with self.store.lock:
            pk = self.allocate_id() if pk is None else pk
            row = {**row, self.pk: pk}
            self._note_id(pk)
            return self.store.insert(self.table, pk, row)

    def save(self, row: Row) -> Row:
        """Replace the stored row with the same pk (or insert it)."""
        self._note_id(row[self.pk])
        return self.store.put(self.table, row[self.pk], row)

    def update(self, pk: int, changes: dict[str, Any]) -> Row | None:
        with self.store.lock:
            row = self.store.get(self.table, pk)
            if row is None:
                return None
            row.update(changes)
            return self.store.put(self.table, pk, row)

    def move(self, old_pk: int, new_pk: int) -> Row | None:
        with self.store.lock:
            row = self.store.get(self.table, old_pk)
            if row is None:
                return None
            self._note_gone([old_pk])
            self.store.delete(self.table, [old_pk])
            return self.save({**row, self.pk: new_pk})

    def delete(self, pks: Iterable[int]) -> int:
        with self.store.lock:
            pks = list(pks)
            self._note_gone(pks)
            return self.store.delete(self.table, pks)

    def delete_where(self, where: Callable[[Row], bool] | None = None) -> int:
        with self.store.lock:
            _, rows = self.store.select(self.table, where)
            return self.delete([r[self.pk] for r in rows])


# -- ordering ----------------------------------------------------------------------------------------------------


def _sort_key(value: Any, nulls_last: bool = False) -> tuple:
    # Mixed types never raise: nulls, then booleans/numbers, then strings, then anything else as text.
    if value is None:
        return (4,) if nulls_last else (0,)
    if isinstance(value, (bool, int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, repr(value))


def order_rows(rows: list[Row], keys: list[tuple[str, bool]], nulls_last: bool = False) -> list[Row]:
    """Stable multi-key sort; ``keys`` = [(field, descending), …], most significant first. Nulls sort first
    ascending (last descending), or with ``nulls_last`` the other way round, as PostgreSQL does."""
    for field, descending in reversed(keys):
        plain = _sorted_plain(rows, field, descending)
        if plain is not None:
            rows = plain
        else:
            rows.sort(key=lambda r: _sort_key(r.get(field), nulls_last), reverse=descending)
    return rows


def _sorted_plain(rows: list[Row], field: str, descending: bool) -> list[Row] | None:
    """The common case fast: every row holds a string, or every row a number, under ``field``. Sorting on the
    raw values skips building a key tuple per row (most of a list request's time at 10k rows). None when the
    values are not of one plain kind; ``sorted`` leaves ``rows`` untouched when a comparison fails."""
    if not rows or not isinstance(rows[0].get(field), (str, int, float)):
        return None
    try:
        return sorted(rows, key=itemgetter(field), reverse=descending)
    except (KeyError, TypeError):
        return None


# -- Django-style lookups (shared by tastypie filtering and django-filter) ----------------------------------------


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
        return value == wanted

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
