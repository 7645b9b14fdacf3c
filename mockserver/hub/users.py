"""Users, groups, client keys and permissions on the generic CRUD path, and their operations beyond it (H100,
H102, H103, H113, H26).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import Any

from ..dialects.drf.access import is_staff
from ..dialects.drf.call import Call
from ..dialects.drf.product import Hooks
from ..dialects.drf.views import named
from ..dialects.drf.world import Row, World
from . import HUB, HubList, HubReply, credentials


@HUB.resource("users")
class Users(Hooks):
    # is_staff and is_superuser are stored, never rendered (H25 reads them); a blank email is no valid
    # ``format: email`` default of the contract.
    defaults = {"is_staff": False, "is_superuser": False, "email": ""}

    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        changes = dict(cleaned)
        password = changes.pop("password", None)
        if password is not None:
            credentials.set_password(changes, password)
        nas_user = changes.get("nas_user")
        if isinstance(nas_user, dict):
            uid = ((existing or {}).get("nas_user") or {}).get("uid")
            if uid is None:
                start = call.world.config().get("initial_uid") or 100000
                uid = next_number(call.world, "users", "nas_user.uid", start)
            changes["nas_user"] = {**nas_user, "uid": uid}
        if existing is None:
            changes.update(date_joined=call.world.now_text(), last_login=None)
        return changes


@HUB.operation("users_activate_create", "users_deactivate_create")
def set_active(call: Call) -> HubReply:
    active = call.op.op_id == "users_activate_create"
    user = named(call)
    call.world.collection("users").update(user["id"], {"is_active": active})
    call.world.changed()
    return HubReply(200, call.render(call.world.get("users", user["id"]) or user, call.op.response))


@HUB.operation("users_sync_create", "groups_sync_create")
def sync(call: Call) -> HubList:
    items = call.world.spec.resolve(call.op.response)["items"]
    return HubList([call.render(row, items) for row in call.world.rows(call.resource or "")])


@HUB.resource("groups")
class Groups(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        changes = dict(cleaned)
        if "nas_group" in changes:
            current = (existing or {}).get("nas_group")
            if not changes["nas_group"]:
                changes["nas_group"] = None
            elif isinstance(current, dict):
                changes["nas_group"] = current
            else:
                start = call.world.config().get("initial_gid") or 100000
                changes["nas_group"] = {"gid": next_number(call.world, "groups", "nas_group.gid", start)}
        return changes


@HUB.resource("auth/clientkeys")
class ClientKeys(Hooks):
    def visible(self, call: Call, row: Row) -> bool:
        """Keys are private to their owner; staff see all (H26)."""
        return is_staff(call.user) or (call.user is not None and row.get("user") == call.user.get("id"))


@HUB.operation("my_permissions_list")
def my_permissions(call: Call) -> HubList:
    """One object of four arrays computed from the caller, its groups and their permissions (H113)."""
    world, user = call.world, call.user or {}
    member_of = user.get("groups") or []
    groups = world.where("groups", lambda g: g["id"] in member_of)
    everything = world.rows("permissions") if user.get("is_superuser") else []
    group_ids = sorted({pk for g in groups for pk in g.get("permissions") or []})
    object_permissions = [op for g in groups for op in g.get("object_permissions") or []]
    item = world.spec.resolve(world.spec.resolve(call.op.response)["items"])
    props = item["properties"]

    def shown(rows: list[Row], field: str) -> list[dict[str, Any]]:
        schema = world.spec.resolve(props[field])["items"]
        return [call.render(row, schema, "permissions") for row in rows]

    group_objects = []
    for entry in object_permissions:
        permission = world.get("permissions", entry.get("permission"))
        if permission is not None:
            group_objects.append({**permission, "object_pk": entry.get("object_pk")})
    return HubList([{
        "group_object_permissions": shown(group_objects, "group_object_permissions"),
        "group_permissions": shown([p for p in (world.get("permissions", pk) for pk in group_ids) if p],
                                   "group_permissions"),
        "user_object_permissions": [],
        "user_permissions": shown(list(everything), "user_permissions"),
    }])


def next_number(world: World, resource: str, path: str, start: int) -> int:
    """The next free number from ``start`` upwards among the rows' ``path`` values (uid, gid)."""
    head, _, tail = path.partition(".")

    def highest(rows: list[Row]) -> int:
        taken = []
        for row in rows:
            value = row.get(head)
            value = value.get(tail) if tail and isinstance(value, dict) else (None if tail else value)
            if isinstance(value, int):
                taken.append(value)
        return max([start - 1, *taken]) + 1

    return world.scan(resource, highest)
