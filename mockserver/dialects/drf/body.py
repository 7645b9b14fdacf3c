"""Request bodies: the size limit (H44), JSON only (H39, H40), DRF's parse errors (H41, H42)."""
from __future__ import annotations

import json
from typing import Any

from flask import Request

from ...errors import ApiError

JSON_TYPES = ("application/json", "application/*", "*/*")  # media ranges DRF's JSONParser matches


def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, or 413 when it is over ``limit`` bytes (announced or actually sent)."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit: int) -> ApiError:
    return ApiError(413, {"detail": f"Request body too large: the limit is {limit} bytes."})


def parse_json(raw: bytes, content_type: str | None) -> Any:
    """An empty body is ``{}``; anything else must be JSON sent as such."""
    if not raw:
        return {}
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in JSON_TYPES:
        raise ApiError(415, {"detail": f'Unsupported media type "{content_type or ""}" in request.'})
    encoding = _charset(content_type) or "utf-8"
    try:
        text = raw.decode(encoding)
        return json.loads(text, parse_constant=_reject_constant)
    except LookupError as exc:  # an unknown charset
        raise ApiError(400, {"detail": f"JSON parse error - {exc}"}) from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise ApiError(400, {"detail": f"JSON parse error - {exc}"}) from None


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def require_object(data: Any) -> dict[str, Any]:
    """A serializer's first check (H42)."""
    if data is None:
        raise ApiError(400, {"non_field_errors": ["No data provided"]})
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ApiError(400, {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]})
    return data
