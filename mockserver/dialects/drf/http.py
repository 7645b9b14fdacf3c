"""Requests and responses the way Django and DRF handle them: compact JSON, Django's HTML 404, APPEND_SLASH
redirects, content negotiation (H1, H2, H4, H5); request bodies: the size limit (H44), JSON only (H39, H40),
DRF's parse errors (H41, H42).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import codecs
import json
import math
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from ...errors import ApiError
from .fields import SURROGATE
from .request import Reply

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
# DRF's own default details where they differ from the status phrase (NotFound: "Not found.").
DEFAULT_DETAIL = {404: "Not found."}
# DRF's two renderers by ``format``: JSON, and the browsable API, which the mock answers as JSON (H5).
RENDERERS = (("json", JSON), ("api", "text/html"))
# Deeper bodies would exhaust the stack of the views that copy and render them (H59): Python's json refuses
# them in its own words.
MAX_DEPTH = 200


def dumps(data: Any) -> bytes:
    """DRF's JSONRenderer: compact, raw UTF-8, U+2028/U+2029 escaped, never NaN (H4)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate a client sent as a \u escape in free JSON: escaped again
        return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"Content-Type": JSON, **(headers or {})}, dumps(data))


def empty_reply(status: int, headers: dict[str, str] | None = None) -> Reply:
    """Django sends no type with an empty 204/301."""
    return Reply(status, dict(headers or {}))


def error_reply(error: ApiError) -> Reply:
    if error.body is None:
        return empty_reply(error.status, error.headers)
    if error.content_type != JSON:
        body = error.body.encode("utf-8") if isinstance(error.body, str) else error.body
        return Reply(error.status, {"Content-Type": error.content_type, **error.headers}, body)
    return json_reply(error.body, error.status, error.headers)


def fault_reply(status: int, body: Any = None) -> Reply:
    """A fault rule's answer: its body, else DRF's ``{"detail": ...}`` for the status (APIException's
    default detail where DRF has one for it, else the status phrase)."""
    return json_reply(body if body is not None else {"detail": _reason(status)}, status)


def _reason(status: int) -> str:
    if status in DEFAULT_DETAIL:
        return DEFAULT_DETAIL[status]
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Error."


def not_found_page() -> Reply:
    return Reply(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND_PAGE.encode("utf-8"))


def redirect_slash(path: str, query_string: str) -> Reply:
    """Django's APPEND_SLASH: 301 to the slashed path (escaped as escape_uri_path does), a relative reference, the
    query kept (H2)."""
    location = quote(path, safe="/:@&+$,-_.!~*'()") + "/" + ("?" + query_string if query_string else "")
    return empty_reply(301, {"Location": location})


def media_matches(concrete: str, wanted: str) -> bool:
    """DRF's ``media_type_matches``: type and subtype equal, or either side a wildcard; parameters ignored."""
    (main, sub), (other_main, other_sub) = _media(concrete), _media(wanted)
    return ("*" in (main, other_main) or main == other_main) and ("*" in (sub, other_sub) or sub == other_sub)


def _media(text: str) -> tuple[str, str]:
    main, _, sub = text.split(";")[0].strip().lower().partition("/")
    return main, sub


def negotiate(accept: str | None, format_param: str | None) -> None:
    """Raise 404/406 as DRF's DefaultContentNegotiation: ``format`` (when not empty) keeps the renderers of that
    format, then a media range of ``Accept`` (absent: ``*/*``) must match one of them (H5)."""
    renderers = [media for name, media in RENDERERS if not format_param or name == format_param]
    if not renderers:
        raise ApiError(404, {"detail": "Not found."})
    wanted = (accept if accept is not None else "*/*").split(",")
    if not any(media_matches(media, item) for media in renderers for item in wanted):
        raise ApiError(406, {"detail": "Could not satisfy the request Accept header."})


def too_large(limit: int) -> ApiError:
    return ApiError(413, {"detail": f"Request body too large: the limit is {limit} bytes."})


def parse_json(raw: bytes, content_type: str | None) -> Any:
    """An empty body is ``{}``; anything else must be JSON sent as such."""
    if not raw:
        return {}
    if not media_matches(JSON, content_type or ""):
        raise ApiError(415, {"detail": f'Unsupported media type "{content_type or ""}" in request.'})
    try:
        data = json.loads(raw.decode(_charset(content_type)), parse_constant=_reject_constant, parse_float=_finite)
        _check_depth(data)
        return data
    except (ValueError, LookupError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ApiError(400, {"detail": f"JSON parse error - {exc}"}) from None


def _charset(content_type: str | None) -> str:
    """Django's request encoding: the ``charset`` parameter when Python knows it, else UTF-8."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                break
    return "utf-8"


def _check_depth(data: Any) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                kind = "object" if isinstance(value, dict) else "array"
                raise RecursionError(f"maximum recursion depth exceeded while decoding a JSON {kind} from a unicode "
                                     "string")
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))


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
