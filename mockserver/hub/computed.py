"""Read-only fields computed when a row is rendered (docs/behaviour/hub.md#computed-fields, H96, H106, H108, H115).

Each function takes the request's :class:`World` and the stored row. A :class:`Linked` value is a stored row
of another resource, rendered in the shape the response schema gives that field.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..dialects.drf.render import Linked, pure
from ..dialects.drf.world import Row, World
from ..engine import parse_datetime_value
from .common import iso_z, to_us
from .files import space_bytes_used
from .lifecycle import file_systems
from .outages import Outages

MASK = "********"
BUCKET_SECRETS = ("access_key", "access_key_id", "secret_access_key", "credentials_json")


def heartbeat(world: World, node: Row) -> str | None:
    """Seeded nodes report a live heartbeat until a client sets one (H96), or until a ``node_offline`` scenario
    stops it."""
    if not node.get("_live_heartbeat"):
        return node.get("last_heartbeat")
    outages = world.derived("hub outages", lambda: Outages(world.state))  # read once per request
    stopped = outages.stopped(node["id"], to_us(world.now()))
    return world.now_text() if stopped is None else iso_z(stopped)


def node_online(world: World, node: Row) -> bool:
    beat = parse_datetime_value(heartbeat(world, node))
    if beat is None:
        return False
    interval = world.config().get("node_health_last_heartbeat_interval")
    interval = 120 if interval is None else interval  # 0 is a value: online only at the heartbeat itself
    return (world.now() - beat).total_seconds() <= interval


def site_nodes(world: World, site_id: Any) -> list[Row]:
    return world.having("nodes", "site", site_id)


def queue_heartbeat(world: World, queue: Row) -> str | None:
    beats = [b for b in (heartbeat(world, n) for n in site_nodes(world, queue.get("site"))) if b]
    return max(beats, key=lambda b: parse_datetime_value(b) or 0) if beats else None


def space_sites(world: World, space: Row) -> list[Row]:
    systems = world.derived("hub file systems", lambda: file_systems(world.state))  # built once per request
    out = []
    for site_id in space.get("sites") or []:
        site = world.get("sites", site_id)
        if site is None:
            continue
        pool = next((p["name"] for p in world.having("storagepools", "site", site_id) if p.get("is_default")), None)
        out.append({"id": site_id, "label": site.get("label") or "", "name": site["name"], "pool": pool,
                    "usage": [space_bytes_used(world.state, site, space.get("mountpoint") or "", systems),
                              space.get("size") or 0]})
    return out


def _mask(field: str) -> Callable[[World, Row], str]:
    return lambda world, row: MASK if row.get(field) not in (None, "") else ""


def _bucket(world: World, target: Row) -> Linked:
    return Linked("buckets", world.get("buckets", target.get("bucket_instance")))


def _endpoint(world: World, target: Row) -> str | None:
    bucket = world.get("buckets", target.get("bucket_instance"))
    return bucket.get("endpoint") if bucket else None


def _constant(value: Any) -> Callable[[World, Row], Any]:
    return pure(lambda world, row: value)


COMPUTED: dict[str, dict[str, Callable[[World, Row], Any]]] = {
    "sites": {"editable": _constant(True)},
    "spaces": {
        "editable": pure(lambda world, row: not row.get("immutable")),
        "is_ready": _constant(True),
        "nested_shares": _constant([]),
        "relationships": _constant([]),
        "on_sites": lambda world, row: {s["name"]: True for s in space_sites(world, row)},
        "sites": space_sites,
    },
    "nodes": {
        "last_heartbeat": heartbeat,
        "online": node_online,
        "has_default_queue": lambda world, row: any(
            q.get("name") == "default" for q in world.having("queues", "site", row.get("site"))),
    },
    "queues": {
        "nodes": lambda world, row: [n["name"] for n in site_nodes(world, row.get("site"))],
        "last_heartbeat": queue_heartbeat,
    },
    "buckets": {
        **{secret: _mask(secret) for secret in BUCKET_SECRETS},
        "external_targets": lambda world, row: [t["id"] for t in world.having("external_targets", "bucket_instance",
                                                                              row["id"])],
        "soft_deleting": _constant(False),
    },
    "external_targets": {"bucket": _bucket, "endpoint_name": _endpoint, "is_ready": _constant(True)},
    "users": {"password": _constant(MASK)},
}
