"""A DRF API's binding (ApiBinding): WSGI in and out, seeds, admin records and fault-injection errors.

The only module of the dialect that imports Flask or werkzeug: it reads the request into a plain
:class:`~.request.Request` (the body up to the size limit), hands it to the :class:`~.pipeline.Pipeline` and
writes the plain :class:`~.request.Reply` back. A product (the Hub) binds itself with ``DrfApi(state, product)``.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Request as WsgiRequest
from flask import Response

from .. import sends_a_body
from .call import Call
from .http import fault_reply
from .pipeline import PREFIX, Pipeline
from .product import Product
from .records import convert_seeds, insert_records, stored_records
from .request import Query, Reply, Request
from .results import OperationList, OperationReply

if TYPE_CHECKING:
    from ...state import MockState


class DrfApi:
    name = "hub"
    prefix = PREFIX

    def __init__(self, state: MockState, product: Product):
        self.state = state
        self.product = product
        self.pipeline = Pipeline(state, product)
        self.spec = self.pipeline.spec
        self.authenticator = self.pipeline.authenticator
        self.scenarios = product.scenarios(state) if product.scenarios is not None else None

    # -- ApiBinding ----------------------------------------------------------------------------------------------

    def handle(self, request: WsgiRequest) -> Response:
        return _response(self.pipeline.handle(self._request(request)))

    def seed_tables(self, seeds: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        # Seeded users carry no password: the product checks them against Settings.hub_users (D17).
        tables = convert_seeds(seeds, self.product)
        self.product.seeding(tables, self.state.settings)
        return tables

    def error_response(self, status: int, body: Any = None) -> Response:
        return _response(fault_reply(status, body))

    def reset(self) -> None:
        self.authenticator.reset(self.state)

    def insert_records(self, resource: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return insert_records(self, resource, objects)

    def records(self, resource: str) -> list[dict[str, Any]]:
        return stored_records(self, resource)

    def authenticate(self, headers: Any) -> Any:
        """The caller's Principal, None without credentials; 401 for bad ones."""
        return self.pipeline.authenticate(headers)

    def operate(self, call: Call, raw: bytes, content_type: str | None) -> OperationReply | OperationList:
        """Everything after authentication, for a routed call (see :meth:`.pipeline.Pipeline.operate`)."""
        return self.pipeline.operate(call, raw, content_type)

    # -- edges ---------------------------------------------------------------------------------------------------

    def _request(self, request: WsgiRequest) -> Request:
        """The request as plain data. A body announced or sent over the limit is not kept (the pipeline answers
        413 once the route is known: H44)."""
        limit = self.state.settings.max_body_bytes
        too_large = request.content_length is not None and request.content_length > limit
        body = b"" if too_large or not sends_a_body(request) else request.stream.read(limit + 1)
        headers: dict[str, str] = {}
        for name, value in request.headers.items():
            headers.setdefault(name.lower(), value)
        return Request(
            method=request.method,
            path=request.path,
            query=Query(request.args.items(multi=True)),  # werkzeug's decoding (bad escapes stay escaped)
            query_string=request.query_string.decode("latin-1"),
            headers=headers,
            body=b"" if len(body) > limit else body,
            body_too_large=too_large or len(body) > limit,
            origin=f"{request.scheme}://{request.host}",
        )


def _response(reply: Reply) -> Response:
    response = Response(reply.body, reply.status, headers=reply.headers)
    if not any(name.lower() == "content-type" for name in reply.headers):
        del response.headers["Content-Type"]  # Django sends no type with an empty 204/301
    return response
