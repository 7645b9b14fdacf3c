"""Who may do what, and on which object: staff-only writes (H25), the object a path names and the parent of a
nested route (H64, H66, H67, looked up before the body is read: H23), and OPTIONS metadata (H30).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import Any

from ...engine.fields import json_type
from ...errors import ApiError
from .call import Call
from .spec import SAFE_METHODS, Route, Spec
from .world import World

FORBIDDEN = {"detail": "You do not have permission to perform this action."}


def is_staff(user: dict[str, Any] | None) -> bool:
    return bool(user and (user.get("is_staff") or user.get("is_superuser")))


def staff_only(spec: Spec, route: Route) -> bool:
    """A route's writes are staff-only when its action says so, or when its resource's writes are and no
    write on it is open to everyone (``users/change_password/``)."""
    resource = spec.resources.get(route.resource or "", {})
    actions = [a for a in resource.get("actions", []) if a["path"] == route.path]
    if any(a["staff_only"] for a in actions):
        return True
    open_writes = [a for a in actions if a["method"] not in SAFE_METHODS and not a["staff_only"]]
    return bool(resource.get("staff_writes")) and not open_writes


def check_permission(spec: Spec, route: Route, method: str, user: dict[str, Any] | None) -> None:
    if method in SAFE_METHODS or user is None or is_staff(user):
        return
    if staff_only(spec, route):
        raise ApiError(403, FORBIDDEN)


NOT_FOUND = {"detail": "Not found."}


def as_id(raw: str) -> int:
    """A numeric lookup value; anything else is DRF's bare 404."""
    try:
        return int(raw)
    except ValueError:
        raise ApiError(404, NOT_FOUND) from None


def no_match(model: str | None) -> ApiError:
    return ApiError(404, {"detail": f"No {model} matches the given query."})


def lookup(call: Call, own: bool) -> None:
    """Set ``call.parent`` and ``call.obj``; 404 as DRF and drf-extensions answer. ``own``: the dialect holds
    the resource's rows (else the domain handler looks its objects up itself)."""
    spec = call.resource_spec
    parent = spec.get("parent")
    if parent and parent["param"] in call.path_params:
        parent_spec = call.world.spec.resources[parent["resource"]]
        call.parent = call.world.get(parent["resource"], as_id(call.path_params[parent["param"]]))
        if call.parent is None and call.route.kind == "list" and call.op.method == "POST":
            raise no_match(parent_spec.get("model"))
    param = call.route.lookup_param
    if param is None or call.route.kind == "list":
        return
    raw = call.path_params[param]
    field = spec.get("key") or "id"
    if call.resource in call.world.product.simulated and not own:
        if field == "id":
            as_id(raw)
        return
    resource = call.resource or ""
    row = call.world.get(resource, as_id(raw)) if field == "id" else call.world.find(resource, field, raw)
    if row is not None and call.parent is not None and row.get(call.world.parent_field(resource)) != call.parent["id"]:
        row = None
    if row is not None and parent and call.parent is None:
        row = None
    if row is None or not call.hooks.visible(call, row):
        raise no_match(spec.get("model"))
    call.obj = row


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
        body["actions"] = {"POST": serializer_fields(world, post.request, post.response)}
    return body


def serializer_fields(world: World, request: dict[str, Any], answer: dict[str, Any] | None) -> dict[str, Any]:
    """DRF describes every field of the serializer, read-only ones included. The request schema holds the writable
    ones (a read-only field a client sends is ignored, so the contract leaves it out of what a client may send);
    the read-only ones, in the answer's order, come from the create's answer."""
    writable = fields_info(world, request)
    answer = world.spec.resolve(answer) if answer else {}
    described: dict[str, Any] = {}
    for name, sub in answer.get("properties", {}).items():
        if name in writable:
            described[name] = writable[name]
        elif world.spec.resolve(sub).get("readOnly"):
            described[name] = field_info(world, sub, name, False)
    return {**described, **{name: info for name, info in writable.items() if name not in described}}


def fields_info(world: World, schema: dict[str, Any]) -> dict[str, Any]:
    schema = world.spec.resolve(schema)
    required = set(schema.get("required", []))
    return {name: field_info(world, sub, name, name in required) for name, sub in schema.get("properties", {}).items()}


def field_info(world: World, schema: dict[str, Any], name: str, required: bool) -> dict[str, Any]:
    schema = world.spec.resolve(schema)
    kind = json_type(schema)  # a field taking DRF's lenient forms too (anyOf) is described by its own type
    if kind == "object" and "properties" in schema:
        label = "nested object"
    elif kind == "array":
        label = "list"
    else:
        label = TYPES.get(kind or "", "json")
    info: dict[str, Any] = {"type": label, "required": required, "read_only": bool(schema.get("readOnly"))}
    if name:  # Django's capfirst of the field name with spaces for underscores; a list's child has none
        info["label"] = name[:1].upper() + name[1:].replace("_", " ")
    if schema.get("description"):
        info["help_text"] = schema["description"]
    if label == "nested object":
        info["children"] = fields_info(world, schema)
    elif label == "list":
        info["child"] = field_info(world, schema.get("items", {}), "", False)
    return info
