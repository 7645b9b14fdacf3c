"""Stored rows ↔ the API representation (T13, T15, T63, T64, T66).

Stored form per kind: datetime = UTC text with microseconds (:mod:`.datetimes`); integer_text = int;
json_object = JSON text with exact numbers (:mod:`.values`); everything else as rendered.
"""
from __future__ import annotations

from typing import Any

from . import datetimes
from .spec import Resource
from .values import decode_json, encode_json

Row = dict[str, Any]


def represent(resource: Resource, row: Row) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for name, field in resource.fields.items():
        if name == "resource_uri":
            obj[name] = resource.uri(row["id"])
            continue
        value = row.get(name)
        if field.kind == "datetime":
            value = datetimes.render(value)
        elif field.kind == "integer_text":
            value = None if value is None else str(value)
        elif field.kind == "json_object":
            value = decode_json(value)
        obj[name] = value
    resource.behaviour.represent(row, obj)
    return obj


def from_api(resource: Resource, obj: dict[str, Any]) -> Row:
    """An object as GET returns it (seed data) → the stored row. ValueError naming the field for a bad value."""
    row: Row = {}
    for name, field in resource.fields.items():
        if not field.writable or field.ignored or name not in obj:
            continue
        value = obj[name]
        try:
            row[name] = _stored(field.kind, value)
        except (ValueError, TypeError):
            raise ValueError(f"The '{name}' field of {resource.name} {obj.get('id')!r} cannot hold {value!r}.") \
                from None
    resource.behaviour.from_api(obj, row)
    return row


def _stored(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetimes.from_rendered(value)
    if kind == "integer_text":
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    if kind == "json_object":
        if isinstance(value, str):
            return value or "{}"
        if not isinstance(value, dict):
            raise ValueError(value)
        return encode_json(value)
    return value
