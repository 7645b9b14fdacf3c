"""``GET external_targets/{id}/files/`` (H109): the remote copies an external target holds, listed like a bucket.

A target's remote copies are the ``MIGRATED`` and ``PREMIGRATED`` files of its space on the sites it is available
on, named ``<space name>/<path below the mountpoint>``; directories are the prefixes of those names.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import fnmatch
import posixpath
from typing import Any

from . import HubCall, HubReply, domain
from .common import configuration, detail_row, ref
from .lifecycle import file_systems
from .queries import argument
from .vfs import normalize

GLOB = set("*?[")


def remote_files(call: HubCall, target: dict[str, Any]) -> dict[str, int]:
    """Remote name → size, over the target's sites in order (the first copy of a name wins)."""
    space = ref(call.state, "spaces", target.get("space"))
    if space is None or not space.get("mountpoint"):
        return {}
    mountpoint = normalize(space["mountpoint"])
    found: dict[str, int] = {}
    systems = file_systems(call.state)
    for entry in target.get("available_on_sites") or []:
        site = ref(call.state, "sites", entry)
        if site is None:
            continue
        fs = systems.of(site)
        if fs.node(mountpoint) is None:
            continue
        for node in fs.files_below(mountpoint):
            if fs.status(node) in ("MIGRATED", "PREMIGRATED"):
                found.setdefault(f"{space['name']}/{posixpath.relpath(node.path, mountpoint)}", node.size)
    return found


def entries(files: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Every remote entry, files and the directories their names imply, by path."""
    found: dict[str, dict[str, Any]] = {}
    for name, size in files.items():
        found[name] = {"name": posixpath.basename(name), "path": name, "size": size, "type": "file"}
        parent = posixpath.dirname(name)
        while parent:
            folder = found.setdefault(parent, {"name": posixpath.basename(parent), "path": parent, "size": 0,
                                               "type": "directory"})
            folder["size"] += size
            parent = posixpath.dirname(parent)
    return found


@domain("external_targets_files_retrieve")
def external_targets_files(call: HubCall) -> HubReply:
    target = detail_row(call.state, "external_targets", call.path_params.get("id"), "ExternalTarget")
    # Below 1 counts as unset, for the parameter and then for the configuration (an empty page has no marker).
    wanted = (argument(call.query, "max_items", "integer"), configuration(call.state, "maximum_external_results", 100))
    limit = next((n for n in wanted if isinstance(n, int) and n >= 1), 100)
    marker = argument(call.query, "marker") or ""
    path = (argument(call.query, "path") or "").strip("/")
    every = entries(remote_files(call, target))
    if GLOB & set(path):
        level = posixpath.dirname(path)
        listed = [e for p, e in every.items() if posixpath.dirname(p) == level and fnmatch.fnmatchcase(p, path)]
    else:
        listed = [e for p, e in every.items() if posixpath.dirname(p) == path]
    listed = sorted((e for e in listed if e["path"] > marker), key=lambda e: e["path"])
    page = listed[:limit]
    shown = [{**e, "size": str(e["size"])} for e in page]
    return HubReply(200, {
        "path": argument(call.query, "path") or "",
        "directories": [e for e in shown if e["type"] == "directory"],
        "files": [e for e in shown if e["type"] == "file"],
        "marker": marker,
        "next_marker": page[-1]["path"] if len(listed) > limit else "",
        "summary": {"files": sum(1 for e in page if e["type"] == "file"),
                    "directories": sum(1 for e in page if e["type"] == "directory"),
                    "size": sum(e["size"] for e in page if e["type"] == "file")},
    })

