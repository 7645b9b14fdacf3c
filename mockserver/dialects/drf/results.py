"""What a product's operation handler takes and gives back (plain data, no HTTP): the dialect has routed,
authenticated, looked up and validated the request; the handler answers with an :class:`OperationReply` or an
:class:`OperationList`, or refuses by raising :class:`mockserver.errors.ApiError` with a DRF-shaped body
(``{"detail": "..."}`` or ``{"field": ["..."]}``)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...state import MockState
    from .lists import Listing
    from .request import Query


@dataclass
class OperationCall:
    operation_id: str
    method: str
    path_params: dict[str, str]
    query: Query  # the parameters in plain pairs, read as Django's QueryDict: .get() (the last value), .getlist()
    body: Any  # parsed JSON body (its fields as validation made them), or None
    user: dict[str, Any] | None  # the authenticated user's stored row; None for the public operations
    base_url: str  # scheme + host + "/api", for absolute links
    state: MockState  # store, clock, settings
    client_key: dict[str, Any] | None = None  # the client key used, when authenticated with one


@dataclass
class OperationReply:
    status: int
    body: Any = None  # JSON-able; None → empty body; str/bytes with a Content-Type header → a download
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class OperationList:
    """A collection answer: the dialect paginates ``items`` (page/page_size, or a bare array where the route
    table says so) and merges ``extra`` into the envelope (e.g. the ``stats`` of ``GET /jobs/``)."""

    items: list[Any] | Listing  # a Listing: the dialect's lazily read list (generic lists render only the page shown)
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[OperationCall], "OperationReply | OperationList"]
