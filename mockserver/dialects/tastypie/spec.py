"""The served resources, read from the contract — fields with their rules, filtering, ordering, the schema
body — and their rows: stored form ↔ API representation (T13, T15, T63, T64, T66).

Every per-field and per-resource fact comes from the contract, ``mockserver/openapi/<api>.json``
(``x-resources`` and the component schemas). Behaviour beyond the field tables is the product's
(:class:`~.hooks.Behaviour`).

Stored form per field kind: datetime = UTC text with microseconds (:mod:`.datetimes`); integer_text = int;
json_object = JSON text with exact numbers (:mod:`.values`); everything else as rendered.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...contract import load, resources
from . import datetimes
from .hooks import Behaviour
from .values import decode_json, encode_json


@dataclass(frozen=True)
class Field:
    name: str
    # string | integer | integer_text (an integer rendered as a string) | datetime | boolean | json_object | float
    kind: str
    writable: bool  # in the write schema: a client value is read (T54 drops everything else)
    ignored: bool  # validated, then dropped (x-write-ignored)
    nullable: bool
    has_default: bool
    default: Any
    max_length: int | None
    server_set: str | None  # "create": now on every create; "write": now on every write (T14)
    required: bool  # T55


@dataclass(frozen=True)
class Resource:
    name: str
    table: str  # the store's table: "<api>/<name>"
    list_path: str  # the list URL, from the contract's x-resources
    model: str  # the Django model name the permissions are granted on
    fields: dict[str, Field]  # every key of the representation, in contract order
    schema_fields: frozenset[str]  # the resource's fields as /schema/ lists them: what filters/order_by know
    filtering: frozenset[str]
    ordering: tuple[str, ...]
    extra_filters: frozenset[str]  # query params a resource reads beyond its fields (never rejected)
    schema_body: dict[str, Any]
    list_methods: tuple[str, ...]
    detail_methods: tuple[str, ...]
    behaviour: Behaviour
    facts: dict[str, Any]  # the whole x-resources entry: a product reads its own keys from it

    def uri(self, pk: int) -> str:
        return f"{self.list_path}{pk}/"

    def writable(self) -> list[Field]:
        return [f for f in self.fields.values() if f.writable]


def _kind(read: dict[str, Any], write: dict[str, Any] | None) -> str:
    kind = read.get("type")
    if kind == "string" and read.get("format") == "date-time":
        return "datetime"
    if kind == "string" and write is not None and write.get("type") == "integer":
        return "integer_text"
    if kind in ("integer", "boolean", "number"):
        return "float" if kind == "number" else kind
    if kind == "object":
        return "json_object"
    return "string"


def _field(name: str, read: dict[str, Any], write_schema: dict[str, Any]) -> Field:
    write = write_schema.get("properties", {}).get(name)
    source = write if write is not None else read
    return Field(
        name=name,
        kind=_kind(read, write),
        writable=write is not None,
        ignored=bool(read.get("x-write-ignored")),
        nullable=bool(source.get("nullable")),
        has_default="default" in source,
        default=source.get("default"),
        max_length=read.get("x-max-length"),
        server_set=read.get("x-server-set"),
        required=name in write_schema.get("required", ()),
    )


def load_resources(api: str, behaviours: Mapping[str, Behaviour] | None = None) -> dict[str, Resource]:
    """The resources of ``mockserver/openapi/<api>.json``, each with the product's behaviour (default: none)."""
    behaviours = behaviours or {}
    document = load(api)
    schemas = document["components"]["schemas"]
    served: dict[str, Resource] = {}
    for name, facts in resources(document).items():
        read = schemas[facts["schema"]]
        write = schemas[facts["write_schema"]]
        served[name] = Resource(
            name=name,
            table=f"{api}/{name}",
            list_path=facts["list_path"],
            model=facts["model_name"],
            fields={f: _field(f, prop, write) for f, prop in read["properties"].items()},
            schema_fields=frozenset(facts["schema_endpoint"]["fields"]),
            filtering=frozenset(facts.get("filtering") or ()),
            ordering=tuple(facts.get("ordering") or ()),
            extra_filters=frozenset(facts.get("extra_filters") or ()),
            schema_body=facts["schema_endpoint"],
            list_methods=tuple(m.upper() for m in facts["list_allowed_methods"]),
            detail_methods=tuple(m.upper() for m in facts["detail_allowed_methods"]),
            behaviour=behaviours.get(name) or Behaviour(),
            facts=facts,
        )
    return served


# -- rows ------------------------------------------------------------------------------------------------------------

Row = dict[str, Any]


def represent(resource: Resource, row: Row) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for name, field in resource.fields.items():
        if name == "resource_uri":
            obj[name] = resource.uri(row["id"])
            continue
        value = row.get(name)
        if field.kind == "datetime":
            value = datetimes.render(value)
        elif field.kind == "integer_text":
            value = None if value is None else str(value)
        elif field.kind == "json_object":
            value = decode_json(value)
        obj[name] = value
    resource.behaviour.represent(row, obj)
    return obj


def from_api(resource: Resource, obj: dict[str, Any]) -> Row:
    """An object as GET returns it (seed data) → the stored row. ValueError naming the field for a bad value."""
    row: Row = {}
    for name, field in resource.fields.items():
        if not field.writable or field.ignored or name not in obj:
            continue
        value = obj[name]
        try:
            row[name] = _stored(field.kind, value)
        except (ValueError, TypeError):
            raise ValueError(f"The '{name}' field of {resource.name} {obj.get('id')!r} cannot hold {value!r}.") \
                from None
    resource.behaviour.from_api(obj, row)
    return row


def _stored(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetimes.from_rendered(value)
    if kind == "integer_text":
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    if kind == "json_object":
        if isinstance(value, str):  # JSON text, checked here: a stored text that is no object fails every read
            value = json.loads(value, parse_float=Decimal) if value else {}
        if not isinstance(value, dict):
            raise ValueError(value)
        return encode_json(value)
    return value
