"""CORS for browser clients of the vendor APIs (``--cors ORIGIN``, repeatable; ``*`` for any origin). Off by
default: then nothing here runs and a browser page on another origin cannot read an answer.

- A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) from an allowed origin is
  answered here, 204, without credentials (a browser sends none on a preflight) and without reaching the API,
  its fault rules or the journal: it asks the server, not the API, whether a call may be made.
- Every other answer to an allowed origin carries ``Access-Control-Allow-Origin`` and exposes its headers
  (``Location``, ``WWW-Authenticate``…), so a page can read them.
- No ``Access-Control-Allow-Credentials``: a page sends its ``Authorization`` header itself; cookies and the
  browser's remembered Basic credentials stay out of reach of other origins.
- A request from an origin not allowed is served as without ``--cors`` (no CORS header: the browser keeps the
  answer from the page). The ``/__mock__/`` controls never answer other origins (admin_guard.py).
"""
from __future__ import annotations

ANY = "*"
METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
MAX_AGE = "600"  # seconds a browser may reuse a preflight's answer


class Cors:
    def __init__(self, origins: tuple[str, ...]):
        self.any = ANY in origins
        self.origins = frozenset(o.rstrip("/").lower() for o in origins if o != ANY)

    def allow_origin(self, origin: str | None) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for a request from ``origin``, or None (not allowed)."""
        if not origin:
            return None
        if self.any:
            return ANY
        return origin if origin.lower() in self.origins else None

    def preflight(self, method: str, headers) -> list[tuple[str, str]] | None:
        """The headers of the answer to a preflight from an allowed origin, or None (not one: serve it as usual).
        ``headers`` is a case-insensitive mapping of the request's."""
        if method != "OPTIONS" or not headers.get("Access-Control-Request-Method"):
            return None
        allowed = self.allow_origin(headers.get("Origin"))
        if allowed is None:
            return None
        answer = [*self._origin_headers(allowed), ("Access-Control-Allow-Methods", METHODS),
                  ("Access-Control-Max-Age", MAX_AGE)]
        asked = headers.get("Access-Control-Request-Headers")
        if asked:  # echoed: a wildcard would not cover Authorization
            answer.append(("Access-Control-Allow-Headers", asked))
        return answer

    def answer_headers(self, request_headers) -> list[tuple[str, str]]:
        """Headers added to an answer: CORS ones for an allowed origin; for the others only ``Vary: Origin``
        when the answer depends on it (caches must keep the two apart)."""
        allowed = self.allow_origin(request_headers.get("Origin"))
        if allowed is None:
            return [] if self.any else [("Vary", "Origin")]
        return [*self._origin_headers(allowed), ("Access-Control-Expose-Headers", ANY)]

    def _origin_headers(self, allowed: str) -> list[tuple[str, str]]:
        # The answer depends on Origin unless every origin gets the same: caches must keep them apart.
        return [("Access-Control-Allow-Origin", allowed)] + ([] if allowed == ANY else [("Vary", "Origin")])
