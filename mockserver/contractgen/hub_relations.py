"""How the Hub's resources point at each other: the ``references`` and ``cascade`` of each ``x-resources`` entry.

References (docs/behaviour/hub.md#references): per resource, the field path a client writes → the resource it names, by
which of the target's fields, one or many, where the row keeps the id(s) when not in the field itself, and whether the
membership is kept on the target's rows instead (``reverse``) or must belong to a sibling field's row
(``scope``). Cascades (H65, H67): deleting a row of the key deletes the rows of ``resource`` whose ``field``
holds its id; every other reference to it becomes null or leaves its list. The shape is documented in
:mod:`mockserver.contractgen.hub`.
"""
from __future__ import annotations

SCHEDULE_WORKFLOWS = "schedules/{parent_lookup_schedule}/workflows"


def ref(resource: str, by: str = "id", *, many: bool = False, stored: str | None = None,
        reverse: str | None = None, scope: str | None = None) -> dict[str, object]:
    """One reference as the contract writes it: ``resource``, ``by`` and ``many`` always, the rest when set."""
    entry: dict[str, object] = {"resource": resource, "by": by, "many": many}
    for key, value in (("stored", stored), ("reverse", reverse), ("scope", scope)):
        if value is not None:
            entry[key] = value
    return entry


SITE_BY_NAME = ref("sites", "name")
REFERENCES: dict[str, dict[str, dict[str, object]]] = {
    "alerts": {"site": SITE_BY_NAME},
    "auth/clientkeys": {"user": ref("users", "username")},
    "external_targets": {
        "space.name": ref("spaces", "name", stored="space"), "available_on_sites": ref("sites", many=True),
        "backup_site": ref("sites"), "bucket_instance": ref("buckets"),
    },
    "filesystems": {"site": SITE_BY_NAME},
    "groups": {
        "users": ref("users", "username", many=True, reverse="groups"), "permissions": ref("permissions", many=True),
        "object_permissions.permission": ref("permissions"),
    },
    "ipaddresses": {"datastore": ref("datastores")},
    "nodes": {"site": SITE_BY_NAME},
    "policies": {"site": ref("sites"), "spaces": ref("spaces", many=True)},
    "queues": {"site": SITE_BY_NAME},
    "schedules": {"site": SITE_BY_NAME, "space": ref("spaces", "name")},
    SCHEDULE_WORKFLOWS: {
        "site": SITE_BY_NAME, "workflow": ref("workflows", "name"), "queue": ref("queues", "name", scope="site"),
        "schedule": ref("schedules"),
    },
    "servers": {"site": ref("sites")},
    "shares/nfs": {"space": ref("spaces")},
    "shares/samba": {"space": ref("spaces")},
    "sitelinks": {"site": SITE_BY_NAME, "datastore": ref("datastores", "name")},
    "sites": {"spaces": ref("spaces", "name", many=True, reverse="sites")},
    "spaces": {"sites.name": ref("sites", "name", stored="sites")},
    "storagepools": {"site": ref("sites")},
    "users": {
        "groups": ref("groups", "name", many=True), "nas_user.primary_group": ref("groups", "name"),
        "profile.default_site": ref("sites"), "profile.home_site": ref("sites"),
    },
}

# References in request bodies that are no stored resource's fields (H56, 4.4): the workflow request of
# ``POST file/workflow/`` and ``POST jobs/`` names its site, workflow and queue (a queue of that site) by name.
# The contract puts them on the request schema (``x-references``), so the dialect's one validation resolves
# them with the relation messages; a job row keeps its own copies of the names (H65), no reference.
REQUEST_REFERENCES: dict[str, dict[str, dict[str, object]]] = {
    "FileWorkflowRequest": {
        "site": SITE_BY_NAME, "workflow": ref("workflows", "name"), "queue": ref("queues", "name", scope="site"),
    },
}

# Deleting a row of the key deletes the rows that point at it through these fields (H65, H67). The sites'
# settings go too, but they are a stored table, no resource (dialects/drf/models.py STORED_CASCADES).
CASCADES: dict[str, list[tuple[str, str]]] = {
    "sites": [("nodes", "site"), ("queues", "site"), ("filesystems", "site"), ("storagepools", "site"),
              ("servers", "site"), (SCHEDULE_WORKFLOWS, "site")],
    "schedules": [(SCHEDULE_WORKFLOWS, "schedule")],
    "workflows": [(SCHEDULE_WORKFLOWS, "workflow")],
    "queues": [(SCHEDULE_WORKFLOWS, "queue")],
}


def relations(key: str, resources: set[str]) -> dict[str, object]:
    """The ``references`` and ``cascade`` of one entry; every resource they name must be one of ``resources``."""
    references = {path: dict(entry) for path, entry in REFERENCES.get(key, {}).items()}
    cascade = [[child, field] for child, field in CASCADES.get(key, [])]
    for name in [e["resource"] for e in references.values()] + [child for child, _ in cascade]:
        if name not in resources:
            raise ValueError(f"{key}: references or cascades to {name}, no resource of the contract")
    for child, field in cascade:
        if REFERENCES.get(child, {}).get(field, {}).get("resource") != key:
            raise ValueError(f"{key}: cascades to {child}.{field}, which is no reference to it")
    return {"references": references, "cascade": cascade}


def request_references(schemas: dict[str, dict], resources: set[str]) -> None:
    """Put :data:`REQUEST_REFERENCES` on their component schemas; each names a property and a resource."""
    for name, refs in REQUEST_REFERENCES.items():
        properties = schemas[name]["properties"]
        for path, entry in refs.items():
            if path not in properties or entry["resource"] not in resources:
                raise ValueError(f"{name}: reference {path} to {entry['resource']} names no property or resource")
        schemas[name]["x-references"] = {path: dict(entry) for path, entry in refs.items()}
