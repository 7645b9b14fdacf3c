"""Stored rows → API representation, driven by the response schema of the operation (H8, H9).

A body has exactly the schema's fields, in the schema's order (or the order of a published example). The
same stored reference renders as a name, an id or a nested object, whichever the schema asks for (4.4).
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ...jsoncopy import ATOMS, read_only_json
from .relations import Ref, references
from .spec import table
from .world import Row, World

F = TypeVar("F", bound=Callable[..., Any])


def pure(computed: F) -> F:
    """Marks a computed field that reads only the row and other stored rows (no clock, no simulated state), so
    a rendering that uses it may be kept (:class:`Renderings`)."""
    computed.pure = True  # type: ignore[attr-defined]
    return computed


class Renderings:
    """Stored rows rendered whole, kept while the store stays as it is (its ``version``), per schema and base
    URL. A rendering reads the row, rows it links to, the contract and the base URL; one that ran a computed
    field not marked :func:`pure` may owe something to the clock or the simulated state, so it is not kept."""

    def __init__(self, limit: int = 4096):
        self.limit = limit
        self.version = -1
        self.entries: dict[tuple[str, int, int, str], tuple[Row, dict[str, Any]]] = {}

    def find(self, version: int, key: tuple[str, int, int, str], row: Row) -> dict[str, Any] | None:
        if version != self.version:
            self.entries, self.version = {}, version
            return None
        entry = self.entries.get(key)
        return entry[1] if entry is not None and entry[0] is row else None

    def keep(self, key: tuple[str, int, int, str], row: Row, rendered: dict[str, Any]) -> None:
        if len(self.entries) >= self.limit:
            self.entries = {}
        self.entries[key] = (row, rendered)  # the row is held, so its id is not reused meanwhile


@dataclass
class Linked:
    """A computed value that is a stored row of another resource, rendered in the shape the response schema
    gives that field."""

    resource: str
    row: Row | None


def stored_refs(resource: str) -> dict[str, tuple[str, Ref]]:
    """Field path as rendered → (path as written, reference)."""
    return {ref.field(path): (path, ref) for path, ref in references(resource).items()}


# How a field of a rendered row gets its value (see Renderer._plan)
COMPUTED, REFERENCE, URL, STORED = range(4)
MAX_PLANS = 4096
Field = tuple[str, dict[str, Any], str, int, Any]  # name, resolved schema, path, how, the computed function or Ref


class Renderer:
    def __init__(self, world: World, renderings: Renderings | None = None):
        self.world = world
        self.spec = world.spec
        self.plans = world.product.render_plans
        self.renderings = renderings
        self.impure = 0  # computed fields run that were not marked pure

    def row(self, resource: str, row: Row, schema: dict[str, Any] | None, path: str = "") -> dict[str, Any]:
        if path or self.renderings is None:
            return self._row(resource, row, schema, path)
        store = self.world.state.store
        key = (resource, id(schema), id(row), self.world.base_url)
        kept = self.renderings.find(store.version, key, row)
        if kept is not None:
            return kept
        impure = self.impure
        out = self._row(resource, row, schema, path)
        if self.impure == impure and isinstance(row.get("id"), int) \
                and store.get(table(resource), row["id"], shared=True) is row:  # a stored row, not a made one
            out = read_only_json(out)  # shared from now on: a caller changes a copy (copy_json)
            self.renderings.keep(key, row, out)
        return out

    def _row(self, resource: str, row: Row, schema: dict[str, Any] | None, path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, sub, full, how, extra in self._plan(resource, schema, path):
            if how == COMPUTED:
                if not getattr(extra, "pure", False):
                    self.impure += 1
                value = extra(self.world, row)
            elif how == REFERENCE:
                value = self._reference(extra, row, name)
            elif how == URL:
                value = self.world.url(resource, row)
            else:
                value = row.get(name)
            # What shape() does for a null, a string, a number or a boolean, without the call
            if value is None:
                out[name] = [] if sub.get("type") == "array" else None
            elif value.__class__ in ATOMS:
                out[name] = value
            else:
                out[name] = self.shape(resource, value, sub, full)
        return out

    def _plan(self, resource: str, schema: dict[str, Any] | None, path: str) -> list[Field]:
        """The fields of a row of ``resource`` rendered by ``schema`` at ``path``, in order, each with where its
        value comes from: worked out once per (resource, schema, path) and kept by the product, since the
        contract and the product's computed fields never change while the mock runs."""
        key = (resource, id(schema), path)
        plan = self.plans.get(key)
        if plan is None:
            if len(self.plans) >= MAX_PLANS:  # only if a caller builds schemas per request: stay bounded
                self.plans.clear()
            self.plans[key] = plan = (schema, self._make_plan(resource, schema, path))  # the schema pins its id
        return plan[1]

    def _make_plan(self, resource: str, schema: dict[str, Any] | None, path: str) -> list[Field]:
        schema = self.spec.resolve(schema or {})
        refs = stored_refs(resource)
        computed = self.world.product.computed.get(resource, {}) if not path else {}
        props = schema.get("properties", {})
        order = self.spec.key_orders.get(id(schema), [])
        plan: list[Field] = []
        for name in [k for k in order if k in props] + [k for k in props if k not in order]:
            sub = self.spec.resolve(props[name])
            full = f"{path}.{name}" if path else name
            if name in computed:
                plan.append((name, sub, full, COMPUTED, computed[name]))
            elif full in refs:
                plan.append((name, sub, full, REFERENCE, refs[full][1]))
            elif name == "url" and not path:
                plan.append((name, sub, full, URL, None))
            else:
                plan.append((name, sub, full, STORED, None))
        return plan

    def _reference(self, ref: Ref, row: Row, name: str) -> Any:
        if ref.reverse:
            return [Linked(ref.target, r) for r in self.world.holding(ref.target, ref.reverse, row["id"])]
        stored = row.get(name)
        if ref.many:
            return [Linked(ref.target, self.world.get(ref.target, pk)) for pk in stored or []
                    if self.world.get(ref.target, pk) is not None]
        return None if stored is None else Linked(ref.target, self.world.get(ref.target, stored))

    def shape(self, resource: str, value: Any, schema: dict[str, Any], path: str) -> Any:
        """A value in the JSON type the schema gives it."""
        if "$ref" in schema:
            schema = self.spec.resolve(schema)
        kind = schema.get("type")
        if isinstance(value, Linked):
            return self._linked(value, schema)
        if value is None:
            return [] if kind == "array" else None
        if kind == "array" and isinstance(value, list):
            items = schema.get("items", {})
            return [self.shape(resource, item, items, path) for item in value]
        if kind == "object" and "properties" in schema and isinstance(value, dict):
            return self.row(resource, value, schema, path)
        if isinstance(value, dict) and kind in ("integer", "boolean"):
            return value.get("id") if kind == "integer" else True  # a nested object shown by id, or as "set"
        return value

    def _linked(self, linked: Linked, schema: dict[str, Any]) -> Any:
        row = linked.row
        if row is None:
            return None
        kind = schema.get("type")
        if kind == "object" and "properties" in schema:
            return self.row(linked.resource, row, schema)
        if kind == "string":
            lookup = self.spec.resources.get(linked.resource, {}).get("key")
            return row.get(lookup if lookup and lookup != "id" else "name")
        return row.get("id")


def order_like(data: Any, example: Any) -> Any:
    """Put keys in the order of a published example (H8): an object, a bare array or an envelope of items."""
    if isinstance(example, dict) and isinstance(data, dict):
        sample = example
        if "results" in example and isinstance(data.get("results"), list):
            items = example.get("results") or []
            data = {**data, "results": [order_like(item, items[0]) for item in data["results"]]} if items else data
            sample = {k: None for k in example}
        keys = [k for k in sample if k in data] + [k for k in data if k not in sample]
        return {k: data[k] for k in keys}
    if isinstance(example, list) and isinstance(data, list) and example:
        return [order_like(item, example[0]) for item in data]
    return data
