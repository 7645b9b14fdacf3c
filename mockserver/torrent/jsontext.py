"""Torrent Suite's JSON columns (``PluginResultJob.config``, TS's JSONField): JSON text with exact numbers (T64).

Stored as JSON text that keeps a number's own digits (``1.250`` stays ``1.250``); rendered as an object, ``{}``
when empty, with every fractional number as its decimal text (``{"a": 1.25}`` → ``{"a": "1.25"}``). A body
value is an object or a string holding one (``""`` is empty); anything else is refused.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..dialects.tastypie.values import WORDED, FieldError, loads_body, show


class JsonText:
    """The dialect's :class:`~mockserver.dialects.tastypie.hooks.ObjectField` for Torrent Suite."""

    def coerce(self, name: str, value: Any) -> str:
        parsed = value
        if isinstance(value, str):
            try:
                parsed = loads_body(value) if value else {}
            except (ValueError, RecursionError):
                parsed = None
        if not isinstance(parsed, dict):
            raise FieldError(name, WORDED, {
                "message": f"Value provided to '{name}' field doesn't appear to be a JSON object: {show(value)}"})
        return encode_json(parsed)

    def render(self, stored: str | None) -> dict[str, Any]:
        return decode_json(stored)

    def store(self, rendered: Any) -> str:
        """Seed data: an object, or JSON text holding one (checked here: stored text that is no object would
        fail every read)."""
        value = rendered
        if isinstance(value, str):
            value = json.loads(value, parse_float=Decimal) if value else {}
        if not isinstance(value, dict):
            raise ValueError(value)
        return encode_json(value)


def encode_json(value: Any) -> str:
    """JSON text that writes a Decimal's own digits (``1.250`` stays ``1.250``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {encode_json(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(encode_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def decode_json(text: str | None) -> dict[str, Any]:
    """Stored JSON text → the rendered object: fractional numbers become their decimal text (T64)."""
    if not text:
        return {}
    return _numbers_as_text(json.loads(text, parse_float=Decimal))


def _numbers_as_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _numbers_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_text(v) for v in value]
    return value
