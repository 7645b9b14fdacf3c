"""The request as the dialect's core sees it: plain data, no Flask (the binding builds it at the edge)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


class Query:
    """Query parameters in request order, read the way Django's QueryDict reads them."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self.pairs = list(pairs)

    def __contains__(self, key: str) -> bool:
        return any(k == key for k, _ in self.pairs)

    def get(self, key: str, default: str | None = None) -> str | None:
        """The last value, as ``QueryDict[key]`` gives it."""
        found = default
        for k, v in self.pairs:
            if k == key:
                found = v
        return found

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]

    def keys(self) -> list[str]:
        """Each name once, in order of first appearance."""
        return list(dict.fromkeys(k for k, _ in self.pairs))


@dataclass
class Call:
    method: str  # upper case, as sent
    path: str  # below the API prefix, e.g. "/message/23/"
    query: Query = field(default_factory=Query)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    body_too_large: bool = False
    origin: str = "http://localhost"  # scheme://host, for absolute Location headers
    query_string: str = ""  # raw, for redirects

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())
