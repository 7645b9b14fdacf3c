"""PluginResultJob: a write that changes ``state`` stamps ``starttime`` or ``endtime`` (T65, TS
models.PluginResultJob.save). Which states stamp which field comes from the contract
(``x-resources.PluginResultJob.state_times``).
Rules: docs/behaviour/torrent.md."""
from __future__ import annotations

from ..dialects.tastypie import Behaviour
from ..dialects.tastypie.hooks import Row


class StateTimes(Behaviour):
    def __init__(self, state_times: dict[str, list[str]]):
        self.stamps = {state: stamped for stamped, states in state_times.items() for state in states}

    def on_update(self, old: Row, new: Row, now: str) -> None:
        state = new.get("state")
        if state != old.get("state") and state in self.stamps:
            new[self.stamps[state]] = now
