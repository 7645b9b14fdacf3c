"""File views over the virtual file system: ``file/`` (H69), ``spaces/{id}/files/`` (H70), ``filesets/`` (H71)
and ``analytics/`` (H72). Migration statuses are read with the effects of the jobs due by now (lifecycle), and
nothing is written.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote, urlencode

from ..dialects.drf.lists import paginate
from ..errors import ApiError
from . import HubCall, HubList, HubReply, domain, remote  # noqa: F401  (remote registers its handler)
from .common import (
    choice_error,
    detail_row,
    field_error,
    iso_z,
    not_found,
    now_us,
    ref,
    rows,
)
from .lifecycle import file_systems
from .queries import argument, matching, row_filter
from .sitefs import FileSystems, SiteFS
from .vfs import STATUSES, Node, normalize, site_ids_of


def request_url(call: HubCall, route: str) -> str:
    pairs = list(call.query.items(multi=True)) if call.query is not None else []
    return f"{call.base_url}{route}" + (f"?{urlencode(pairs, safe='/')}" if pairs else "")


def file_url(call: HubCall, site: str, path: str) -> str:
    return f"{call.base_url}/file/?path={quote(path, safe='/')}&site={quote(site, safe='')}"


def _seconds_iso(seconds: int) -> str:
    return iso_z(seconds * 1_000_000)


def describe(call: HubCall, fs: SiteFS, node: Node, url: str, shown_path: str | None = None) -> dict[str, Any]:
    """Every field of a file object but ``children``, in the order of the published example (4.8)."""
    status = fs.status(node)
    size = node.size
    return {
        "url": url, "site": fs.site["name"], "path": node.path if shown_path is None else shown_path,
        "type": node.type, "size": size, "ctime": _seconds_iso(node.ctime), "mtime": _seconds_iso(node.mtime),
        "atime": _seconds_iso(node.atime), "data_size": size, "deleted": False,
        "disk_usage": 0 if status == "MIGRATED" else size, "error": None, "image_preview": None, "metadata": {},
        "name": node.name, "path_depth": len([p for p in node.path.split("/") if p]), "remote_locations": {},
        "restricted": node.restricted, "status": status, "thumbnail": None, "time_refreshed": iso_z(now_us(call.state)),
        "total_files": len(fs.files_below(node.path)) if node.type == "directory" else None, "video_preview": None,
    }


def file_object(call: HubCall, fs: SiteFS, path: str, shown_path: str, route: str) -> dict[str, Any]:
    """The file object of H69 with its ``children`` envelope; ``route`` is the answering route's path."""
    argument(call.query, "cache_ttl", "integer")
    argument(call.query, "custom_timeout", "integer")
    node = fs.node(path)
    if node is None:
        raise not_found()
    accept = row_filter(call, "file")  # the children as listed: ``type`` (H69)
    body = describe(call, fs, node, request_url(call, route), shown_path)
    children = None
    if node.type == "directory":
        shown = argument(call.query, "restricted", "boolean")
        entries = [c for c in fs.children(node.path) if (shown or not c.restricted) and accept({"type": c.type})]
        if argument(call.query, "details", "boolean"):
            items = [describe(call, fs, c, file_url(call, fs.site["name"], c.path)) for c in entries]
        else:
            items = [{"name": c.name, "path": c.path, "type": c.type,
                      "url": file_url(call, fs.site["name"], c.path)} for c in entries]
        children = paginate(items, call.query, request_url(call, route))
    return {**dict(list(body.items())[:8]), "children": children, **dict(list(body.items())[8:])}


def required(call: HubCall, *names: str) -> dict[str, str]:
    values = {name: argument(call.query, name) for name in names}
    missing = {name: ["This field is required."] for name, value in values.items() if value is None}
    if missing:
        raise ApiError(400, missing)
    return values


def site_fs(call: HubCall, name: str) -> SiteFS:
    site = ref(call.state, "sites", name)
    if site is None:
        raise not_found("Site")
    return file_systems(call.state).of(site)


def space_bytes_used(state: Any, site: dict[str, Any], mountpoint: str, systems: FileSystems | None = None) -> int:
    """H106 ``sites[].usage[0]``: bytes on disk below a space's mountpoint on one site (a migrated file is a stub).
    A request that renders many spaces passes its one ``systems``, so each site's file system is built once."""
    return (systems or file_systems(state)).bytes_used(site, mountpoint)


@domain("file_retrieve")
def file_retrieve(call: HubCall) -> HubReply:
    wanted = required(call, "site", "path")
    fs = site_fs(call, wanted["site"])
    return HubReply(200, file_object(call, fs, wanted["path"], wanted["path"], "/file/"))


@domain("spaces_files_retrieve")
def spaces_files_retrieve(call: HubCall) -> HubReply:
    space = detail_row(call.state, "spaces", call.path_params.get("id"), "Space")
    for name in ("custom_refresh_period", "custom_timeout"):
        argument(call.query, name, "integer")
    site_ids = site_ids_of(space, rows(call.state, "sites"))
    name = argument(call.query, "site")
    site = ref(call.state, "sites", name) if name else ref(call.state, "sites", site_ids[0] if site_ids else None)
    if site is None or site["id"] not in site_ids:
        raise field_error("site", "Site is not part of this space.")
    mountpoint = normalize(space["mountpoint"])
    shown = argument(call.query, "path") or space["mountpoint"]
    path = normalize(shown)
    if path != mountpoint and not path.startswith(mountpoint.rstrip("/") + "/"):
        raise field_error("path", "Path is not inside this space.")
    fs = site_fs(call, site["name"])
    return HubReply(200, file_object(call, fs, path, shown, f"/spaces/{space['id']}/files/"))


@domain("filesets_list")
def filesets_list(call: HubCall) -> HubList:
    sites, spaces = rows(call.state, "sites"), rows(call.state, "spaces")
    return HubList(matching(call, "filesets", [
        {"name": space["name"], "path": space["mountpoint"], "site": site["name"]}
        for site in sites for space in spaces if site["id"] in site_ids_of(space, sites)]))


def analytics_entry(fs: SiteFS, node: Node) -> dict[str, Any]:
    below = fs.files_below(node.path) if node.type == "directory" else [node] if node.type == "file" else []
    counts = dict.fromkeys(STATUSES, 0)
    for each in below:
        status = fs.status(each)
        assert status is not None  # every file has one (vfs seeds it)
        counts[status] += 1
    size = sum(n.size for n in below) if node.type == "directory" else node.size
    return {"path": node.path, "name": node.name, "type": node.type, "size": size,
            "total_files": len(below) if node.type == "directory" else None, "status_counts": counts}


@domain("analytics_list")
def analytics_list(call: HubCall) -> HubList | HubReply:
    download = argument(call.query, "download")
    if download is not None and download != "csv":
        raise choice_error("download", download)
    for name in ("cache_ttl", "custom_timeout"):
        argument(call.query, name, "integer")
    wanted = required(call, "site", "path")
    fs = site_fs(call, wanted["site"])
    node = fs.node(wanted["path"])
    if node is None:
        raise not_found()
    nodes = [node]
    if argument(call.query, "children", "boolean"):
        nodes += [c for c in fs.children(node.path) if c.type == "directory"]
    items = [analytics_entry(fs, n) for n in nodes]
    if download is None:
        return HubList(items)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["path", "name", "type", "size", "total_files", *STATUSES])
    for item in items:
        writer.writerow([item["path"], item["name"], item["type"], item["size"],
                         "" if item["total_files"] is None else item["total_files"],
                         *(item["status_counts"][s] for s in STATUSES)])
    return HubReply(200, out.getvalue(), {"Content-Type": "text/csv; charset=utf-8",
                                          "Content-Disposition": 'attachment; filename="analytics.csv"'})

