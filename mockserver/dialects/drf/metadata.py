"""OPTIONS: DRF's SimpleMetadata for a route (H30)."""
from __future__ import annotations

from typing import Any

from .permissions import is_staff, staff_only
from .spec import Route
from .world import World

TYPES = {"string": "string", "integer": "integer", "number": "float", "boolean": "boolean"}


def options_body(world: World, route: Route, user: dict[str, Any] | None) -> dict[str, Any]:
    resource = world.spec.resources.get(route.resource or "", {})
    model = resource.get("model") or (route.resource or "").replace("_", " ").replace("/", " ").title()
    suffix = "List" if route.kind == "list" else "Instance"
    first = route.operations.get("GET") or next(iter(route.operations.values()))
    body: dict[str, Any] = {"name": f"{model} {suffix}", "description": first.description,
                            "renders": ["application/json"], "parses": ["application/json"]}
    post = route.operations.get("POST")
    if post is not None and post.request is not None and (is_staff(user) or not staff_only(world.spec, route)):
        body["actions"] = {"POST": fields_info(world, post.request)}
    return body


def fields_info(world: World, schema: dict[str, Any]) -> dict[str, Any]:
    schema = world.spec.resolve(schema)
    required = set(schema.get("required", []))
    return {name: field_info(world, sub, name, name in required) for name, sub in schema.get("properties", {}).items()}


def field_info(world: World, schema: dict[str, Any], name: str, required: bool) -> dict[str, Any]:
    schema = world.spec.resolve(schema)
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        label = "nested object"
    elif kind == "array":
        label = "list"
    else:
        label = TYPES.get(kind or "", "json")
    info: dict[str, Any] = {"type": label, "required": required, "read_only": bool(schema.get("readOnly")),
                            "label": name.replace("_", " ").capitalize() if name else ""}
    if name and name[:1].islower():
        info["label"] = name[:1].upper() + name[1:].replace("_", " ")
    if schema.get("description"):
        info["help_text"] = schema["description"]
    if label == "nested object":
        info["children"] = fields_info(world, schema)
    elif label == "list":
        info["child"] = field_info(world, schema.get("items", {}), "", False)
    return info
