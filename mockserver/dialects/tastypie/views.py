"""The request pipeline, in the order of T70: route → OPTIONS/405 → body size → authentication → the handler
(query, lookup, body, field checks) → permission → the write → the reply in the negotiated format.

Handlers raise :class:`~mockserver.errors.ApiError` for every refusal; :meth:`Pipeline.handle` renders it.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ...clock import Clock
from ...engine import Collection, RowMemo
from ...errors import ApiError
from ...store import Row, Store
from . import authentication as auth
from . import handlers, negotiate
from .datetimes import to_stored
from .hooks import Product
from .query import QueryError, list_query, meta, where
from .render import (
    HTML,
    JSONP,
    VARY_ERROR,
    VARY_HANDLER,
    Encoded,
    Reply,
    bad_request,
    dumps,
    empty_error,
    not_found_page,
    refuse,
    serialize,
    text,
)
from .request import Call, Redirect, Route, allowed_methods, effective_method, resolve
from .spec import Resource, represent

if TYPE_CHECKING:
    from ...config import Settings

# A handler (handlers.py, ``<method>_<kind>``): (pipeline, call, route, resource, the authenticated user) → reply.
Handler = Callable[["Pipeline", Call, Route, Resource, Any], Reply]

TOO_DEEP = "Invalid data sent: the request body is nested too deeply."
IRI_SAFE = "/#%[]=:;$&()+,!?*@'~"  # django.utils.encoding.iri_to_uri
# The methods the top level answers with its listing (T2): the eight an OpenAPI document can describe.
TOP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


class Pipeline:
    """Everything one request needs: the product's hooks, the resources, the store and their collections, the
    clock, the settings."""

    def __init__(self, product: Product, resources: dict[str, Resource], store: Store,
                 collections: dict[str, Collection], clock: Clock, settings: Settings):
        self.product = product
        self.resources = resources
        self.store = store
        self.collections = collections
        self.clock = clock
        self.settings = settings
        self.names = frozenset(resources)
        # A row's representation owes nothing to the request or the clock (spec.represent): its JSON text is kept.
        self.memo = RowMemo()

    def handle(self, call: Call) -> Reply:
        route = resolve(call.path, self.names)
        if route is None:
            return not_found_page(self.product.prefix + call.path)
        if isinstance(route, Redirect):
            return self._redirect(call)
        if route.kind == "top":
            return self._top(call)
        resource = self.resources[route.resource]
        method = effective_method(route, call.method, call.header("X-HTTP-Method-Override"))
        allow = ",".join(allowed_methods(route, resource.list_methods, resource.detail_methods))
        if method == "OPTIONS":
            return text(200, allow, {"Allow": allow}, vary=VARY_ERROR)
        if method not in allow.split(","):
            return text(405, allow, {"Allow": allow}, vary=VARY_ERROR)
        try:
            reply = self._serve(call, route, resource, method)
        except ApiError as exc:
            reply = self._error(call, exc)
        except RecursionError:
            reply = self._error(call, bad_request(TOO_DEEP))
        # tastypie's wrap_view marks what a handler itself returned (those vary on Accept) as not cacheable for
        # an XMLHttpRequest, as Django's is_ajax() tells it (the header's exact value).
        if reply.headers.get("Vary") == VARY_HANDLER and call.header("X-Requested-With") == "XMLHttpRequest":
            reply.headers.setdefault("Cache-Control", "no-cache")
        return reply

    def _serve(self, call: Call, route: Route, resource: Resource, method: str) -> Reply:
        if call.body_too_large:
            raise refuse(413, f"Request body too large: the limit is {self.settings.max_body_bytes} bytes.")
        if self.product.localhost_user and call.remote_addr in auth.LOOPBACK:
            user = auth.localhost(call.header("Authorization"), self.product.users, self.product.localhost_user)
        else:
            user = auth.authenticate(call.header("Authorization"), call.query, self.product.users,
                                     self.product.authenticators)
        if user is None:
            raise empty_error(401, {"WWW-Authenticate": f'Basic Realm="{self.product.realm}"'})
        handler: Handler = getattr(handlers, f"{method.lower()}_{route.kind}")
        if method == "GET":
            return handler(self, call, route, resource, user)
        # One commit per write request (one file write with --db), and nothing of a refused one (T74).
        with self.store.atomic():
            return handler(self, call, route, resource, user)

    # -- helpers the handlers share ------------------------------------------------------------------------------

    def now(self) -> str:
        return to_stored(self.clock.now())

    def collection(self, resource: Resource) -> Collection:
        return self.collections[resource.name]

    def permit(self, user: Any, resource: Resource) -> None:
        """T11: an unpermitted write is a 401 with an empty body and no challenge."""
        if not self.product.may_write(user, resource.model):
            raise empty_error(401)

    def where(self, resource: Resource, call: Call) -> Callable[[Row], bool] | None:
        try:
            return where(resource, call.query)
        except QueryError as exc:
            raise bad_request(str(exc)) from None

    def query_list(self, resource: Resource, call: Call) -> dict[str, Any]:
        """GET list: filters, then ordering, then limit and offset (tastypie's get_list order)."""
        try:
            query = list_query(resource, call.query)
        except QueryError as exc:
            raise bad_request(str(exc)) from None
        total, rows = self.collection(resource).select(query, nulls_last=True, shared=True)
        limit, offset = query.window.limit or 0, query.window.offset
        return {"meta": meta(resource.list_path, call.query, limit, offset, total),
                "objects": [self.represented(resource, row) for row in rows]}

    def represented(self, resource: Resource, row: Row) -> Encoded:
        """The representation of a stored row (shared with :meth:`Collection.get`) as JSON text, made once while
        the row stays as it is."""
        shown: Encoded = self.memo.get(row, resource.name, lambda stored: Encoded(dumps(represent(resource, stored))))
        return shown

    def ok(self, call: Call, data: Any) -> Reply:
        """A GET 200 in the negotiated format (T29, T30)."""
        try:
            fmt = negotiate.choose(call.query, call.header("Accept"))
            callback = negotiate.callback(call.query) if fmt == JSONP else None
        except negotiate.FormatError as exc:
            raise bad_request(str(exc)) from None
        body, content_type = serialize(data, fmt, callback)
        return Reply(200, body, content_type, {"Cache-Control": "no-cache", "Vary": VARY_HANDLER})

    # -- replies outside the resources -----------------------------------------------------------------------------

    def _error(self, call: Call, exc: ApiError) -> Reply:
        headers = {"Vary": VARY_ERROR, **exc.headers}
        if exc.body is None:
            return Reply(exc.status, b"", HTML, headers)
        fmt = negotiate.for_error(call.query, call.header("Accept"))
        body, content_type = serialize(exc.body, fmt, "callback")
        return Reply(exc.status, body, content_type, headers)

    def _redirect(self, call: Call) -> Reply:
        """Django's APPEND_SLASH: the path through urlquote (only "/" kept; Python 2 escapes "~" too), then the
        whole Location through iri_to_uri, which leaves the query string's escapes and reserved characters."""
        location = call.origin + quote(self.product.prefix + call.path + "/", safe="/").replace("~", "%7E")
        if call.query_string:
            location += "?" + quote(call.query_string.encode("latin-1"), safe=IRI_SAFE)
        return Reply(301, b"", HTML, {"Location": location})

    def _top(self, call: Call) -> Reply:
        """T1, T2: every method HTTP names, no credentials; a format error is a 400 with an empty body. An
        extension verb (QUERY, PROPFIND…) is a 405 naming them."""
        if call.method not in TOP_METHODS:
            allow = ",".join(TOP_METHODS)
            return text(405, allow, {"Allow": allow})
        listing = {name: {"list_endpoint": r.list_path, "schema": f"{r.list_path}schema/"}
                   for name, r in self.resources.items()}
        try:
            fmt = negotiate.choose(call.query, call.header("Accept"))
            callback = negotiate.callback(call.query) if fmt == JSONP else None
        except negotiate.FormatError:
            return Reply(400, b"", HTML)
        body, content_type = serialize(listing, fmt, callback)
        return Reply(200, body, content_type)

