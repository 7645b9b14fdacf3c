"""Which operation of the contract a request is: its method and concrete path against the contract's path templates.

Shared by the mock (the journal, consumer coverage, the ``X-Mockserver-Unmatched`` header) and the proxy (its
contract checks). A template's parameters match one path segment each; where two templates match
(``/filemonitor/schema/`` and ``/filemonitor/{id}/``) the one with fewer parameters wins, as it does in the
vendors' routers.

The tables are built once per API: per first path segment after the API's prefix, one compiled alternation of
the templates that can match it, so a request costs one regular-expression match and two dict lookups (the mock
matches every request it serves).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from .contract import HTTP_METHODS, load, resolve

PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Operation:
    api: str
    method: str
    template: str  # the contract's path key (relative to its server URL), as the harness names operations
    path: str  # the full path template, server URL included
    spec: dict[str, Any] = field(repr=False, compare=False)

    @property
    def operation_id(self) -> str:
        return self.spec.get("operationId", "")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def statuses(self) -> list[str]:
        """The documented response codes (``"200"``, ``"401"``, …), in the contract's order."""
        return list(self.spec.get("responses", {}))

    def parameters(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        """The operation's parameters with the path item's, ``$ref``s resolved."""
        item = document["paths"][self.template]
        own = [resolve(document, p) for p in self.spec.get("parameters", [])]
        names = {(p.get("in"), p.get("name")) for p in own}
        shared = [resolve(document, p) for p in item.get("parameters", [])]
        return own + [p for p in shared if (p.get("in"), p.get("name")) not in names]


@dataclass(frozen=True)
class Match:
    operation: Operation | None
    path_params: dict[str, str]
    problem: str | None = None  # why no operation matched


@dataclass(frozen=True)
class _Route:
    template: str
    names: tuple[str, ...]
    first: int  # the regex group of its first parameter
    by_method: dict[str, Operation]  # upper-case method → operation


class Operations:
    """The operations of one API's contract, in the contract's order, and the matcher over their paths."""

    def __init__(self, api: str):
        self.api = api
        self.document = load(api)
        self.base = self.document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")
        paths: dict[str, Any] = self.document.get("paths", {})
        self.all: list[Operation] = [
            Operation(api, method.upper(), template, self.base + template, item[method])
            for template, item in paths.items() for method in HTTP_METHODS if method in item]
        by_template: dict[str, dict[str, Operation]] = {}
        for op in self.all:
            by_template.setdefault(op.template, {})[op.method] = op
        self.prefix = api_prefix([self.base + template for template in paths])
        # One table per first segment after the prefix ("sites" in /api/sites/{id}/): a request tries only the
        # templates that begin with its segment or with a parameter (fewest parameters first, as the whole table).
        order = sorted(paths, key=lambda t: len(PARAM.findall(t)))  # stable: the contract's order next
        segments = {t: self._segment(self.base + t) for t in order}
        wild = {t for t, segment in segments.items() if segment is None or "{" in segment}
        self._all = _Table(self.base, order, by_template)
        self._wild = _Table(self.base, [t for t in order if t in wild], by_template)
        self._buckets = {key: _Table(self.base, [t for t in order if t in wild or segments[t] == key], by_template)
                         for key in {segments[t] for t in order if t not in wild}}

    def _segment(self, path: str) -> str | None:
        """The first segment after the API prefix, or None when ``path`` is not under it."""
        if not path.startswith(self.prefix + "/"):
            return None
        return path[len(self.prefix) + 1:].partition("/")[0]

    def _route(self, path: str) -> tuple[_Route, re.Match[str]] | None:
        segment = self._segment(path)
        table = self._all if segment is None else self._buckets.get(segment, self._wild)
        return table.route(path)

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation ``method path`` is, or None (no such path, or the method is not documented for it)."""
        routed = self._route(path)
        return routed[0].by_method.get(method.upper()) if routed is not None else None

    def match(self, method: str, path: str) -> Match:
        """The operation with its path parameters, or why there is none."""
        routed = self._route(path)
        if routed is None:
            return Match(None, {}, f"{path} matches no path of the {self.api} contract")
        route, found = routed
        params = {name: found.group(route.first + i) for i, name in enumerate(route.names)}
        op = route.by_method.get(method.upper())
        if op is None:
            documented = [m.upper() for m in HTTP_METHODS if m in self.document["paths"][route.template]]
            return Match(None, params, f"{method} is not documented for {self.base + route.template} "
                                       f"(documented: {', '.join(documented)})")
        return Match(op, params)


class _Table:
    """Templates as one compiled alternation, each in a group of its own; the group wrapping a template closes
    after its parameters' groups, so ``lastindex`` names the template that matched."""

    def __init__(self, base: str, templates: list[str], by_template: dict[str, dict[str, Operation]]):
        self.routes: dict[int, _Route] = {}
        alternatives, group = [], 1
        for template in templates:
            names = tuple(PARAM.findall(template))
            # split() alternates literal text and parameter names: "/sites/{id}/" → ["/sites/", "id", "/"]
            pattern = "".join("([^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(PARAM.split(template)))
            alternatives.append(f"({pattern})")
            self.routes[group] = _Route(template, names, group + 1, by_template.get(template, {}))
            group += 1 + len(names)
        self.regex = re.compile(re.escape(base) + "(?:" + "|".join(alternatives) + ")") if alternatives else None

    def route(self, path: str) -> tuple[_Route, re.Match[str]] | None:
        found = self.regex.fullmatch(path) if self.regex is not None else None
        if found is None or found.lastindex is None:
            return None
        return self.routes[found.lastindex], found


def api_prefix(paths: list[str]) -> str:
    """The path every operation of an API lives under (``/rundb/api/v1``, ``/api``), without the trailing slash."""
    common = os.path.commonprefix(paths)
    return common[: common.rfind("/")] if "/" in common else ""
