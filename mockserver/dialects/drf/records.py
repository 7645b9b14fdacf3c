"""Admin A9 for the Hub: records put straight into the store, through the same rules as a POST."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict

from ...errors import ApiError
from .call import Call
from .seeding import resource_of, to_stored
from .spec import table
from .views import create
from .world import World

if TYPE_CHECKING:
    from .api import DrfApi

EXTRA_TABLES = ("site_settings",)  # stored, but not a resource of the contract


def resource_key(binding: DrfApi, name: str) -> str:
    key = resource_of(name)
    if key in binding.spec.resources or key in EXTRA_TABLES:
        return key
    known = ", ".join(sorted(binding.spec.resources))
    raise ApiError(404, {"detail": f"No Hub resource {name!r}; the resources are: {known}."})


def stored_records(binding: DrfApi, name: str) -> list[dict[str, Any]]:
    return binding.state.store.all(table(resource_key(binding, name)))


def insert_records(binding: DrfApi, name: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Create every object as ``POST <list>`` would (an ``id`` given is kept); resources that clients cannot
    create take the API representation as it is. All or nothing."""
    key = resource_key(binding, name)
    settings = binding.state.settings
    world = World(binding.state, f"http://{settings.host}:{settings.port}/api")
    spec = binding.spec.resources.get(key, {})
    matched = binding.spec.match(spec["list_path"]) if spec.get("list_path") else None
    route = matched[0] if matched else None
    post = route.operations.get("POST") if route else None
    out = []
    with binding.state.store.atomic():
        for obj in objects:
            if post is not None and post.request is not None and post.op_id not in binding.domain:
                out.append(_create(world, route, post, key, spec, obj))
            else:
                out.append(_raw(world, key, obj))
    return out


def _create(world: World, route, post, key: str, spec: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    call = Call(world, route, post, {}, MultiDict(), world.base_url + route.path, None, None, body=obj)
    if spec.get("parent"):
        call.parent = world.get(spec["parent"]["resource"], obj.get(world.parent_field(key)))
        if call.parent is None:
            raise ApiError(400, {world.parent_field(key): ["This field is required."]})
    body = create(call).body
    wanted = obj.get("id")
    if isinstance(wanted, int) and wanted != body.get("id"):
        if world.get(key, wanted) is not None:
            raise ApiError(400, {"id": [f"{spec.get('model')} with this id already exists."]})
        world.collection(key).move(body["id"], wanted)
        world.changed()
        body = call.render(world.get(key, wanted), resource=key)
    return body


def _raw(world: World, key: str, obj: dict[str, Any]) -> dict[str, Any]:
    known = {k: world.rows(k) for k in binding_targets(key)}
    collection = world.collection(key)
    pk = obj.get("id") if isinstance(obj.get("id"), int) else collection.allocate_id()
    if world.get(key, pk) is not None:
        raise ApiError(400, {"id": [f"An object with id {pk} already exists."]})
    row = to_stored(key, {**obj, "id": pk}, pk, known)
    collection.save(row)
    world.changed()
    spec = world.spec.resources.get(key, {})
    if not spec.get("schema"):
        return row
    call_world = world
    from .render import Renderer

    return Renderer(call_world).row(key, row, world.spec.schema(spec["schema"]))


def binding_targets(key: str) -> set[str]:
    from .models import REFERENCES

    return {ref.target for ref in REFERENCES.get(key, {}).values()}
