"""Links that point at the upstream, pointed at the proxy instead, so that a client following them stays behind it.

Every absolute URL that starts with the upstream's origin is rewritten: in the headers that carry a URL
(``Location``, ``Content-Location``, ``Link``) and in every string value of a JSON body (the Hub's ``url``,
``next`` and ``previous``, hyperlinked fields), in the body's own text. Relative links (tastypie's
``resource_uri``) need nothing. A body that is not JSON goes back as it came.
"""
from __future__ import annotations

import re

URL_HEADERS = frozenset(("location", "content-location", "link"))


class Rebase:
    def __init__(self, upstream_origin: str, proxy_origin: str):
        self.old = upstream_origin.rstrip("/")
        self.new = proxy_origin.rstrip("/")

    def text(self, value: str) -> str:
        if self.old == self.new:
            return value
        if value == self.old or value.startswith((self.old + "/", self.old + "?")):
            return self.new + value[len(self.old):]
        return value

    def header(self, name: str, value: str) -> str:
        if name.lower() not in URL_HEADERS:
            return value
        if name.lower() == "link":  # <url>; rel="next", <url>; rel="prev"
            return value.replace(f"<{self.old}", f"<{self.new}") if self.old != self.new else value
        return self.text(value)

    def headers(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.header(name, value)) for name, value in headers]

    def body(self, content_type: str, body: bytes) -> bytes:
        """The body with its links rebased, in its own text: every JSON string that starts with the upstream's
        origin (followed by ``/``, ``?`` or its end) starts with the proxy's instead; the rest stays byte for
        byte as the upstream wrote it (spacing, key order, escapes)."""
        if self.old == self.new or self.old.encode() not in body or "json" not in content_type.lower():
            return body
        pattern = re.compile(rb'(?<=")' + re.escape(self.old.encode()) + rb'(?=[/?"])')
        new = self.new.encode()
        return pattern.sub(lambda found: new, body)
