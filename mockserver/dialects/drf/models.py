"""Facts about the Hub's resources that the contract does not carry: cascades to stored tables that are no
resource, the create defaults of fields it cannot hold, stored-only extras of seeded rows and the simulated
resources. Everything else is a contract fact: references (hub-api.md 4.4) and cascades between resources
(H65, H67) in ``relations``; list ordering (H37) and what each query filter means (H38) in ``lists``.

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

# Create defaults the contract cannot carry (the rest are its ``default``s): users' is_staff and is_superuser
# are stored, never rendered (H25 reads them); a blank email is no valid ``format: email`` default.
STORED_DEFAULTS: dict[str, dict[str, object]] = {"users": {"is_staff": False, "is_superuser": False, "email": ""}}

# Stored-only fields of seeded rows: seeded nodes heartbeat live until a client sets one (H96).
SEEDED_EXTRAS: dict[str, dict[str, object]] = {"nodes": {"_live_heartbeat": True}}

# Resources whose rows the simulation keeps; the dialect routes to its handlers and does not look them up.
SIMULATED = ("jobs", "tasks", "jobstats", "search", "settingstasks", "analytics", "file", "filesets")
