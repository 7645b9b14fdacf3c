"""The seeded pixstor estate of the Hub mock: sites, their nodes, queues, file systems, pools, servers, spaces
and settings (docs/behaviour/hub.md#seed).

Site and node names come from the published health example (4.8); `testexample` is the site of the published
SiteHealth alert and has no nodes. Counts and usage that derive from the virtual file system are 0 here: the
file system is generated elsewhere, and the mock recounts them when it seeds (H94).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faker import Faker

Row = dict[str, Any]

SEEDED_AT = "2025-07-01T09:00:00Z"  # every seeded creation/heartbeat time: fixed, so the seed needs no clock
FILESYSTEM = "mmfs1"
DEFAULT_POOL = "system"


@dataclass(frozen=True)
class SiteSeed:
    id: int
    name: str
    label: str
    shortcode: str
    timezone: str
    color: tuple[int, int, int]
    node: str | None  # the site's one worker node, if any


SITES = (
    SiteSeed(1, "site1", "Site 1", "s1", "America/New_York", (33, 150, 243), "pixstor-east-ng-test"),
    SiteSeed(2, "site2", "Site 2", "s2", "America/Los_Angeles", (76, 175, 80), "pixstor-west-ng-test"),
    SiteSeed(3, "testexample", "Test Example", "te", "UTC", (158, 158, 158), None),
)
SITES_WITH_NODES = tuple(s for s in SITES if s.node)


@dataclass(frozen=True)
class SpaceSeed:
    id: int
    name: str
    site_ids: tuple[int, ...]
    immutable: bool
    color: tuple[int, int, int]

    @property
    def mountpoint(self) -> str:
        return f"/{FILESYSTEM}/data/{self.name}"


SPACES = (
    SpaceSeed(1, "space01", (1, 2), immutable=False, color=(255, 152, 0)),
    SpaceSeed(2, "default", (1,), immutable=True, color=(96, 125, 139)),
)

# A few global settings (Salt-pillar style keys, 4.6); each site starts with a copy of them (H93).
GLOBAL_SETTINGS = (
    ("ngenea:realm", "EXAMPLE", "Kerberos realm of the ngenea service accounts"),
    ("ngenea:log_level", "INFO", "Log level of ngenea on every node"),
    ("ngeneahsm_targets:devaws:Storage", "s3", "Storage type of the devaws ngenea target"),
)


def _site_by_id(site_id: int) -> SiteSeed:
    return next(s for s in SITES if s.id == site_id)


def sites() -> list[Row]:
    """Detail representation: `spaces` as {id, name} objects (their `url` is added when rendering)."""
    rows = []
    for s in SITES:
        rows.append({
            "am_i_configured": True,
            "bandwidth": 1000,
            "color": list(s.color),
            "directories_count": 0,
            "editable": True,
            "elasticsearch_url": None,
            "enable_auto_file_batch_sizing": False,
            "exclude": [],
            "file_batch_gb": 10,
            "file_batch_size": 1000,
            "files_count": 0,
            "files_hydrated_count": 0,
            "files_stubbed_count": 0,
            "gpfs_iscan_buckets": 8,
            "gpfs_iscan_threads": 4,
            "id": s.id,
            "include": [],
            "label": s.label,
            "lock_threshold": 10,
            "name": s.name,
            "pixstor_search_url": f"https://{s.name}.example.com/search/",
            "public_url": f"https://{s.name}.example.com",
            "ready_to_configure": True,
            "shortcode": s.shortcode,
            "spaces": [{"id": sp.id, "name": sp.name} for sp in SPACES if s.id in sp.site_ids],
            "timezone": s.timezone,
            "type": "onprem",
        })
    return rows


def nodes() -> list[Row]:
    # Seeded nodes heartbeat live (H96): the mock reports its clock's now until a client sets last_heartbeat.
    return [
        {"has_default_queue": True, "id": i, "last_heartbeat": SEEDED_AT, "name": s.node, "online": True,
         "site": s.name}
        for i, s in enumerate(SITES_WITH_NODES, start=1)
    ]


def queues() -> list[Row]:
    """A `default` queue per site, ids in site order; `nodes` and `last_heartbeat` derive from the site's nodes."""
    return [
        {"id": s.id, "label": "Default", "last_heartbeat": SEEDED_AT if s.node else None, "name": "default",
         "nodes": [s.node] if s.node else [], "site": s.name}
        for s in SITES
    ]


def filesystems() -> list[Row]:
    return [{"id": s.id, "mountpoint": f"/{FILESYSTEM}", "name": FILESYSTEM, "site": s.name} for s in SITES]


def storagepools(fake: Faker) -> list[Row]:
    rows = []
    for s in SITES:
        capacity = fake.random_int(200, 800) * 2**40  # whole TiB
        used = fake.random_int(5, 60) * capacity // 100
        rows.append({"capacity": capacity, "filesystem": FILESYSTEM, "free_space": capacity - used, "id": s.id,
                     "is_default": True, "name": DEFAULT_POOL, "site": s.id, "used_space": used})
    return rows


def servers(fake: Faker) -> list[Row]:
    """One server per node, named after it (4.7)."""
    return [
        {"id": i, "list_of_interfaces": [{"name": "eth0", "ip_address": fake.ipv4_private()},
                                         {"name": "ib0", "ip_address": fake.ipv4_private()}],
         "name": s.node, "site": s.id}
        for i, s in enumerate(SITES_WITH_NODES, start=1)
    ]


def spaces(fake: Faker) -> list[Row]:
    """Detail representation (H106); `usage[0]` (bytes used) is recomputed from the file system by the mock."""
    rows = []
    for sp in SPACES:
        on = [_site_by_id(i) for i in sp.site_ids]
        rows.append({
            "color": list(sp.color),
            "created": SEEDED_AT,
            "editable": not sp.immutable,
            "id": sp.id,
            "immutable": sp.immutable,
            "is_ready": True,
            "mountpoint": sp.mountpoint,
            "name": sp.name,
            "nested_shares": [],
            "on_sites": {s.name: True for s in on},
            "permission_mode": None,
            "relationships": [],
            "sites": [{"id": s.id, "label": s.label, "name": s.name, "pool": DEFAULT_POOL, "usage": [0, 0]}
                      for s in on],
            "size": None,
            "snapshot_schedule": None,
            "uuid": fake.uuid4(),
        })
    return rows


def settings() -> list[Row]:
    return [{"desc": desc, "id": i, "key": key, "value": value}
            for i, (key, value, desc) in enumerate(GLOBAL_SETTINGS, start=1)]


def site_settings() -> list[Row]:
    """Each site's copy of the global settings; `site` (the owning site's id) is the parent, not a shown field."""
    rows: list[Row] = []
    for s in SITES:
        for key, value, desc in GLOBAL_SETTINGS:
            rows.append({"desc": desc, "id": len(rows) + 1, "key": key, "site": s.id, "value": value})
    return rows
