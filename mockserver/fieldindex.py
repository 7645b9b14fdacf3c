"""Which rows of a table hold a value in a field: the store's lookups by name, key or username (and every unique
check) in O(1) instead of a pass over the table, so inserting N rows is O(N).

An index of one (table, field) is built on the first lookup and kept by every write to the table after it. Values
that are not hashable (lists, objects) are not indexed: no hashable value equals them, and a lookup of such a
value is left to a scan. Dict keys compare as ``==`` does (``1 == 1.0 == True``), so a hit is what a scan finds.
"""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

Row = dict[str, Any]


class FieldIndexes:
    def __init__(self) -> None:
        self._indexes: dict[str, dict[str, dict[Any, set[str]]]] = {}  # table → field → value → row keys

    def keys(self, table: str, field: str, rows: dict[str, Row], value: Hashable) -> set[str]:
        """The keys of the rows whose ``field`` equals ``value`` (``rows``: the table, to build the index)."""
        fields = self._indexes.setdefault(table, {})
        if field not in fields:
            index: dict[Any, set[str]] = {}
            for key, row in rows.items():
                held = row.get(field)
                if isinstance(held, Hashable):
                    index.setdefault(held, set()).add(key)
            fields[field] = index
        return fields[field].get(value, set())

    def add(self, table: str, key: str, row: Row) -> None:
        for field, index in self._indexes.get(table, {}).items():
            held = row.get(field)
            if isinstance(held, Hashable):
                index.setdefault(held, set()).add(key)

    def remove(self, table: str, key: str, row: Row | None) -> None:
        if row is None:
            return
        for field, index in self._indexes.get(table, {}).items():
            held = row.get(field)
            if isinstance(held, Hashable) and held in index:
                index[held].discard(key)
                if not index[held]:
                    del index[held]

    def drop(self, table: str | None = None) -> None:
        """Forget one table's indexes (or all): the next lookup rebuilds them from the rows."""
        if table is None:
            self._indexes.clear()
        else:
            self._indexes.pop(table, None)
