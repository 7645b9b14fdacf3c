"""Body → stored changes: the contract's schema (field rules included), references resolved to ids (H56),
unique fields (H57), then the resource's own rules (``hooks``)."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ...errors import ApiError
from .fields import Checks, Invalid, clean_object
from .relations import Ref, references
from .world import Row, World


def create_defaults(world: World, resource: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    """What a create stores for the fields its body leaves out: the contract's ``default`` on the POST body, or
    on the representation for fields that body lacks, then the stored-only ones. Everything else stays unset,
    so it reads as null (H8)."""
    body = world.spec.resolve(schema or {}).get("properties", {})
    detail = (world.spec.schema(world.spec.resources.get(resource, {}).get("schema")) or {}).get("properties", {})
    found = {name: value["default"] for name, value in body.items() if "default" in value}
    found.update({name: value["default"] for name, value in detail.items() if "default" in value and name not in body})
    return copy.deepcopy({**found, **world.product.hooks_for(resource).defaults})


def clean_body(world: World, resource: str | None, schema: dict[str, Any] | None, body: dict[str, Any],
               existing: Row | None = None) -> dict[str, Any]:
    """Validated, typed fields of a create (``existing`` None) or a partial update; 400 with every error."""
    spec = world.spec.resources.get(resource or "", {})
    create_schema = world.spec.schema(spec.get("write_schema")) or schema or {}
    refs = references(resource)
    unique = spec.get("unique", {})

    def resolve(path: str, value: Any) -> Any:
        return resolve_reference(world, refs[path], value)

    def after(path: str, value: Any) -> Any:
        if path in unique and value is not None:
            clash = world.find(resource, path, value)
            if clash is not None and (existing is None or clash["id"] != existing["id"]):
                raise Invalid([unique[path]])
        return value

    checks = Checks(strict=set(create_schema.get("required", [])), is_reference=lambda p: p in refs and not
                    refs[p].scope, resolve=resolve, after=after)
    try:
        cleaned = clean_object(world.spec.resolve(schema or {}), body, checks)
        _scoped(world, refs, cleaned, existing)
    except Invalid as exc:
        raise ApiError(400, exc.detail) from None
    return cleaned


def resolve_reference(world: World, ref: Ref, value: Any) -> Any:
    """A written reference → the target's id (ids for ``many``), or DRF's relation messages."""
    if ref.many:
        if isinstance(value, (str, dict)) or not isinstance(value, list):
            raise Invalid([f'Expected a list of items but got type "{type(value).__name__}".'])
        return [_one(world, ref, item) for item in value]
    return _one(world, ref, value)


def _one(world: World, ref: Ref, value: Any) -> int:
    if ref.by == "id":
        try:  # a pk lookup casts with int(), as Django's IntegerField does: "+1", " 1 ", 1.5 all name row 1
            if isinstance(value, bool):
                raise TypeError
            row = world.get(ref.target, int(value))
        except (TypeError, ValueError):
            raise Invalid([f"Incorrect type. Expected pk value, received {type(value).__name__}."]) from None
        if row is None:
            raise Invalid([f'Invalid pk "{value}" - object does not exist.'])
        return row["id"]
    if isinstance(value, (dict, list)):
        raise Invalid(["Invalid value."])
    text = str(value)
    row = world.find(ref.target, ref.by, text)
    if row is None:
        raise Invalid([f"Object with {ref.by}={text} does not exist."])
    return row["id"]


def _scoped(world: World, refs: dict[str, Ref], cleaned: dict[str, Any], existing: Row | None) -> None:
    """References that only make sense with a sibling: a queue of the site given (H67)."""
    for path, ref in refs.items():
        if not ref.scope or path not in cleaned or cleaned[path] is None:
            continue
        owner = cleaned.get(ref.scope, (existing or {}).get(ref.scope))
        name = cleaned[path]
        if isinstance(name, (dict, list)):
            raise Invalid({path: ["Invalid value."]})
        found = world.first(ref.target, _named_in(ref, str(name), owner))
        if found is None:
            raise Invalid({path: [f"Object with {ref.by}={name} does not exist."]})
        cleaned[path] = found["id"]


def apply_reverse(world: World, resource: str, row: Row, cleaned: dict[str, Any]) -> None:
    """Memberships written on this side but stored on the other: a site's spaces, a group's users."""
    for path, ref in references(resource).items():
        if not ref.reverse or path not in cleaned:
            continue
        wanted = set(cleaned[path] or [])
        collection = world.collection(ref.target)
        for target in world.where(ref.target, _out_of_step(ref, row["id"], wanted)):
            members = list(target.get(ref.reverse) or [])
            has = row["id"] in members
            members = [m for m in members if m != row["id"]] if has else [*members, row["id"]]
            collection.update(target["id"], {ref.reverse: members})
        world.changed()


def _named_in(ref: Ref, name: str, owner: Any) -> Callable[[Row], bool]:
    return lambda target: target.get(ref.by) == name and target.get(ref.scope) == owner


def _out_of_step(ref: Ref, pk: int, wanted: set[Any]) -> Callable[[Row], bool]:
    """Target rows whose membership list disagrees with what was written: only they change."""
    return lambda target: (target["id"] in wanted) != (pk in (target.get(ref.reverse) or []))


def without_reverse(resource: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    reverse = {path for path, ref in references(resource).items() if ref.reverse}
    return {k: v for k, v in cleaned.items() if k not in reverse}


def number_nested(world: World, resource: str, stored: dict[str, Any], existing: Row | None) -> dict[str, Any]:
    """Nested objects the detail schema gives a read-only ``id`` (a policy's triggers, a share's clients) get
    one when written without, numbered per field and never reused; PATCHed objects keep theirs."""
    spec = world.spec.resources.get(resource, {})
    schema = world.spec.schema(spec.get("schema")) or {}

    def walk(value: Any, node: dict[str, Any], path: str, old: Any) -> Any:
        node = world.spec.resolve(node)
        if isinstance(value, list) and node.get("type") == "array":
            return [walk(item, node.get("items", {}), path, None) for item in value]
        if not isinstance(value, dict) or "properties" not in node:
            return value
        props = node["properties"]
        out = {k: walk(v, props.get(k, {}), f"{path}.{k}", (old or {}).get(k) if isinstance(old, dict) else None)
               for k, v in value.items()}
        if path and "id" in props and props["id"].get("readOnly") and out.get("id") is None:
            known = old.get("id") if isinstance(old, dict) else None
            out["id"] = known or world.collection(f"{resource}{path}").allocate_id()
        return out

    return walk(stored, schema, "", existing)
