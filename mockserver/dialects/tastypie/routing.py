"""Paths below ``/rundb/api/v1`` → routes (T1–T5), and the method a route answers (T35–T37)."""
from __future__ import annotations

import re
from dataclasses import dataclass

NUMERIC = re.compile(r"[+-]?\d+\Z", re.ASCII)  # "023" is 23, "-1" a valid (absent) id


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


def _match(rest: str, names) -> Route | None:
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
        if override:
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
