"""The Ngenea Hub product, built on the DRF dialect: accounts, credentials and tokens, the estate (sites,
spaces, nodes), automation, the virtual file system, jobs and tasks, search, settings tasks.

The DRF dialect routes, authenticates, parses and validates a request against the contract, then hands it to
what this package registered on :data:`HUB`: a handler by ``operationId`` or the rules (hooks) of a resource on
the generic CRUD path. Domain handlers take a :class:`HubCall` and return a :class:`HubReply` or
:class:`HubList`; they refuse a request by raising :class:`mockserver.errors.ApiError` with a DRF-shaped body.
:func:`create` is the product's entry point.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..dialects.drf.product import Product
from ..dialects.drf.results import Handler, OperationCall, OperationList, OperationReply

if TYPE_CHECKING:
    from ..dialects import ApiBinding
    from ..state import MockState

# The dialect's operation data, in the product's words.
HubCall = OperationCall
HubReply = OperationReply
HubList = OperationList

HUB = Product("hub")
DOMAIN_HANDLERS: dict[str, Handler] = HUB.domain_handlers
domain = HUB.domain  # decorator: register a handler for one or more contract operationIds


def create(state: MockState) -> ApiBinding:
    """The Hub API served at ``/api/`` (the modules that register on :data:`HUB` are imported here)."""
    from .binding import create_binding

    return create_binding(state)
