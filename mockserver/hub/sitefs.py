"""A Hub site's file system as one request sees it: the seeded tree (``vfs``), the directories of spaces created
at run time, and migration statuses — those jobs stored (table ``hub/file_status``) and, for a read, those due by
now that no write has stored yet (``lifecycle.file_systems``).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, overload

from .common import Row, rows
from .vfs import (
    DIR_SIZE,
    SEED_TIME,
    STATUS_TABLE,
    Node,
    ancestors,
    count_nodes,
    normalize,
    parent_of,
    seeded_mountpoints,
    seeded_tree,
    site_ids_in,
)

if TYPE_CHECKING:
    from ..state import MockState


@overload
def next_status(status: str, op: str) -> str: ...
@overload
def next_status(status: None, op: str) -> str | None: ...


def next_status(status: str | None, op: str) -> str | None:
    """H80: migrate → MIGRATED; premigrate keeps MIGRATED, else PREMIGRATED; recall MIGRATED → PREMIGRATED."""
    if op == "migrate":
        return "MIGRATED"
    if op == "premigrate":
        return status if status == "MIGRATED" else "PREMIGRATED"
    if op == "recall" and status == "MIGRATED":
        return "PREMIGRATED"
    return status


def mountpoints_by_site(state: MockState) -> dict[int, tuple[str, ...]]:
    """Site id → the mountpoints of the stored spaces on that site, in storage order: one pass over the stored
    spaces, read in place (nothing is copied, nothing kept but the mountpoints)."""
    sites = rows(state, "sites")
    by_id, by_name = {s["id"]: s for s in sites}, {s.get("name"): s for s in sites}
    found: dict[int, list[str]] = defaultdict(list)

    def read(spaces: list[Row]) -> list[Row]:
        for space in spaces:
            if space.get("mountpoint"):
                for site_id in site_ids_in(space, by_id, by_name):
                    found[site_id].append(normalize(space["mountpoint"]))
        return []

    state.store.select("hub/spaces", None, read)
    return {site_id: tuple(paths) for site_id, paths in found.items()}


@lru_cache(maxsize=64)
def runtime_directories(seed: int, site_id: int, seeded: tuple[str, ...], mountpoints: tuple[str, ...]
                        ) -> tuple[dict[str, Node], dict[str, list[Node]]]:
    """The directories that spaces created at run time add to a site's seeded tree (their mountpoints and the
    parents the tree lacks), by path and by parent. Shared between requests: never changed."""
    nodes = seeded_tree(seed, site_id, seeded).nodes
    extra: dict[str, Node] = {}
    for mountpoint in mountpoints:
        for path in ancestors(mountpoint):
            if path not in nodes and path not in extra:
                extra[path] = Node(None, path, posixpath.basename(path), "directory", DIR_SIZE, SEED_TIME, SEED_TIME,
                                   SEED_TIME, False, None)
    children: dict[str, list[Node]] = defaultdict(list)
    for path, node in extra.items():
        if path != "/":
            children[parent_of(path)].append(node)
    return extra, dict(children)


def statuses_by_site(state: MockState, site_id: int | None = None) -> dict[Any, dict[str, str]]:
    """Site id → path → the status a job gave a seeded file, as stored (one read of the table)."""
    found: dict[Any, dict[str, str]] = defaultdict(dict)  # keyed by each row's stored site
    for row in state.store.select(STATUS_TABLE, None if site_id is None else lambda r: r.get("site") == site_id)[1]:
        found[row.get("site")][row["path"]] = row["status"]
    return found


class SiteFS:
    """``mountpoints`` (a function giving those of the stored spaces on the site) and ``changed`` (stored statuses
    by path) are read from the store unless the caller, who read them for every site at once, passes them. The
    directories of spaces created at run time are added when first needed: files are all seeded, so a question
    about files alone (``bytes_used``) never reads the spaces."""

    def __init__(self, state: MockState, site: Row, mountpoints: Callable[[], tuple[str, ...]] | None = None,
                 changed: dict[str, str] | None = None):
        self.site = site
        self.seed, self.seeded = state.settings.seed, seeded_mountpoints(state.seed_tables, site["id"])
        self.tree = seeded_tree(self.seed, site["id"], self.seeded)
        self.mountpoints = mountpoints or (lambda: mountpoints_by_site(state).get(site["id"], ()))
        self._directories: tuple[dict[str, Node], dict[str, list[Node]]] | None = None
        if changed is None:
            changed = statuses_by_site(state, site["id"]).get(site["id"], {})
        self.changed = dict(changed)

    @property
    def extra(self) -> dict[str, Node]:
        """Mountpoints of spaces created at run time, and their parents (shared: read, never change)."""
        return self._runtime()[0]

    @property
    def extra_children(self) -> dict[str, list[Node]]:
        return self._runtime()[1]

    def _runtime(self) -> tuple[dict[str, Node], dict[str, list[Node]]]:
        if self._directories is None:
            self._directories = runtime_directories(self.seed, self.site["id"], self.seeded, self.mountpoints())
        return self._directories

    def node(self, path: str) -> Node | None:
        path = normalize(path)
        return self.tree.nodes.get(path) or self.extra.get(path)

    def status(self, node: Node) -> str | None:
        return self.changed.get(node.path, node.status) if node.type == "file" else None

    def apply(self, path: str, ops: list[str]) -> Node | None:
        """A task's status changes to one file (H80), in this view; → the file, None when ``path`` is none."""
        node = self.node(path)
        if node is None or node.type != "file":
            return None
        status = self.status(node)
        assert status is not None  # every file has one (vfs seeds it)
        for op in ops:
            status = next_status(status, op)
        self.changed[path] = status
        return node

    def children(self, path: str) -> list[Node]:
        path = normalize(path)
        found = [self.tree.nodes[p] for p in self.tree.children.get(path, ())]
        found += self.extra_children.get(path, [])
        return sorted(found, key=lambda n: n.name)

    def walk(self, path: str) -> Iterator[Node]:
        """Every entry below ``path`` (not ``path`` itself), depth first in name order."""
        for child in self.children(path):
            yield child
            if child.type == "directory":
                yield from self.walk(child.path)

    def files_below(self, path: str) -> list[Node]:
        return [n for n in self.walk(path) if n.type == "file"]

    def counts(self) -> dict[str, int]:
        return count_nodes(list(self.walk("/")), self.status)

    def bytes_used(self, path: str) -> int:
        """Bytes on disk below ``path`` (a migrated file is a stub). Spaces created at run time add directories
        only, so the seeded tree alone holds every file below any path."""
        below, used = [normalize(path)], 0
        while below:
            for child in self.tree.children.get(below.pop(), ()):
                node = self.tree.nodes[child]
                if node.type == "directory":
                    below.append(child)
                elif node.type == "file" and self.status(node) != "MIGRATED":
                    used += node.size
        return used


class FileSystems:
    """Every site's file system as one request sees it, each built on first use and kept for the request: the
    spaces and stored statuses are read once for all sites. ``effects`` — (site id, [[path, ops], ...]) in the
    order they take effect — are status changes due by now that the store does not hold yet (lifecycle)."""

    def __init__(self, state: MockState, effects: Sequence[tuple[Any, list[Any]]] = ()):
        self.state = state
        self.effects = effects
        self.systems: dict[Any, SiteFS] = {}
        self.used: dict[tuple[Any, str], int] = {}
        self._mountpoints: dict[int, tuple[str, ...]] | None = None
        self._statuses: dict[int, dict[str, str]] | None = None

    def mountpoints(self, site_id: int) -> tuple[str, ...]:
        if self._mountpoints is None:
            self._mountpoints = mountpoints_by_site(self.state)
        return self._mountpoints.get(site_id, ())

    def of(self, site: Row) -> SiteFS:
        if site["id"] not in self.systems:
            if self._statuses is None:
                self._statuses = statuses_by_site(self.state)
            fs = SiteFS(self.state, site, lambda: self.mountpoints(site["id"]), self._statuses.get(site["id"], {}))
            for site_id, changes in self.effects:
                for path, ops in changes if site_id == site["id"] else ():
                    fs.apply(path, ops)
            self.systems[site["id"]] = fs
        return self.systems[site["id"]]

    def bytes_used(self, site: Row, path: str) -> int:
        key = (site["id"], path)
        if key not in self.used:
            self.used[key] = self.of(site).bytes_used(path)
        return self.used[key]


def set_status(state: MockState, site_id: int, node: Node, status: str) -> None:
    """Record a status a job gave a seeded file (only seeded files have a status to change)."""
    if node.id is not None:
        state.store.put(STATUS_TABLE, node.id, {"id": node.id, "site": site_id, "path": node.path, "status": status})
