"""Which operation of the contract a request is: its method and concrete path against the contract's path templates.

A template's parameters match one path segment each; where two templates match (``/filemonitor/schema/`` and
``/filemonitor/{id}/``) the one with fewer parameters wins, as it does in the vendors' routers.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..contract import HTTP_METHODS, load, resolve

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


class Operations:
    def __init__(self, api: str):
        self.api = api
        self.document = load(api)
        self.base = self.document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")
        self._routes: list[tuple[re.Pattern, list[str], str]] = []
        for template in self.document.get("paths", {}):
            names = PARAM.findall(template)
            # split() alternates literal text and parameter names: "/sites/{id}/" → ["/sites/", "id", "/"]
            pattern = "".join("([^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(PARAM.split(template)))
            self._routes.append((re.compile(re.escape(self.base) + pattern + "$"), names, template))
        self._routes.sort(key=lambda route: len(route[1]))
        self.prefix = api_prefix([self.base + template for template in self.document.get("paths", {})])

    def match(self, method: str, path: str) -> Match:
        for regex, names, template in self._routes:
            found = regex.match(path)
            if found is None:
                continue
            params = dict(zip(names, found.groups()))
            spec = self.document["paths"][template].get(method.lower())
            if spec is None:
                documented = [m.upper() for m in HTTP_METHODS if m in self.document["paths"][template]]
                return Match(None, params, f"{method} is not documented for {self.base + template} "
                                           f"(documented: {', '.join(documented)})")
            return Match(Operation(self.api, method.upper(), template, self.base + template, spec), params)
        return Match(None, {}, f"{path} matches no path of the {self.api} contract")


def api_prefix(paths: list[str]) -> str:
    """The path every operation of an API lives under (``/rundb/api/v1``, ``/api``), without the trailing slash."""
    common = os.path.commonprefix(paths)
    return common[: common.rfind("/")] if "/" in common else ""
