"""Ion Torrent Suite rundb API v1 (django-tastypie 0.11.1): vendor references → OpenAPI 3.0.3 contract.

``build(source_dir)`` reads every reference page in ``source_dir`` that documents a ``/rundb/api/v1/``
resource (fields table, example response, allowed methods) and returns ``(document, drifts)``.
The field tables are parsed, never copied; ``SPEC`` below holds only what the behaviour spec
(shared/reference/torrent-api.md) adds beyond the references.

The document carries a top-level ``x-resources`` extension that the mock's engine reads::

    x-resources:
      <resource URL name>:                    # filemonitor, compositedatamanagement, PluginResultJob, message
        schema: <name in components.schemas>  # the object as the server returns it
        write_schema: <name>                  # request body of a create (its `required` = required fields)
        update_schema: <name>                 # request body of PUT/PATCH on an existing object
        list_path: /rundb/api/v1/<r>/
        detail_path: /rundb/api/v1/<r>/{id}/
        set_path: /rundb/api/v1/<r>/set/{ids}/
        schema_path: /rundb/api/v1/<r>/schema/
        model_name: <Django model name, used for permissions>
        list_allowed_methods: [get, post, put, delete, patch]
        detail_allowed_methods: [get, post, put, delete, patch]
        filtering: {<key>: ALL_WITH_RELATIONS, ...}   # keys as the server declares them, non-fields included
        ordering: [<key>, ...] or null                # null: the resource has no ordering at all
        extra_filters: {<query param>: <meaning>}     # params outside `filtering` that still filter
        example: <the documented example object>
        example_meta: <the documented meta>
        total_count: <documented meta.total_count>
        schema_endpoint: <the exact body of GET <r>/schema/>
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import Drift

API = "torrent"
API_ROOT = "/rundb/api/v1/"
LOOKUP_LEVEL = "ALL_WITH_RELATIONS"  # tastypie's value 2: every filter key in these resources has it
ALL_METHODS = ["get", "post", "put", "delete", "patch"]
NO_DEFAULT = object()

# What the server writes for datetimes (T13): milliseconds in the microsecond slot, fraction dropped at 0.
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.000\d{3})?\+00:00$"
INTEGER_TEXT_PATTERN = r"^-?[0-9]+$"
FILE_SET_PREFIXES = ("sigproc", "basecall", "output", "misc")


@dataclass(frozen=True)
class Row:
    """One fields-table row, cells as printed (strings)."""

    name: str
    help_text: str
    default: str
    nullable: str
    readonly: str
    blank: str
    unique: str
    type: str

    def flag(self, column: str) -> bool:
        return getattr(self, column) == "true"

    def raw(self) -> dict[str, str]:
        return {
            "field": self.name, "help text": self.help_text, "default": self.default, "nullable": self.nullable,
            "readonly": self.readonly, "blank": self.blank, "unique": self.unique, "type": self.type,
        }


@dataclass(frozen=True)
class Reference:
    file: str
    title: str
    resource: str
    rows: list[Row]
    example_meta: dict
    example: dict
    allowed_methods: list[str]


# ---------------------------------------------------------------------------------------------------------------
# What the behaviour spec adds beyond the references (torrent-api.md section 4, T14, T55, T61, T63-T68).
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Representation:
    """A field whose returned value differs from its table type (or that the table lacks)."""

    schema: dict  # replaces the type part of the property schema
    write_schema: dict | None  # request-body type, None = not writable
    reference_says: str
    contract_chose: str
    default: Any = NO_DEFAULT  # as returned
    write_default: Any = NO_DEFAULT  # in request-body terms
    always_present: bool = True


@dataclass(frozen=True)
class ResourceFacts:
    model_name: str
    max_lengths: dict[str, int]
    filtering: list[str]
    ordering: list[str] | None
    server_set: dict[str, str] = field(default_factory=dict)  # field -> "create" | "write" (T14)
    required: list[str] = field(default_factory=list)  # T55, checked against the table rule
    extra_filters: dict[str, str] = field(default_factory=dict)
    write_ignored: dict[str, str] = field(default_factory=dict)  # writable in the table, value ignored
    representation: dict[str, Representation] = field(default_factory=dict)


def _integer_text(name: str, example: str) -> Representation:
    return Representation(
        schema={"type": "string", "pattern": INTEGER_TEXT_PATTERN},
        write_schema={"type": "integer"},
        reference_says=f'type string ("Unicode string data"), default {example}',
        contract_chose=f"a string holding an integer as returned (T63); writes of {name} must be integer-valued "
        "(JSON integer or digit string), the column being a 64-bit integer",
        default="0" if name == "progress" else NO_DEFAULT,
        write_default=0 if name == "progress" else NO_DEFAULT,
    )


def _keep_flag() -> Representation:
    return Representation(
        schema={"type": "boolean"},
        write_schema=None,
        reference_says="type string; the example returns a boolean",
        contract_chose="boolean or null, as returned (T66): null when the file set is missing or disposed",
    )


def _disk_space(prefix: str) -> Representation:
    return Representation(
        schema={"type": "number", "nullable": True, "readOnly": True,
                "description": f"Disk space of the {prefix} file set in MB (not in the reference's fields table)."},
        write_schema=None,
        reference_says="not in the fields table; the example returns it as a float",
        contract_chose="optional read-only number (MB) or null, present only when the file set exists (T66)",
        always_present=False,
    )


FILEMONITOR_KEYS = [
    "celery_task_id", "created", "id", "local_dir", "md5sum", "name", "progress", "referencegenome", "size",
    "status", "supportupload", "tags", "updated", "url",
]
COMPOSITE_KEYS = ["id", "resultsName", "timeStamp", "diskusage", "expDir", "expName"]
MESSAGE_KEYS = ["body", "expires", "id", "level", "route", "status", "tags", "time"]

SPEC: dict[str, ResourceFacts] = {
    "filemonitor": ResourceFacts(
        model_name="filemonitor",
        max_lengths={"celery_task_id": 60, "local_dir": 512, "md5sum": 32, "name": 255, "status": 60,
                     "tags": 1024, "url": 2000},
        filtering=FILEMONITOR_KEYS,
        ordering=FILEMONITOR_KEYS,
        server_set={"created": "create", "updated": "write"},
        required=["url"],
        representation={"size": _integer_text("size", "None"), "progress": _integer_text("progress", "0")},
    ),
    "compositedatamanagement": ResourceFacts(
        model_name="results",
        max_lengths={"resultsName": 512},
        filtering=COMPOSITE_KEYS,
        ordering=COMPOSITE_KEYS,
        server_set={"timeStamp": "create"},
        required=["resultsName"],
        extra_filters={
            "search_name": "regular expression matched case-insensitively against expName or resultsName",
            **{f"{p}_filter": f"comma list of state codes (K = kept, P = in progress) for the {p} file set"
               for p in FILE_SET_PREFIXES},
        },
        write_ignored={"in_process": "computed from the file-set states (T66); a written value is validated "
                                    "as a boolean and ignored (T59, T67)"},
        representation={
            **{f"{p}_keep": _keep_flag() for p in FILE_SET_PREFIXES},
            **{f"{p}_diskspace": _disk_space(p) for p in FILE_SET_PREFIXES},
        },
    ),
    "PluginResultJob": ResourceFacts(
        model_name="pluginresultjob",
        max_lengths={"run_level": 20, "state": 20},
        filtering=["config", "endtime", "grid_engine_jobid", "id", "plugin_result", "run_level", "starttime",
                   "state"],
        ordering=None,
        required=["run_level", "state"],
        representation={"config": Representation(
            schema={"type": "object", "additionalProperties": True},
            write_schema={"type": "object", "additionalProperties": True},
            reference_says='type string, default "" (empty); the example returns an object',
            contract_chose="always a JSON object, {} when empty (T64); fractional numbers inside come back as "
            "strings; a string holding a JSON object is also accepted on write",
            default={},
            write_default={},
        )},
    ),
    "message": ResourceFacts(
        model_name="message",
        max_lengths={},
        filtering=MESSAGE_KEYS,
        ordering=MESSAGE_KEYS,
        server_set={"time": "create"},
    ),
}

# ---------------------------------------------------------------------------------------------------------------
# Parsing the reference pages
# ---------------------------------------------------------------------------------------------------------------

RESOURCE_URL = re.compile(r"Resource URL:?\s*``https?://[^/]+/rundb/api/v1/(\w+)/``")


def _table_rows(text: str) -> list[Row]:
    """The fields table: an RST simple table whose columns are the runs of '=' in its border lines."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("=") and "field" in lines[i + 1])
    spans = [m.span() for m in re.finditer(r"=+", lines[start])]

    def cells(line: str) -> list[str]:
        ends = [s for s, _ in spans[1:]] + [len(line)]
        return [line[s:e].strip() for (s, _), e in zip(spans, ends)]

    header = cells(lines[start + 1])
    if header != ["field", "help text", "default", "nullable", "readonly", "blank", "unique", "type"]:
        raise ValueError(f"unexpected fields-table header: {header}")
    rows = []
    for line in lines[start + 3:]:
        if line.startswith("="):
            break
        if line.startswith("-") or not line.strip():
            continue
        name, *rest = cells(line)
        rows.append(Row(name.strip("*"), *rest))
    return rows


def _example(text: str) -> dict:
    """The JSON of the page's (only) javascript code block."""
    block = text.split(".. code-block:: javascript", 1)[1]
    body = []
    for line in block.splitlines()[1:]:
        if line.strip() and not line[0].isspace():
            break
        body.append(line)
    return json.loads("\n".join(body))


def _title(text: str) -> str:
    """The first RST section title (a line underlined with '=')."""
    lines = text.splitlines()
    return next(
        " ".join(line.split()) for line, under in zip(lines, lines[1:]) if line.strip() and re.fullmatch(r"=+", under)
    )


def _allowed_methods(text: str) -> list[str]:
    section = text.split("Allowed HTTP methods", 1)[1]
    return re.findall(r"^- (\w+)\s*$", section, flags=re.MULTILINE)


def parse_reference(path: Path) -> Reference | None:
    text = path.read_text(encoding="utf-8")
    match = RESOURCE_URL.search(text)
    if match is None:
        return None
    example = _example(text)
    (obj,) = example["objects"]
    return Reference(
        file=path.name,
        title=_title(text),
        resource=match.group(1),
        rows=_table_rows(text),
        example_meta=example["meta"],
        example=obj,
        allowed_methods=_allowed_methods(text),
    )


def read_references(source_dir: Path) -> list[Reference]:
    refs = [parse_reference(p) for p in sorted(source_dir.glob("*.txt"))]
    return [r for r in refs if r is not None]


# ---------------------------------------------------------------------------------------------------------------
# Field schemas
# ---------------------------------------------------------------------------------------------------------------

TYPE_SCHEMAS = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
}


def table_default(row: Row) -> Any:
    """The default as the /schema/ endpoint prints it (section 4.1: how the tables were printed)."""
    raw = row.default
    if raw == "n/a":
        return "No default provided."
    if raw == "None":
        return None
    if raw in ("true", "false"):
        return raw == "true"
    if raw.isdigit():
        return int(raw)
    return raw


def contract_default(row: Row) -> Any:
    """A usable default value, or NO_DEFAULT."""
    raw = row.default
    if raw == "n/a" or row.type == "datetime":  # a datetime's `true` is the auto-timestamp flag, not a value
        return NO_DEFAULT
    if raw == "None":
        return None
    if row.type == "integer":
        return int(raw) if raw else NO_DEFAULT  # id's empty default: the server assigns one
    if row.type == "boolean":
        return raw == "true"
    return raw


def is_required(row: Row) -> bool:
    """D7/T55: required on create."""
    return row.default == "n/a" and not (row.flag("nullable") or row.flag("blank") or row.flag("readonly"))


def _property(row: Row, facts: ResourceFacts) -> dict:
    rep = facts.representation.get(row.name)
    prop = dict(rep.schema if rep else TYPE_SCHEMAS[row.type])
    if row.type == "datetime":
        prop["pattern"] = DATETIME_PATTERN
    if row.name in facts.max_lengths:
        prop["maxLength"] = facts.max_lengths[row.name]
    prop["description"] = row.help_text
    prop["readOnly"] = row.flag("readonly")
    prop["nullable"] = row.flag("nullable")
    default = rep.default if rep and rep.default is not NO_DEFAULT else contract_default(row)
    if default is not NO_DEFAULT:
        prop["default"] = default
    prop["x-unique"] = row.flag("unique")
    prop["x-blank"] = row.flag("blank")
    if row.name in facts.max_lengths:
        prop["x-max-length"] = facts.max_lengths[row.name]
    if row.name in facts.server_set:
        prop["x-server-set"] = facts.server_set[row.name]
    if row.name in facts.write_ignored:
        prop["x-write-ignored"] = True
    prop["x-table"] = row.raw()
    return prop


def _write_property(row: Row, facts: ResourceFacts) -> dict:
    rep = facts.representation.get(row.name)
    prop = dict(rep.write_schema if rep else TYPE_SCHEMAS[row.type])
    if row.name in facts.max_lengths:
        prop["maxLength"] = facts.max_lengths[row.name]
    prop["description"] = row.help_text
    prop["nullable"] = row.flag("nullable")
    default = rep.write_default if rep and rep.write_default is not NO_DEFAULT else contract_default(row)
    if default is not NO_DEFAULT:
        prop["default"] = default
    if row.name in facts.server_set:
        prop["x-server-set"] = facts.server_set[row.name]
    if row.name in facts.write_ignored:
        prop["x-write-ignored"] = True
    return prop


def schema_name(resource: str) -> str:
    return resource[0].upper() + resource[1:]


def _schemas(ref: Reference, facts: ResourceFacts) -> dict[str, dict]:
    properties = {row.name: _property(row, facts) for row in ref.rows}
    table = {row.name for row in ref.rows}
    for name, rep in facts.representation.items():
        if name not in table:
            properties[name] = {**rep.schema, "x-extra-field": True}
    required = sorted(name for name in properties if name in table or facts.representation[name].always_present)
    writable = sorted((row for row in ref.rows if not row.flag("readonly")), key=lambda row: row.name)
    write_props = {row.name: _write_property(row, facts) for row in writable}
    name = schema_name(ref.resource)
    create_required = sorted(row.name for row in writable if is_required(row))
    write = {
        "type": "object",
        "description": "Body of a create (POST, or PUT to an absent id). Read-only and unknown keys are ignored.",
        "properties": write_props,
    }
    if create_required:
        write["required"] = create_required
    return {
        name: {
            "type": "object",
            "description": f"{ref.title} as the server returns it.",
            "properties": dict(sorted(properties.items())),
            "required": required,
            "additionalProperties": False,
        },
        f"{name}Write": write,
        f"{name}Update": {
            "type": "object",
            "description": "Body of a partial update (PUT or PATCH on an existing object): only the given fields "
            "change. Read-only and unknown keys are ignored.",
            "properties": write_props,
        },
    }


def tastypie_schema(ref: Reference, facts: ResourceFacts) -> dict:
    """The body of GET <r>/schema/ (T34), keys sorted as the server renders them."""
    body = {
        "allowed_detail_http_methods": ref.allowed_methods,
        "allowed_list_http_methods": ref.allowed_methods,
        "default_format": "application/json",
        "default_limit": 20,
        "fields": {
            row.name: {
                "blank": row.flag("blank"), "default": table_default(row), "help_text": row.help_text,
                "nullable": row.flag("nullable"), "readonly": row.flag("readonly"), "type": row.type,
                "unique": row.flag("unique"),
            }
            for row in sorted(ref.rows, key=lambda r: r.name)
        },
        "filtering": {key: 2 for key in sorted(facts.filtering)},
    }
    if facts.ordering is not None:
        body["ordering"] = facts.ordering
    return body


# ---------------------------------------------------------------------------------------------------------------
# Drift: where a reference contradicts itself or the spec overrides it
# ---------------------------------------------------------------------------------------------------------------

JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "datetime": str}


def _check_example(ref: Reference, facts: ResourceFacts) -> None:
    """Every place the example disagrees with the table must be covered by a Representation."""
    rows = {row.name: row for row in ref.rows}
    for key, value in ref.example.items():
        row = rows.get(key)
        expected = JSON_TYPES.get(row.type) if row else None
        agrees = row is not None and (
            (value is None and row.flag("nullable"))
            or (isinstance(value, expected) and not (expected is int and isinstance(value, bool)))
        )
        if not agrees and key not in facts.representation:
            raise ValueError(f"{ref.file}: example field {key!r} disagrees with the fields table")
    missing = set(rows) - set(ref.example)
    if missing:
        raise ValueError(f"{ref.file}: example lacks table fields {sorted(missing)}")


def _drifts(ref: Reference, facts: ResourceFacts) -> list[Drift]:
    r = ref.resource
    drifts = [
        Drift(API, f"{r}.{name}", rep.reference_says, rep.contract_chose)
        for name, rep in facts.representation.items()
    ]
    for row in ref.rows:
        if row.type == "datetime" and row.default == "true":
            when = "every write" if facts.server_set.get(row.name) == "write" else "every create"
            drifts.append(Drift(
                API, f"{r}.{row.name}", "default `true` for a datetime (the auto-timestamp flag)",
                f"no default; the server sets it to now on {when} (T14), x-server-set",
            ))
        if row.type == "integer" and row.default == "":
            drifts.append(Drift(
                API, f"{r}.{row.name}", "default empty (\"\") for an integer",
                "no default; the server assigns one more than the highest id ever held (T40)",
            ))
        if row.name in facts.write_ignored:
            drifts.append(Drift(API, f"{r}.{row.name}", "writable (readonly false)", facts.write_ignored[row.name]))
    if "post" in ref.allowed_methods:
        drifts.append(Drift(
            API, f"POST {API_ROOT}{r}/{{id}}/", "post is an allowed method (list and detail share one list)",
            "POST to a detail URL answers 501 with an empty body (T38)",
        ))
    return drifts


def _common_drifts() -> list[Drift]:
    return [
        Drift(API, "all datetime fields", 'the help text\'s example "2010-11-10T03:07:43"',
              "the server's form YYYY-MM-DDTHH:MM:SS.000mmm+00:00: milliseconds in the microsecond slot, fraction "
              "omitted when zero (T13), as the examples show"),
        Drift(API, "example responses", "keys in a generator's order, indented with 4 spaces",
              "the server sorts keys at every level and writes one line with \", \" and \": \" separators (T12)"),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------------------------


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


def _query(name: str, schema: dict, description: str, *, explode: bool = True) -> dict:
    param = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if schema.get("type") in ("array", "object"):
        param.update(style="form", explode=explode)
    return param


def _filter_params(ref: Reference, facts: ResourceFacts) -> list[dict]:
    fields = {row.name: row for row in ref.rows}
    params = [
        _query(key, {"type": "string"},
               f"Filter on {key} ({fields[key].type}); `{key}__<lookup>` for other lookups (T23-T26). "
               "`None` means null.")
        for key in facts.filtering if key in fields
    ]
    params += [_query(name, {"type": "string"}, meaning) for name, meaning in facts.extra_filters.items()]
    params.append(_query(
        "lookups", {"type": "object", "additionalProperties": {"type": "string"}},
        "Further `<field>__<lookup>=<value>` filters (exact, iexact, contains, icontains, gt, gte, lt, lte, in, "
        "startswith, istartswith, endswith, iendswith, range, year, month, day, week_day, hour, minute, second, "
        "isnull, regex, iregex); params naming no field are ignored.",
    ))
    return params


def _order_param(ref: Reference, facts: ResourceFacts) -> list[dict]:
    if facts.ordering is None:
        return []
    fields = {row.name for row in ref.rows}
    keys = [key for key in facts.ordering if key in fields]
    values = [v for key in keys for v in (key, f"-{key}")]
    return [_query("order_by", {"type": "array", "items": {"type": "string", "enum": values}},
                   "Sort keys; `-` for descending; repeat for several keys (T27).")]


def _operations(ref: Reference, facts: ResourceFacts) -> dict[str, dict]:
    r = ref.resource
    name = schema_name(r)
    tags = [r]
    auth = [_ref("parameters", "username")]
    paging = [_ref("parameters", n) for n in ("limit", "offset", "format", "callback")]
    filters = _filter_params(ref, facts)
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
                    "objects": {"type": "array", "items": {"allOf": [
                        _ref("schemas", f"{name}Update"),
                        {"type": "object", "properties": {"resource_uri": {"type": "string"}}},
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
            "parameters": auth + id_param + [_ref("parameters", "format"), _ref("parameters", "callback")],
            "responses": {"200": {"description": "The object.", "content": {
                **_json(_ref("schemas", name)), "text/javascript": _jsonp()}},
                **_errors(400, 401, 404)},
        },
        "post": {
            "operationId": f"{r}_detail_post", "summary": "Not implemented by the server", "tags": tags,
            "parameters": auth + id_param,
            "responses": {"501": {"description": "Not implemented; empty body (T38)."}, **_errors(401)},
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
    fmt = [_ref("parameters", "format"), _ref("parameters", "callback")]
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


def _top_level(resources: list[str]) -> dict:
    example = {
        r: {"list_endpoint": f"{API_ROOT}{r}/", "schema": f"{API_ROOT}{r}/schema/"} for r in sorted(resources)
    }
    return {"get": {
        "operationId": "api_root", "summary": "The resources this API serves", "tags": ["api"], "security": [],
        "parameters": [_ref("parameters", "format"), _ref("parameters", "callback")],
        "responses": {"200": {"description": "Every resource's list and schema endpoints.", "content": {
            **_json({"type": "object", "additionalProperties": {
                "type": "object", "required": ["list_endpoint", "schema"],
                "properties": {"list_endpoint": {"type": "string"}, "schema": {"type": "string"}},
            }}, example),
            "text/javascript": _jsonp()}},
            "400": {"description": "Invalid JSONP callback or Accept header; empty body (T2)."}},
    }}


# ---------------------------------------------------------------------------------------------------------------
# Components shared by every resource
# ---------------------------------------------------------------------------------------------------------------

def _jsonp() -> dict:
    return {"schema": {"type": "string", "description": "`<callback>(<json>)` (T30)."}}


def _components() -> dict:
    empty_html = {"text/html": {"schema": {"type": "string", "maxLength": 0}}}
    return {
        "parameters": {
            "limit": _query("limit", {"type": "integer", "minimum": 0, "default": 20},
                            "Page size; 0 or more than 1000 means 1000 (T17)."),
            "offset": _query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Index of the first object."),
            "format": _query("format", {"type": "string"},
                             "`json` or `jsonp`; other values are ignored (T29)."),
            "callback": _query("callback", {"type": "string"},
                               "JSONP callback name; selects JSONP unless format=json (T29, T30)."),
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
                                                 "description": 'Basic Realm="Torrent Browser"'}},
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
            "basic": {"type": "http", "scheme": "basic"},
            "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "Authorization",
                             "description": "ApiKey user:key"},
            "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key",
                            "description": "Together with the `username` query parameter."},
        },
    }


SHARED_SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}},
              "additionalProperties": False},
    "CannedError": {"type": "object", "required": ["error_message"],
                    "properties": {"error_message": {"type": "string"}}, "additionalProperties": False},
    "ListMeta": {
        "type": "object",
        "required": ["limit", "next", "offset", "previous", "total_count"],
        "properties": {
            "limit": {"type": "integer", "minimum": 0},
            "next": {"type": "string", "nullable": True},
            "offset": {"type": "integer", "minimum": 0},
            "previous": {"type": "string", "nullable": True},
            "total_count": {"type": "integer", "minimum": 0},
        },
        "additionalProperties": False,
    },
    "TastypieSchema": {
        "type": "object",
        "required": ["allowed_detail_http_methods", "allowed_list_http_methods", "default_format",
                     "default_limit", "fields", "filtering"],
        "properties": {
            "allowed_detail_http_methods": {"type": "array", "items": {"type": "string"}},
            "allowed_list_http_methods": {"type": "array", "items": {"type": "string"}},
            "default_format": {"type": "string"},
            "default_limit": {"type": "integer"},
            "fields": {"type": "object", "additionalProperties": {"type": "object"}},
            "filtering": {"type": "object", "additionalProperties": {"type": "integer"}},
            "ordering": {"type": "array", "items": {"type": "string"}},
        },
    },
}


# ---------------------------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------------------------


def _x_resource(ref: Reference, facts: ResourceFacts) -> dict:
    r = ref.resource
    name = schema_name(r)
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
        "detail_allowed_methods": ref.allowed_methods,
        "filtering": {key: LOOKUP_LEVEL for key in facts.filtering},
        "ordering": facts.ordering,
        "extra_filters": facts.extra_filters,
        "example": ref.example,
        "example_meta": ref.example_meta,
        "total_count": ref.example_meta["total_count"],
        "schema_endpoint": tastypie_schema(ref, facts),
    }


def build(source_dir: Path) -> tuple[dict, list[Drift]]:
    refs = read_references(source_dir)
    found = [ref.resource for ref in refs]
    if sorted(found) != sorted(SPEC):
        raise ValueError(f"reference pages document {found}, the spec covers {sorted(SPEC)}")
    paths: dict[str, dict] = {API_ROOT: _top_level(found)}
    schemas: dict[str, dict] = {}
    drifts = _common_drifts()
    for ref in refs:
        facts = SPEC[ref.resource]
        _check_example(ref, facts)
        derived = sorted(row.name for row in ref.rows if is_required(row))
        if derived != sorted(facts.required):
            raise ValueError(f"{ref.resource}: required fields {derived} differ from the spec's {facts.required}")
        paths.update(_operations(ref, facts))
        schemas.update(_schemas(ref, facts))
        drifts.extend(_drifts(ref, facts))
    components = _components()
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Ion Torrent Suite rundb API v1",
            "version": "v1",
            "description": "The Torrent Suite rundb REST API (django-tastypie 0.11.1, as served by Torrent Suite "
            "5.10) for the resources " + ", ".join(found) + ".",
        },
        "servers": [{"url": "/"}],
        "security": [{"basic": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}],
        "tags": [{"name": "api"}] + [{"name": ref.resource, "description": ref.title}
                                      for ref in refs],
        "paths": paths,
        "components": {"schemas": {**schemas, **SHARED_SCHEMAS}, **components},
        "x-resources": {ref.resource: _x_resource(ref, SPEC[ref.resource]) for ref in refs},
    }
    # A JSON round trip unshares repeated objects, which YAML would otherwise write as anchors and aliases.
    return json.loads(json.dumps(document)), drifts
