"""The request as the dialect's core sees it — plain data, no Flask (the binding builds it at the edge) — and
its route below ``/rundb/api/v1`` (T1–T5) with the methods that route answers (T35–T37).
Rules: docs/behaviour/torrent.md."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import overload
from urllib.parse import parse_qsl, quote


class Query:
    """Query parameters in request order, read the way Django's QueryDict reads them."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self.pairs = list(pairs)

    def __contains__(self, key: str) -> bool:
        return any(k == key for k, _ in self.pairs)

    @overload
    def get(self, key: str) -> str | None: ...
    @overload
    def get(self, key: str, default: str) -> str: ...
    @overload
    def get(self, key: str, default: str | None) -> str | None: ...

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

    @classmethod
    def parse(cls, raw: bytes) -> Query:
        """A raw query string as QueryDict decodes it: "+" is a space, and bytes that are no UTF-8, escaped or
        sent raw, become U+FFFD (force_text's errors="replace") instead of failing or staying escaped."""
        # raw bytes beyond ASCII become escapes, so parse_qsl decodes them all
        text = raw.decode("ascii") if raw.isascii() else quote(raw, safe=_ASCII)
        return cls(parse_qsl(text, keep_blank_values=True, errors="replace"))


_ASCII = "".join(map(chr, range(128)))


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
    remote_addr: str = ""  # the client's address (REMOTE_ADDR), for the localhost login (T10)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


# -- routes -----------------------------------------------------------------------------------------------------------

NUMERIC = re.compile(r"[+-]?\d{1,4300}\Z", re.ASCII)  # "023" is 23, "-1" a valid (absent) id; int() takes 4300 digits


@dataclass(frozen=True)
class Route:
    kind: str  # top | list | schema | set | detail
    resource: str = ""
    pk: str = ""  # detail: everything between "<r>/" and the final "/"; set: the ";"-joined ids


@dataclass(frozen=True)
class Redirect:
    """The path without its trailing slash matches a route: 301 to the slashed form (T3)."""


def resolve(rest: str, names: frozenset[str] | set[str]) -> Route | Redirect | None:
    """``rest`` is the path after the API prefix ("" or starting with "/"); None: no route (T4)."""
    if not rest.endswith("/"):
        return Redirect() if _match(rest + "/", names) else None
    return _match(rest, names)


def _match(rest: str, names: frozenset[str] | set[str]) -> Route | None:
    if rest == "/":
        return Route("top")
    if not rest.startswith("/"):
        return None
    name, sep, tail = rest[1:-1].partition("/")
    if name not in names:
        return None
    if not sep:
        return Route("list", name)
    if tail == "schema":
        return Route("schema", name)
    if tail.startswith("set/"):
        return Route("set", name, tail[4:])
    return Route("detail", name, tail)


def numeric_pk(text: str) -> int | None:
    return int(text) if NUMERIC.match(text) else None


def effective_method(route: Route, method: str, override: str | None) -> str:
    """X-HTTP-Method-Override replaces the method on list and detail routes; PROPPATCH means PATCH (T37)."""
    if route.kind in ("list", "detail"):
        if override is not None:  # present, even empty (dispatch tests the header's presence)
            method = override
        method = method.upper()
        return "PATCH" if method == "PROPPATCH" else method
    return method.upper()


def allowed_methods(route: Route, list_methods: tuple[str, ...], detail_methods: tuple[str, ...]) -> tuple[str, ...]:
    if route.kind == "list":
        return list_methods
    if route.kind == "detail":
        return detail_methods
    return ("GET",)  # schema and set
