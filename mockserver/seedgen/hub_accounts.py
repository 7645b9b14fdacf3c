"""Seeded Hub accounts: users, groups, permissions and the PKI certificate lifetime (docs/behaviour/hub.md#seed,
H100–H105, H113). Passwords are not here: the mock's configuration owns the credentials (D17).
"""
from __future__ import annotations

import re
from typing import Any

from faker import Faker

from .hub_estate import SEEDED_AT, SITES
from .hub_published import CONFIGURATIONS

Row = dict[str, Any]

USERS_GROUP = "users"

# The Hub's resource models (docs/behaviour/hub.md#routes, plus the two share models of D18), each with Django's four
# default permissions.
PERMISSION_MODELS = (
    "Action", "Alert", "Bucket", "CertificateLifetime", "ClientKey", "DataStore", "ExternalTarget", "Feature",
    "FileStatusType", "Filesystem", "Group", "IPAddress", "Job", "JobStat", "NFSShare", "Node", "Permission",
    "Policy", "Queue", "SambaShare", "Schedule", "ScheduleWorkflow", "Search", "Server", "SettingsTask", "Site",
    "SiteLink", "Space", "StoragePool", "Task", "User", "Workflow",
)
PERMISSION_ACTIONS = ("add", "change", "delete", "view")


def _verbose_name(model: str) -> str:
    """Django's default verbose name: the class name split at capitals, lower-cased ("IPAddress" → "ip address")."""
    return re.sub(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))", r" \1", model).strip().lower()


def permissions() -> list[Row]:
    rows: list[Row] = []
    for model in sorted(PERMISSION_MODELS, key=str.lower):
        model_name = model.lower()
        for action in PERMISSION_ACTIONS:
            rows.append({"app_label": "hub", "codename": f"{action}_{model_name}", "id": len(rows) + 1,
                         "model": model_name, "name": f"Can {action} {_verbose_name(model)}"})
    return rows


def _profile(fake: Faker, site_id: int, *, department: str, line_manager: str) -> Row:
    return {"country": "United Kingdom", "default_site": site_id, "department": department, "home_site": site_id,
            "line_manager": line_manager, "phone": fake.phone_number(), "timezone": "Europe/London"}


def users(fake: Faker) -> list[Row]:
    """Detail representation (H100): `groups` as {id, name} objects (their `url` is added when rendering).

    `is_staff` and `is_superuser` are not part of the representation; they carry the roles of D8 to the store.
    """
    home = SITES[0].id
    admin_manager = fake.name()
    alice_last = fake.last_name()
    return [
        {
            "date_joined": SEEDED_AT,
            "email": "admin@example.com",
            "first_name": "",
            "groups": [],
            "id": 1,
            "is_active": True,
            "is_staff": True,
            "is_superuser": True,
            "last_login": None,
            "last_name": "",
            "nas_user": None,
            "profile": _profile(fake, home, department="IT", line_manager=admin_manager),
            "username": "admin",
        },
        {
            "date_joined": SEEDED_AT,
            "email": f"alice.{alice_last.lower()}@example.com",
            "first_name": "Alice",
            "groups": [{"id": 1, "name": USERS_GROUP}],
            "id": 2,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
            "last_login": None,
            "last_name": alice_last,
            # The first NAS user gets the first uid (H100: uids are assigned from initial_uid upwards).
            "nas_user": {"allow_ssh": False, "primary_group": USERS_GROUP, "uid": CONFIGURATIONS["initial_uid"]},
            "profile": _profile(fake, home, department="Post-production", line_manager=fake.name()),
            "username": "alice",
        },
    ]


def groups(user_rows: list[Row]) -> list[Row]:
    """Detail representation (H103): `users` as the member users' objects, `nas_group` as {gid}."""
    member_fields = ("date_joined", "email", "first_name", "last_login", "last_name", "username")
    members = [{k: u[k] for k in member_fields} for u in user_rows
               if any(g["name"] == USERS_GROUP for g in u["groups"])]
    return [{
        "description": "Hub users with NAS accounts",
        "id": 1,
        "name": USERS_GROUP,
        "nas_group": {"gid": CONFIGURATIONS["initial_gid"]},
        "object_permissions": [],
        "permissions": [],
        "users": members,
    }]


def pki_lifetime() -> list[Row]:
    """The certificate lifetime (H105); `id` is its URL key (`pki/lifetime/1/`), not a shown field."""
    return [{"days": 365, "id": 1, "updated_at": SEEDED_AT, "updated_by": 1}]
