"""The only reader of the OpenAPI contracts shipped in ``mockserver/openapi/``.

Documents are parsed once per process and shared read-only; callers must not mutate them.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .errors import MockServerError

OPENAPI_DIR = Path(__file__).resolve().parent / "openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def load(api: str) -> dict[str, Any]:
    path = OPENAPI_DIR / f"{api}.json"
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return document
    except FileNotFoundError:
        raise MockServerError(f"no contract for API {api!r} at {path}; run python contracts/build.py") from None


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow ``$ref`` chains inside one document."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise MockServerError(f"external $ref {ref!r} is not supported")
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation as ``{"method", "path", "operation_id"}``, paths prefixed by the document's server URL."""
    base = document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")
    found = []
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                found.append({"method": method.upper(), "path": base + path,
                              "operation_id": item[method].get("operationId", "")})
    return found


def resources(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = document.get("x-resources", {})
    return entries
