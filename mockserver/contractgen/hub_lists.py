"""How the Hub's lists read, in the vocabulary both contracts share (with ``table``): ``key``, ``default_order``,
``orderable`` and ``filters`` of each ``x-resources`` entry (the shape: :mod:`mockserver.engine.query`).

Default order (H37): [field, descending] pairs, ending with the id ascending, so that ties keep id order; jobs
come newest first (H82). The Hub takes no ordering param: nothing is orderable.

Filters (H38, 4.1, H82-H88): every documented query parameter of the collection GET that filters the rows, with
the field it reads, the lookup and the type its text parses to (from the parameter's schema unless the table
says otherwise). For the lists a product serves (jobs, tasks, jobstats, settingstasks, filesets, file children)
the fields are those of the rows as the product lists them, computed ones included (a job's ``state``,
``completed``, ``owner_name``, ``noop``). Lookups: the engine's (``mockserver.engine.LOOKUPS``, ``has``,
``any_icontains``, ``any_startswith``) or the Hub product's own (``period``, ``owner_in``, ``keyword``,
``hides``, registered by mockserver.hub.queries). A documented parameter that is not a filter (an argument of
the operation, such as ``path`` or ``cache_ttl``, or one the mock does not implement) is listed in ``ARGUMENTS``.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

DEFAULT_ORDER: dict[str, list[tuple[str, bool]]] = {
    "filestatustypes": [("key", False)],
    "tags": [("name", False)],
    "jobs": [("created", True), ("id", True)],
}

JOB_STATES = ["PENDING", "STARTED", "PAUSED", "SUCCESS", "FAILURE", "CANCELLED", "NEW", "ERROR", "SKIPPED",
              "CANCELLING", "PAUSING", "DEQUEUING", "UNKNOWN", "FAILING"]
FILE_TYPES = ["file", "directory", "symlink"]

# param → (field, lookup[, type[, extra keys]]); a param not listed reads the stored field of its name, exact.
FILTERS: dict[str, dict[str, tuple]] = {
    "spaces": {"site_id": ("sites", "has"), "search_keyword": ("name,mountpoint", "any_icontains")},
    "schedules": {"site_id": ("site", "exact"), "space_id": ("space", "exact")},
    "sitelinks": {"site_id": ("site", "exact"), "datastore_id": ("datastore", "exact")},
    "ipaddresses": {"datastore_id": ("datastore", "exact")},
    "external_targets": {"bucket": ("bucket_instance.name", "exact")},
    "alerts": {"site": ("site.name", "exact")},
    "tags": {"filter": ("name", "icontains")},
    "jobs": {  # H82
        "created": ("created", "period", "string", {}),  # "<n><m|h|d|w>": created within that time
        "created_time_from": ("created", "gte", "date-time", {"unless": "created"}),
        "created_time_to": ("created", "lte", "date-time", {"unless": "created"}),
        "completed_time_from": ("completed", "gte", "date-time"),
        "completed_time_to": ("completed", "lte", "date-time"),
        "state": ("state", "in", "list-of-string", {"choices": JOB_STATES}),
        "owner_ids": ("owner", "owner_in", "list-of-integer"),  # -1: no owner, -2: by a schedule or policy
        "clientkey_ids": ("clientkey", "in", "list-of-integer"),
        "schedule_ids": ("schedule", "in", "list-of-integer"),
        "input_paths_prefix": ("paths", "any_startswith"),
        "search_keyword": ("workflow,site,owner_name,paths", "keyword"),
        "hide_noop": ("noop", "hides"),  # true: no job that succeeded without processing anything
    },
    "tasks": {"job_id": ("job", "exact"), "state": ("state", "in")},  # H86
    "jobstats": {"state": ("state", "in")},  # H87
    "settingstasks": {"job_id": ("job", "exact"), "state": ("state", "in")},
    "file": {"type": ("type", "exact", "string", {"choices": FILE_TYPES})},  # of the directory's children
}

# Documented params that select or shape the answer rather than filter its rows (or that the mock ignores).
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "analytics": ("path", "site", "children", "cache_ttl", "custom_timeout", "download"),
    "file": ("path", "site", "details", "restricted", "cache_ttl"),
    "tasks": ("internal",),
    "jobstats": ("history",),
}


def _type(schema: dict) -> str:
    if schema.get("type") == "array":
        return "list-of-" + _type(schema.get("items", {}))
    if schema.get("format") == "date-time":
        return "date-time"
    return schema.get("type", "string")


def lists(key: str, entry: dict, params: dict[str, dict], resources: set[str]) -> dict[str, object]:
    """The list vocabulary of one entry; ``params``: the collection GET's documented query parameters → schema."""
    for name in (*DEFAULT_ORDER, *FILTERS, *ARGUMENTS):
        if name not in resources:
            raise ValueError(f"hub_lists: {name} is no resource of the contract")
    special, arguments = FILTERS.get(key, {}), ARGUMENTS.get(key, ())
    unknown = sorted((set(special) | set(arguments)) - set(params))
    if unknown:
        raise ValueError(f"{key}: filters or arguments {unknown} are no documented query parameter")
    filters: dict[str, dict] = {}
    for name, schema in params.items():
        if name in arguments:
            continue
        field, lookup, kind, extra = (*special.get(name, (name, "exact")), None, None)[:4]
        filters[name] = {"field": field, "lookup": lookup, "type": kind or _type(schema), **(extra or {})}
    order = [[f, d] for f, d in DEFAULT_ORDER.get(key, [])]
    if not any(f == "id" for f, _ in order):
        order.append(["id", False])
    return {"key": entry["lookup"], "default_order": order, "orderable": [], "filters": filters}
