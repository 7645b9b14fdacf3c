"""Search over the virtual file system (H73). Which entries match is decided when the search is created; their
metadata (a file's migration status) is read when the results are, so a job's effects show in old searches.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from operator import itemgetter
from typing import Any

from ..errors import ApiError
from . import HubCall, HubList, HubReply, domain
from .common import (
    Row,
    configuration,
    detail_row,
    field_error,
    iso_z,
    not_found,
    now_us,
    ref,
    rows,
    table,
)
from .files import file_url
from .lifecycle import file_systems, settle
from .queries import argument
from .sitefs import FileSystems
from .vfs import Node

SORT_KEYS = ("name", "path", "site", "size", "mtime")
METADATA_FIELDS = (("name", "string"), ("type", "string"), ("status", "string"), ("size", "integer"),
                   ("mtime", "datetime"))
DAY_US = 86_400_000_000


def size_filter(filters: dict, key: str) -> int | None:
    value = filters.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, {"filters": {key: ["A valid integer is required."]}}) from None


def matcher(filters: Any):
    """Filter keys ``name`` (case-insensitive substring), ``type``, ``status``, ``min_size``, ``max_size``."""
    filters = filters if isinstance(filters, dict) else {}
    name = str(filters["name"]).lower() if filters.get("name") is not None else None
    kind, status = filters.get("type"), filters.get("status")
    low, high = size_filter(filters, "min_size"), size_filter(filters, "max_size")
    return lambda fs, node: ((name is None or name in node.name.lower()) and (kind is None or node.type == kind)
                             and (status is None or fs.status(node) == status)
                             and (low is None or node.size >= low) and (high is None or node.size <= high))


def search_body(call: HubCall) -> tuple[dict[str, Any], list[Row]]:
    body = call.body if isinstance(call.body, dict) else {}
    path = body.get("path")
    if path is None or (isinstance(path, str) and not path.strip()):
        raise field_error("path", "This field is required." if path is None else "This field may not be blank.")
    if not str(path).startswith("/"):
        raise field_error("path", "Enter an absolute path.")
    names = body.get("sites")
    if names is None:
        sites = rows(call.state, "sites")
    else:
        named = [ref(call.state, "sites", str(n)) for n in names]
        missing = [str(n) for n, s in zip(names, named) if s is None]
        if missing:
            raise ApiError(400, {"sites": [f"Object with name={n} does not exist." for n in missing]})
        sites = [s for s in named if s is not None]
    request = {"filters": body.get("filters", {}), "merge": bool(body.get("merge", False)),
               "metadata_fields": body.get("metadata_fields", []), "path": path,
               "recursive": body.get("recursive", True) is not False, "sites": [s["name"] for s in sites]}
    return request, sites


@domain("search_create")
def search_create(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        request, sites = search_body(call)
        wanted = matcher(request["filters"])
        settle(call.state)
        systems = FileSystems(call.state)
        found = []
        for site in sites:
            fs = systems.of(site)
            top = fs.node(request["path"])
            if top is None or top.type != "directory":
                continue
            entries = fs.walk(top.path) if request["recursive"] else fs.children(top.path)
            found += [{"site": site["name"], "site_id": site["id"], "path": n.path, "name": n.name, "type": n.type,
                       "size": n.size, "mtime": n.mtime} for n in entries if not n.restricted and wanted(fs, n)]
        row = table(call.state, "search").create({**request, "created_us": now_us(call.state), "results": found})
    url = f"{call.base_url}/search/{row['id']}/"
    return HubReply(201, {**request, "id": row["id"], "url": url}, {"Location": url})


def search_of(call: HubCall) -> Row:
    """A live search; one older than ``search_result_ttl`` days is gone."""
    row = detail_row(call.state, "search", call.path_params.get("id"), "Search")
    ttl = configuration(call.state, "search_result_ttl", 7)  # not float(): any stored integer compares exactly
    if now_us(call.state) - row.get("created_us", 0) > ttl * DAY_US:
        raise not_found("Search")
    return row


def sort_keys(call: HubCall) -> list[tuple[str, bool]]:
    raw = argument(call.query, "sort")
    if raw is None:
        return [("path", False), ("site", False)]
    keys = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        if part.lstrip("-") not in SORT_KEYS:
            raise field_error("sort", f'Invalid sort field "{part}".')
        keys.append((part.lstrip("-"), part.startswith("-")))
    return keys


def result_item(call: HubCall, hit: Row, systems: FileSystems, sites: dict[int, Row | None]) -> dict[str, Any]:
    if hit["site_id"] not in sites:
        sites[hit["site_id"]] = ref(call.state, "sites", hit["site_id"])
    site = sites[hit["site_id"]]
    fs = systems.of(site) if site else None
    node: Node | None = fs.node(hit["path"]) if fs else None
    return {"href": file_url(call, hit["site"], hit["path"]),
            "metadata": {"size": hit["size"], "type": hit["type"], "status": fs.status(node) if fs and node else None,
                         "mtime": iso_z(hit["mtime"] * 1_000_000)},
            "name": hit["name"], "path": hit["path"], "proxies": {}, "site": hit["site"]}


@domain("search_retrieve")
def search_retrieve(call: HubCall) -> HubList:
    row = search_of(call)
    keys = sort_keys(call)
    hits = list(row.get("results") or [])
    for key, descending in reversed(keys):
        hits.sort(key=itemgetter(key), reverse=descending)
    systems = file_systems(call.state)
    sites: dict[int, Row | None] = {}
    items = [result_item(call, hit, systems, sites) for hit in hits]
    if not argument(call.query, "group_by_name", "boolean"):
        return HubList(items)
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item["name"], []).append(item)
    return HubList([{name: group} for name, group in groups.items()])


@domain("search_destroy")
def search_destroy(call: HubCall) -> HubReply:
    with call.state.store.atomic():
        table(call.state, "search").delete([search_of(call)["id"]])
    return HubReply(204)


@domain("search_metadata_fields_list")
def search_metadata_fields_list(call: HubCall) -> HubList:
    return HubList([{"id": i, "url": f"{call.base_url}/search/metadata_fields/?name={name}", "name": name,
                     "type": kind} for i, (name, kind) in enumerate(METADATA_FIELDS, start=1)])


@domain("search_metadata_partial_update")
def search_metadata_partial_update(call: HubCall) -> HubReply:
    return HubReply(200, {})
