"""Per-resource rules of the generic CRUD path: how validated fields become stored changes, what a create or
a delete also does, who may see a row. A resource without hooks is plain CRUD; the views never test a
resource's name. Resource modules register with :func:`hooks_for`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .world import Row, World

if TYPE_CHECKING:
    from .call import Call


class Hooks:
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        """Validated fields → the stored changes (``existing`` is None on create)."""
        return cleaned

    def created(self, call: Call, row: Row) -> None:
        """Side effects of a create (a site's default queue …)."""

    def updating(self, call: Call, row: Row) -> None:
        """Refuse an update by raising ApiError (an immutable space …)."""

    def deleting(self, call: Call, row: Row) -> None:
        """Refuse a delete by raising ApiError, or clean up before it."""

    def visible(self, call: Call, row: Row) -> bool:
        """Whether the caller may see this row at all (client keys are private: H26)."""
        return True


HOOKS: dict[str, Hooks] = {}
LOCAL_HANDLERS: dict[str, Callable[[Call], Any]] = {}  # the dialect's own non-CRUD operations, by operationId


def register(resource: str) -> Callable[[type[Hooks]], type[Hooks]]:
    def add(cls: type[Hooks]) -> type[Hooks]:
        HOOKS[resource] = cls()
        return cls

    return add


def hooks_for(resource: str | None) -> Hooks:
    return HOOKS.get(resource or "", DEFAULT)


def operation(*op_ids: str) -> Callable[[Callable[[Call], Any]], Callable[[Call], Any]]:
    """Register the dialect's handler of operations."""

    def add(handler: Callable[[Call], Any]) -> Callable[[Call], Any]:
        for op_id in op_ids:
            LOCAL_HANDLERS[op_id] = handler
        return handler

    return add


def next_number(world: World, resource: str, path: str, start: int) -> int:
    """The next free number from ``start`` upwards among the rows' ``path`` values (uid, gid)."""
    head, _, tail = path.partition(".")

    def highest(rows: list[Row]) -> int:
        taken = []
        for row in rows:
            value = row.get(head)
            value = value.get(tail) if tail and isinstance(value, dict) else (None if tail else value)
            if isinstance(value, int):
                taken.append(value)
        return max([start - 1, *taken]) + 1

    return world.scan(resource, highest)


DEFAULT = Hooks()
