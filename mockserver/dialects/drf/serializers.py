"""Body → stored changes: the contract's schema (field rules included), references resolved to ids (H56),
unique fields (H57), then the resource's own rules (``hooks``). The engine resolves references, checks unique
values, numbers nested objects and keeps memberships (:mod:`mockserver.engine.relations`, ``crud``); DRF's
messages for what it refuses are here.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import Any

from ...engine import crud, relations
from ...engine.fields import INVALID, UNIQUE, FieldError
from ...errors import ApiError
from ...jsoncopy import copy_json
from .fields import Checks, Invalid, clean_object
from .relations import references, request_references
from .world import Row, World


def create_defaults(world: World, resource: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    """What a create stores for the fields its body leaves out: the contract's ``default`` on the POST body, or
    on the representation for fields that body lacks, then the stored-only ones. Everything else stays unset,
    so it reads as null (H8)."""
    detail = world.spec.schema(world.spec.resources.get(resource, {}).get("schema")) or {}
    found = crud.schema_defaults(world.spec.resolve(schema or {}), detail)
    return {**found, **copy_json(world.product.hooks_for(resource).defaults)}


def clean_body(world: World, resource: str | None, schema: dict[str, Any] | None, body: dict[str, Any],
               existing: Row | None = None) -> dict[str, Any]:
    """Validated, typed fields of a create (``existing`` None) or a partial update; 400 with every error."""
    spec = world.spec.resources.get(resource or "", {})
    create_schema = world.spec.schema(spec.get("write_schema")) or schema or {}
    refs = {**references(resource), **request_references(world.spec.resolve(schema or {}))}
    unique = unique_fields(world, spec)

    def resolve(path: str, value: Any) -> Any:
        if refs[path].scope:  # a name, looked up once the sibling it belongs to is known (resolve_scoped)
            if isinstance(value, (dict, list)):
                raise Invalid(["Invalid value."])
            return str(value)
        try:
            return relations.resolve(world, path, refs[path], value)
        except FieldError as exc:
            raise Invalid([message(exc, unique)]) from None

    def after(path: str, value: Any) -> Any:
        if path in unique:
            try:
                relations.check_unique(world, resource or "", path, value, existing)
            except FieldError as exc:
                raise Invalid([message(exc, unique)]) from None
        return value

    checks = Checks(strict=set(create_schema.get("required", [])), is_reference=lambda p: p in refs,
                    resolve=resolve, after=after)
    try:
        cleaned = clean_object(world.spec.resolve(schema or {}), body, checks)
        if existing is not None:
            _new_nested_complete(world, create_schema, cleaned, existing)
        relations.resolve_scoped(world, refs, cleaned, existing)
    except FieldError as exc:
        raise ApiError(400, {exc.field: [message(exc, unique)]}) from None
    except Invalid as exc:
        raise ApiError(400, exc.detail) from None
    return cleaned


def _new_nested_complete(world: World, create_schema: dict[str, Any], cleaned: dict[str, Any], existing: Row) -> None:
    """A partial update that gives a nested object the row does not have yet creates it, so the create's required
    fields of that object must be there (H54: only an existing object merges field by field)."""
    errors: dict[str, Any] = {}
    for name, value in cleaned.items():
        if not isinstance(value, dict) or isinstance(existing.get(name), dict):
            continue
        nested = world.spec.resolve(create_schema.get("properties", {}).get(name, {}))
        missing = {field: ["This field is required."] for field in nested.get("required", []) if field not in value}
        if missing:
            errors[name] = missing
    if errors:
        raise Invalid(errors)


def unique_fields(world: World, spec: dict[str, Any]) -> dict[str, str]:
    """The resource's unique fields (``x-unique`` on its representation's fields) → DRF's message for a taken
    value."""
    properties = (world.spec.schema(spec.get("schema")) or {}).get("properties", {})
    return {name: prop["x-unique"] for name, prop in properties.items() if prop.get("x-unique")}


def message(error: FieldError, unique: dict[str, str]) -> str:
    """A refused reference or unique value in DRF's words (the unique message is the contract's)."""
    params = error.params
    if error.code == relations.NOT_A_LIST:
        return f'Expected a list of items but got type "{params["type"]}".'
    if error.code == relations.INCORRECT_TYPE:
        return f"Incorrect type. Expected pk value, received {params['type']}."
    if error.code == relations.DOES_NOT_EXIST:
        if params["by"] == "id":
            return f'Invalid pk "{params["value"]}" - object does not exist.'
        return f"Object with {params['by']}={params['value']} does not exist."
    if error.code == UNIQUE:
        return unique[error.field]
    if error.code == INVALID:
        return "Invalid value."
    raise AssertionError(f"no DRF message for {error!r}")


def apply_reverse(world: World, resource: str, row: Row, cleaned: dict[str, Any]) -> None:
    """Memberships written on this side but stored on the other: a site's spaces, a group's users."""
    relations.apply_reverse(world, references(resource), row, cleaned)


def without_reverse(resource: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    return relations.without_reverse(references(resource), cleaned)


def number_nested(world: World, resource: str, stored: dict[str, Any], existing: Row | None) -> dict[str, Any]:
    """Nested objects the detail schema gives a read-only ``id`` (a policy's triggers, a share's clients) get
    one when written without, numbered per field and never reused; PATCHed objects keep theirs."""
    schema = world.spec.schema(world.spec.resources.get(resource, {}).get("schema")) or {}
    return crud.number_nested(stored, schema, existing, world.spec.resolve,
                              lambda path: world.collection(f"{resource}{path}").allocate_id())
