"""The package's exceptions, under one root.

- :class:`Error`: the root of every exception mockserver raises to its users; catch it to catch them all.
- :class:`MockServerError`: the mock cannot start or run as configured (bad option, unreadable file);
  the message says what to fix. Never turned into an HTTP response.
- :class:`ApiError`: a request is refused; the active dialect renders it in the vendor's own envelope.
- :class:`ScenarioError`: a failure scenario is refused (the admin API answers 400 with its message).
"""
from __future__ import annotations

from typing import Any


class Error(Exception):
    """Root of every exception the package raises; each subclass's message says what to fix."""


class MockServerError(Error):
    """Bad configuration or data: shown to the user at start-up, with the fix."""


class NotRunning(Error, RuntimeError):
    """A running mock was needed (its url, its port) before ``start()`` or after ``stop()``."""


class ApiError(Error):
    """A refused request. ``body`` is the dialect's JSON payload (or None for an empty body)."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
                 content_type: str = "application/json"):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


class ScenarioError(Error):
    """A failure scenario the mock cannot take (``/__mock__/scenarios``): the message names the field and the fix."""
