"""Responses the way Django and DRF write them: compact JSON, Django's HTML 404, APPEND_SLASH redirects,
content negotiation (H1, H2, H4, H5)."""
from __future__ import annotations

import json
from typing import Any

from flask import Response

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
