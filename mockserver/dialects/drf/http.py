"""Requests and responses the way Django and DRF handle them: compact JSON, Django's HTML 404, APPEND_SLASH
redirects, content negotiation (H1, H2, H4, H5); request bodies: the size limit (H44), JSON only (H39, H40),
DRF's parse errors (H41, H42)."""
from __future__ import annotations

import json
import math
from typing import Any

from flask import Request, Response

from ...errors import ApiError

JSON = "application/json"
NOT_FOUND_PAGE = """<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
"""
# Media ranges that select one of DRF's two renderers (JSON, and the browsable API answered as JSON: H5).
ACCEPTABLE = ("*/*", "application/*", "application/json", "text/*", "text/html")
FORMATS = ("json", "api")


def dumps(data: Any) -> bytes:
    """DRF's JSONRenderer: compact, raw UTF-8, U+2028/U+2029 escaped, never NaN (H4)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(data), status, content_type=JSON)
    response.headers.update(headers or {})
    return response


def empty_response(status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(b"", status)
    del response.headers["Content-Type"]  # Django sends no type with an empty 204/301
    response.headers.update(headers or {})
    return response


def error_response(error: ApiError) -> Response:
    if error.body is None:
        return empty_response(error.status, error.headers)
    if error.content_type != JSON:
        response = Response(error.body, error.status, content_type=error.content_type)
        response.headers.update(error.headers)
        return response
    return json_response(error.body, error.status, error.headers)


def not_found_page() -> Response:
    return Response(NOT_FOUND_PAGE, 404, content_type="text/html; charset=utf-8")


def redirect_slash(path: str, query: bytes) -> Response:
    """Django's APPEND_SLASH: 301 to the slashed path, a relative reference, the query kept (H2)."""
    location = path + "/" + ("?" + query.decode("latin-1") if query else "")
    return empty_response(301, {"Location": location})


def negotiate(accept: str | None, format_param: str | None) -> None:
    """Raise 404/406 when no renderer fits (H5); every renderer the mock has writes JSON."""
    if format_param is not None:
        if format_param not in FORMATS:
            raise ApiError(404, {"detail": "Not found."})
        return
    if not accept or not accept.strip():
        return
    for media_range in accept.split(","):
        media = media_range.split(";")[0].strip().lower()
        if media in ACCEPTABLE:
            return
    raise ApiError(406, {"detail": "Could not satisfy the request Accept header."})


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
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite)
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


def _finite(text: str) -> float:
    """``1e999`` parses to infinity, which no JSON answer could carry back (H4): refuse it like ``Infinity``."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {text!r}")
    return value


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
