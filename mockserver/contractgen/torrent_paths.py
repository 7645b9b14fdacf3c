"""Torrent operations: paths, parameters, responses, the shared components and the ``x-resources`` entries.

Every resource gets the same tastypie routes: the list ``<r>/`` and the detail ``<r>/{id}/`` (each with the
page's allowed methods only), ``<r>/set/{ids}/`` and ``<r>/schema/``; the API root lists every resource.
Parameters, error responses, the Location header and the security schemes are components the operations
refer to. The shape of an ``x-resources`` entry is described in :mod:`.torrent`.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from typing import Any

from .secrets import SECRET
from .torrent_filters import filters, param_schema
from .torrent_parse import Reference
from .torrent_schema import schema_name, tastypie_schema
from .torrent_spec import API_ROOT, NO_DEFAULT, ResourceFacts

# The callback names the dialect accepts (T30): tastypie's validate_jsonp for ASCII names, identifiers (not an
# ES3 reserved word), each with `[n]` indexes, joined by dots. (Its `\\uXXXX` escapes are left out of the
# pattern.) The end is "not followed by any character": "$" would let a final newline through.
_RESERVED = ("abstract|boolean|break|byte|case|catch|char|class|const|continue|debugger|default|delete|do|double|"
             "else|enum|export|extends|false|final|finally|float|for|function|goto|if|implements|import|in|"
             "instanceof|int|interface|long|native|new|null|package|private|protected|public|return|short|static|"
             "super|switch|synchronized|this|throw|throws|transient|true|try|typeof|var|void|volatile|while|with")
# A reserved word is refused only as a whole identifier: followed by an index, a dot or the end.
_PART = rf"(?!(?:{_RESERVED})(?![^.\[]))[A-Za-z_$][A-Za-z0-9_$]*(?:\[[0-9]+\])*"
CALLBACK_PATTERN = rf"^{_PART}(?:\.{_PART})*(?![\s\S])"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict, example: Any = NO_DEFAULT) -> dict:
    media = {"schema": schema}
    if example is not NO_DEFAULT:
        media["example"] = example
    return {"application/json": media}


def _errors(*statuses: int) -> dict:
    names = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 413: "PayloadTooLarge",
             415: "UnsupportedMediaType"}
    return {str(status): _ref("responses", names[status]) for status in statuses}


def _query(name: str, schema: dict, description: str) -> dict:
    param = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if schema.get("type") in ("array", "object"):
        param.update(style="form", explode=True)
    return param


def _filter_params(ref: Reference, facts: ResourceFacts, schemas: dict[str, dict]) -> list[dict]:
    """One param per filter of the contract's ``x-resources`` entry, typed as the dialect reads it (T23-T26);
    params naming no field are ignored by the server."""
    fields = {row.name: row for row in ref.rows}
    params = []
    for name, spec in filters(ref, facts, schemas).items():
        schema = param_schema(spec["lookup"], spec["type"])
        if name in facts.extra_filters:
            meaning = facts.extra_filters[name]
        elif spec["lookup"] == "exact" and "__" not in name:
            meaning = f"Filter on {name} ({fields[name].type}); `None` means null."
        else:
            meaning = f"`{spec['lookup']}` lookup on {spec['field']}."
        params.append(_query(name, schema, meaning))
    return params


def _order_param(ref: Reference, facts: ResourceFacts) -> list[dict]:
    if facts.ordering is None:
        return []
    fields = {row.name for row in ref.rows}
    keys = [key for key in facts.ordering if key in fields]
    values = [v for key in keys for v in (key, f"-{key}")]
    return [_query("order_by", {"type": "array", "items": {"type": "string", "enum": values}},
                   "Sort keys; `-` for descending; repeat for several keys (T27).")]


def resource_paths(ref: Reference, facts: ResourceFacts, schemas: dict[str, dict]) -> dict[str, dict]:
    r = ref.resource
    name = schema_name(r)
    tags = [r]
    auth = [_ref("parameters", "username")]
    fmt = [_ref("parameters", "format"), _ref("parameters", "callback")]
    paging = [_ref("parameters", "limit"), _ref("parameters", "offset")] + fmt
    filters = _filter_params(ref, facts, schemas)
    listing = {
        "type": "object",
        "required": ["meta", "objects"],
        "properties": {
            "meta": _ref("schemas", "ListMeta"),
            "objects": {"type": "array", "items": _ref("schemas", name)},
        },
    }
    example_body = {"meta": ref.example_meta, "objects": [ref.example]}
    id_param = [_ref("parameters", "id")]
    created = {"description": "Created; empty body.", "headers": {"Location": _ref("headers", "Location")}}
    methods = set(ref.allowed_methods)

    list_ops = {
        "get": {
            "operationId": f"{r}_list", "summary": f"List {r} objects", "tags": tags,
            "parameters": auth + paging + _order_param(ref, facts) + filters,
            "responses": {
                "200": {"description": "One page of objects.", "content": {
                    **_json(listing, example_body), "text/javascript": _jsonp()}},
                **_errors(400, 401),
            },
        },
        "post": {
            "operationId": f"{r}_create", "summary": f"Create a {r} object", "tags": tags, "parameters": auth,
            "requestBody": {"required": True, "content": _json(_ref("schemas", f"{name}Write"))},
            "responses": {"201": created, **_errors(400, 401, 413, 415)},
        },
        "put": {
            "operationId": f"{r}_replace_list", "summary": f"Replace the (filtered) {r} objects", "tags": tags,
            "parameters": auth + filters,
            "requestBody": {"required": True, "content": _json({
                "type": "object", "required": ["objects"],
                "properties": {"objects": {"type": "array", "items": _ref("schemas", f"{name}Write")}},
            })},
            "responses": {"204": {"description": "Replaced; empty body."}, **_errors(400, 401, 413, 415)},
        },
        "patch": {
            "operationId": f"{r}_bulk_update", "summary": f"Create, update and delete {r} objects", "tags": tags,
            "parameters": auth,
            "requestBody": {"required": True, "content": _json({
                "type": "object", "required": ["objects"],
                "properties": {
                    # With a resource_uri an object updates what it names (partially); without, it is a create
                    # and takes the create's required fields (T48, T55).
                    "objects": {"type": "array", "items": {"anyOf": [
                        {"allOf": [_ref("schemas", f"{name}Update"), {
                            "type": "object", "required": ["resource_uri"],
                            "properties": {"resource_uri": {"type": "string"}}}]},
                        _ref("schemas", f"{name}Write"),
                    ]}},
                    "deleted_objects": {"type": "array", "items": {"type": "string"}},
                },
            })},
            "responses": {"202": {"description": "Accepted; empty body."}, **_errors(400, 401, 404, 413, 415)},
        },
        "delete": {
            "operationId": f"{r}_delete_list", "summary": f"Delete the (filtered) {r} objects", "tags": tags,
            "parameters": auth + filters,
            "responses": {"204": {"description": "Deleted; empty body."}, **_errors(400, 401)},
        },
    }
    detail_ops = {
        "get": {
            "operationId": f"{r}_retrieve", "summary": f"Get one {r} object", "tags": tags,
            "parameters": auth + id_param + fmt,
            "responses": {"200": {"description": "The object.", "content": {
                **_json(_ref("schemas", name)), "text/javascript": _jsonp()}},
                **_errors(400, 401, 404)},
        },
        "put": {
            "operationId": f"{r}_update", "summary": f"Update a {r} object (partially), or create it with this id",
            "tags": tags, "parameters": auth + id_param,
            "requestBody": {"required": True, "content": _json(_ref("schemas", f"{name}Update"))},
            "responses": {"201": created, "204": {"description": "Updated; empty body."},
                          **_errors(400, 401, 404, 413, 415)},
        },
        "patch": {
            "operationId": f"{r}_partial_update", "summary": f"Update fields of a {r} object", "tags": tags,
            "parameters": auth + id_param,
            "requestBody": {"required": True, "content": _json(_ref("schemas", f"{name}Update"))},
            "responses": {"202": {"description": "Accepted; empty body."}, **_errors(400, 401, 404, 413, 415)},
        },
        "delete": {
            "operationId": f"{r}_destroy", "summary": f"Delete a {r} object", "tags": tags,
            "parameters": auth + id_param,
            "responses": {"204": {"description": "Deleted; empty body."}, **_errors(401, 404)},
        },
    }
    set_op = {"get": {
        "operationId": f"{r}_set", "summary": f"Get several {r} objects by id", "tags": tags,
        "parameters": auth + fmt + [{
            "name": "ids", "in": "path", "required": True, "schema": {"type": "string"},
            "description": "Ids separated by `;`, e.g. `23;24`; a non-numeric id answers 404.",
        }],
        "responses": {"200": {"description": "The objects found, in the order asked.", "content": {
            **_json({"type": "object", "required": ["objects"], "properties": {
                "objects": {"type": "array", "items": _ref("schemas", name)},
                "not_found": {"type": "array", "items": {"type": "string"}},
            }}), "text/javascript": _jsonp()}},
            **_errors(400, 401, 404)},
    }}
    schema_op = {"get": {
        "operationId": f"{r}_schema", "summary": f"The tastypie schema of {r}", "tags": tags,
        "parameters": auth + fmt,
        "responses": {"200": {"description": "Fields, filtering and ordering as the server declares them.",
                              "content": {**_json(_ref("schemas", "TastypieSchema"), tastypie_schema(ref, facts)),
                                          "text/javascript": _jsonp()}},
                      **_errors(400, 401)},
    }}
    return {
        f"{API_ROOT}{r}/": {m: op for m, op in list_ops.items() if m in methods},
        f"{API_ROOT}{r}/{{id}}/": {m: op for m, op in detail_ops.items() if m in methods},
        f"{API_ROOT}{r}/set/{{ids}}/": set_op,
        f"{API_ROOT}{r}/schema/": schema_op,
    }


# The top level answers every method alike (T2): each is documented, so no method is "undeclared" there.
ROOT_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def top_level(resources: list[str]) -> dict:
    example = {
        r: {"list_endpoint": f"{API_ROOT}{r}/", "schema": f"{API_ROOT}{r}/schema/"} for r in sorted(resources)
    }
    listing = {**_json({"type": "object", "additionalProperties": {
        "type": "object", "required": ["list_endpoint", "schema"],
        "properties": {"list_endpoint": {"type": "string"}, "schema": {"type": "string"}},
    }}, example), "text/javascript": _jsonp()}
    refused: dict[str, Any] = {"400": {"description": "Invalid JSONP callback or Accept header; empty body (T2)."}}
    ops: dict[str, Any] = {}
    for method in ROOT_METHODS:
        ops[method] = {
            "operationId": "api_root" if method == "get" else f"api_root_{method}",
            "summary": "The resources this API serves" + ("" if method == "get" else " (any method: T2)"),
            "tags": ["api"], "security": [],
            "parameters": [_ref("parameters", "format"), _ref("parameters", "callback")],
            "responses": {"200": {"description": "Every resource's list and schema endpoints"
                                                 + (" (headers only)." if method == "head" else "."),
                                  **({} if method == "head" else {"content": listing})},
                          **refused},
        }
    return ops


def _jsonp() -> dict:
    return {"schema": {"type": "string", "description": "`<callback>(<json>)` (T30)."}}


def components() -> dict:
    empty_html = {"text/html": {"schema": {"type": "string", "maxLength": 0}}}
    return {
        "parameters": {
            "limit": _query("limit", {"type": "integer", "minimum": 0, "default": 20},
                            "Page size; 0 or more than 1000 means 1000 (T17)."),
            "offset": _query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Index of the first object."),
            "format": _query("format", {"type": "string"},
                             "`json` or `jsonp`; other values are ignored (T29)."),
            "callback": _query("callback", {"type": "string", "pattern": CALLBACK_PATTERN},
                               "JSONP callback name (a JavaScript identifier, dotted and indexed parts allowed, no "
                               "reserved word); any callback selects JSONP unless format=json; another name is a "
                               "400 (T29, T30)."),
            "username": _query("username", {"type": "string"},
                               "User name for ApiKey authentication in the query, with `api_key`."),
            "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"},
                   "description": "Object id; a non-numeric id answers 404."},
        },
        "headers": {
            "Location": {"description": "Absolute URL of the object.", "schema": {"type": "string"}},
        },
        "responses": {
            "BadRequest": {"description": "Invalid query, body or field value.", "content": {
                **_json(_ref("schemas", "Error")), "text/javascript": _jsonp()}},
            "Unauthorized": {
                "description": "Not authenticated (with WWW-Authenticate), or not permitted (without); empty body.",
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                                 "description": 'Basic Realm="Torrent Browser" (Torrent Suite 5.10; '
                                                                '"Torrent Suite" from 5.12: x-versions)'}},
                "content": empty_html,
            },
            "NotFound": {"description": "Empty body for a missing numeric id; a canned JSON error for a "
                                        "non-numeric one.",
                         "content": {**_json(_ref("schemas", "CannedError")), **empty_html}},
            "PayloadTooLarge": {"description": "Request body over the configured limit.",
                                "content": _json(_ref("schemas", "Error"))},
            "UnsupportedMediaType": {"description": "Request body that is not JSON.",
                                     "content": _json(_ref("schemas", "Error"))},
        },
        "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic", SECRET: True},
            "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "Authorization",
                             "description": "ApiKey user:key", SECRET: True},
            "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key",
                            "description": "Together with the `username` query parameter.", SECRET: True},
        },
    }


def x_resource(ref: Reference, facts: ResourceFacts, schemas: dict[str, dict]) -> dict:
    r = ref.resource
    name = schema_name(r)
    product = {}  # Torrent Suite's own rules, read by mockserver.torrent
    if facts.state_times:
        product["state_times"] = facts.state_times
    if facts.file_sets:
        product["file_sets"] = facts.file_sets
    return {
        "schema": name,
        "write_schema": f"{name}Write",
        "update_schema": f"{name}Update",
        "list_path": f"{API_ROOT}{r}/",
        "detail_path": f"{API_ROOT}{r}/{{id}}/",
        "set_path": f"{API_ROOT}{r}/set/{{ids}}/",
        "schema_path": f"{API_ROOT}{r}/schema/",
        "model_name": facts.model_name,
        "list_allowed_methods": ref.allowed_methods,
        # tastypie allows POST on a detail only to answer 501; the mock never answers 5xx (T73), so the detail
        # does not allow it: a 405 like any other method it does not answer (T36, T38).
        "detail_allowed_methods": [m for m in ref.allowed_methods if m != "post"],
        "table": f"torrent/{r}",
        "key": "id",
        "default_order": [["id", False]],
        "orderable": [key for key in facts.ordering or [] if key in {row.name for row in ref.rows}],
        "filters": filters(ref, facts, schemas),
        "example": ref.example,
        "example_meta": ref.example_meta,
        "total_count": ref.example_meta["total_count"],
        "schema_endpoint": tastypie_schema(ref, facts),
        **product,
    }
