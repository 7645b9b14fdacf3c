"""OpenAPI 3.0 schema objects → JSON Schema validators (for seed checks, records and tests)."""
from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from .contract import load, resolve


def to_json_schema(node: Any) -> Any:
    """Rewrite OpenAPI-only keywords: ``nullable`` becomes a union with null; ``$ref`` targets are kept."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: to_json_schema(v) for k, v in node.items() if k not in ("nullable", "example", "discriminator")}
    if node.get("nullable"):
        if "enum" in converted and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _components(api: str) -> dict[str, Any]:
    return to_json_schema(load(api).get("components", {}))


def validator(api: str, schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one schema of an API's contract; ``#/components/…`` references resolve in that contract."""
    document = {**to_json_schema(schema), "components": _components(api)}
    return Draft202012Validator(document)


def component_validator(api: str, name: str) -> Draft202012Validator:
    return validator(api, {"$ref": f"#/components/schemas/{name}"})


def response_schema(api: str, path: str, method: str, status: str = "200") -> dict[str, Any] | None:
    """The JSON response schema of one operation, or None when it documents no body."""
    document = load(api)
    operation = document["paths"][path][method.lower()]
    response = resolve(document, operation.get("responses", {}).get(status))
    if not response:
        return None
    content = response.get("content", {}).get("application/json")
    return content.get("schema") if content else None
