"""Resource behaviour beyond the field tables, as hooks the generic CRUD path calls for every resource.

The defaults do nothing; a resource with its own rules subclasses :class:`Behaviour` (PluginResultJob here,
compositedatamanagement in :mod:`.composite`) and is listed in :func:`behaviour_for`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str, Any]


class Behaviour:
    def represent(self, row: Row, obj: dict[str, Any]) -> None:
        """Adjust the generic representation of a stored row (in place)."""

    def from_api(self, obj: dict[str, Any], row: Row) -> None:
        """Take what the generic conversion skips from an API-representation object (seeds, admin records).
        ValueError(message naming the field) for a bad value."""

    def on_create(self, row: Row) -> None:
        """Fill what a client cannot set on a created row (in place)."""

    def on_update(self, old: Row, new: Row, now: str) -> None:
        """Side effects of changing an existing row (in place on ``new``)."""

    def extra_filter(self, query) -> Callable[[Row], bool] | None:
        """A predicate from the resource's extra query params, or None. ValueError(message) for a bad value."""
        return None


# -- PluginResultJob: a change of ``state`` stamps starttime or endtime (T65, TS models.PluginResultJob.save) --------

STARTED = "Started"
# The states TS counts as finished; reaching one stamps endtime (the contract has no per-value facts).
FINISHED = frozenset({"Completed", "Error", "Declined", "Unknown", "Resource", "Timed Out", "Cancelled", "Archived"})


class PluginResultJob(Behaviour):
    def on_update(self, old: Row, new: Row, now: str) -> None:
        state = new.get("state")
        if state == old.get("state"):
            return
        if state == STARTED:
            new["starttime"] = now
        elif state in FINISHED:
            new["endtime"] = now


def behaviour_for(resource: str) -> Behaviour:
    from .composite import CompositeDataManagement  # composite.py builds on Behaviour from this module

    behaviours: dict[str, type[Behaviour]] = {
        "compositedatamanagement": CompositeDataManagement,
        "PluginResultJob": PluginResultJob,
    }
    return behaviours.get(resource, Behaviour)()
