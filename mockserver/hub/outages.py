"""Nodes taken offline by ``node_offline`` scenarios, and what that does to a site's work, on the mock's clock.

A scenario takes its node down from the instant it was added until its ``until`` (open-ended while null). A down
node's heartbeat stops there, so after ``node_health_last_heartbeat_interval`` it reports ``online: false``
(H96). While every node a site has is down, nothing new starts on the site: a task due to start then starts when
a node is back, and the tasks after it move later by as much (a task already running finishes). A site that never
had a node is never down.

Like the rest of the lifecycle, this is derived when read: the stored schedule stays as planned and
:meth:`Outages.schedule` gives the times the outages make of it. That is a fixed point (a start it gives is never
inside an outage), so a write may store what it gives (:func:`mockserver.hub.lifecycle.bake`) and a later read
derives the same times again.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .common import Row, parse_time, ref, rows

if TYPE_CHECKING:
    from ..state import MockState

NEVER = 2 ** 63  # the end of a window that is still open, and the start of work that waits for it
Window = tuple[int, int]  # [start, end) in microseconds


def merged(windows: list[Window]) -> list[Window]:
    out: list[Window] = []
    for start, end in sorted(windows):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        elif end > start:
            out.append((start, end))
    return out


def intersected(left: list[Window], right: list[Window]) -> list[Window]:
    out = []
    for a, b in left:
        for c, d in right:
            start, end = max(a, c), min(b, d)
            if start < end:
                out.append((start, end))
    return merged(out)


def node_windows(state: MockState) -> dict[int, list[Window]]:
    """node id → the merged windows in which scenarios hold it down."""
    found: dict[int, list[Window]] = {}
    for scenario in rows(state, "scenarios"):
        if scenario.get("kind") == "node_offline":
            until = scenario.get("_until")
            found.setdefault(scenario["_node"], []).append((scenario["_from"], NEVER if until is None else until))
    return {node: merged(windows) for node, windows in found.items()}


class Outages:
    """Which nodes and sites are down when, read once from the store."""

    def __init__(self, state: MockState):
        self.nodes = node_windows(state)
        self.sites: dict[int, list[Window]] = {}
        if not self.nodes:
            return
        members: dict[int, list[int]] = {}
        for node in rows(state, "nodes"):
            site = ref(state, "sites", node.get("site"))
            if site is not None:
                members.setdefault(site["id"], []).append(node["id"])
        for site_id, node_ids in members.items():
            windows = self.nodes.get(node_ids[0], [])
            for node_id in node_ids[1:]:
                windows = intersected(windows, self.nodes.get(node_id, []))
            if windows:
                self.sites[site_id] = windows

    def stopped(self, node_id: int, now: int) -> int | None:
        """The instant the node's heartbeat stopped, when a scenario holds it down at ``now``."""
        return next((start for start, end in self.nodes.get(node_id, []) if start <= now < end), None)

    def site_down(self, site_id: int | None, now: int) -> bool:
        return self.up_from(site_id, now) != now

    def up_from(self, site_id: int | None, instant: int) -> int:
        """The first instant from ``instant`` on at which the site has a node up (NEVER: not while the scenario
        that holds it down lasts)."""
        for start, end in self.sites.get(site_id, []) if site_id is not None else ():
            if start <= instant < end:
                return end
        return instant

    def schedule(self, job: Row, tasks: list[Row]) -> tuple[Row, list[Row]]:
        """The job and its tasks with the times the site's outages give the current run: its start, and each
        task not cancelled in turn (a task starts when the previous one has finished and the site is up)."""
        site_id = job.get("site_id")
        if site_id not in self.sites or "t0" not in job:
            return job, tasks
        moved: dict[int, Row] = {}
        previous_end, shift = None, 0
        run = sorted((t for t in tasks if t.get("run") == job.get("run") and "start" in t
                      and t.get("cancelled") is None), key=lambda t: (t["start"], t["id"]))
        for task in run:
            start = task["start"] + shift if shift < NEVER else NEVER
            if previous_end is not None and start < previous_end:
                start = previous_end
            start = self.up_from(site_id, start) if start < NEVER else NEVER
            shift = start - task["start"] if start < NEVER else NEVER
            finish = task["finish"] + shift if start < NEVER else NEVER
            moved[task["id"]] = {**task, "start": start, "finish": finish}
            previous_end = finish
        started = job.get("started_at")
        if job.get("cancelled_at") is None and job.get("paused_at") is None and started is not None:
            started = self.up_from(site_id, started)
        return {**job, "started_at": started}, [moved.get(t["id"], t) for t in tasks]


def heartbeat_us(node: Row, now: int, outages: Outages) -> int | None:
    """A node's ``last_heartbeat`` (H96): live (now) for seeded nodes until a client sets one, or until a
    scenario stops it (its start)."""
    if node.get("_live_heartbeat"):
        stopped = outages.stopped(node["id"], now)
        return now if stopped is None else stopped
    return parse_time(node.get("last_heartbeat"))
