"""The Ngenea Hub reference → an OpenAPI 3.0.3 contract (``build``).

The 155 documented operations are parsed from ``003_cbc2723944dd96d0.txt`` (hub_parse), their field lists
turned into schemas (hub_schema); the behaviour spec's decisions are small tables (hub_spec): the ten
headless share operations at their D18 paths, ``GET /jobs/{id}/`` (D2), statuses, response bodies the spec
defines (4.2), computed field types (4.3), lookups (D13), unique fields (4.5), references a delete leaves
null (H65), field rules (H51, H53, as schema keywords), create defaults (``default``: on the POST body, or on
the responses for fields that body lacks). 166 operations in all.

Top-level extension ``x-resources``, read by the mock's engine: one entry per resource, keyed by its path
under ``/api/`` without slashes at the ends (``sites``, ``auth/clientkeys``,
``schedules/{parent_lookup_schedule}/workflows``, ``shares/nfs``); every operation belongs to exactly one::

    {
      "model": "Site" | null,            # the name in 404 texts (H64); null when there is no model
      "list_path": "/sites/",            # relative to the server url /api
      "detail_path": "/sites/{id}/" | null,
      "key": "id" | "name" | "key" | "username" | null,   # the field a detail path names (D13)
      "lookup_pattern": "[^/.]+" | "[^/]+" | null,   # router regex of the lookup (H3), unanchored
      "parent": {"param": "parent_lookup_schedule", "resource": "schedules", "pattern": "[^/.]+"} | null,
      "table": "hub/sites",              # the store table of its rows (and, without "hub/", its seed file)
      "list_shape": "env" | "arr" | "obj" | null,    # the collection GET: envelope, bare array, one object
      "staff_writes": true,              # H25: non-GET requests need a staff user
      "schema": "Site" | null,           # components/schemas name of one item (detail representation)
      "list_schema": "SiteListItem" | null,          # of a collection GET item
      "write_schema": "SiteCreate" | null,           # POST body (else the PATCH body)
      "update_schema": "SiteUpdate" | null,          # PATCH body of the detail (or the singleton)
      "actions": [{"path": "/sites/{id}/refresh/", "method": "POST", "detail": true,
                   "operationId": "sites_refresh_create", "staff_only": true}, ...],
      "references": {                    # 4.4, from hub_relations: field path a client writes → its target
        "site": {"resource": "sites", "by": "name", "many": false},
        "spaces": {"resource": "spaces", "by": "name", "many": true, "reverse": "sites"},
        "space.name": {"resource": "spaces", "by": "name", "many": false, "stored": "space"},
        "queue": {"resource": "queues", "by": "name", "many": false, "scope": "site"}, ...
      },                                 # by: the target's field clients write; stored: the row field
                                         # holding the id(s) when not the path; reverse: the membership is
                                         # kept on the target rows, in that field; scope: a sibling field
                                         # whose row the target must belong to
      "cascade": [["nodes", "site"], ...],  # H65, H67: deleting a row deletes the [resource, field] rows
                                         # pointing at it; other references to it go null / leave lists
      "default_order": [["name", false], ["id", false]],  # H37, from hub_lists: [field, descending], id last
      "orderable": [],                   # fields an ordering param may name: none in the Hub
      "filters": {                       # H38, H82-H88, from hub_lists: every query param that filters rows
        "site_id": {"field": "sites", "lookup": "has", "type": "integer"},  # field: a dotted path reads the
        "search_keyword": {"field": "name,mountpoint", "lookup": "any_icontains", "type": "string"},  # referenced
        "state": {"field": "state", "lookup": "in", "type": "list-of-string", "choices": [...]},  # row's field
        "created_time_from": {"field": "created", "lookup": "gte", "type": "date-time", "unless": "created"}, ...
      }                                  # lookup and type: see mockserver.engine.query
    }

Every operation also carries ``x-resource`` (its resource key). Field rules are on the fields: a unique field
carries ``x-unique`` with DRF's message for a taken value (``"x-unique": "site with this name already exists."``),
a secret one ``x-secret: true``. A request schema whose fields name other
resources without being a resource's stored fields (``FileWorkflowRequest``) carries ``x-references``, in the
shape of ``references`` above (from hub_relations REQUEST_REFERENCES).
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import copy
from pathlib import Path

from . import Drift
from . import hub_ops as ops_
from . import hub_spec as spec
from .hub_examples import EXAMPLES
from .hub_parse import Operation, parse_reference
from .hub_query import retype
from .hub_relations import request_references
from .hub_request import prohibit_characters, wire, writable
from .hub_resources import Resource, group, mark_unique, rename, x_resources
from .hub_schema import REF, Registry, at, list_shape, object_schema, ref, rename_refs, replace_at
from .secrets import SECRET, mark_fields

SOURCE = "003_cbc2723944dd96d0.txt"
TOKEN_RESOURCE = "auth/token"
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")  # DRF's order (H28)


class Builder:
    """Turns the operations into OpenAPI operations and component schemas, noting drifts on the way."""

    def __init__(self, operations: list[Operation], drifts: list[Drift]) -> None:
        self.registry = Registry()
        self.drifts = drifts
        self.resources = group(operations)
        self.by_key = {(op.method, op.path): op for op in operations}
        self.op_resource = {(op.method, op.path): r for r in self.resources.values() for op in r.operations}
        self._computed_seen: set[tuple[str, str]] = set()
        self.references_seen: set[tuple[str, str]] = set()  # DELETED_REFERENCES found in some response
        self.rules_seen: set[tuple[str, str]] = set()  # FIELD_RULES found in some request
        self.defaults_seen: set[tuple[str, str]] = set()  # CREATE_DEFAULTS placed on some schema
        # Response drifts name component schemas, known only once identical ones have collapsed.
        self.pending: list[tuple[str, str, str, int, spec.Body, str]] = []

    # --- the Context of hub_spec: reference-derived schemas of any operation ---
    def ref(self, name: str) -> dict:
        if name not in self.registry.schemas:
            self.registry.add(name, spec.NAMED[name](self))
        return ref(name)

    def item(self, method: str, path: str, computed: bool = True) -> dict:
        op = self.by_key[(method, path)]
        resource = self.op_resource[(method, path)]
        _, fields = list_shape(op.response or [])
        optional = self._optional_on_create(resource)
        for f in fields:
            if f.required and f.name in optional:
                self._drift(f"{resource.key}.{f.name}", "(required) in responses, optional on create",
                            "nullable in responses (H8: unset values are null)")
        schema = object_schema(fields, "response", optional)
        schema = self._computed(schema, resource, op) if computed else schema
        self._field_rules(schema, resource, response=True)
        self._defaults(schema, resource, self._create_fields(resource))
        return self._deleted_references(schema, resource)

    def request(self, method: str, path: str) -> dict:
        """A request body as DRF reads it (hub_request): the fields required on create may be neither null nor
        blank, other scalars may be null, scalars take the forms DRF converts."""
        schema = self._request_fields(method, path)
        resource = self.op_resource[(method, path)]
        big = frozenset(field for key, field in spec.BIG_INTEGERS if key == resource.key)
        return wire(schema, self._strict(resource) | set(schema.get("required", ())), big)

    def as_drf_reads(self, schema: dict) -> dict:
        """A request body the spec defines, read as DRF reads one (hub_request): its required fields strict."""
        return wire(schema, set(schema.get("required", ())))

    def _strict(self, resource: Resource) -> set[str]:
        """The fields required by the resource's write body (its create, else its update), as the mock reads
        them."""
        for key in (("POST", resource.list_path), ("PATCH", resource.detail_path or ""), ("PATCH", resource.list_path)):
            op = self.by_key.get(key)
            if op is not None and op.request is not None and key not in spec.REQUESTS:
                return set(self._request_fields(*key).get("required", ()))
        return set()

    def _request_fields(self, method: str, path: str) -> dict:
        op = self.by_key[(method, path)]
        resource = self.op_resource[(method, path)]
        schema = object_schema(op.request or [], "update" if method == "PATCH" else "create")
        schema = self._computed(schema, resource, op)
        for (key, name), values in spec.ENUMS.items():
            if key == resource.key and name in schema["properties"]:
                schema["properties"][name].update(enum=values, nullable=None in values)
        names, why = spec.READ_ONLY.get((method, path), ([], ""))
        for name in names:
            schema["properties"][name]["readOnly"] = True
            self._drift(f"{method} {path} {name}", "a writable field", why)
        if (method, path) in spec.EXTRA_REQUIRED:
            schema["required"] = schema.get("required", []) + spec.EXTRA_REQUIRED[(method, path)]
            self._drift(f"{method} {path}", "values not marked required", "values required (H92, H93)")
        self._field_rules(schema, resource, response=False)
        if resource.is_create(op):
            self._defaults(schema, resource, frozenset())
        return schema

    def _field_rules(self, schema: dict, resource: Resource, response: bool) -> None:
        """H51, H53: the spec's field rules; a response carries only those every stored value satisfies."""
        for (key, path), (_, rule) in spec.FIELD_RULES.items():
            found = at(schema, path) if key == resource.key else None
            if found is None:
                continue
            if response:
                rule = {} if (key, path) in spec.INPUT_ONLY else {
                    k: v for k, v in rule.items() if k in spec.REPRESENTATION_KEYS}
            else:
                self.rules_seen.add((key, path))
            properties, name = found
            properties[name].update(copy.deepcopy(rule))

    def _defaults(self, schema: dict, resource: Resource, skip: frozenset[str]) -> None:
        """Documented create defaults: on the POST body, or on responses for fields that body lacks (``skip``:
        the POST body's fields)."""
        _, defaults = spec.CREATE_DEFAULTS.get(resource.key, ("", {}))
        for name, value in defaults.items():
            if name in skip or name not in schema["properties"]:
                continue
            if name in schema.get("required", ()) and not skip:
                raise ValueError(f"{resource.key}.{name}: a default for a field the create requires")
            schema["properties"][name]["default"] = copy.deepcopy(value)
            self.defaults_seen.add((resource.key, name))

    def _create_fields(self, resource: Resource) -> frozenset[str]:
        create = self.by_key.get(("POST", resource.list_path))
        if create is None or not resource.is_create(create):
            return frozenset()
        return frozenset(f.name.split(".")[0].removesuffix("[]") for f in create.request or [])

    def _optional_on_create(self, resource: Resource) -> frozenset[str]:
        """Top-level fields a client may leave unset or set null (H46): those its write body does not require
        (the create's, else the update's: a resource only updated requires nothing), and those mirroring them."""
        _, mirrored = spec.MIRRORED_NULLABLE.get(resource.key, ("", ()))
        for key in (("POST", resource.list_path), ("PATCH", resource.detail_path or ""), ("PATCH", resource.list_path)):
            op = self.by_key.get(key)
            if op is not None and op.request:
                extra = set(spec.EXTRA_REQUIRED.get(key, ()))
                return frozenset(f.name for f in op.request
                                 if "." not in f.name and not (f.required and key[0] == "POST")
                                 and f.name not in extra) | frozenset(mirrored)
        return frozenset(mirrored)

    def _computed(self, schema: dict, resource: Resource, op: Operation) -> dict:
        fields = {f.name.removeprefix("results[].").removeprefix("[]."): f for f in (op.response or [])}
        for (key, path), new in spec.COMPUTED.items():
            if key != resource.key:
                continue
            value = new(self) if callable(new) else new
            # 4.3 retypes fields the reference types as string; elsewhere (a write body) the field keeps its shape.
            if replace_at(schema, path, value, only_type="string") and (key, path) not in self._computed_seen:
                self._computed_seen.add((key, path))
                typed = fields[path].type if path in fields else "string"
                self._drift(f"{key}.{path}", f"typed {typed}", f"4.3: {_describe(value)}")
        return schema

    def _deleted_references(self, schema: dict, resource: Resource) -> dict:
        """H65: a reference whose target is deleted becomes null, whatever the reference marks (required)."""
        for (key, path), model in spec.DELETED_REFERENCES.items():
            found = at(schema, path) if key == resource.key else None
            if found is None:
                continue
            self.references_seen.add((key, path))
            properties, name = found
            if not properties[name].get("nullable"):
                properties[name]["nullable"] = True
                self._drift(f"{key}.{path}", "(required), non-null",
                            f"nullable (H65: null once its {model} is deleted)")
        return schema

    def _drift(self, where: str, says: str, chose: str) -> None:
        drift = Drift("hub", where, says, chose)
        if drift not in self.drifts:
            self.drifts.append(drift)

    # --- operations ---
    def success_body(self, op: Operation, resource: Resource) -> spec.Body | None:
        key = (op.method, op.path)
        override = spec.RESPONSES.get(key)
        if override is not None and override.body is not None:
            return override.body(self)
        if not op.response:
            return None
        shape, _ = list_shape(op.response)
        item = self.item(*key)
        if resource.is_write(op) and resource.detail_path:
            detail = self.item("GET", resource.detail_path)
            for name, value in detail["properties"].items():
                item["properties"].setdefault(name, value)  # H8: the full object; the operation's shape wins
            item["required"] = list(item["properties"])
        return spec.Body(shape, item)

    def operation(self, op: Operation) -> dict:
        resource = self.op_resource[(op.method, op.path)]
        override = spec.RESPONSES.get((op.method, op.path))
        status = override.status if override and override.status else ops_.success_status(op, resource.is_create(op))
        body = None if status == 204 else self.success_body(op, resource)
        if status != 204 and body is None:
            raise ValueError(f"no response body for {op.method} {op.path}")
        shape = body.shape if body else None
        request_name, item_name = ops_.schema_names(op, resource.base, ops_.action_words(op.path, resource.key), shape)
        if override is not None and override.name:
            item_name = override.name
        result: dict = {"operationId": ops_.operation_id(op, shape), "tags": [resource.key]}
        if op.description:
            result["description"] = op.description
        params = ops_.parameters(op)
        if params:
            result["parameters"] = params
        request = self._request_body(op, request_name)
        if request is not None:
            result["requestBody"] = request
        result["responses"] = self._success(op, status, body, item_name) if body else {
            "204": {"description": "Deleted; no body."}}
        for code, name in self._errors(op, resource, request is not None):
            result["responses"][code] = {"$ref": f"#/components/responses/{name}"}
        if resource.key == TOKEN_RESOURCE:
            result["security"] = []  # H10
        result["x-resource"] = resource.key
        return result

    def _request_body(self, op: Operation, name: str) -> dict | None:
        key = (op.method, op.path)
        if key in spec.REQUESTS:
            chose, make = spec.REQUESTS[key]
            schema = prohibit_characters(make(self))
            self._drift(f"{op.method} {op.path} request", "no request fields", chose)
        elif op.request is not None:
            schema = self.request(*key)
        else:
            return None
        schema = writable(schema)
        example = EXAMPLES.get((*key, "request"))
        content = {"schema": self.registry.add(name, schema)}
        if example is not None:
            content["example"] = example
        # A missing body reads as {} (H40): a body with required fields is required.
        return {"required": bool(schema.get("required")), "content": {"application/json": content}}

    def _success(self, op: Operation, status: int, body: spec.Body, item_name: str) -> dict:
        item_ref = self.registry.add(item_name, body.item)
        content = {"application/json": {"schema": ops_.body_schema(body, item_ref)}}
        example = EXAMPLES.get((op.method, op.path, "response"))
        if example is not None:
            content["application/json"]["example"] = example
        if body.csv:
            content["text/csv"] = {"schema": {"type": "string"}}
        response = {"description": _status_text(status), "content": content}
        if status == 201 and "url" in self._properties(body.item):
            response["headers"] = {"Location": {"description": "The new object's url.", "schema": {"type": "string"}}}
        override = spec.RESPONSES.get((op.method, op.path))
        if override is not None and override.reference_says:
            self.pending.append((f"{op.method} {op.path}", f"response: {override.reference_says}",
                                 override.rule, status, body, item_name))
        return {str(status): response}

    def _properties(self, schema: dict) -> dict:
        if "$ref" in schema:
            schema = self.registry.schemas[schema["$ref"].removeprefix(REF)]
        return schema.get("properties", {})

    def _errors(self, op: Operation, resource: Resource, has_body: bool) -> list[tuple[str, str]]:
        key = (op.method, op.path)
        filters = [f for f in op.query if f.name not in ops_.PAGINATION]
        errors = []
        if has_body or filters or key in spec.EXTRA_400:
            errors.append(("400", "BadRequest"))
        if key != ("GET", "/auth/token/publickey/"):
            errors.append(("401", "Unauthorized"))
        if resource.staff_only(op) or key in spec.EXTRA_403:
            errors.append(("403", "Forbidden"))
        if "{" in op.path:
            errors.append(("404", "NotFoundOrNoRoute"))
        elif any(f.name == "page" for f in op.query):
            errors.append(("404", "NotFound"))
        if has_body:
            errors += [("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType")]
        return errors


def _describe(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "anyOf" in schema:
        return " or ".join(_describe(s) for s in schema["anyOf"])
    kind = schema.get("type", "any JSON")
    if kind == "object" and 0 < len(schema.get("properties", {})) <= 8:
        kind = "{" + ", ".join(schema["properties"]) + "}"
    elif kind == "array":
        kind = f"array of {_describe(schema.get('items', {}))}"
    return kind + (" or null" if schema.get("nullable") else "")


def _shape_text(body: spec.Body, name: str, names: dict[str, str]) -> str:
    item = names.get(body.item["$ref"].removeprefix(REF) if "$ref" in body.item else name, name)
    text = {"env": f"paginated envelope of {item}", "arr": f"bare array of {item}", "obj": item}[body.shape]
    if body.extra:
        text += " plus " + ", ".join(body.extra)
    if body.alternative:
        text += f", or {_describe(body.alternative)}"
    return text


def _status_text(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted: a task per affected site."}[status]


def _assign_shares(operations: list[Operation], drifts: list[Drift]) -> list[Operation]:
    """D18: give the headless operations their inferred method and path."""
    headless = [op for op in operations if op.headless]
    expected = [(kind, verb) for kind in spec.SHARE_PATHS for verb in spec.SHARE_VERBS]
    if len(headless) != len(expected):
        raise ValueError(f"expected {len(expected)} headless operations, found {len(headless)}")
    for position, (op, (kind, verb)) in enumerate(zip(headless, expected), 1):
        text = " ".join([f.description for f in op.params] + [f.name for f in (op.request or op.response or [])])
        if not any(marker in text for marker in spec.SHARE_MARKERS[kind]) or _verb(op) != verb:
            raise ValueError(f"headless operation {position} is not the {kind} share {verb} of D18")
        base = spec.SHARE_PATHS[kind]
        op.method = {"list": "GET", "create": "POST", "retrieve": "GET", "update": "PATCH", "delete": "DELETE"}[verb]
        op.path = base if verb in ("list", "create") else base + "{id}/"
        drifts.append(Drift("hub", f"headless operation {position} (after GET /settingstasks/{{id}}/)",
                            f"{kind} share {verb} without method or path",
                            f"D18: {op.method} {op.path}"))
    return operations


def _verb(op: Operation) -> str:
    has_id = bool(op.params)
    if op.request is not None:
        return "update" if has_id else "create"
    if op.response is None:
        return "delete"
    return "retrieve" if has_id else "list"


def _operations(text: str, drifts: list[Drift]) -> list[Operation]:
    operations = _assign_shares(parse_reference(text), drifts)
    for method, path in spec.EXTRA_OPERATIONS:
        sibling = next(op for op in operations if op.path == path)
        operations.append(Operation(method, path, description=sibling.description, params=sibling.params,
                                    statuses={200: "OK"}))
    for op in operations:
        documented = set(ops_.PATH_PARAM.findall(op.path))
        for f in op.params:
            if f.name not in documented:
                drifts.append(Drift("hub", f"{op.method} {op.path} parameter {f.name}",
                                    "a path parameter not in the path", "left out"))
        op.params = [f for f in op.params if f.name in documented]
    for (method, path, name), (rule, schema) in spec.QUERY_TYPES.items():
        f = next(f for op in operations if (op.method, op.path) == (method, path) for f in op.query if f.name == name)
        if schema.get("type", f.type) != f.type:
            drifts.append(Drift("hub", f"{method} {path} parameter {name}", f"typed {f.type}",
                                f"{_describe(schema)} ({rule})"))
    page = next(f for op in operations for f in op.query if f.name == "page")
    drifts.append(Drift("hub", "query parameter page (every paginated list)", f"typed {page.type}",
                        'an integer or "last" (H35)'))
    size = next(f for op in operations for f in op.query if f.name == "page_size")
    drifts.append(Drift("hub", "query parameter page_size (every paginated list)", f"typed {size.type}",
                        "any text; not a number reads as 20 (H32)"))
    return operations


def build(source_dir: Path) -> tuple[dict, list[Drift]]:
    drifts: list[Drift] = []
    operations = _operations((Path(source_dir) / SOURCE).read_text(encoding="utf-8"), drifts)
    builder = Builder(operations, drifts)
    paths: dict[str, dict] = {}
    for op in sorted(operations, key=lambda o: (o.path, METHOD_ORDER.index(o.method))):
        paths.setdefault(op.path, {})[op.method.lower()] = builder.operation(op)
    resources = x_resources(builder.resources, paths)
    retype(paths, resources)  # after x_resources, which reads the filters' types from the documented ones
    unused = set(spec.FIELD_RULES) - builder.rules_seen
    unused |= {(key, name) for key, (_, d) in spec.CREATE_DEFAULTS.items() for name in d} - builder.defaults_seen
    if unused:  # a misspelt entry would silently change nothing
        raise ValueError(f"field rules or defaults on no schema: {sorted(unused)}")
    missing = set(spec.DELETED_REFERENCES) - builder.references_seen
    if missing:  # a misspelt entry would silently make nothing nullable
        raise ValueError(f"H65 references in no response schema: {sorted(missing)}")
    schemas_, responses = ops_.error_components()
    names = builder.registry.canonical({r.base for r in builder.resources.values()} | set(spec.NAMED))
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Ngenea Hub API",
            "version": SOURCE.removesuffix(".txt"),
            "description": INFO,
        },
        "servers": [{"url": "/api"}],
        "security": [{"jwt": []}, {"apiKey": []}],
        "tags": [{"name": key} for key in sorted(builder.resources)],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                        "description": "An access token from POST /auth/token/ (RS256).", SECRET: True},
                "apiKey": {"type": "apiKey", "in": "header", "name": "Authorization",
                           "description": "Api-Key <prefix>.<secret>", SECRET: True},
            },
            "schemas": {**schemas_, **{n: s for n, s in sorted(builder.registry.schemas.items()) if names[n] == n}},
            "responses": responses,
        },
        "x-resources": resources,
    }
    document = rename_refs(document, names)
    mark_fields(document, spec.SECRETS)
    for where, says, rule, status, body, item_name in builder.pending:
        drifts.append(Drift("hub", where, says, f"{rule}: {status} {_shape_text(body, item_name, names)}"))
    rename(document["x-resources"], names)
    mark_unique(document)
    request_references(document["components"]["schemas"], set(resources))
    return document, drifts


INFO = (
    "Contract of the Ngenea Hub REST API (Django REST framework) as served by the mock, generated from the "
    "vendor reference and the behaviour spec. Every path takes a trailing slash (a missing one answers 301). "
    "A method a path does not list (PUT anywhere) answers 405 (components/responses/MethodNotAllowed); an "
    "Accept header without JSON answers 406; an unknown URL answers Django's HTML 404 page."
)


