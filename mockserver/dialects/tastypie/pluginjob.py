"""PluginResultJob: a change of ``state`` stamps ``starttime`` or ``endtime`` (T65, TS models.PluginResultJob.save).

``config`` is an ordinary json_object field (see :mod:`.values`).
"""
from __future__ import annotations

from .behaviours import Behaviour, Row

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
