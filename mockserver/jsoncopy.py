"""A deep copy for JSON-shaped data, several times faster than :func:`copy.deepcopy` (no memo, no reflection)."""
from __future__ import annotations

from typing import Any, TypeVar, cast

J = TypeVar("J")


def copy_json(value: J) -> J:
    """A copy of ``value``, of its type (dicts and lists copied all the way down)."""
    return cast(J, _copy(value))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
