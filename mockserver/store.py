"""The TinyDB seam: every read and write of mock data goes through :class:`Store`.

- One re-entrant lock around every operation (TinyDB is not thread-safe).
- Copies in and out: TinyDB hands back the dicts it holds, and callers must never alias them.
- The vendor primary key is the TinyDB document id, so lookups by id are O(1) at any table size.
- In memory by default; with a path, a JSON file that is replaced atomically and fsynced on every write.
- ``reset()`` returns to the seed by swapping in a copy of the seed data: no per-row work through TinyDB.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

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
        self._db = self._open(None)
        self.generation = 0  # bumped by every reset, so caches keyed on it stay honest

    def _open(self, data: Tables | None) -> TinyDB:
        if self.path is None:
            db = TinyDB(storage=MemoryStorage)
        else:
            db = TinyDB(self.path, storage=AtomicJSONStorage)
        if data is not None:
            db.storage.write(data)
        return db

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
            self._db.close()
            self._db = self._open(copy_json(self._seed if data is None else data))
            self.generation += 1

    def dump(self) -> Tables:
        """A copy of every table (for snapshots)."""
        with self.lock:
            return copy_json(self._db.storage.read() or {})

    @property
    def tables(self) -> list[str]:
        with self.lock:
            return sorted(self._db.tables())

    # -- reads -------------------------------------------------------------------------------------------------

    def get(self, table: str, pk: int | str) -> Row | None:
        with self.lock:
            doc = self._raw_table(table).get(str(pk))
            return copy_json(doc) if doc is not None else None

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
    ) -> tuple[int, list[Row]]:
        """Filter, order and window under the lock, copying only the rows returned. → (matching count, rows)."""
        with self.lock:
            rows: Iterable[Row] = self._raw_table(table).values()
            if where is not None:
                rows = [row for row in rows if where(row)]
            rows = order(list(rows)) if order is not None else list(rows)
            total = len(rows)
            window = rows[offset:] if limit is None else rows[offset : offset + limit]
            return total, [copy_json(row) for row in window]

    def all(self, table: str) -> list[Row]:
        return self.select(table)[1]

    # -- writes ------------------------------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        with self.lock:
            keys = [int(k) for k in self._raw_table(table) if k.lstrip("-").isdigit()]
            return max(keys, default=0) + 1

    def insert(self, table: str, pk: int | str, row: Row) -> Row:
        with self.lock:
            self._db.table(table).insert(Document(copy_json(row), doc_id=_doc_id(pk)))
            return copy_json(row)

    def put(self, table: str, pk: int | str, row: Row) -> Row:
        """Insert or replace the whole row."""
        with self.lock:
            tbl = self._db.table(table)
            tbl.upsert(Document(copy_json(row), doc_id=_doc_id(pk)))
            return copy_json(row)

    def delete(self, table: str, pks: Iterable[int | str]) -> int:
        with self.lock:
            tbl = self._db.table(table)
            present = [p for p in pks if str(p) in self._raw_table(table)]
            if present:
                tbl.remove(doc_ids=[_doc_id(p) for p in present])
            return len(present)

    def replace_table(self, table: str, rows: dict[str, Row]) -> None:
        """Swap a whole table at once (one write, so a batch is all-or-nothing)."""
        with self.lock:
            data = self._db.storage.read() or {}
            data[table] = copy_json(rows)
            self._db.storage.write(data)
            self._db.table(table).clear_cache()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold the lock over several operations; on an exception, restore the state from before."""
        with self.lock:
            before = self.dump()
            try:
                yield
            except BaseException:
                self.reset(before)
                raise

    def _raw_table(self, table: str) -> dict[str, Row]:
        data = self._db.storage.read() or {}
        return data.get(table, {})

    def close(self) -> None:
        with self.lock:
            self._db.close()


def _doc_id(pk: int | str) -> int:
    # TinyDB document ids must be ints; vendor keys that are not (Hub `name`/`key`/`username`) are looked up
    # through a field, and stored under a numeric id.
    return int(pk)
