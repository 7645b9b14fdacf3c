"""Torrent fields-table rows → OpenAPI schemas, the ``/schema/`` endpoint body, and the drifts.

Per resource three component schemas: ``<Name>`` the object as the server returns it (every table row, plus
the spec's extra fields; ``x-table`` keeps the row as printed), ``<Name>Write`` the body of a create (its
``required`` from the table rule, D7/T55) and ``<Name>Update`` the body of a partial update (nothing required).
The spec's :class:`~.torrent_spec.Representation` replaces a field's type where the server returns another.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from typing import Any

from . import Drift
from .torrent_parse import Reference, Row
from .torrent_spec import API, API_ROOT, NO_DEFAULT, ResourceFacts

# What the server writes for datetimes (T13): milliseconds in the microsecond slot, fraction dropped at 0.
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.000\d{3})?\+00:00$"

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


# len(Python 2's unicode(float)) at most: "-1.23456789012e+307" (dialects/tastypie/values.py _py2_str).
LONGEST_FLOAT_TEXT = 19
# The widest integer column behind the API (64-bit); a digit string of up to 18 digits always fits.
INTEGER_BOUNDS = {"minimum": -2**63, "maximum": 2**63 - 1}


def lenient(prop: dict, max_length: int | None) -> dict:
    """What tastypie reads for a field, beyond its JSON type (the mock stays faithful to it): a string field
    stores a boolean or number as Python's text of it (``false`` → ``"False"``), an integer field reads digit
    text (``"35"`` → 35) and integral numbers (``35.0``)."""
    kind = prop.get("type")
    if kind == "string" and not ({"format", "enum", "pattern"} & set(prop)):
        text: dict[str, Any] = {"type": "string"}
        number: dict[str, Any] = {"type": "number"}
        if max_length is not None:
            text["maxLength"] = max_length
            if max_length < LONGEST_FLOAT_TEXT:
                number.update(minimum=-(10 ** (max_length - 1) - 1), maximum=10 ** max_length - 1)
            # else: a float is stored as Python 2's text of it (12 significant digits: 19 characters at most), so
            # every float fits; an integer's text beyond the length is refused, which a schema cannot tell from
            # an integral float's (4.5e307 fits): the number stays unbounded.
        rest = {k: v for k, v in prop.items() if k not in ("type", "maxLength")}
        return {"anyOf": [text, {"type": "boolean"}, number], **rest}
    if kind == "integer" and not ({"enum", "minimum", "maximum"} & set(prop)):
        rest = {k: v for k, v in prop.items() if k != "type"}
        return {"anyOf": [{"type": "integer", **INTEGER_BOUNDS}, {"type": "number", "multipleOf": 1, **INTEGER_BOUNDS},
                          {"type": "string", "pattern": r"^\s*[+-]?\d{1,18}\s*(?![\s\S])"}], **rest}
    return prop


def _write_property(row: Row, facts: ResourceFacts) -> dict:
    rep = facts.representation.get(row.name)
    write_schema = rep.write_schema if rep else TYPE_SCHEMAS[row.type]
    if write_schema is None:
        raise ValueError(f"{row.name}: writable in the reference, but its representation says it is not")
    prop = dict(write_schema)
    if row.name in facts.max_lengths:
        prop["maxLength"] = facts.max_lengths[row.name]
    prop = lenient(prop, facts.max_lengths.get(row.name))
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


def resource_schemas(ref: Reference, facts: ResourceFacts) -> dict[str, dict]:
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


# Component schemas every resource's operations refer to.
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


# --- checks and drifts: where a reference contradicts itself or the spec overrides it ---

JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "datetime": str}


def check(ref: Reference, facts: ResourceFacts) -> None:
    """Every place the example disagrees with the table must be covered by a Representation, and the
    required fields the table rule gives must be the spec's."""
    rows = {row.name: row for row in ref.rows}
    for key, value in ref.example.items():
        row = rows.get(key)
        expected = JSON_TYPES.get(row.type) if row else None
        agrees = row is not None and (
            (value is None and row.flag("nullable"))
            or (expected is not None and isinstance(value, expected)
                and not (expected is int and isinstance(value, bool)))
        )
        if not agrees and key not in facts.representation:
            raise ValueError(f"{ref.file}: example field {key!r} disagrees with the fields table")
    missing = set(rows) - set(ref.example)
    if missing:
        raise ValueError(f"{ref.file}: example lacks table fields {sorted(missing)}")
    derived = sorted(row.name for row in ref.rows if is_required(row))
    if derived != sorted(facts.required):
        raise ValueError(f"{ref.resource}: required fields {derived} differ from the spec's {facts.required}")


def resource_drifts(ref: Reference, facts: ResourceFacts) -> list[Drift]:
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
            "POST to a detail URL answers 405 naming the other methods (tastypie's 501; never a 5xx: T38, T73)",
        ))
    return drifts


def common_drifts() -> list[Drift]:
    return [
        Drift(API, "all datetime fields", 'the help text\'s example "2010-11-10T03:07:43"',
              "the server's form YYYY-MM-DDTHH:MM:SS.000mmm+00:00: milliseconds in the microsecond slot, fraction "
              "omitted when zero (T13), as the examples show"),
        Drift(API, "example responses", "keys in a generator's order, indented with 4 spaces",
              "the server sorts keys at every level and writes one line with \", \" and \": \" separators (T12)"),
    ]
