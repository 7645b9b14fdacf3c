"""A request's headers, read once from the WSGI environ and looked up by name in constant time.

werkzeug's ``Headers`` finds a name by lowering every name in its list, and a lookup of an absent name builds
and catches an exception: the dialect, the journal's masking and CORS each ask for several names per request, a
tenth of the server's time for a small answer. These headers are werkzeug's (same order, same ``items()``,
same first-value-wins lookups), read-only, with an index by lowered name.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.datastructures.mixins import ImmutableHeadersMixin
from werkzeug.exceptions import BadRequestKeyError


class RequestHeaders(ImmutableHeadersMixin, Headers):  # type: ignore[misc]
    def __init__(self, pairs: Iterable[tuple[str, str]]):
        super().__init__()
        self._list = list(pairs)
        self._first: dict[str, str] = {}
        for name, value in reversed(self._list):  # the first of repeated names wins, as in werkzeug
            self._first[name.lower()] = value

    def get(  # type: ignore[override]  # werkzeug's overloads, in one signature
        self, key: Any, default: Any = None, type: Callable[[str], Any] | None = None,  # noqa: A002
    ) -> Any:
        value = self._first.get(key.lower())
        if value is None:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except ValueError:
            return default

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, str):
            return super().__getitem__(key)
        value = self._first.get(key.lower())
        if value is None:
            raise BadRequestKeyError(key)
        return value

    def __contains__(self, key: Any) -> bool:
        return isinstance(key, str) and key.lower() in self._first
