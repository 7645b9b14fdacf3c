"""One function per method and route kind (``<method>_<kind>``), called by the pipeline after authentication.

Each takes ``(pipe, call, route, resource, user)``; ``pipe`` is the :class:`~.views.Pipeline` with the shared
helpers. Writes validate everything first, then check permission, then commit; the pipeline runs every write
inside ``store.atomic()``, so a refusal anywhere, even halfway through a list, leaves the store untouched
(T49, T74).
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .deserialize import commit_create, commit_update, prepare_create, prepare_update, read_json, read_object
from .render import Reply, bad_request, canned_404, empty, not_found
from .request import Call, Route, numeric_pk
from .spec import Resource, represent

if TYPE_CHECKING:
    from .views import Pipeline

NO_OBJECTS = "Invalid data sent."
NO_OBJECTS_PATCH = "Invalid data sent: missing 'objects'"
BAD_OBJECTS = "Invalid data sent: 'objects' must be a list of JSON objects."
BAD_DELETED = "Invalid data sent: 'deleted_objects' must be a list of resource URIs."


# -- reads -----------------------------------------------------------------------------------------------------


def get_list(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    return pipe.ok(call, pipe.query_list(resource, call))


def get_detail(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    row = pipe.collection(resource).get(_pk_or_canned_404(route.pk), shared=True)
    if row is None:
        return empty(404)
    return pipe.ok(call, pipe.represented(resource, row))


def get_set(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T33: in the order asked, repeats kept; ``not_found`` only when something was."""
    pks = [(ident, _pk_or_canned_404(ident)) for ident in route.pk.split(";")]
    coll = pipe.collection(resource)
    objects, missing = [], []
    for ident, pk in pks:
        row = coll.get(pk)
        if row is None:
            missing.append(ident)
        else:
            objects.append(represent(resource, row))
    data: dict[str, Any] = {"objects": objects}
    if missing:
        data["not_found"] = missing
    return pipe.ok(call, data)


def get_schema(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    return pipe.ok(call, resource.schema_body)


# -- detail writes ---------------------------------------------------------------------------------------------


def put_detail(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T41, T42: partial update (204), or a create with the URL's id (201)."""
    body = read_object(call)
    pk = _pk_or_canned_404(route.pk)
    coll = pipe.collection(resource)
    old = coll.get(pk)
    if old is None:
        row = prepare_create(resource, coll, body, pipe.now(), pk=pk)
        pipe.permit(user, resource)
        commit_create(coll, row)
        return empty(201, {"Location": call.origin + resource.uri(pk)})
    new = prepare_update(resource, coll, old, body, pipe.now())
    pipe.permit(user, resource)
    commit_update(coll, old, new)
    return empty(204)


def patch_detail(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T43: the lookup comes before the body is read."""
    coll = pipe.collection(resource)
    old = coll.get(_pk_or_canned_404(route.pk))
    if old is None:
        raise not_found()
    new = prepare_update(resource, coll, old, read_object(call), pipe.now())
    pipe.permit(user, resource)
    commit_update(coll, old, new)
    return empty(202)


def delete_detail(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T45: absent and non-numeric ids are both an empty 404."""
    pk = numeric_pk(route.pk)
    coll = pipe.collection(resource)
    if pk is None or not coll.exists(pk):
        raise not_found()
    pipe.permit(user, resource)
    coll.delete([pk])
    return empty(204)


# -- list writes -----------------------------------------------------------------------------------------------


def post_list(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T39, T40: 201 with the absolute Location of the new object."""
    coll = pipe.collection(resource)
    row = prepare_create(resource, coll, read_object(call), pipe.now())
    pipe.permit(user, resource)
    created = commit_create(coll, row)
    return empty(201, {"Location": call.origin + resource.uri(created["id"])})


def delete_list(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T46: every object the filters match (limit/offset/order_by ignored)."""
    predicate = pipe.where(resource, call)
    pipe.permit(user, resource)
    pipe.collection(resource).delete_where(predicate)
    return empty(204)


def put_list(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T47: delete what the filters match, then create every entry as a POST would; all or nothing."""
    predicate = pipe.where(resource, call)
    body = read_json(call)
    if not isinstance(body, dict) or "objects" not in body:
        raise bad_request(NO_OBJECTS)
    entries = _entries(body["objects"])
    coll = pipe.collection(resource)
    now = pipe.now()
    coll.delete_where(predicate)
    for entry in entries:
        commit_create(coll, prepare_create(resource, coll, entry, now))
    pipe.permit(user, resource)
    return empty(204)


def patch_list(pipe: Pipeline, call: Call, route: Route, resource: Resource, user: Any) -> Reply:
    """T48: merge entries with a known resource_uri, create the rest, then delete ``deleted_objects``."""
    body = read_json(call)
    if not isinstance(body, dict) or "objects" not in body:
        raise bad_request(NO_OBJECTS_PATCH)
    entries = _entries(body["objects"])
    deleted = body.get("deleted_objects", [])
    if not isinstance(deleted, list) or not all(isinstance(uri, str) for uri in deleted):
        raise bad_request(BAD_DELETED)
    coll = pipe.collection(resource)
    now = pipe.now()
    for entry in entries:
        entry = dict(entry)
        old = None
        if "resource_uri" in entry:
            old = coll.get(_pk_of_uri(resource, entry.pop("resource_uri")))
        if old is None:  # no URI, or the URI's object is gone: a create with a fresh id
            commit_create(coll, prepare_create(resource, coll, entry, now))
        else:
            commit_update(coll, old, prepare_update(resource, coll, old, entry, now))
    for uri in deleted:
        pk = _pk_of_uri(resource, uri)
        if not coll.exists(pk):
            raise canned_404()
        coll.delete([pk])
    pipe.permit(user, resource)
    return empty(202)


# -- helpers ---------------------------------------------------------------------------------------------------


def _pk_or_canned_404(text: str) -> int:
    pk = numeric_pk(text)
    if pk is None:
        raise canned_404()
    return pk


def _pk_of_uri(resource: Resource, uri: Any) -> int:
    """``/rundb/api/v1/<this resource>/<id>/`` → id; anything else is a canned 404 (T48)."""
    if not isinstance(uri, str) or not uri.startswith(resource.list_path) or not uri.endswith("/"):
        raise canned_404()
    return _pk_or_canned_404(uri[len(resource.list_path):-1])


def _entries(objects: Any) -> list[dict[str, Any]]:
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise bad_request(BAD_OBJECTS)
    return objects
