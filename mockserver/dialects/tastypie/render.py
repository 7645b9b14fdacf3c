"""Replies as tastypie 0.11.1 sends them: JSON text (T12), error envelopes (T71, T72) and the fixed bodies.

Sans-IO: a :class:`Reply` is plain data; the binding turns it into a Flask response at the edge.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ...errors import ApiError

HTML = "text/html; charset=utf-8"
JSON = "application/json"
JSONP = "text/javascript"
CANNED_404 = {"error_message": "Sorry, this request could not be processed. Please try again later."}
# Handler responses vary on Accept as well (tastypie's NoCache); errors raised past the handler only on Cookie.
VARY_HANDLER = "Accept, Cookie"
VARY_ERROR = "Cookie"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)


class Encoded(str):
    """JSON text made already (a stored row's representation, kept while the row stays as it is): :func:`dumps`
    puts it in a body as it is."""


def dumps(body: Any) -> str:
    """One line, keys sorted at every level, separators ", " and ": ", non-ASCII raw (T12)."""
    if isinstance(body, Encoded):
        return str(body)
    if isinstance(body, dict) and any(_holds_encoded(value) for value in body.values()):
        return "{" + ", ".join(f"{json.dumps(key, ensure_ascii=False)}: {dumps(body[key])}"
                               for key in sorted(body)) + "}"
    if isinstance(body, list) and any(isinstance(item, Encoded) for item in body):
        if all(isinstance(item, Encoded) for item in body):
            return "[" + ", ".join(body) + "]"
        return "[" + ", ".join(dumps(item) for item in body) + "]"
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def _holds_encoded(value: Any) -> bool:
    return isinstance(value, Encoded) or (isinstance(value, list) and any(isinstance(v, Encoded) for v in value))


def sanitize(message: str) -> str:
    """Django's escape() with the quotes put back, as tastypie does for every error message (T72)."""
    return message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def py2_list_repr(message: str) -> str:
    """How Python 2 prints ``[u'…']``: a Django ValidationError's messages as tastypie sends them (T26)."""
    return f"[u{ascii(message)}]"


def refuse(status: int, message: str) -> ApiError:
    """A refusal in tastypie's ``{"error": …}`` envelope, message escaped."""
    return ApiError(status, {"error": sanitize(message)})


def bad_request(message: str) -> ApiError:
    return refuse(400, message)


def canned_404() -> ApiError:
    return ApiError(404, dict(CANNED_404))


def empty_error(status: int, headers: dict[str, str] | None = None) -> ApiError:
    """An error with an empty HTML body (401, empty 404)."""
    return ApiError(status, None, headers=headers, content_type=HTML)


def not_found() -> ApiError:
    """The empty 404 a handler answers for an absent numeric id (T32, T43, T45)."""
    return empty_error(404, {"Vary": VARY_HANDLER})


def empty(status: int, headers: dict[str, str] | None = None, vary: str | None = VARY_HANDLER) -> Reply:
    all_headers = dict(headers or {})
    if vary:
        all_headers["Vary"] = vary
    return Reply(status, b"", HTML, all_headers)


def text(status: int, body: str, headers: dict[str, str] | None = None, vary: str | None = None) -> Reply:
    all_headers = dict(headers or {})
    if vary:
        all_headers["Vary"] = vary
    return Reply(status, body.encode("utf-8"), HTML, all_headers)


def serialize(body: Any, fmt: str, callback: str | None) -> tuple[bytes, str]:
    """JSON, or JSONP ``callback(json)`` with U+2028/U+2029 escaped (T30)."""
    data = dumps(body)
    if fmt == JSONP:
        data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return f"{callback}({data})".encode(), JSONP
    return data.encode(), JSON


def not_found_page(path: str) -> Reply:
    """Django's 404 page for a path that matches no route (T4)."""
    page = (f"<h1>Not Found</h1><p>The requested URL {sanitize(path)} was not found on this server.</p>")
    return text(404, page)
