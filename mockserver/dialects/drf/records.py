"""Seed rows and admin records (A9) → the stored form.

Stored form (tables named by the contract's ``x-resources`` ``table``, one int ``id`` per row): the API
representation without ``url`` and without computed fields, every reference stored as the target's id (a list
of ids for arrays), the membership of sites in spaces only on the spaces (``sites``: ids), of users in groups
only on the users (``groups``: ids). Private fields start with ``_`` (``_password``) and are never rendered.

Seeds are in API representation: references written as names, ids or small objects become ids; memberships
kept on the other side (a site's ``spaces``, a group's ``users``) are dropped; rows without an id (features,
tags …) are numbered in file order. Admin records go through the same rules as a POST.
Rules: docs/behaviour/admin.md."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ...engine import IdTaken
from ...errors import ApiError
from .call import Call
from .relations import Ref, references
from .render import Renderer
from .request import Query
from .results import OperationReply
from .serializers import clean_body
from .spec import Operation, Route, load_spec, table
from .views import create_row
from .world import World

Row = dict[str, Any]


def resource_of(seed_key: str) -> str:
    return load_spec().seed_resources.get(seed_key, seed_key)


# (reference, what names the target: a name or an id) → the target's id, or None
Lookup = Callable[[Ref, Any], Any]


def convert_seeds(seeds: dict[str, list[Row]], product: Product) -> dict[str, list[Row]]:
    by_resource = {resource_of(key): rows for key, rows in seeds.items()}

    def lookup(ref: Ref, value: Any) -> Any:
        targets = by_resource.get(ref.target, [])
        return next((t.get("id", i) for i, t in enumerate(targets, 1) if names(t, ref, value)), None)

    return {f"hub/{key}": [to_stored(resource_of(key), row, index, lookup, product.hooks_for(resource_of(key)).seeded)
                           for index, row in enumerate(rows, 1)]
            for key, rows in seeds.items()}


def to_stored(resource: str, row: Row, number: int, lookup: Lookup, extras: dict[str, Any]) -> Row:
    """A row in API representation → the stored form; ``extras``: the stored-only fields of a seeded row."""
    stored = copy.deepcopy(row)
    stored.pop("url", None)
    stored.setdefault("id", number)
    for path, ref in references(resource).items():
        field = ref.field(path)
        if ref.reverse:
            stored.pop(field, None)
            continue
        _convert_at(stored, field.split("."), ref, lookup)
    stored.update(extras)
    return stored


def _convert_at(node: Any, parts: list[str], ref: Ref, lookup: Lookup) -> None:
    if isinstance(node, list):
        for item in node:
            _convert_at(item, parts, ref, lookup)
        return
    if not isinstance(node, dict) or parts[0] not in node:
        return
    if len(parts) > 1:
        _convert_at(node[parts[0]], parts[1:], ref, lookup)
        return
    value = node[parts[0]]
    node[parts[0]] = [target_id(v, ref, lookup) for v in value] if isinstance(value, list) \
        else target_id(value, ref, lookup)


def target_id(value: Any, ref: Ref, lookup: Lookup) -> Any:
    """The id of the target a representation names: an id, a name, or an object with either."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, dict):
        if "id" in value:
            return value["id"]
        value = value.get(ref.by, value.get("name"))
    return lookup(ref, value)


def names(target: Row, ref: Ref, value: Any) -> bool:
    """Whether ``value`` names this target row."""
    return target.get(ref.by) == value or (ref.by == "id" and target.get("name") == value)


if TYPE_CHECKING:
    from .api import DrfApi
    from .product import Product


def resource_key(binding: DrfApi, name: str) -> str:
    key = resource_of(name)
    if key in binding.spec.resources or key in binding.product.extra_tables:
        return key
    known = ", ".join(sorted(binding.spec.resources))
    raise ApiError(404, {"detail": f"No Hub resource {name!r}; the resources are: {known}."})


def stored_records(binding: DrfApi, name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = binding.state.store.all(table(resource_key(binding, name)))
    return rows


def insert_records(binding: DrfApi, name: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Create every object as ``POST <list>`` would (an ``id`` given is kept, but jobs and searches are numbered
    by the simulation); resources that clients cannot create take the API representation, checked against it.
    All or nothing."""
    key = resource_key(binding, name)
    if key in binding.product.not_stored:
        raise ApiError(400, {"detail": f"{name} is not stored: the mock derives it (insert jobs, sites, spaces …)."})
    settings = binding.state.settings
    world = World(binding.state, f"http://{settings.host}:{settings.port}/api", binding.product)
    spec = binding.spec.resources.get(key, {})
    matched = binding.spec.match(spec["list_path"]) if spec.get("list_path") else None
    route = matched[0] if matched else None
    post = route.operations.get("POST") if route else None
    out = []
    with binding.state.store.atomic():
        for obj in objects:
            if "id" in obj and (isinstance(obj["id"], bool) or not isinstance(obj["id"], int)):
                raise ApiError(400, {"id": ["A valid integer is required."]})
            if route is None or post is None or post.request is None:
                out.append(_raw(world, key, obj))
            elif key in binding.product.simulated:  # a job or a search: the simulation makes (and numbers) the row
                if "id" in obj:
                    raise ApiError(400, {"id": [f"{spec.get('model')} ids are the simulation's: leave id out."]})
                call = Call(world, route, post, {}, Query(), world.base_url + route.path, None, None, body=obj)
                cleaned = {**obj, **clean_body(world, key, post.request, obj)}
                handler = binding.product.domain_handlers[post.op_id]
                reply = handler(replace(call.operation_call(), body=cleaned))
                assert isinstance(reply, OperationReply)  # a create answers with the one object it made
                out.append(reply.body)
            else:
                out.append(_create(world, route, post, key, spec, obj))
    return out


def _create(world: World, route: Route, post: Operation, key: str, spec: dict[str, Any],
            obj: dict[str, Any]) -> dict[str, Any]:
    call = Call(world, route, post, {}, Query(), world.base_url + route.path, None, None, body=obj)
    if spec.get("parent"):
        call.parent = world.get(spec["parent"]["resource"], obj.get(world.parent_field(key)))
        if call.parent is None:
            raise ApiError(400, {world.parent_field(key): ["This field is required."]})
    wanted = obj.get("id")
    try:  # under the id asked for from the start, so references and nested rows hold that id
        row = create_row(call, wanted)
    except IdTaken:
        raise ApiError(400, {"id": [f"{spec.get('model')} with this id already exists."]}) from None
    row = world.get(key, row["id"]) or row
    # as POST answers; a record that names its id answers in the detail representation
    return call.render_write(row) if wanted is None else call.render(row, resource=key)


def _raw(world: World, key: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The record in API representation, checked against that representation (every field may be given, none
    must), then stored as the seeds are."""
    spec = world.spec.resources.get(key, {})
    schema = world.spec.schema(spec.get("schema"))
    cleaned = obj if schema is None else clean_body(world, key, _writable(world.spec.resolve(schema)), obj)
    collection = world.collection(key)
    pk = obj["id"] if "id" in obj else collection.allocate_id()
    if world.get(key, pk) is not None:
        raise ApiError(400, {"id": [f"An object with id {pk} already exists."]})
    row = to_stored(key, {**cleaned, "id": pk}, pk, lambda ref, value: _stored_id(world, ref, value),
                    world.product.hooks_for(key).seeded)
    collection.save(row)
    world.changed()
    return Renderer(world).row(key, row, world.spec.schema(spec["schema"])) if spec.get("schema") else row


def _stored_id(world: World, ref: Ref, value: Any) -> Any:
    target = world.first(ref.target, lambda row: names(row, ref, value))
    return None if target is None else target.get("id")


def _writable(schema: dict[str, Any]) -> dict[str, Any]:
    schema = {k: v for k, v in schema.items() if k not in ("readOnly", "required")}
    if "properties" in schema:
        schema["properties"] = {k: _writable(v) for k, v in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        schema["items"] = _writable(schema["items"])
    return schema
