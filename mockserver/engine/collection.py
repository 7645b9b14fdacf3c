"""One resource's rows in the store: listing, lookups by key, writes, and ids that are never reused."""
from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import Any

from ..store import Row, Store
from .ordering import order_rows
from .query import Query

SEQUENCES = "__meta__/sequences"


class IdTaken(ValueError):
    """A row was to be created under an id the caller chose, and a row holds that id already."""


class Collection:
    """One resource's rows: ``<api>/<resource>`` in the store, keyed by an integer ``id``."""

    def __init__(self, store: Store, table: str, pk: str = "id"):
        self.store = store
        self.table = table
        self.pk = pk

    def list(self, where: Callable[[Row], bool] | None = None, order: list[tuple[str, bool]] | None = None,
             offset: int = 0, limit: int | None = None, nulls_last: bool = False,
             shared: bool = False) -> tuple[int, list[Row]]:
        """→ (number of matching rows, the window). ``order``: [(field, descending), …]; default ascending pk.
        ``nulls_last``: PostgreSQL's null placement (last ascending, first descending). ``shared``: the stored
        rows themselves, not copies, for a caller that only reads them (:meth:`Store.get`)."""
        keys = order or [(self.pk, False)]
        if where is None and len(keys) == 1 and keys[0][0] == "id":  # ids are unique: nulls cannot matter
            paged = self.store.page_by_id(self.table, keys[0][1], lambda total: (offset, limit), shared)
            if paged is not None:
                return paged
        return self.store.select(self.table, where, lambda rows: order_rows(rows, keys, nulls_last), offset, limit,
                                 shared)

    def select(self, query: Query, nulls_last: bool = False, shared: bool = False) -> tuple[int, builtins.list[Row]]:
        """A query's rows: its filters, its order (default ascending pk), its window → (matching rows, window)."""
        return self.list(query.predicate(), list(query.order), query.window.offset, query.window.limit, nulls_last,
                         shared)

    def get(self, pk: int, shared: bool = False) -> Row | None:
        return self.store.get(self.table, pk, shared)

    def find(self, field: str, value: Any) -> Row | None:
        """The first row whose ``field`` equals ``value`` (lookups by name, key or username)."""
        _, rows = self.store.select(self.table, lambda r: r.get(field) == value, None, 0, 1)
        return rows[0] if rows else None

    def exists(self, pk: int) -> bool:
        return self.store.exists(self.table, pk)

    def allocate_id(self) -> int:
        """One more than the highest id this collection has ever held: ids are never reused."""
        with self.store.lock:
            sequence = self.store.get(SEQUENCES, 1, shared=True) or {"id": 1}  # read only: changed in a copy
            high: int = max(sequence.get(self.table, 0), self.store.next_id(self.table) - 1)
            self.store.put(SEQUENCES, 1, {**sequence, self.table: high + 1})
            return high + 1

    def _note_id(self, pk: int) -> None:
        with self.store.lock:
            sequence = self.store.get(SEQUENCES, 1, shared=True) or {"id": 1}
            if pk > sequence.get(self.table, 0):
                self.store.put(SEQUENCES, 1, {**sequence, self.table: pk})

    def _note_gone(self, pks: Iterable[Any]) -> None:
        # Seeded rows were never noted: a deleted one must still count as held, or its id comes back.
        held = [pk for pk in pks if isinstance(pk, int) and self.store.exists(self.table, pk)]
        if held:
            self._note_id(max(held))

    def create(self, row: Row, pk: int | None = None) -> Row:
        """Store ``row`` under ``pk`` (which must be free: :class:`IdTaken`), or under a new id."""
        with self.store.lock:
            if pk is not None and self.store.exists(self.table, pk):
                raise IdTaken(f"{self.table}: id {pk} is taken")
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
