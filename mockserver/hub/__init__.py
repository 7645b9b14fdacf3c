"""Ngenea Hub domain behaviour beyond CRUD: virtual file system, jobs and tasks, search, settings tasks.

The DRF dialect authenticates, parses and validates a request against the contract, then, when the
operation's ``operationId`` is registered here, hands it to the domain handler instead of the generic CRUD
path. Handlers take a :class:`HubCall` and return a :class:`HubReply`; they refuse a request by raising
:class:`mockserver.errors.ApiError` with a DRF-shaped body (``{"detail": "..."}`` or ``{"field": ["..."]}``).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..state import MockState


@dataclass
class HubCall:
    operation_id: str
    method: str
    path_params: dict[str, str]
    query: Any  # werkzeug MultiDict: .get(), .getlist()
    body: Any  # parsed JSON body, or None
    user: dict[str, Any] | None  # the authenticated user's stored row
    base_url: str  # scheme + host + "/api", for absolute links
    state: MockState  # store, clock, random, settings
    client_key: dict[str, Any] | None = None  # the client key used, when authenticated with one
    # ``user`` is None for the public operations (the token endpoints).


@dataclass
class HubReply:
    status: int
    body: Any = None  # JSON-able; None → empty body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class HubList:
    """A collection answer: the dialect paginates ``items`` (page/page_size, or a bare array where the route
    table says so) and merges ``extra`` into the envelope (e.g. the ``stats`` of ``GET /jobs/``)."""

    items: list[Any]  # or the dialect's lazily read Listing (generic lists render only the page shown)
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[HubCall], "HubReply | HubList"]
DOMAIN_HANDLERS: dict[str, Handler] = {}
DOMAIN_MODULES = (
    "mockserver.hub.accounts",
    "mockserver.hub.files",
    "mockserver.hub.jobs",
    "mockserver.hub.search",
    "mockserver.hub.settings",
)


def domain(*operation_ids: str) -> Callable[[Handler], Handler]:
    """Register a handler for one or more contract operationIds."""

    def register(handler: Handler) -> Handler:
        for op in operation_ids:
            DOMAIN_HANDLERS[op] = handler
        return handler

    return register


def load_handlers() -> dict[str, Handler]:
    """Import the domain modules, so their handlers register; → the registry."""
    for name in DOMAIN_MODULES:
        importlib.import_module(name)
    return DOMAIN_HANDLERS
