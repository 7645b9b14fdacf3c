"""The TinyDB seam: every read and write of mock data goes through :class:`Store`.

- One re-entrant lock around every operation (TinyDB is not thread-safe).
- Copies in and out: TinyDB hands back the dicts it holds, and callers must never alias them.
- The vendor primary key is the TinyDB document id, so lookups by id are O(1) at any table size.
- In memory by default; with a path, a JSON file that is replaced atomically and fsynced on every write.
- ``reset()`` returns to the seed by swapping in a copy of the seed data: no per-row work through TinyDB.
- ``atomic()`` groups the writes of one request: all or nothing, and one durable write at the end.

Rows are read and written on the storage's tables directly (``{table: {str(id): row}}``): TinyDB's ``Table``
rebuilds a whole table on every write, which makes one insert O(rows). Every write is committed to the storage
before the method returns (for a file: on disk), and a write the storage refuses is undone in memory too.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from .fieldindex import FieldIndexes
from .idorder import IdOrder
from .jsoncopy import copy_json
from .persistence import AtomicJSONStorage

Row = dict[str, Any]
Tables = dict[str, dict[str, Row]]


def table_name(api: str, resource: str) -> str:
    return f"{api}/{resource}"


class Store:
    def __init__(self, path: Path | None = None):
        self.lock = threading.RLock()
        self.path = Path(path) if path else None
        self._seed: Tables = {}
        self._db = TinyDB(self.path, storage=AtomicJSONStorage) if self.path else TinyDB(storage=MemoryStorage)
        if self._db.storage.read() is None:
            self._db.storage.write({})  # from here on the storage always holds the live tables
        # per table, the highest id held since the seed was loaded or reset (filled on first use); a delete keeps
        # it (ids are never reused), so allocating after deletes is O(1)
        self._max_ids: dict[str, int] = {}
        self._indexes = FieldIndexes()  # lookups by field value (find); dropped wherever rows change wholesale
        self._id_order = IdOrder()  # pages in id order without a sort (page_by_id); dropped likewise
        self._batch = 0  # depth of atomic() blocks: commits wait for the outermost one
        self._undo: list[Callable[[], Any]] = []  # how to take back each write of the open atomic() blocks
        self._dirty = False
        self.generation = 0  # bumped by every reset, so caches keyed on it stay honest
        self.version = 0  # bumped by every change (write, reset, rollback): what was read holds while it stays

    # -- seeding and reset -------------------------------------------------------------------------------------

    def load_seed(self, rows_by_table: dict[str, list[Row]], id_field: Callable[[str], str] | str = "id",
                  reset: bool = True) -> None:
        """Set the seed and (unless told not to) reset to it. ``id_field`` names each table's primary key."""
        seed: Tables = {}
        for name, rows in rows_by_table.items():
            key = id_field(name) if callable(id_field) else id_field
            seed[name] = {str(row[key]): copy_json(row) for row in rows}
        with self.lock:
            self._seed = seed
            if reset:
                self.reset()

    def has_data(self) -> bool:
        """True when a persistent file already held data at open (it is kept, not replaced by the seed)."""
        with self.lock:
            return bool(self._db.storage.read())

    def reset(self, data: Tables | None = None) -> None:
        with self.lock:
            fresh = copy_json(self._seed if data is None else data)
            if self._batch:  # swap the tables in place: the block's one write carries the reset with the rest
                live = self._data()
                previous = dict(live)
                live.clear()
                live.update(fresh)

                def restore() -> None:
                    live.clear()
                    live.update(previous)

                self._undo.append(restore)
                self._dirty = True
            else:
                self._db.storage.write(fresh)
            self._db.clear_cache()
            self._max_ids.clear()
            self._indexes.drop()
            self._id_order.drop()
            self.generation += 1
            self.version += 1

    def dump(self) -> Tables:
        """A copy of every table (for snapshots)."""
        with self.lock:
            return copy_json(self._data())

    @property
    def tables(self) -> list[str]:
        with self.lock:
            return sorted(self._data())

    # -- reads -------------------------------------------------------------------------------------------------

    def get(self, table: str, pk: int | str, shared: bool = False) -> Row | None:
        """A copy of the row; ``shared``: the stored row itself, which the caller must not change (the store
        replaces a row it changes and never edits one in place, so a row object's content never changes)."""
        with self.lock:
            doc = self._raw_table(table).get(str(pk))
            return doc if doc is None or shared else copy_json(doc)

    def exists(self, table: str, pk: int | str) -> bool:
        with self.lock:
            return str(pk) in self._raw_table(table)

    def count(self, table: str) -> int:
        with self.lock:
            return len(self._raw_table(table))

    def select(
        self,
        table: str,
        where: Callable[[Row], bool] | None = None,
        order: Callable[[list[Row]], list[Row]] | None = None,
        offset: int = 0,
        limit: int | None = None,
        shared: bool = False,
    ) -> tuple[int, list[Row]]:
        """Filter, order and window under the lock, copying only the rows returned (``shared``: none, as
        :meth:`get`). → (matching count, rows)."""
        with self.lock:
            rows: Iterable[Row] = self._raw_table(table).values()
            if where is not None:
                rows = [row for row in rows if where(row)]
            rows = order(list(rows)) if order is not None else list(rows)
            total = len(rows)
            window = rows[offset:] if limit is None else rows[offset : offset + limit]
            return total, window if shared else [copy_json(row) for row in window]

    def all(self, table: str) -> list[Row]:
        return self.select(table)[1]

    def page_by_id(self, table: str, descending: bool,
                   cut: Callable[[int], tuple[int, int | None]], shared: bool = False) -> tuple[int, list[Row]] | None:
        """The rows of a window in ``id`` order without sorting the table: ``cut(total)`` → (offset, limit).
        → (total, copies of the window's rows), as ``select`` ordering by ``id`` gives them; None when some row's
        ``id`` is not the int its key says, or for a negative window (the caller sorts instead)."""
        with self.lock:
            rows = self._raw_table(table)
            ids = self._id_order.ids(table, rows)
            if ids is None:
                return None
            total = len(ids)
            offset, limit = cut(total)
            if offset < 0 or (limit is not None and limit < 0):
                return None  # a slice from the end: left to select, which slices as Python does
            end = total if limit is None else min(total, offset + limit)
            if offset >= end:
                return total, []
            window = ids[total - end:total - offset][::-1] if descending else ids[offset:end]
            return total, [rows[str(pk)] if shared else copy_json(rows[str(pk)]) for pk in window]

    def find(self, table: str, field: str, value: Any, shared: bool = False) -> Row | None:
        """The row with the lowest id whose ``field`` equals ``value`` (through an index of the field); a copy
        unless ``shared`` (as :meth:`get`)."""
        with self.lock:
            rows = self._raw_table(table)
            if not isinstance(value, Hashable):
                keys = [key for key, row in rows.items() if row.get(field) == value]
            else:
                keys = list(self._indexes.keys(table, field, rows, value))
            if not keys:
                return None
            row = rows[min(keys, key=int)]
            return row if shared else copy_json(row)

    # -- writes ------------------------------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        """One more than the highest id the table has held since the seed was loaded or reset (the table's rows
        after a restart: the engine's sequences remember ids deleted before it)."""
        with self.lock:
            if table not in self._max_ids:
                keys = [int(k) for k in self._raw_table(table) if k.lstrip("-").isdigit()]
                self._max_ids[table] = max(keys, default=0)
            return self._max_ids[table] + 1

    def insert(self, table: str, pk: int | str, row: Row) -> Row:
        with self.lock:
            key = _key(pk)
            rows = self._data().setdefault(table, {})
            if key in rows:
                raise ValueError(f"Document with ID {key} already exists")
            rows[key] = copy_json(row)
            self._commit(lambda: rows.pop(key))
            self._indexes.add(table, key, rows[key])
            self._id_order.add(table, key, rows[key], new=True)
            self._saw_id(table, key)
            return copy_json(row)

    def put(self, table: str, pk: int | str, row: Row) -> Row:
        """Insert or replace the whole row."""
        with self.lock:
            key = _key(pk)
            rows = self._data().setdefault(table, {})
            before = rows.get(key)
            rows[key] = copy_json(row)
            self._commit(lambda: rows.pop(key) if before is None else rows.__setitem__(key, before))
            self._indexes.remove(table, key, before)
            self._indexes.add(table, key, rows[key])
            self._id_order.add(table, key, rows[key], new=before is None)
            self._saw_id(table, key)
            return copy_json(row)

    def delete(self, table: str, pks: Iterable[int | str]) -> int:
        with self.lock:
            rows = self._raw_table(table)
            order = list(rows) if self._batch else None  # a rollback puts rows back in their places
            self.next_id(table)  # the highest id counts the rows about to go
            removed = {key: rows.pop(key) for key in dict.fromkeys(str(p) for p in pks) if key in rows}
            if removed:
                self._commit(lambda: _restore(rows, removed, order))
                for key, row in removed.items():
                    self._indexes.remove(table, key, row)
                self._id_order.drop(table)
            return len(removed)

    def replace_table(self, table: str, rows: dict[str, Row]) -> None:
        """Swap a whole table at once (one write, so a batch is all-or-nothing)."""
        with self.lock:
            data = self._data()
            before = data.get(table)
            data[table] = copy_json(rows)
            self._commit(lambda: data.pop(table) if before is None else data.__setitem__(table, before))
            self._max_ids.pop(table, None)
            self._indexes.drop(table)
            self._id_order.drop(table)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold the lock over several operations, committed as one write; on an exception, restore the state
        from before (nothing of the block reaches the file). Blocks nest; an inner failure undoes the inner
        block only. Cost: one undo step per write, not a copy of the store."""
        with self.lock:
            mark, max_ids = len(self._undo), dict(self._max_ids)
            self._batch += 1
            try:
                yield
                if self._batch == 1 and self._dirty:
                    self._db.storage.write(self._data())
            except BaseException:
                self._rollback(mark, max_ids)
                raise
            finally:
                self._batch -= 1
                if self._batch == 0:
                    self._undo.clear()
                    self._dirty = False

    # -- internals ---------------------------------------------------------------------------------------------

    def _data(self) -> Tables:
        """The storage's live tables (changed in place, then committed)."""
        return cast(Tables, self._db.storage.read())  # never None: __init__ writes {} to an empty storage

    def _raw_table(self, table: str) -> dict[str, Row]:
        return self._data().get(table, {})

    def _commit(self, undo: Callable[[], Any]) -> None:
        """Make the in-memory change durable (outside an atomic block), or undo it if the storage refuses."""
        self.version += 1
        if self._batch:
            self._undo.append(undo)
            self._dirty = True
            return
        try:
            self._db.storage.write(self._data())
        except BaseException:
            undo()
            self._indexes.drop()
            self._id_order.drop()
            raise

    def _rollback(self, mark: int, max_ids: dict[str, int]) -> None:
        if len(self._undo) == mark:
            return  # nothing was written: nothing to take back, no cache to drop
        while len(self._undo) > mark:
            self._undo.pop()()
        self._max_ids = max_ids  # the highest ids as they were when the block began
        self._indexes.drop()
        self._id_order.drop()
        self.generation += 1  # the data went back: caches keyed on the generation must not survive it
        self.version += 1

    def _saw_id(self, table: str, key: str) -> None:
        if table in self._max_ids and key.lstrip("-").isdigit():
            self._max_ids[table] = max(self._max_ids[table], int(key))

    @property
    def durable_writes(self) -> int:
        """How many times the data reached the file since it was opened (0 in memory): one per write request."""
        return getattr(self._db.storage, "writes", 0)

    def close(self) -> None:
        with self.lock:
            self._db.close()


def _restore(rows: dict[str, Row], removed: dict[str, Row], order: list[str] | None) -> None:
    rows.update(removed)
    if order is not None:
        ordered = [(key, rows[key]) for key in order if key in rows]
        rows.clear()
        rows.update(ordered)


def _key(pk: int | str) -> str:
    # Document ids are ints, stored as their decimal text; vendor keys that are not ints (Hub
    # `name`/`key`/`username`) are looked up through a field, and stored under a numeric id.
    return str(int(pk))
