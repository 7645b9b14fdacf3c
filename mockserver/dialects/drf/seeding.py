"""Seed rows (API representation, ``seed_data/hub``) → the stored form described in ``models``.

References written as names, ids or small objects become ids; memberships kept on the other side (a site's
``spaces``, a group's ``users``) are dropped; rows without an id (features, tags …) are numbered in file
order; seeded nodes get a live heartbeat (H96).
"""
from __future__ import annotations

import copy
from typing import Any

from ...seedgen.hub import CONTRACT_RESOURCES
from .models import REFERENCES, SEEDED_EXTRAS, Ref

Row = dict[str, Any]


def resource_of(seed_key: str) -> str:
    return CONTRACT_RESOURCES.get(seed_key, seed_key)


def convert_seeds(seeds: dict[str, list[Row]]) -> dict[str, list[Row]]:
    by_resource = {resource_of(key): rows for key, rows in seeds.items()}
    return {f"hub/{key}": [to_stored(resource_of(key), row, index, by_resource) for index, row in enumerate(rows, 1)]
            for key, rows in seeds.items()}


def to_stored(resource: str, row: Row, number: int, known: dict[str, list[Row]]) -> Row:
    stored = copy.deepcopy(row)
    stored.pop("url", None)
    stored.setdefault("id", number)
    for path, ref in REFERENCES.get(resource, {}).items():
        field = ref.field(path)
        if ref.reverse:
            stored.pop(field, None)
            continue
        _convert_at(stored, field.split("."), ref, known.get(ref.target, []))
    stored.update(SEEDED_EXTRAS.get(resource, {}))
    return stored


def _convert_at(node: Any, parts: list[str], ref: Ref, targets: list[Row]) -> None:
    if isinstance(node, list):
        for item in node:
            _convert_at(item, parts, ref, targets)
        return
    if not isinstance(node, dict) or parts[0] not in node:
        return
    if len(parts) > 1:
        _convert_at(node[parts[0]], parts[1:], ref, targets)
        return
    value = node[parts[0]]
    node[parts[0]] = [target_id(v, ref, targets) for v in value] if isinstance(value, list) \
        else target_id(value, ref, targets)


def target_id(value: Any, ref: Ref, targets: list[Row]) -> Any:
    """The id of the target a representation names: an id, a name, or an object with either."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, dict):
        if "id" in value:
            return value["id"]
        value = value.get(ref.by, value.get("name"))
    for index, target in enumerate(targets, 1):
        if target.get(ref.by) == value or (ref.by == "id" and target.get("name") == value):
            return target.get("id", index)
    return None
