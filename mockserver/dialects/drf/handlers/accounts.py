"""Users, groups, client keys, permissions and PKI (H100, H102–H105, H113, H26)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ....errors import ApiError
from ....hub import HubList, HubReply
from .. import credentials
from ..access import is_staff
from ..call import Call
from ..hooks import Hooks, next_number, operation, register
from ..http import require_object
from ..world import Row
from ..writes import clean_body
from .estate import seeded


@register("users")
class Users(Hooks):
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


@operation("users_activate_create", "users_deactivate_create")
def set_active(call: Call) -> HubReply:
    active = call.op.op_id == "users_activate_create"
    call.world.collection("users").update(call.obj["id"], {"is_active": active})
    call.world.changed()
    return HubReply(200, call.render(call.world.get("users", call.obj["id"]), call.op.response))


@operation("users_sync_create", "groups_sync_create")
def sync(call: Call) -> HubList:
    items = call.world.spec.resolve(call.op.response)["items"]
    return HubList([call.render(row, items) for row in call.world.rows(call.resource or "")])


@register("groups")
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


@register("auth/clientkeys")
class ClientKeys(Hooks):
    def visible(self, call: Call, row: Row) -> bool:
        """Keys are private to their owner; staff see all (H26)."""
        return is_staff(call.user) or (call.user is not None and row.get("user") == call.user.get("id"))


@register("pki/lifetime")
class Lifetimes(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        return {**cleaned, "updated_at": call.world.now_text(), "updated_by": (call.user or {}).get("id")}


@operation("my_permissions_list")
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


@operation("pki_site_create")
def site_certificate(call: Call) -> HubReply:
    """A self-signed certificate for a site, valid for the current lifetime (H105); deterministic (H118)."""
    # cryptography is imported here: only this operation needs it, and it is slow to import.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cleaned = clean_body(call.world, "pki/site", call.op.request, require_object(call.body))
    site = call.world.find("sites", "name", cleaned["site"])
    if site is None:
        raise ApiError(400, {"site": [f"Object with name={cleaned['site']} does not exist."]})
    lifetime = (call.world.head("pki/lifetime") or {}).get("days") or 365
    rng = seeded(call, "certificate", site["name"], call.world.now_text())
    key = ec.derive_private_key(rng.randrange(1, 2**255), ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, site["name"])])
    now = call.world.now().replace(microsecond=0)
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)  # X.509's last date: a longer lifetime ends there
    expires = now + timedelta(days=lifetime) if lifetime < (last - now).days else last
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(rng.randrange(1, 2**63)).not_valid_before(now)
                   .not_valid_after(expires)
                   .sign(key, hashes.SHA256(), ecdsa_deterministic=True))
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return HubReply(201, {"site": site["name"], "certificate": pem})
