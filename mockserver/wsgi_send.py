"""A vendor answer handed to the WSGI server: werkzeug's ``Response.__call__``, made cheaper for the answers the
dialects make (a whole body in memory, headers they set).

werkzeug copies the headers, looks through them and converts ``Location`` from an IRI on every answer, a sixth
of a create's time in the mock. Here the same status line, headers and body come out with less work: a
``Location`` made of an origin and a path of URI-safe characters (what the dialects write) is converted by
converting its origin once, keeping the host's letters as sent; anything else (a streamed body, a 1xx/204/304
status, an unusual ``Location``, ``Content-Location``) goes through werkzeug itself.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response

_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
# What iri_to_uri leaves as it is in a path (its ``safe`` set, letters, digits and "-._~"); no "?" or "#".
_SAFE_PATH = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,/:;=@]*")


def send(response: Response, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    status = response.status_code
    pairs = response.headers.to_wsgi_list()
    names = [name.lower() for name, _ in pairs]  # werkzeug's lookups of an absent name raise and catch: slow
    if response.is_streamed or response.direct_passthrough or status < 200 or status in (204, 304) \
            or "content-location" in names:
        return response(environ, start_response)
    if "location" in names:
        index = names.index("location")
        pairs[index] = (pairs[index][0], location_uri(pairs[index][1]))
    body = response.get_data()
    if "content-length" not in names:
        pairs.append(("Content-Length", str(len(body))))
    start_response(response.status, pairs)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def location_uri(value: str) -> str:
    """``iri_to_uri(value)``, with the origin's conversion made once, and the host's letters as sent: Django and
    DRF never change them (a ``Location`` must match the ``url`` in the body), werkzeug lowers them."""
    origin = _ORIGIN.match(value)
    if origin is None or not _SAFE_PATH.fullmatch(value, origin.end()):
        return iri_to_uri(value)
    return _origin_uri(origin.group()) + value[origin.end():]


@lru_cache(maxsize=64)
def _origin_uri(origin: str) -> str:
    converted = iri_to_uri(origin)
    return origin if converted.lower() == origin.lower() else converted
