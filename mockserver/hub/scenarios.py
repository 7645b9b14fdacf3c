"""Failure scenarios of the Hub (``/__mock__/scenarios``): tasks that fail, nodes that go offline, alerts, and
per-workflow timing, each checked when added and kept in the store's ``hub/scenarios`` table — so a reset clears
them, a snapshot keeps them and ``--db`` carries them.

Their effects are on the mock's clock, derived when read or applied by writes: ``task_failure`` and
``durations`` are read when a job plans a run (:mod:`.plans`), ``node_offline`` when nodes, sites and jobs are
read (:mod:`.outages`, :mod:`.alerts`); an ``alert`` is stored as the Hub records one. A stored scenario keeps
what was asked for and, in fields starting with ``_``, what it was resolved to (ids, instants in microseconds).
"""
from __future__ import annotations

import errno
import math
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError
from .common import Row, iso_z, now_us, ref, rows, table, to_us
from .lifecycle import bake

if TYPE_CHECKING:
    from ..state import MockState

SEVERITIES = ("INFO", "WARNING", "CRITICAL")  # the Hub's alert severities (programmer's guide, "Monitor")
FIELDS = {
    "task_failure": {"site": True, "path": True, "error": True, "message": False, "times": False},
    "node_offline": {"node": True, "until": False},
    "alert": {"site": True, "name": True, "severity": False, "summary": False, "node": False},
    "durations": {"workflow": True, "task_duration": False, "start_delay": False},
}
TABLE = "hub/scenarios"


def refuse(field: str, fix: str) -> ScenarioError:
    return ScenarioError(f"{field}: {fix}")


def known(state: MockState, resource: str) -> str:
    return ", ".join(str(r.get("name")) for r in rows(state, resource))


def named(state: MockState, resource: str, field: str, value: Any, model: str) -> Row:
    row = ref(state, resource, value) if isinstance(value, str) else None
    if row is None:
        raise refuse(field, f"{value!r} is not a {model}; use the name of one of: {known(state, resource)}")
    return row


def nodes_of(state: MockState, site: Row) -> str:
    return ", ".join(str(n["name"]) for n in rows(state, "nodes")
                     if (ref(state, "sites", n.get("site")) or {}).get("id") == site["id"]) or "(none)"


def text(spec: Row, field: str, default: str | None = None) -> str | None:
    value = spec.get(field, default)
    if value is not None and not isinstance(value, str):
        raise refuse(field, f"send a string, not {value!r}")
    return value


MAX_SECONDS = 1_000_000_000  # about 31 years: a job's times stay within the clock's range (clock.LATEST)


def seconds(spec: Row, field: str) -> float | None:
    value = spec.get(field)
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or not 0 <= value <= MAX_SECONDS):
        raise refuse(field, f"send a number of seconds from 0 to {MAX_SECONDS}, not {value!r}")
    return float(value)


def instant(spec: Row, field: str, now: int) -> int | None:
    value = spec.get(field)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or "T" not in value.upper() or moment.tzinfo is None:  # a bare date or a local time is
        # ambiguous against the mock's UTC clock
        raise refuse(field, f"send an ISO-8601 date-time with its time zone (e.g. 2031-01-01T00:00:00Z) or null, "
                            f"not {value!r}")
    at = to_us(moment)
    if at <= now:
        raise refuse(field, f"{value!r} is not after the mock's clock ({iso_z(now)}); send a later date-time")
    return at


# -- the kinds --------------------------------------------------------------------------------------------------


def task_failure(state: MockState, spec: Row, now: int) -> Row:
    site = named(state, "sites", "site", spec["site"], "Hub site")
    path = text(spec, "path")
    if not path or not path.startswith("/"):
        raise refuse("path", f"send an absolute path (e.g. /mmfs1/data/space01/output.mov), not {path!r}")
    code = spec["error"]
    if not (isinstance(code, str) and code.startswith("E") and isinstance(getattr(errno, code, None), int)):
        raise refuse("error", f"{code!r} is not an error code; send a name of Python's errno module "
                              "(ENOSPC, EIO, EACCES, ETIMEDOUT …)")
    times = spec.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise refuse("times", f"send a whole number >= 1 (how many tasks fail), not {times!r}")
    message = text(spec, "message") or os.strerror(getattr(errno, code))
    return {"site": site["name"], "path": path.rstrip("/") or "/", "error": code, "message": message,
            "times": times, "remaining": times, "_site": site["id"]}


def node_offline(state: MockState, spec: Row, now: int) -> Row:
    node = named(state, "nodes", "node", spec["node"], "Hub node")
    until = instant(spec, "until", now)
    site = ref(state, "sites", node.get("site"))
    if site is not None and not any(a.get("_site_health") == site["id"] for a in rows(state, "alerts")):
        # The site's SiteHealth alert, shown while none of its nodes is online (alerts.py): its id is kept here.
        table(state, "alerts").create({
            "site": site["id"], "name": "SiteHealth", "node": None, "queue": None, "created": None,
            "timestamp": None, "severity": "INFO", "summary": "No workers are joined", "suppressed": False,
            "_site_health": site["id"]})
    return {"node": node["name"], "until": spec.get("until"), "_node": node["id"], "_from": now, "_until": until}


def alert(state: MockState, spec: Row, now: int) -> Row:
    site = named(state, "sites", "site", spec["site"], "Hub site")
    name = text(spec, "name")
    if not name:
        raise refuse("name", "send the alert's name (e.g. SiteHealth, DiskSpace)")
    severity = spec.get("severity", "INFO")
    if severity not in SEVERITIES:
        raise refuse("severity", f"{severity!r} is not a severity; use one of {', '.join(SEVERITIES)}")
    summary = text(spec, "summary", "")
    if summary is None:
        raise refuse("summary", "send a string (it may be empty) or leave summary out")
    node = spec.get("node")
    if node is not None:  # the alert is about one of the site's nodes, named as nodes/ names it
        owner = named(state, "nodes", "node", node, "Hub node")
        home = ref(state, "sites", owner.get("site"))
        if home is None or home["id"] != site["id"]:
            raise refuse("node", f"{node!r} is a node of another site; use one of site {site['name']}'s nodes: "
                                 f"{nodes_of(state, site)}")
    row = table(state, "alerts").create({
        "site": site["id"], "name": name, "node": node, "queue": None, "created": iso_z(now),
        "timestamp": iso_z(now), "severity": severity, "summary": summary, "suppressed": False})
    return {"site": site["name"], "name": name, "severity": severity, "summary": summary, "node": node,
            "alert": row["id"]}


def durations(state: MockState, spec: Row, now: int) -> Row:
    workflow = named(state, "workflows", "workflow", spec["workflow"], "Hub workflow")
    task, delay = seconds(spec, "task_duration"), seconds(spec, "start_delay")
    if task is None and delay is None:
        raise refuse("task_duration", "send task_duration, start_delay or both (seconds)")
    return {"workflow": workflow["name"], "task_duration": task, "start_delay": delay}


KINDS = {"task_failure": task_failure, "node_offline": node_offline, "alert": alert, "durations": durations}


# -- the book ---------------------------------------------------------------------------------------------------


def shown(row: Row) -> Row:
    return {k: v for k, v in row.items() if not k.startswith("_")}


class ScenarioBook:
    """The scenarios of one running mock, as the admin API adds, lists and removes them."""

    def __init__(self, state: MockState):
        self.state = state

    def add(self, spec: Any) -> Row:
        """Check ``spec`` and store it; → the scenario with its ``id``. ScenarioError naming the field and the
        fix for a bad one (nothing is stored then)."""
        kinds = ", ".join(KINDS)
        if not isinstance(spec, dict):
            raise refuse("kind", f"send a JSON object with a kind: one of {kinds}")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise refuse("kind", f"{kind!r} is not a scenario kind; use one of {kinds}")
        fields = FIELDS[kind]
        unknown = sorted(set(spec) - set(fields) - {"kind"})
        if unknown:
            raise refuse(unknown[0], f"{kind} takes {', '.join(fields)}; leave out {', '.join(unknown)}")
        missing = [f for f, required in fields.items() if required and spec.get(f) is None]
        if missing:
            raise refuse(missing[0], f"{kind} needs {', '.join(f for f, r in fields.items() if r)}")
        with self.state.store.atomic():
            now = now_us(self.state)
            resolved = KINDS[kind](self.state, spec, now)
            return shown(table(self.state, "scenarios").create({"kind": kind, **resolved, "added": iso_z(now)}))

    def list(self) -> list[Row]:
        return [shown(r) for r in sorted(rows(self.state, "scenarios"), key=lambda r: r["id"])]

    def remove(self, scenario_id: int) -> bool:
        """Remove one scenario and end its effects now: a node comes back (work waiting for it starts), an
        alert is cleared; failures already planned stay."""
        with self.state.store.atomic():
            row = self.state.store.get(TABLE, scenario_id)
            if row is None:
                return False
            self._end(row)
            return True

    def clear(self) -> None:
        with self.state.store.atomic():
            for row in sorted(rows(self.state, "scenarios"), key=lambda r: r["id"]):
                self._end(row)

    def _end(self, row: Row) -> None:
        state, now = self.state, now_us(self.state)
        if row["kind"] == "node_offline":
            if row.get("_until") is None or row["_until"] > now:  # the window closes now; what waited, starts
                state.store.put(TABLE, row["id"], {**row, "_until": max(now, row["_from"])})
            node = state.store.get("hub/nodes", row["_node"])
            site = ref(state, "sites", node.get("site")) if node else None
            for job in table(state, "jobs").list(lambda j: site is not None and j.get("site_id") == site["id"])[1]:
                bake(state, job)
        elif row["kind"] == "alert":
            table(state, "alerts").delete([row["alert"]])
        table(state, "scenarios").delete([row["id"]])
        if row["kind"] == "node_offline":
            self._drop_idle_alerts()

    def _drop_idle_alerts(self) -> None:
        """A site's SiteHealth alert goes with the last node_offline scenario on the site."""
        held = set()
        for scenario in rows(self.state, "scenarios"):
            node = self.state.store.get("hub/nodes", scenario["_node"]) if "_node" in scenario else None
            site = ref(self.state, "sites", node.get("site")) if node else None
            if site is not None:
                held.add(site["id"])
        table(self.state, "alerts").delete_where(lambda a: "_site_health" in a and a["_site_health"] not in held)
