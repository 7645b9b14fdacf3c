"""The request and the reply as the dialect's pipeline sees them: plain data, no Flask (the binding in
:mod:`.api` builds a :class:`Request` from the WSGI request and sends a :class:`Reply` back)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


class Query:
    """Query parameters read the way Django's QueryDict reads them: the single value of a repeated parameter is
    the last one sent (``?page=1&page=2`` is page 2); ``getlist`` and ``items(multi=True)`` see every value."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self.pairs = list(pairs)

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self.pairs)

    def __getitem__(self, key: str) -> str:
        values = self.getlist(key)
        if not values:
            raise KeyError(key)
        return values[-1]

    def get(self, key: str, default: str | None = None) -> str | None:
        values = self.getlist(key)
        return values[-1] if values else default

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.pairs if k == key]

    def keys(self) -> list[str]:
        """Each name once, in order of first appearance."""
        return list(dict.fromkeys(k for k, _ in self.pairs))

    def items(self, multi: bool = False) -> Iterator[tuple[str, str]]:
        """Each name with its last value; ``multi``: every value, grouped by name in order of first appearance."""
        for key in self.keys():
            values = self.getlist(key)
            if multi:
                yield from ((key, v) for v in values)
            else:
                yield key, values[-1]


@dataclass
class Request:
    method: str  # as sent
    path: str  # the whole path, decoded ("/api/sites/1/")
    query: Query = field(default_factory=Query)
    query_string: str = ""  # raw (latin-1), for redirects and the absolute request URL
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    body_too_large: bool = False  # the body was over the size limit (announced or sent) and not read
    origin: str = "http://localhost"  # scheme://host, for absolute URLs

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # Content-Type among them when there is a body
    body: bytes = b""
