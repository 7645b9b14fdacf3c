"""A deep copy for JSON-shaped data, several times faster than :func:`copy.deepcopy` (no memo, no reflection)."""
from __future__ import annotations

from typing import Any


def copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value
