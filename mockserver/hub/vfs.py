"""The virtual file system of every Hub site (H68, 4.7).

The seeded part is a pure function of the seed and the seeded spaces: for each site, ``/mmfs1``,
``/mmfs1/data``, every seeded space's mountpoint and, below each mountpoint, a Faker tree three directories deep
with about 50 files, a few symlinks, every 20th entry restricted and statuses weighted 70/20/10. It is built
once per process and never changes, so it needs no reset. What does change lives in the store, so that reset,
snapshots and persistence cover it: migration statuses that jobs set (table ``hub/file_status``, keyed by the
node id) and the mountpoints of spaces created since (read from ``hub/spaces`` on every request).
"""
from __future__ import annotations

import posixpath
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from faker import Faker

from .common import Row, rows

if TYPE_CHECKING:
    from ..state import MockState

STATUSES = ("MIGRATED", "PREMIGRATED", "UNMANAGED")
STATUS_TABLE = "hub/file_status"
SEED_TIME = 1_735_689_600  # 2025-01-01T00:00:00Z: seeded times are offsets from it, never from the clock
DIR_SIZE = 4096
FIXED_FILES = {"/mmfs1/data/space01/output.mov": 257352602}  # 4.7: present on every site of space01
FILE_CATEGORIES = ("video", "video", "image", "audio", "text", "office")
NODE_IDS_PER_SITE = 1_000_000


@dataclass(frozen=True, slots=True)
class Node:
    id: int | None  # stable across runs; None for mountpoints of spaces created at run time
    path: str
    name: str
    type: str  # file | directory | symlink
    size: int
    atime: int  # seconds since the epoch
    ctime: int
    mtime: int
    restricted: bool
    status: str | None  # the seeded migration status of a file


@dataclass(frozen=True)
class Tree:
    nodes: dict[str, Node]
    children: dict[str, tuple[str, ...]]  # directory → child paths, sorted by name


def normalize(path: str) -> str:
    return posixpath.normpath("/" + str(path).strip().lstrip("/"))


def parent_of(path: str) -> str:
    return posixpath.dirname(path)


def ancestors(path: str) -> list[str]:
    """``/a/b/c`` → ``["/", "/a", "/a/b", "/a/b/c"]``."""
    parts = [p for p in path.split("/") if p]
    return ["/"] + ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


# -- the seeded tree ------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, site_id: int):
        self.site_id = site_id
        self.nodes: dict[str, Node] = {}
        self.generated = 0  # generated entries, for "every 20th is restricted"

    def add(self, path: str, kind: str, size: int, times: tuple[int, int, int], status: str | None = None,
            generated: bool = True) -> str:
        restricted = False
        if generated:
            self.generated += 1
            restricted = self.generated % 20 == 0
        node_id = self.site_id * NODE_IDS_PER_SITE + len(self.nodes) + 1
        atime, ctime, mtime = times
        self.nodes[path] = Node(node_id, path, posixpath.basename(path), kind, size, atime, ctime, mtime,
                                restricted, status)
        return path

    def ensure_dir(self, path: str) -> None:
        for each in ancestors(path):
            if each not in self.nodes:
                self.add(each, "directory", DIR_SIZE, (SEED_TIME,) * 3, generated=False)

    def tree(self) -> Tree:
        children: dict[str, list[str]] = {p: [] for p, n in self.nodes.items() if n.type == "directory"}
        for path in self.nodes:
            if path != "/":
                children[parent_of(path)].append(path)
        return Tree(dict(self.nodes), {p: tuple(sorted(c, key=posixpath.basename)) for p, c in children.items()})


def _times(generator: random.Random) -> tuple[int, int, int]:
    mtime = SEED_TIME + generator.randrange(180 * 86400)
    ctime = mtime + generator.randrange(3600)
    return ctime + generator.randrange(30 * 86400), ctime, mtime


def _grow(builder: _Builder, seed: int, mountpoint: str) -> None:
    name = f"{seed}:vfs:{builder.site_id}:{mountpoint}"
    fake, generator = Faker("en_GB"), random.Random(name)
    fake.seed_instance(name)
    taken: set[str] = set(builder.nodes)

    def fresh(parent: str, make) -> str:
        path = posixpath.join(parent, make())
        while path in taken:
            path = posixpath.join(parent, make())
        taken.add(path)
        return path

    for path, size in FIXED_FILES.items():
        if parent_of(path) == mountpoint:
            taken.add(path)
            builder.add(path, "file", size, (SEED_TIME,) * 3, "UNMANAGED", generated=False)
    level, directories = [mountpoint], [mountpoint]
    for low, high in ((3, 4), (1, 2), (1, 2)):  # three levels of directories below the mountpoint
        level = [builder.add(fresh(parent, fake.word), "directory", DIR_SIZE, _times(generator))
                 for parent in level for _ in range(generator.randint(low, high))]
        directories += level
    for _ in range(generator.randint(45, 55)):
        path = fresh(generator.choice(directories), lambda: fake.file_name(category=generator.choice(FILE_CATEGORIES)))
        status = generator.choices(("UNMANAGED", "PREMIGRATED", "MIGRATED"), weights=(70, 20, 10))[0]
        builder.add(path, "file", int(10 ** generator.uniform(3, 10)), _times(generator), status)
    for _ in range(generator.randint(2, 4)):
        path = fresh(generator.choice(directories), lambda: fake.word() + "-link")
        builder.add(path, "symlink", generator.randint(20, 80), _times(generator))


@lru_cache(maxsize=64)
def seeded_tree(seed: int, site_id: int, mountpoints: tuple[str, ...]) -> Tree:
    builder = _Builder(site_id)
    builder.ensure_dir("/mmfs1/data")
    for mountpoint in mountpoints:
        builder.ensure_dir(mountpoint)
        _grow(builder, seed, mountpoint)
    return builder.tree()


def site_ids_of(space: Row, sites: list[Row]) -> list[int]:
    """Ids of a space's sites; the stored ``sites`` entries may be ids, names or objects."""
    return site_ids_in(space, {s["id"]: s for s in sites}, {s.get("name"): s for s in sites})


def site_ids_in(space: Row, by_id: dict[Any, Row], by_name: dict[Any, Row]) -> list[int]:
    """:func:`site_ids_of` with the sites already indexed by id and by name (for a pass over many spaces)."""
    found = set()
    entries = space.get("sites") or [n for n, on in (space.get("on_sites") or {}).items() if on]
    for entry in entries:
        key = entry.get("id", entry.get("name")) if isinstance(entry, dict) else entry
        site = by_id.get(key) if isinstance(key, int) else by_name.get(key)
        if site is None and isinstance(entry, dict):
            site = by_name.get(entry.get("name"))
        if site:
            found.add(site["id"])
    return sorted(found)


def seeded_mountpoints(seed_tables: dict[str, list[Row]], site_id: int) -> tuple[str, ...]:
    sites = seed_tables.get("hub/sites", [])
    if site_id not in {s["id"] for s in sites}:
        return ()
    spaces = seed_tables.get("hub/spaces", [])
    return tuple(sorted({normalize(s["mountpoint"]) for s in spaces
                         if s.get("mountpoint") and site_id in site_ids_of(s, sites)}))


def seed_counts(seed_tables: dict[str, list[Row]], seed: int) -> None:
    """Fill the seeded sites' file counts (H94: counted at seeding) in store-form seed tables, in place."""
    for site in seed_tables.get("hub/sites", []):
        tree = seeded_tree(seed, site["id"], seeded_mountpoints(seed_tables, site["id"]))
        site.update(count_nodes(tree.nodes.values(), lambda node: node.status))


def count_nodes(nodes: Any, status_of: Any) -> dict[str, int]:
    nodes = [n for n in nodes if n.path != "/"]
    files = [n for n in nodes if n.type == "file"]
    stubbed = sum(1 for n in files if status_of(n) == "MIGRATED")
    return {"files_count": len(files), "directories_count": sum(1 for n in nodes if n.type == "directory"),
            "files_stubbed_count": stubbed, "files_hydrated_count": len(files) - stubbed}


# -- a site's file system as one request sees it --------------------------------------------------------------


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


def statuses_by_site(state: MockState, site_id: int | None = None) -> dict[int, dict[str, str]]:
    """Site id → path → the status a job gave a seeded file, as stored (one read of the table)."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
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

    def __init__(self, state: MockState, effects: list[tuple[Any, list]] = ()):
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
