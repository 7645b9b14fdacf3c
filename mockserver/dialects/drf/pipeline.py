"""One request through the dialect, in DRF's order (H23), plain data in and out (:class:`~.request.Request` →
:class:`~.request.Reply`; the binding in :mod:`.api` is what speaks WSGI).

route (H1–H3) → body size (H44) → negotiation (H5) → authentication (H22) → permission (H25) → method
(H27–H30) → object lookup (H64, H66) → body parsing (H39–H42) → the operation: a domain module's handler,
the dialect's own, or the generic CRUD path.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import ApiError, MockServerError
from . import authentication as auth
from .access import check_permission, lookup, options_body
from .call import Call
from .http import (
    empty_reply,
    error_reply,
    json_reply,
    negotiate,
    not_found_page,
    parse_json,
    redirect_slash,
    require_object,
    too_large,
)
from .lists import paginate
from .product import Product
from .render import Renderings, order_like
from .request import Reply, Request
from .results import OperationList, OperationReply
from .serializers import clean_body
from .spec import Operation, Route, load_spec
from .views import create, destroy, list_view, retrieve, singleton_view, update
from .world import World

if TYPE_CHECKING:
    from ...state import MockState

PREFIX = "/api"
PAGE_KEYS = ("count", "next", "previous", "results")
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="api"'}


class Pipeline:
    def __init__(self, state: MockState, product: Product):
        self.state = state
        self.product = product
        self.spec = load_spec()
        self.renderings = Renderings()
        self.domain = product.domain_handlers
        if product.authenticator is None:
            raise MockServerError(f"the {product.name} product registers no authenticator")
        self.authenticator = product.authenticator
        unserved = [op.op_id for op in self.spec.operations.values() if not self._served(op)]
        if unserved:
            raise MockServerError(f"the Hub contract's operations {', '.join(sorted(unserved))} have no handler: "
                                  "register one (mockserver.hub) for each")

    def _served(self, op: Operation) -> bool:
        """Whether real code answers the operation: a registered handler, or the generic CRUD path for the
        list, detail and singleton routes of the resources the dialect stores."""
        if op.op_id in self.domain or op.op_id in self.product.handlers:
            return True
        matched = self.spec.match(op.path)
        route = matched[0] if matched else None
        return (route is not None and route.kind != "action"
                and not (route.resource in self.product.simulated and op.method in ("POST", "PATCH")))

    def authenticate(self, headers: Any) -> Any:
        """The caller's Principal, None without credentials; 401 for bad ones."""
        return auth.authenticate(headers, self.state, self.authenticator)

    # -- the request ----------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        rest = request.path[len(PREFIX):]
        matched = self.spec.match(rest)
        if matched is None:
            if not rest.endswith("/") and self.spec.match(rest + "/") is not None:
                return redirect_slash(request.path, request.query_string)
            return not_found_page()
        route, params = matched
        try:
            reply = self._serve(request, route, params)
        except ApiError as exc:
            reply = error_reply(exc)
        reply.headers["Allow"] = route.allow
        reply.headers["Vary"] = "Accept"
        return reply

    def _serve(self, request: Request, route: Route, params: dict[str, str]) -> Reply:
        if request.body_too_large:
            raise too_large(self.state.settings.max_body_bytes)
        negotiate(request.header("Accept"), request.query.get("format"))
        method = request.method.upper()
        public = all(op.public for op in route.operations.values())
        principal = None if public else self.authenticate(request.headers)
        if not public and principal is None:
            raise ApiError(401, NOT_PROVIDED, headers=dict(WWW_AUTHENTICATE))
        user = getattr(principal, "user", None)
        check_permission(self.spec, route, method, user)
        # Renderings are kept for reads: a write's own answer renders rows of a store that just changed.
        world = World(self.state, request.origin + PREFIX, self.product,
                      self.renderings if method in ("GET", "HEAD") else None)
        if method == "OPTIONS":
            return json_reply(options_body(world, route, user))
        op = route.operations.get("GET" if method == "HEAD" else method)
        if op is None:
            raise ApiError(405, {"detail": f'Method "{request.method}" not allowed.'})
        url = request.origin + request.path + ("?" + request.query_string if request.query_string else "")
        call = Call(world, route, op, params, request.query, url, user, getattr(principal, "client_key", None))
        return self._reply(call, self.operate(call, request.body, request.header("Content-Type")))

    def operate(self, call: Call, raw: bytes, content_type: str | None) -> OperationReply | OperationList:
        """The routed, authenticated call from there on: object lookup (H64, H66), body parsing (H39–H42) and
        validation, the operation."""
        op = call.op
        lookup(call, own=op.op_id not in self.domain)
        if op.request is not None:
            call.body = parse_json(raw, content_type)
        if op.op_id in self.domain:
            if op.request is not None and not op.public:  # the token endpoints check bodies in their own order
                body = require_object(call.body)
                # The handler reads what validation made of each field (trimmed, typed: "false" is False).
                call.body = {**body, **clean_body(call.world, call.resource, op.request, body)}
            return self.domain[op.op_id](call.operation_call())
        handler = self.product.handlers.get(op.op_id)
        return (handler or _generic(call))(call)

    def _reply(self, call: Call, reply: OperationReply | OperationList) -> Reply:
        if isinstance(reply, OperationList):
            if _shape(call) == "arr":
                return json_reply(_ordered(call, list(reply.items)))
            body = paginate(reply.items, call.query, call.url, _extras(call, reply.extra))
            return json_reply(_ordered(call, body))
        if reply.body is None:
            return empty_reply(reply.status, reply.headers)
        if isinstance(reply.body, (str, bytes)) and "Content-Type" in reply.headers:  # a download (CSV)
            data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            return Reply(reply.status, dict(reply.headers), data)
        return json_reply(_ordered(call, reply.body), reply.status, reply.headers)


def _generic(call: Call) -> Callable[[Call], OperationReply | OperationList]:
    """The CRUD view for this route and method (``Pipeline._served`` checked at start that there is one)."""
    if call.route.kind == "list":
        if call.resource_spec.get("list_shape") == "obj":
            return singleton_view
        return create if call.op.method == "POST" else list_view
    return {"GET": retrieve, "PATCH": update, "DELETE": destroy}[call.op.method]


def _shape(call: Call) -> str:
    response = call.world.spec.resolve(call.op.response or {})
    return "arr" if response.get("type") == "array" or "anyOf" in response else "env"


def _extras(call: Call, extra: dict[str, Any]) -> dict[str, Any]:
    """Envelope keys beyond the page that the contract requires (``stats`` of jobs/), from the example."""
    response = call.world.spec.resolve(call.op.response or {})
    envelope: dict[str, Any] = next((o for o in response.get("oneOf", []) if o.get("type") == "object"), {})
    missing = [k for k in envelope.get("required", []) if k not in PAGE_KEYS and k not in extra]
    example = call.op.example if isinstance(call.op.example, dict) else {}
    return {**extra, **{k: copy.deepcopy(example.get(k, {})) for k in missing}}


def _ordered(call: Call, body: Any) -> Any:
    return order_like(body, call.op.example) if call.op.example is not None else body
