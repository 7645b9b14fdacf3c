"""Facts about the Hub's resources that the contract does not carry: cascades to stored tables that are no
resource, list ordering (H37), query filters (H38) and the create defaults of fields it cannot hold. References
(hub-api.md 4.4) and cascades between resources (H65, H67) are contract facts: see ``relations``.

Stored form (tables ``hub/<seed file name>``, one int ``id`` per row): the API representation without ``url``
and without computed fields, every reference stored as the target's id (a list of ids for arrays), the
membership of sites in spaces only on the spaces (``sites``: ids), of users in groups only on the users
(``groups``: ids). Private fields start with ``_`` (``_password``) and are never rendered.
"""
from __future__ import annotations

SCHEDULE_WORKFLOWS = "schedules/{parent_lookup_schedule}/workflows"

# Deleting a site deletes its settings too (H65): a stored table, no resource of the contract, so not among the
# contract's cascades (which ``relations.cascades`` adds these to).
STORED_CASCADES: dict[str, tuple[tuple[str, str], ...]] = {"sites": (("site_settings", "site"),)}

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
