"""The served resources, read from the contract — fields with their rules, filtering, ordering, the schema
body — and their rows: stored form ↔ API representation (T13, T15, T63, T64, T66).

Every per-field and per-resource fact comes from the contract, ``mockserver/openapi/<api>.json``
(``x-resources`` and the component schemas). Behaviour beyond the field tables is the product's
(:class:`~.hooks.Behaviour`).

Stored form per field kind: datetime = UTC text with microseconds (:mod:`.datetimes`); integer_text = int;
object = whatever the product's :class:`~.hooks.ObjectField` stores; everything else as rendered.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import cached_property
from typing import Any

from ...contract import load, resources
from ...engine import Collection
from ...engine.crud import Table
from ...engine.fields import FieldRule, resource_rules
from ...engine.query import FilterSpec, filter_specs
from ...errors import MockServerError
from . import datetimes
from .hooks import Behaviour, ObjectField, Product
from .values import coerce


@dataclass(frozen=True)
class Field(FieldRule):
    """A field with the engine's rules (read from the contract) and, for kind "object", the product's codec."""

    codec: ObjectField | None = None  # kind "object": the product's stored form


@dataclass(frozen=True)
class Resource:
    name: str
    table: str  # the store's table: "<api>/<name>"
    list_path: str  # the list URL, from the contract's x-resources
    model: str  # the Django model name the permissions are granted on
    fields: dict[str, Field]  # every key of the representation, in contract order
    schema_fields: frozenset[str]  # the resource's fields as /schema/ lists them: what filters/order_by know
    filters: dict[str, FilterSpec]  # every filter param, field lookups and the resource's own (x-resources)
    orderable: tuple[str, ...]
    default_order: tuple[tuple[str, bool], ...]
    schema_body: dict[str, Any]
    list_methods: tuple[str, ...]
    detail_methods: tuple[str, ...]
    behaviour: Behaviour
    facts: dict[str, Any]  # the whole x-resources entry: a product reads its own keys from it

    @cached_property
    def own_filters(self) -> tuple[tuple[str, FilterSpec], ...]:
        """The resource's own filter params (x-resources), which read no field of the representation."""
        return tuple((param, spec) for param, spec in self.filters.items() if spec.field not in self.fields)

    @property
    def filtering(self) -> frozenset[str]:
        """The fields some filter param reads (tastypie's ``filtering`` keys that are fields)."""
        return frozenset(spec.field for spec in self.filters.values())

    def uri(self, pk: int) -> str:
        return f"{self.list_path}{pk}/"

    def writable(self) -> list[Field]:
        return [f for f in self.fields.values() if f.writable]

    def table_for(self, collection: Collection) -> Table:
        """The resource as the engine writes it: tastypie's reading of values, the resource's own hooks."""
        return Table(collection, self.fields, coerce, self.behaviour.on_create, self.behaviour.on_update)


def _fields(read: dict[str, Any], write: dict[str, Any], product: Product) -> dict[str, Field]:
    fields = {}
    for name, rule in resource_rules(read, write).items():
        if rule.kind == "object" and product.object_field is None:
            raise MockServerError(f"the {product.api} contract types the field {name!r} as an object; the product "
                                  f"must give its Product an object_field to store such fields")
        codec = product.object_field if rule.kind == "object" else None
        fields[name] = Field(**{f.name: getattr(rule, f.name) for f in dataclass_fields(rule)}, codec=codec)
    return fields


def load_resources(product: Product) -> dict[str, Resource]:
    """The resources of the product's contract (``mockserver/openapi/<api>.json``), each with its behaviour."""
    api = product.api
    document = load(api)
    schemas = document["components"]["schemas"]
    served: dict[str, Resource] = {}
    for name, facts in resources(document).items():
        read = schemas[facts["schema"]]
        write = schemas[facts["write_schema"]]
        served[name] = Resource(
            name=name,
            table=facts["table"],
            list_path=facts["list_path"],
            model=facts["model_name"],
            fields=_fields(read, write, product),
            schema_fields=frozenset(facts["schema_endpoint"]["fields"]),
            filters=filter_specs(facts),
            orderable=tuple(facts["orderable"]),
            default_order=product.default_order if product.default_order is not None else tuple(
                (field, bool(descending)) for field, descending in facts["default_order"]),
            schema_body=facts["schema_endpoint"],
            list_methods=tuple(m.upper() for m in facts["list_allowed_methods"]),
            detail_methods=tuple(m.upper() for m in facts["detail_allowed_methods"]),
            behaviour=product.behaviours.get(name) or Behaviour(),
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
        elif field.codec is not None:
            value = field.codec.render(value)
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
            row[name] = _stored(field, value)
        except (ValueError, TypeError):
            raise ValueError(f"The '{name}' field of {resource.name} {obj.get('id')!r} cannot hold {value!r}.") \
                from None
    resource.behaviour.from_api(obj, row)
    return row


def _stored(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if field.kind == "datetime":
        return datetimes.from_rendered(value)
    if field.kind == "integer_text":
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    if field.codec is not None:
        return field.codec.store(value)
    return value
