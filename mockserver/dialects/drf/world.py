"""One request's view of the Hub's stored rows: lookups by id and by field, links, the clock.

Nothing here copies a whole table to answer a lookup: a row by id is one ``store.get``; a row by field value is
one ``store.find`` (an index kept by the store); rows grouped by a field come from an index
of ids built on first use. Rows looked up are kept for the request, so one id is one dict throughout.
Rows are the stored ones, not copies (the store replaces a row it changes and never edits one in place): the
product reads them and writes changed copies back through the store, never changing a row it was given.
Every write goes through :meth:`World.collection` and is followed by :meth:`World.changed`, which drops what was
kept, so a response always renders what the store now holds.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ...clock import isoformat_z
from ...engine import Collection, order_rows
from .spec import load_spec, table

if TYPE_CHECKING:
    from ...state import MockState
    from .product import Product
    from .render import Renderings

Row = dict[str, Any]
BY_ID = [("id", False)]


class World:
    def __init__(self, state: MockState, base_url: str, product: Product, renderings: Renderings | None = None):
        self.state = state
        self.renderings = renderings  # whole renderings kept across requests (the mock's, see render.Renderings)
        self.product = product  # what the product registered: hooks, computed fields
        self.base_url = base_url  # scheme + host + "/api"
        self.spec = load_spec()
        self._by_id: dict[str, dict[int, Row | None]] = {}
        self._rows: dict[str, list[Row]] = {}
        self._indexes: dict[tuple[str, str, bool], dict[Any, list[int]]] = {}
        self._derived: dict[str, Any] = {}

    # -- reads ---------------------------------------------------------------------------------------------------

    def rows(self, resource: str) -> list[Row]:
        """Every row, in id order (for answers that show them all)."""
        if resource not in self._rows:
            self._rows[resource] = [self._keep(resource, row) for row in self.collection(resource).list(shared=True)[1]]
        return self._rows[resource]

    def get(self, resource: str, pk: Any) -> Row | None:
        if not isinstance(pk, int) or isinstance(pk, bool):
            return None
        known = self._by_id.setdefault(resource, {})
        if pk not in known:
            known[pk] = self.state.store.get(table(resource), pk, shared=True)
        return known[pk]

    def find(self, resource: str, field: str, value: Any) -> Row | None:
        """The first row (by id) whose ``field`` equals ``value``: through the store's index of the field, so every
        unique check and lookup by name is O(1)."""
        row = self.state.store.find(table(resource), field, value, shared=True)
        return self._keep(resource, row) if row is not None else None

    def first(self, resource: str, where: Callable[[Row], bool] | None = None) -> Row | None:
        """The first row (by id) that ``where`` accepts: one pass over the stored rows."""
        _, rows = self.collection(resource).list(where, limit=1, shared=True)
        return self._keep(resource, rows[0]) if rows else None

    def where(self, resource: str, where: Callable[[Row], bool]) -> list[Row]:
        """The rows ``where`` accepts, in id order."""
        return [self._keep(resource, row) for row in self.collection(resource).list(where, shared=True)[1]]

    def having(self, resource: str, field: str, value: Any) -> list[Row]:
        """The rows whose ``field`` equals ``value``, in id order (through an index of the field)."""
        if not isinstance(value, Hashable):
            return self.where(resource, lambda row: row.get(field) == value)
        return self._indexed(resource, field, value, False)

    def holding(self, resource: str, field: str, member: Any) -> list[Row]:
        """The rows whose list ``field`` holds ``member``, in id order (a space's sites hold a site's id)."""
        if not isinstance(member, Hashable):
            return self.where(resource, lambda row: member in (row.get(field) or []))
        return self._indexed(resource, field, member, True)

    def scan(self, resource: str, read: Callable[[list[Row]], Any]) -> Any:
        """``read(stored rows in id order)`` under the store's lock, without copying them: ``read`` must neither
        change nor keep them. For questions about a whole table (the highest number in use)."""
        answer: list[Any] = []

        def read_all(rows: list[Row]) -> list[Row]:
            answer.append(read(order_rows(rows, BY_ID)))
            return []  # nothing to copy out

        self.state.store.select(table(resource), None, read_all)
        return answer[0]

    def derived(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per request from the stored rows (and, like them, dropped on a write)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def head(self, resource: str) -> Row | None:
        """The first row of a one-row resource (configurations, the PKI lifetime)."""
        rows = self.rows(resource)
        return rows[0] if rows else None

    def config(self) -> Row:
        return self.head("configurations") or {}

    def now(self) -> datetime:
        return self.state.clock.now()

    def now_text(self) -> str:
        return isoformat_z(self.now())

    def _keep(self, resource: str, row: Row) -> Row:
        """The request's copy of a row: the one already read, if any."""
        known = self._by_id.setdefault(resource, {})
        pk = row.get("id")
        if not isinstance(pk, int) or isinstance(pk, bool):
            return row
        kept = known.get(pk)
        if kept is None:
            known[pk] = kept = row
        return kept

    def _indexed(self, resource: str, field: str, value: Any, many: bool) -> list[Row]:
        key = (resource, field, many)
        if key not in self._indexes:
            self._indexes[key] = self.scan(resource, lambda rows: _index(rows, field, many))
        rows = (self.get(resource, pk) for pk in self._indexes[key].get(value, ()))
        return [row for row in rows if row is not None]

    # -- writes --------------------------------------------------------------------------------------------------

    def collection(self, resource: str) -> Collection:
        return Collection(self.state.store, table(resource))

    def changed(self) -> None:
        self._by_id.clear()
        self._rows.clear()
        self._indexes.clear()
        self._derived.clear()

    # -- links ---------------------------------------------------------------------------------------------------

    def url(self, resource: str, row: Row) -> str | None:
        """The absolute detail URL of a row (H9)."""
        spec = self.spec.resources.get(resource, {})
        path = spec.get("detail_path")
        if not path:
            return None
        lookup = spec.get("key") or "id"
        value = row.get(lookup if lookup != "id" else "id")
        path = path.replace("{" + lookup + "}", str(value)).replace("{id}", str(row.get("id")))
        parent = spec.get("parent")
        if parent:
            path = path.replace("{" + parent["param"] + "}", str(row.get(self.parent_field(resource))))
        return self.base_url + quote(path, safe="!$&'()*+,;=/~:@")  # as Django's reverse() quotes a path

    def parent_field(self, resource: str) -> str:
        """The stored field of a nested resource that holds its parent's id (``schedule``)."""
        parent = self.spec.resources[resource]["parent"]["resource"]
        model: str = self.spec.resources[parent]["model"]
        return model.lower()


def _index(rows: list[Row], field: str, many: bool) -> dict[Any, list[int]]:
    """value → ids of the rows holding it, in id order. A value that cannot be a key equals no wanted value
    that can (an id, a name), so it is left out."""
    index: dict[Any, list[int]] = {}
    for row in rows:
        values = (row.get(field) or []) if many else [row.get(field)]
        for value in dict.fromkeys(v for v in values if isinstance(v, Hashable)):
            index.setdefault(value, []).append(row["id"])
    return index
