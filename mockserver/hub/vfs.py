"""The virtual file system of every Hub site (H68, 4.7).

The seeded part is a pure function of the seed and the seeded spaces: for each site, ``/mmfs1``,
``/mmfs1/data``, every seeded space's mountpoint and, below each mountpoint, a Faker tree three directories deep
with about 50 files, a few symlinks, every 20th entry restricted and statuses weighted 70/20/10. It is built
once per process and never changes, so it needs no reset. What does change lives in the store, so that reset,
snapshots and persistence cover it: migration statuses that jobs set (table ``hub/file_status``, keyed by the
node id) and the mountpoints of spaces created since (read from ``hub/spaces`` on every request).
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from faker import Faker

from .common import Row

if TYPE_CHECKING:
    pass

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
