"""One request's view of the Hub's stored rows: lookups by id and by name, links, the clock.

Rows are read once per request and indexed; every write goes through :meth:`World.collection` and drops the
cache, so a response always renders what the store now holds.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ...clock import isoformat_z
from ...engine import Collection
from .spec import load_spec, table

if TYPE_CHECKING:
    from ...state import MockState

Row = dict[str, Any]


class World:
    def __init__(self, state: MockState, base_url: str):
        self.state = state
        self.base_url = base_url  # scheme + host + "/api"
        self.spec = load_spec()
        self._rows: dict[str, list[Row]] = {}
        self._by_id: dict[str, dict[int, Row]] = {}

    # -- reads ---------------------------------------------------------------------------------------------------

    def rows(self, resource: str) -> list[Row]:
        if resource not in self._rows:
            _, rows = self.collection(resource).list()
            self._rows[resource] = rows
            self._by_id[resource] = {row["id"]: row for row in rows}
        return self._rows[resource]

    def get(self, resource: str, pk: Any) -> Row | None:
        self.rows(resource)
        return self._by_id[resource].get(pk) if isinstance(pk, int) and not isinstance(pk, bool) else None

    def find(self, resource: str, field: str, value: Any) -> Row | None:
        return next((row for row in self.rows(resource) if row.get(field) == value), None)

    def config(self) -> Row:
        rows = self.rows("configurations")
        return rows[0] if rows else {}

    def now(self):
        return self.state.clock.now()

    def now_text(self) -> str:
        return isoformat_z(self.now())

    # -- writes --------------------------------------------------------------------------------------------------

    def collection(self, resource: str) -> Collection:
        return Collection(self.state.store, table(resource))

    def changed(self) -> None:
        self._rows.clear()
        self._by_id.clear()

    # -- links ---------------------------------------------------------------------------------------------------

    def url(self, resource: str, row: Row) -> str | None:
        """The absolute detail URL of a row (H9)."""
        spec = self.spec.resources.get(resource, {})
        path = spec.get("detail_path")
        if not path:
            return None
        lookup = spec.get("lookup") or "id"
        value = row.get(lookup if lookup != "id" else "id")
        path = path.replace("{" + lookup + "}", str(value)).replace("{id}", str(row.get("id")))
        parent = spec.get("parent")
        if parent:
            path = path.replace("{" + parent["param"] + "}", str(row.get(self.parent_field(resource))))
        return self.base_url + quote(path, safe="!$&'()*+,;=/~:@")  # as Django's reverse() quotes a path

    def parent_field(self, resource: str) -> str:
        """The stored field of a nested resource that holds its parent's id (``schedule``)."""
        parent = self.spec.resources[resource]["parent"]["resource"]
        return self.spec.resources[parent]["model"].lower()
