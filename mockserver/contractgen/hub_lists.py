"""How the Hub's lists read: the ``ordering`` and ``filter_fields`` of each ``x-resources`` entry.

Ordering (H37): the default order of a collection GET, as [field, descending] pairs; ties, and every resource
without one, ascend by id. Features keep the published order (4.8). Filter fields (H38, 4.1): for every
documented query parameter of the collection GET (the entry's ``filters``), the stored field it reads and the
lookup: one of mockserver.engine.LOOKUPS, or ``has`` (a list of ids holds the value) or ``any_icontains`` (a
case-insensitive substring of any of the comma-separated fields). A parameter not in ``FILTERS`` means "the
stored field of that name equals the value". The shape is documented in :mod:`mockserver.contractgen.hub`.
"""
from __future__ import annotations

ORDERING: dict[str, list[tuple[str, bool]]] = {
    "filestatustypes": [("key", False)],
    "tags": [("name", False)],
}

# Query parameters whose meaning is not "the stored field of that name equals the value".
FILTERS: dict[str, dict[str, tuple[str, str]]] = {
    "spaces": {"site_id": ("sites", "has"), "search_keyword": ("name,mountpoint", "any_icontains")},
    "schedules": {"site_id": ("site", "exact"), "space_id": ("space", "exact")},
    "sitelinks": {"site_id": ("site", "exact"), "datastore_id": ("datastore", "exact")},
    "ipaddresses": {"datastore_id": ("datastore", "exact")},
    "external_targets": {"bucket": ("bucket_instance.name", "exact")},
    "alerts": {"site": ("site.name", "exact")},
    "tags": {"filter": ("name", "icontains")},
}


def lists(key: str, filters: list[str], resources: set[str]) -> dict[str, object]:
    """The ``ordering`` and ``filter_fields`` of one entry; ``filters``: its documented query parameters."""
    for name in (*ORDERING, *FILTERS):
        if name not in resources:
            raise ValueError(f"hub_lists: {name} is no resource of the contract")
    special = FILTERS.get(key, {})
    unknown = sorted(set(special) - set(filters))
    if unknown:
        raise ValueError(f"{key}: filter fields for {unknown}, no documented query parameter")
    fields = {name: dict(zip(("field", "lookup"), special.get(name, (name, "exact")), strict=True))
              for name in filters}
    return {"ordering": [[field, descending] for field, descending in ORDERING.get(key, [])],
            "filter_fields": fields}
