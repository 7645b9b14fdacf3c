"""Facts about the Hub's resources that the contract does not carry (yet): how references are written and
stored (hub-api.md 4.4), what deleting cascades to (H65), query filters (H38) and the create defaults of
fields it cannot hold.

Stored form (tables ``hub/<seed file name>``, one int ``id`` per row): the API representation without ``url``
and without computed fields, every reference stored as the target's id (a list of ids for arrays), the
membership of sites in spaces only on the spaces (``sites``: ids), of users in groups only on the users
(``groups``: ids). Private fields start with ``_`` (``_password``) and are never rendered.
"""
from __future__ import annotations

from dataclasses import dataclass

SCHEDULE_WORKFLOWS = "schedules/{parent_lookup_schedule}/workflows"


@dataclass(frozen=True)
class Ref:
    target: str  # x-resources key of the referenced resource
    by: str = "id"  # the target field clients write: "id", "name", "username"
    many: bool = False
    stored: str | None = None  # the row field holding the id(s), when not the field itself ("sites.name" → "sites")
    reverse: str | None = None  # kept on the target rows, in this field (site.spaces → space.sites)
    scope: str | None = None  # a sibling field the target must belong to (a queue of that site)

    def field(self, path: str) -> str:
        return self.stored or path


SITE_BY_NAME = Ref("sites", "name")
REFERENCES: dict[str, dict[str, Ref]] = {
    "alerts": {"site": SITE_BY_NAME},
    "auth/clientkeys": {"user": Ref("users", "username")},
    "external_targets": {
        "space.name": Ref("spaces", "name", stored="space"), "available_on_sites": Ref("sites", many=True),
        "backup_site": Ref("sites"), "bucket_instance": Ref("buckets"),
    },
    "filesystems": {"site": SITE_BY_NAME},
    "groups": {
        "users": Ref("users", "username", many=True, reverse="groups"), "permissions": Ref("permissions", many=True),
        "object_permissions.permission": Ref("permissions"),
    },
    "ipaddresses": {"datastore": Ref("datastores")},
    "nodes": {"site": SITE_BY_NAME},
    "policies": {"site": Ref("sites"), "spaces": Ref("spaces", many=True)},
    "queues": {"site": SITE_BY_NAME},
    "schedules": {"site": SITE_BY_NAME, "space": Ref("spaces", "name")},
    SCHEDULE_WORKFLOWS: {
        "site": SITE_BY_NAME, "workflow": Ref("workflows", "name"), "queue": Ref("queues", "name", scope="site"),
        "schedule": Ref("schedules"),
    },
    "servers": {"site": Ref("sites")},
    "shares/nfs": {"space": Ref("spaces")},
    "shares/samba": {"space": Ref("spaces")},
    "sitelinks": {"site": SITE_BY_NAME, "datastore": Ref("datastores", "name")},
    "sites": {"spaces": Ref("spaces", "name", many=True, reverse="sites")},
    "spaces": {"sites.name": Ref("sites", "name", stored="sites")},
    "storagepools": {"site": Ref("sites")},
    "users": {
        "groups": Ref("groups", "name", many=True), "nas_user.primary_group": Ref("groups", "name"),
        "profile.default_site": Ref("sites"), "profile.home_site": Ref("sites"),
    },
}

# Deleting a row of the key deletes the rows that point at it through these fields (H65, H67).
CASCADES: dict[str, tuple[tuple[str, str], ...]] = {
    "sites": (("nodes", "site"), ("queues", "site"), ("filesystems", "site"), ("storagepools", "site"),
              ("servers", "site"), ("site_settings", "site"), (SCHEDULE_WORKFLOWS, "site")),
    "schedules": ((SCHEDULE_WORKFLOWS, "schedule"),),
    "workflows": ((SCHEDULE_WORKFLOWS, "workflow"),),
    "queues": ((SCHEDULE_WORKFLOWS, "queue"),),
}

# Default order of lists (H37); everything else ascends by id. Features keep the published order (4.8).
ORDERING: dict[str, list[tuple[str, bool]]] = {
    "filestatustypes": [("key", False)],
    "tags": [("name", False)],
}

# Query parameters whose meaning is not "the stored field of that name equals the value" (H38, 4.1).
# (field, lookup): lookups of mockserver.engine.LOOKUPS, plus "has" (a list of ids holds the value) and
# "any_icontains" (a case-insensitive substring of any of the comma-separated fields).
FILTERS: dict[str, dict[str, tuple[str, str]]] = {
    "spaces": {"site_id": ("sites", "has"), "search_keyword": ("name,mountpoint", "any_icontains")},
    "schedules": {"site_id": ("site", "exact"), "space_id": ("space", "exact")},
    "sitelinks": {"site_id": ("site", "exact"), "datastore_id": ("datastore", "exact")},
    "ipaddresses": {"datastore_id": ("datastore", "exact")},
    "external_targets": {"bucket": ("bucket_instance.name", "exact")},
    "alerts": {"site": ("site.name", "exact")},
    "tags": {"filter": ("name", "icontains")},
}

# Create defaults the contract cannot carry (the rest are its ``default``s): users' is_staff and is_superuser
# are stored, never rendered (H25 reads them); a blank email is no valid ``format: email`` default.
STORED_DEFAULTS: dict[str, dict[str, object]] = {"users": {"is_staff": False, "is_superuser": False, "email": ""}}

# Stored-only fields of seeded rows: seeded nodes heartbeat live until a client sets one (H96).
SEEDED_EXTRAS: dict[str, dict[str, object]] = {"nodes": {"_live_heartbeat": True}}

# Resources whose rows the simulation keeps; the dialect routes to its handlers and does not look them up.
SIMULATED = ("jobs", "tasks", "jobstats", "search", "settingstasks", "analytics", "file", "filesets")
