"""References between the rows of a seed built from a recording: every reference the contract declares
(``x-resources.<resource>.references``: a field naming another resource's row by its id, name or username)
must name a row the seed has. A recording sees part of an estate; a recorded object that points at a row
neither the recording nor the base seed holds would be served with that reference turned into ``null``,
not as the upstream answered it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..contract import load


def dangling_references(api: str, seed_dir: Path) -> list[str]:
    """One line per reference in ``seed_dir``'s rows to a row the seed does not have."""
    from .recording import _resource_of, seed_file  # one module reads the other's names

    declared = load(api).get("x-resources", {})
    rows: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(seed_dir.glob("*.json")):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, list):
            rows[path.stem] = [row for row in loaded if isinstance(row, dict)]
    problems = []
    for name, table in rows.items():
        references = declared.get(_resource_of(api, name), {}).get("references") or {}
        for field, ref in references.items():
            target = seed_file(api, ref["resource"])
            if target not in rows:
                continue
            known = {str(row.get(ref["by"])) for row in rows[target]}
            for row in table:
                for value in _values(row, field.split(".")):
                    if str(value) not in known:
                        problems.append(f"{api}: {name}.json row {row.get('id', '?')}: {field} {value!r} names no "
                                        f"row of {target}.json (by {ref['by']})")
    return problems


def _values(value: Any, path: list[str]) -> list[Any]:
    """The non-null values at ``path`` (dotted field names), through lists at any step."""
    if isinstance(value, list):
        return [found for item in value for found in _values(item, path)]
    if not path:
        return [] if value is None or isinstance(value, dict) else [value]
    if not isinstance(value, dict):
        return []
    return _values(value.get(path[0]), path[1:])
