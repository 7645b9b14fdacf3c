"""Stored rows handed out without a copy (``shared=True`` reads) become read-only while a test runs, so code that
changes a row it was given in place, which would change the store behind its back and outside a request's
atomic block, fails the test that reaches it (``TypeError: shared JSON data is read-only``). They are the read-only
copies the mock itself shares its kept renderings as (``mockserver.jsoncopy.read_only_json``)."""
from __future__ import annotations

from typing import Any

import pytest

from mockserver.jsoncopy import read_only_json
from mockserver.store import Store


@pytest.fixture(autouse=True)
def frozen_shared_rows(monkeypatch):
    get, find, select, page = Store.get, Store.find, Store.select, Store.page_by_id
    made: dict[int, tuple[Any, Any]] = {}  # one frozen copy per stored row object, as the store gives one object

    def freeze(row):
        if row is None:
            return None
        kept = made.get(id(row))
        if kept is None or kept[0] is not row:
            made[id(row)] = kept = (row, read_only_json(row))
        return kept[1]

    def frozen_get(self, table, pk, shared=False):
        row = get(self, table, pk, shared)
        return freeze(row) if shared else row

    def frozen_find(self, table, field, value, shared=False):
        row = find(self, table, field, value, shared)
        return freeze(row) if shared else row

    def frozen_select(self, table, where=None, order=None, offset=0, limit=None, shared=False):
        total, rows = select(self, table, where, order, offset, limit, shared)
        return total, [freeze(row) for row in rows] if shared else rows

    def frozen_page(self, table, descending, cut, shared=False):
        paged = page(self, table, descending, cut, shared)
        return (paged[0], [freeze(row) for row in paged[1]]) if paged is not None and shared else paged

    monkeypatch.setattr(Store, "get", frozen_get)
    monkeypatch.setattr(Store, "find", frozen_find)
    monkeypatch.setattr(Store, "select", frozen_select)
    monkeypatch.setattr(Store, "page_by_id", frozen_page)
