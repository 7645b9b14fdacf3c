"""A tastypie API's binding (ApiBinding): Flask in and out, seeds, admin records and fault-injection errors.

The only module of the dialect that imports Flask; everything behind :class:`~.views.Pipeline` is plain data.
A product (its name, prefix, accounts and hooks: :class:`~.hooks.Product`) makes one with
``TastypieApi(state, product)``.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from ...engine import Collection
from ...errors import ApiError, MockServerError
from .. import sends_a_body
from .datetimes import to_stored
from .deserialize import commit_create, prepare_create
from .hooks import Product
from .render import CANNED_404, HTML, Reply, dumps
from .request import Call, Query
from .spec import Resource, from_api, load_resources, represent
from .views import Pipeline

if TYPE_CHECKING:
    from ...state import MockState


class TastypieApi:
    def __init__(self, state: MockState, product: Product):
        self.state = state
        self.product = product
        self.name = product.api
        self.prefix = product.prefix
        self.resources = load_resources(product)
        self.collections = {name: Collection(state.store, r.table) for name, r in self.resources.items()}
        self.pipeline = Pipeline(product, self.resources, state.store, self.collections, state.clock,
                                 state.settings)

    # -- ApiBinding ----------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        return _response(self.pipeline.handle(self._call(request)))

    def seed_tables(self, seeds: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        """Seed files (GET representation) → stored rows; a bad seed stops the start with the reason."""
        tables = {}
        for name, objects in seeds.items():
            resource = self.resources.get(name)
            if resource is None:
                continue
            try:
                tables[resource.table] = [{**from_api(resource, obj), "id": obj["id"]} for obj in objects]
            except (ValueError, KeyError) as exc:
                raise MockServerError(f"{self.name} seed {name}: {exc}") from None
        return tables

    def error_response(self, status: int, body: Any = None) -> Response:
        """A fault in tastypie's shapes: the given body as JSON; else what tastypie itself sends for the status."""
        if body is not None:
            return _response(Reply(status, dumps(body).encode(), "application/json"))
        if status == 401:
            realm = self.product.realm
            return _response(Reply(401, b"", HTML, {"WWW-Authenticate": f'Basic Realm="{realm}"'}))
        if status in (404, 500):  # tastypie's canned error (the mock itself never sends a 500: T71)
            return _response(Reply(status, dumps(CANNED_404).encode(), "application/json"))
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = f"HTTP {status}"
        return _response(Reply(status, dumps({"error": phrase}).encode(), "application/json"))

    def reset(self) -> None:
        """Nothing lives outside the store."""

    def insert_records(self, resource: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Admin records: the field rules of a POST, but given server-set datetimes are kept, and what the
        resource's behaviour takes from seeds (``Behaviour.from_api``) is taken as seeds take it."""
        spec = self._resource(resource)
        coll = self.collections[resource]
        now = to_stored(self.state.clock.now())
        stored = []
        with self.state.store.atomic():
            for obj in objects:
                row = prepare_create(spec, coll, obj, now, keep_server_set=True)
                try:
                    spec.behaviour.from_api(obj, row)
                except ValueError as exc:
                    raise ApiError(400, {"error": str(exc)}) from None
                stored.append(commit_create(coll, row))
        return [represent(spec, row) for row in stored]

    def records(self, resource: str) -> list[dict[str, Any]]:
        self._resource(resource)
        return self.collections[resource].list()[1]

    # -- edges ---------------------------------------------------------------------------------------------------

    def _resource(self, name: str) -> Resource:
        if name not in self.resources:
            served = ", ".join(self.resources)
            raise ApiError(404, {"error": f"unknown resource {name!r}; the {self.name} API serves {served}"})
        return self.resources[name]

    def _call(self, request: Request) -> Call:
        limit = self.state.settings.max_body_bytes
        length = request.content_length
        too_large = length is not None and length > limit
        body = b"" if too_large or not sends_a_body(request) else request.get_data(cache=True)
        return Call(
            method=request.method,
            path=request.path[len(self.prefix):],
            query=Query.parse(request.query_string),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            body_too_large=too_large or len(body) > limit,
            origin=f"{request.scheme}://{request.host}",
            query_string=request.query_string.decode("latin-1"),
            remote_addr=request.remote_addr or "",
        )


def _response(reply: Reply) -> Response:
    return Response(reply.body, reply.status, headers=reply.headers, content_type=reply.content_type)
