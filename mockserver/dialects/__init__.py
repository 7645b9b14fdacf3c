"""One dialect per vendor framework; each serves one API from its contract.

A dialect module exposes ``create(state) -> ApiBinding``. The app routes every request under the binding's
``prefix`` to ``binding.handle(request)``; the binding does its own routing, because both vendor frameworks
answer unknown and unslashed paths in their own ways.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import ApiError

if TYPE_CHECKING:
    from flask import Request, Response

    from ..state import MockState

DIALECT_MODULES = {"torrent": "mockserver.dialects.tastypie", "hub": "mockserver.dialects.drf"}


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


def create_binding(api: str, state: MockState) -> ApiBinding:
    return importlib.import_module(DIALECT_MODULES[api]).create(state)


def binding_method(binding: ApiBinding, name: str):
    """``binding.<name>``, or ApiError(501) saying which dialect still lacks it (the protocol grew after some
    dialects were written)."""
    method = getattr(binding, name, None)
    if method is None:
        raise ApiError(501, {"error": f"the {binding.name} API ({type(binding).__module__}) does not implement "
                                      f"ApiBinding.{name}() yet; see mockserver/dialects/__init__.py"})
    return method
