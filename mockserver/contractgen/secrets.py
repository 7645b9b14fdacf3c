"""Secrets as contract facts: ``x-secret: true`` on every value that is a credential (a password, a token, a
key), so the journal and the proxy's recording mask it (:mod:`mockserver.masking`) from the contract alone.

Where the mark goes: on a security scheme (its header or query parameter carries a credential on every
request), on a parameter, or on a schema property (a body field, in requests and answers alike).
"""
from __future__ import annotations

from typing import Any

SECRET = "x-secret"


def mark_fields(document: dict[str, Any], fields: dict[str, frozenset[str]]) -> None:
    """Mark ``x-secret`` on every property named in ``fields[<resource key>]`` found in a schema that an
    operation of that resource (its ``x-resource``) takes or answers, nested objects included. A name found in
    no such schema is an error: a misspelt entry would silently leave a secret unmarked."""
    seen: set[tuple[str, str]] = set()
    for item in document["paths"].values():
        for operation in item.values():
            key = str(operation.get("x-resource") or "") if isinstance(operation, dict) else ""
            names = fields.get(key)
            if not names:
                continue
            for schema in _bodies(operation):
                for name in _mark(document, schema, names, set()):
                    seen.add((key, name))
    missing = {(key, name) for key, names in fields.items() for name in names} - seen
    if missing:
        raise ValueError(f"secret fields in no schema of their resource: {sorted(missing)}")


def _bodies(operation: dict[str, Any]) -> list[dict[str, Any]]:
    contents = [operation.get("requestBody", {}).get("content", {})]
    contents += [response.get("content", {}) for response in operation.get("responses", {}).values()]
    return [media["schema"] for content in contents for media in content.values() if "schema" in media]


def _mark(document: dict[str, Any], schema: Any, names: frozenset[str], visited: set[int]) -> set[str]:
    """Mark the properties named in ``names`` throughout ``schema``; → the names marked."""
    if isinstance(schema, dict) and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if not isinstance(schema, dict) or id(schema) in visited:
        return set()
    visited.add(id(schema))
    marked: set[str] = set()
    for name, prop in schema.get("properties", {}).items():
        if name in names:
            if "$ref" in prop:  # OpenAPI 3.0 ignores a $ref's siblings: the mark would be lost
                raise ValueError(f"secret field {name} is a $ref; give it a schema of its own")
            prop[SECRET] = True
            marked.add(name)
        else:
            marked |= _mark(document, prop, names, visited)
    for nested in [schema.get("items"), *schema.get("oneOf", []), *schema.get("anyOf", []),
                   *schema.get("allOf", [])]:
        marked |= _mark(document, nested, names, visited)
    return marked
