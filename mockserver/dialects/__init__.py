"""One dialect per vendor framework; each serves one API from its contract.

A dialect module exposes ``create(state) -> ApiBinding``. The app routes every request under the binding's
``prefix`` to ``binding.handle(request)``; the binding does its own routing, because both vendor frameworks
answer unknown and unslashed paths in their own ways.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from flask import Request, Response

    from ..state import MockState

DIALECT_MODULES = {"torrent": "mockserver.dialects.tastypie", "hub": "mockserver.dialects.drf"}


class ApiBinding(Protocol):
    name: str  # "torrent" | "hub"
    prefix: str  # "/rundb/api/v1" | "/api"

    def seed_tables(self, seeds: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        """Seed files (API representation) → store tables (``"<api>/<resource>"`` → rows, each with an int ``id``)."""

    def handle(self, request: "Request") -> "Response":
        """The whole pipeline for one request under ``prefix``."""

    def error_response(self, status: int, body: Any = None) -> "Response":
        """A response in this API's own error envelope (used by fault rules)."""

    def reset(self) -> None:
        """Forget per-run state kept outside the store (issued tokens, caches)."""


def create_binding(api: str, state: "MockState") -> ApiBinding:
    return importlib.import_module(DIALECT_MODULES[api]).create(state)
