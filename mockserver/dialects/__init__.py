"""One dialect per vendor framework, holding its conventions only; a product built on one serves one API.

A product exposes ``create(state) -> ApiBinding`` (see :mod:`mockserver.products`). The app routes every
request under the binding's ``prefix`` to ``binding.handle(request)``; the binding does its own routing, because
both vendor frameworks answer unknown and unslashed paths in their own ways. A binding whose product has failure
scenarios offers them as ``binding.scenarios`` (:class:`Scenarios`; the admin API's ``/__mock__/scenarios``).
Rules: docs/behaviour/admin.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from flask import Request, Response


def sends_a_body(request: Request) -> bool:
    """Whether the request has body bytes to read: a Content-Length above 0, or a chunked body the server passes
    on as it is (waitress de-chunks and sets the length itself). A request with neither has no body (RFC 9112
    6.3); skipping the read spares most requests (GETs) werkzeug's stream wrapper."""
    length = request.content_length
    if length is not None:
        return length > 0
    return "chunked" in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower()


class ApiBinding(Protocol):
    name: str  # "torrent" | "hub"
    prefix: str  # "/rundb/api/v1" | "/api"

    def seed_tables(self, seeds: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        """Seed files (API representation) → store tables (``"<api>/<resource>"`` → rows, each with an int ``id``)."""

    def handle(self, request: Request) -> Response:
        """The whole pipeline for one request under ``prefix``."""

    def error_response(self, status: int, body: Any = None) -> Response:
        """A response in this API's own error envelope (used by fault rules)."""

    def reset(self) -> None:
        """Forget per-run state kept outside the store (issued tokens, caches)."""

    def insert_records(self, resource: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Admin A9: store ``objects`` (API representation) bypassing authentication and permissions, but with
        the API's own field rules. All or nothing: validate every object before storing any. → the stored
        objects in API representation. Raises ``ApiError(400, body naming the field)`` for a bad record and
        ``ApiError(404, …)`` for an unknown resource. Called with ``state.store.lock`` held."""

    def records(self, resource: str) -> list[dict[str, Any]]:
        """Admin A9: the raw stored rows of one resource; ``ApiError(404, …)`` for an unknown resource."""


class Scenarios(Protocol):
    """A product's failure scenarios, kept in the store (a reset clears them, a snapshot keeps them)."""

    def add(self, spec: Any) -> dict[str, Any]:
        """Check and store one; → it with its ``id``. ``mockserver.errors.ScenarioError`` for a bad one."""

    def list(self) -> list[dict[str, Any]]:
        """Every scenario, oldest first."""

    def remove(self, scenario_id: int) -> bool:
        """Remove one and end its effects now; → whether there was one."""

    def clear(self) -> None:
        """Remove them all."""
