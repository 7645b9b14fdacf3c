"""Sites, spaces, nodes and external targets (H96, H106–H108). Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import random
import uuid
from typing import Any

from ..dialects.drf.call import Call
from ..dialects.drf.product import Hooks
from ..dialects.drf.world import Row
from ..errors import ApiError
from . import HUB

IMMUTABLE = {"detail": "This space is immutable and cannot be updated or deleted."}


def seeded(call: Call, *names: object) -> random.Random:
    """A generator that depends only on the mock's seed and what it names, so runs repeat after a reset (H118)."""
    return random.Random(":".join(str(n) for n in (call.world.state.settings.seed, *names)))


def new_uuid(call: Call, *names: object) -> str:
    return str(uuid.UUID(int=seeded(call, *names).getrandbits(128), version=4))


@HUB.resource("sites")
class Sites(Hooks):
    # Deleting a site deletes its settings too (H65): a stored table, no resource of the contract, so not among
    # the contract's cascades.
    cascades = (("site_settings", "site"),)

    def created(self, call: Call, row: Row) -> None:
        """Every site has a ``default`` queue (H107)."""
        call.world.collection("queues").create({"name": "default", "label": "Default", "site": row["id"]})
        call.world.changed()


@HUB.resource("spaces")
class Spaces(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        changes = dict(cleaned)
        if "sites" in changes:  # [{"name": <site id>, "label": …}] → site ids; the label is not stored (H106)
            changes["sites"] = list(dict.fromkeys(entry["name"] for entry in changes["sites"] or []))
        if existing is None:
            changes.update(created=call.world.now_text(), uuid=new_uuid(call, "space", changes.get("name")))
        elif isinstance(changes.get("snapshot_schedule"), dict):  # the schedule belongs to its space (H106)
            changes["snapshot_schedule"] = {**changes["snapshot_schedule"], "space": existing["id"]}
        return changes

    def created(self, call: Call, row: Row) -> None:
        schedule = row.get("snapshot_schedule")
        if isinstance(schedule, dict):
            call.world.collection("spaces").update(row["id"], {"snapshot_schedule": {**schedule, "space": row["id"]}})
            call.world.changed()

    def updating(self, call: Call, row: Row) -> None:
        if row.get("immutable"):
            raise ApiError(403, IMMUTABLE)

    def deleting(self, call: Call, row: Row) -> None:
        if row.get("immutable"):
            raise ApiError(403, IMMUTABLE)


@HUB.resource("nodes")
class Nodes(Hooks):
    seeded = {"_live_heartbeat": True}  # seeded nodes heartbeat live until a client sets one (H96)

    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        if "last_heartbeat" in cleaned:  # a heartbeat set by a client stays fixed (H96)
            return {**cleaned, "_live_heartbeat": False}
        return cleaned


@HUB.resource("external_targets")
class ExternalTargets(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        changes = dict(cleaned)
        if isinstance(changes.get("space"), dict):  # written as an object naming the space (H108)
            changes["space"] = changes["space"].get("name", (existing or {}).get("space"))
        return changes
