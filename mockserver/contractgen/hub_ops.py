"""Pieces of a Hub operation: parameters, error responses, success bodies, names. Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import re

from .hub_parse import Field, Operation
from .hub_spec import (
    ARRAY_ITEM_TYPES,
    DEFAULT_LOOKUP_PATTERN,
    LOOKUP_PATTERNS,
    PAGE_SCHEMA,
    QUERY_TYPES,
    STATUS,
    Body,
    envelope,
)

PAGINATION = ("page", "page_size")
PATH_PARAM = re.compile(r"\{(\w+)\}")
ACTION_VERBS = {"GET": "", "POST": "Request", "PATCH": "UpdateRequest"}

ERROR = {
    "type": "object",
    "description": "DRF error: a message, with a code and token messages on authentication errors.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "messages": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "DRF validation errors by field (non_field_errors for the object): lists of messages, "
                   "objects for nested fields, lists of objects for arrays of objects.",
    "minProperties": 1,
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
}
ERROR_RESPONSES = {
    "BadRequest": ("Validation failed, or the body is not valid JSON.", "ValidationError", {}),
    "Unauthorized": ("Missing or invalid credentials.", "Error", {
        "WWW-Authenticate": {"schema": {"type": "string", "example": 'Bearer realm="api"'}}}),
    "Forbidden": ("Not allowed for this user, or the object may not be changed.", "Error", {}),
    "NotFound": ("No object matches the lookup, or the page does not exist.", "Error", {}),
    "NotFoundOrNoRoute": ("No object matches the lookup (JSON), or the path matches no route, as a lookup the "
                          "router's pattern refuses does (Django's HTML \"Not Found\" page).", "Error", {}),
    "MethodNotAllowed": ("The route does not serve this method (PUT anywhere).", "Error", {
        "Allow": {"schema": {"type": "string", "example": "GET, POST, HEAD, OPTIONS"}}}),
    "NotAcceptable": ("The Accept header allows no JSON.", "Error", {}),
    "PayloadTooLarge": ("The body is over the size limit.", "Error", {}),
    "UnsupportedMediaType": ("The body is not application/json.", "Error", {}),
}

# A path parameter the route's pattern refuses (H3: "0.5" for [^/.]+) leaves the URL unrouted: Django answers its
# HTML 404 page, not DRF's JSON.
HTML_TOO = frozenset({"NotFoundOrNoRoute"})


def error_components() -> tuple[dict, dict]:
    """(schemas, responses) shared by every operation."""
    schemas = {"Error": ERROR, "FieldErrors": FIELD_ERRORS,
               "ValidationError": {"anyOf": [{"$ref": "#/components/schemas/Error"},
                                             {"$ref": "#/components/schemas/FieldErrors"}]}}
    responses = {}
    for name, (description, schema, headers) in ERROR_RESPONSES.items():
        content: dict = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        if name in HTML_TOO:
            content["text/html"] = {"schema": {"type": "string"}}
        response = {"description": description, "content": content}
        if headers:
            response["headers"] = headers
        responses[name] = response
    return schemas, responses


def _scalar(f: Field) -> dict:
    if f.type == "array":
        return {"type": "array", "items": {"type": ARRAY_ITEM_TYPES.get(f.name, "string")}}
    return {"type": f.type} if f.type else {"type": "string"}


def parameters(op: Operation) -> list[dict]:
    """Path parameters (in path order, H3 patterns) then query parameters as documented."""
    documented = {f.name: f for f in op.params}
    result = []
    for name in PATH_PARAM.findall(op.path):
        f = documented[name]
        schema = _scalar(f)
        if schema["type"] == "string":
            schema["pattern"] = f"^{LOOKUP_PATTERNS.get(name, DEFAULT_LOOKUP_PATTERN)}$"
        param = {"name": name, "in": "path", "required": True, "schema": schema}
        if f.description:
            param["description"] = f.description
        result.append(param)
    for f in op.query:
        param = {"name": f.name, "in": "query", "required": False,
                 "schema": dict(PAGE_SCHEMA) if f.name == "page" else _scalar(f)}
        if (op.method, op.path, f.name) in QUERY_TYPES:
            param["schema"].update(QUERY_TYPES[(op.method, op.path, f.name)][1])
        if f.type == "array":
            param.update(style="form", explode=True)
        if f.description:
            param["description"] = f.description
        result.append(param)
    return result


def success_status(op: Operation, is_create: bool) -> int:
    key = (op.method, op.path)
    if key in STATUS:
        return STATUS[key]
    if 202 in op.statuses:
        return 202
    if op.method == "DELETE":
        return 204
    if op.method == "POST" and is_create:
        return 201
    return 200


def body_schema(body: Body, item_ref: dict) -> dict:
    array = {"type": "array", "items": item_ref}
    if body.shape == "env":
        # H33: page_size=0 answers the bare array (no envelope, no stats).
        return {"oneOf": [envelope(array, body.extra), array]}
    if body.shape == "arr":
        return {"anyOf": [array, body.alternative]} if body.alternative else array
    return item_ref


def _pascal(words: list[str]) -> str:
    return "".join(part.capitalize() for word in words for part in re.split(r"[_\-]", word))


def action_words(path: str, key: str) -> list[str]:
    """The fixed segments of a path after its resource key: /sites/{id}/settings/refresh/ → settings, refresh."""
    rest = path[len(key) + 2:]
    return [segment for segment in rest.split("/") if segment and not PATH_PARAM.fullmatch(segment)]


def schema_names(op: Operation, base: str, words: list[str], shape: str | None) -> tuple[str, str]:
    """(request schema name, response item schema name) of an operation."""
    if not words:
        if op.method == "GET":
            detail = bool(PATH_PARAM.search(op.path.rstrip("/").rsplit("/", 1)[-1]))
            return "", base if detail or shape == "obj" else f"{base}ListItem"
        if op.method == "POST":
            return f"{base}Create", f"{base}CreateResponse"
        return f"{base}Update", f"{base}UpdateResponse"
    action = base + _pascal(words)
    if op.method == "GET":
        return "", action if shape == "obj" else f"{action}Item"
    suffix = ACTION_VERBS.get(op.method, "")
    return f"{action}{suffix}", action + suffix.replace("Request", "Response")


def operation_id(op: Operation, shape: str | None) -> str:
    words = [segment for segment in op.path.split("/") if segment and not PATH_PARAM.fullmatch(segment)]
    stem = "_".join(word.replace("-", "_") for word in words)
    ends_with_lookup = bool(PATH_PARAM.fullmatch(op.path.rstrip("/").rsplit("/", 1)[-1]))
    if op.method == "GET":
        verb = "retrieve" if ends_with_lookup or shape == "obj" else "list"
    else:
        verb = {"POST": "create", "PATCH": "partial_update", "DELETE": "destroy", "PUT": "update"}[op.method]
    return f"{stem}_{verb}"
