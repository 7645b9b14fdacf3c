"""Each table's ids in ascending order, so a page of a list in id order (every list's default) costs the page
rather than a sort of the whole table.

A table's order is built on the first page asked of it and kept by inserts after it (an id past the last is
appended, one in between is put in place); a delete, a wholesale change or a rollback drops it, and the next page
builds it again. It is kept only while every row's ``id`` is the int its key says: otherwise only a sort orders
the rows as the vendors do, and :meth:`IdOrder.ids` says None.
"""
from __future__ import annotations

import bisect
from typing import Any

Row = dict[str, Any]


class IdOrder:
    def __init__(self) -> None:
        self._orders: dict[str, list[int] | None] = {}

    def ids(self, table: str, rows: dict[str, Row]) -> list[int] | None:
        """The table's ids in ascending order (``rows``: the table, to build it), or None."""
        if table not in self._orders:
            if all(_holds_its_key(key, row) for key, row in rows.items()):
                self._orders[table] = sorted(row["id"] for row in rows.values())
            else:
                self._orders[table] = None
        return self._orders[table]

    def add(self, table: str, key: str, row: Row, new: bool) -> None:
        """After ``row`` was stored under ``key`` (``new``: no row was there before)."""
        ids = self._orders.get(table)
        if ids is None:
            self._orders.pop(table, None)  # not built, or unusable: the next page looks again
        elif not _holds_its_key(key, row):
            del self._orders[table]
        elif new:
            pk = row["id"]
            if not ids or pk > ids[-1]:
                ids.append(pk)
            else:
                bisect.insort(ids, pk)

    def drop(self, table: str | None = None) -> None:
        if table is None:
            self._orders.clear()
        else:
            self._orders.pop(table, None)


def _holds_its_key(key: str, row: Row) -> bool:
    pk = row.get("id")
    return type(pk) is int and str(pk) == key
