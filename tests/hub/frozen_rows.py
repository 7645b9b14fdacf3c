"""Stored rows handed out without a copy (``shared=True`` reads) become read-only while a test runs, so code that
changes a row it was given in place, which would change the store behind its back and outside a request's
atomic block, fails the test that reaches it (``TypeError: a stored row was changed in place``)."""
from __future__ import annotations

from typing import Any

import pytest

from mockserver.store import Store


def _refuse(self, *args, **kwargs):
    raise TypeError("a stored row was changed in place: change a copy and write it back through the store")


class FrozenDict(dict):
    __setitem__ = __delitem__ = update = pop = popitem = setdefault = clear = __ior__ = _refuse

    def __deepcopy__(self, memo):
        return thaw(self)


class FrozenList(list):
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse

    def __deepcopy__(self, memo):
        return thaw(self)


def freeze_value(value: Any) -> Any:
    if isinstance(value, dict):
        return FrozenDict({key: freeze_value(item) for key, item in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze_value(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, list):
        return [thaw(item) for item in value]
    return value


@pytest.fixture(autouse=True)
def frozen_shared_rows(monkeypatch):
    get, find, select, page = Store.get, Store.find, Store.select, Store.page_by_id
    made: dict[int, tuple[Any, Any]] = {}  # one frozen copy per stored row object, as the store gives one object

    def freeze(row):
        if row is None:
            return None
        kept = made.get(id(row))
        if kept is None or kept[0] is not row:
            made[id(row)] = kept = (row, freeze_value(row))
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
