"""Renderings of stored rows, remembered until the row changes.

The store replaces a row it changes and never edits one in place (:meth:`mockserver.store.Store.get`), so a
stored row object stands for one content: a rendering made from it holds as long as the same object is stored,
and the memo keeps the object (its identity cannot be reused meanwhile). A rendering that owes anything to the
request, the clock or another row must not be remembered here, or only under a ``key`` that says so.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from ..store import Row

DEFAULT_LIMIT = 20_000  # renderings kept; past it the memo starts again (rows of about 1 KB: ~40 MB at most)


class RowMemo:
    def __init__(self, limit: int = DEFAULT_LIMIT):
        self.limit = limit
        self._entries: dict[int, tuple[Row, Hashable, Any]] = {}

    def get(self, row: Row, key: Hashable, render: Callable[[Row], Any]) -> Any:
        """``render(row)``, made once per stored row and ``key``. The result is shared: callers only read it."""
        entry = self._entries.get(id(row))
        if entry is not None and entry[0] is row and (entry[1] is key or entry[1] == key):
            return entry[2]
        value = render(row)
        if len(self._entries) >= self.limit:
            self._entries = {}
        self._entries[id(row)] = (row, key, value)
        return value
