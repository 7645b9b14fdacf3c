"""Consumer coverage: which contract operations the clients' requests exercised, and with which answers.

Per served API, every operation of its contract with the calls it got and the status codes it answered, and
the requests that matched no operation. Counted apart from the journal, which is bounded and cleared by every
reset: coverage adds up over a whole test session (the pytest fixtures reset between tests) until
``DELETE /__mock__/coverage``.

A request that carries ``X-Mockserver-Client: fixture`` is one the pytest fixtures or the handle's sessions made
on their own (a login, a token renewal): it counts in ``fixture_calls``, not in ``calls``, and its status is not
a status the tests saw. The app strips the header before the dialects see the request.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from .operations import Operation, Operations

CLIENT_ENVIRON = "HTTP_X_MOCKSERVER_CLIENT"  # the WSGI key of the X-Mockserver-Client request header
FIXTURE = "fixture"
UNMATCHED_LIMIT = 1000  # distinct (method, path) pairs listed per API; calls beyond are only counted


class _Tally:
    __slots__ = ("calls", "fixture_calls", "statuses")

    def __init__(self) -> None:
        self.calls = 0
        self.fixture_calls = 0
        self.statuses: set[int] = set()

    def add(self, status: int | None, fixture: bool) -> None:
        if fixture:
            self.fixture_calls += 1
            return
        self.calls += 1
        if status is not None:  # None: a fault rule dropped the connection, so no status was seen
            self.statuses.add(status)


class Coverage:
    """Safe across the server's threads; one lock, held for a few dict operations per request."""

    def __init__(self, apis: Iterable[str]):
        self.operations = {api: Operations(api) for api in apis}
        self._lock = threading.Lock()
        self._tallies: dict[Operation, _Tally] = {}
        self._unmatched: dict[str, dict[tuple[str, str], _Tally]] = {}
        self._unlisted: dict[str, int] = {}

    def match(self, api: str, method: str, path: str) -> Operation | None:
        """The operation a request to ``api`` is; None: it matches none of the contract's operations."""
        return self.operations[api].operation(method, path)

    def count(self, api: str, operation: Operation | None, method: str, path: str, status: int | None,
              fixture: bool = False) -> None:
        with self._lock:
            if operation is not None:
                tally = self._tallies.get(operation)
                if tally is None:
                    tally = self._tallies[operation] = _Tally()
            else:
                listed = self._unmatched.setdefault(api, {})
                tally = listed.get((method, path))
                if tally is None:
                    if len(listed) >= UNMATCHED_LIMIT:
                        self._unlisted[api] = self._unlisted.get(api, 0) + 1
                        return
                    tally = listed[(method, path)] = _Tally()
            tally.add(status, fixture)

    def clear(self) -> None:
        with self._lock:
            self._tallies.clear()
            self._unmatched.clear()
            self._unlisted.clear()

    def as_json(self) -> dict[str, Any]:
        """``{"apis": {api: {"operations": [...], "unmatched": [...], "unmatched_unlisted_calls": n}}}``:
        every operation of each contract in the contract's order, calls 0 included."""
        with self._lock:
            apis = {}
            for api, ops in self.operations.items():
                operations = [_operation_json(op, self._tallies.get(op)) for op in ops.all]
                unmatched = [{"method": method, "path": path, "calls": t.calls, "fixture_calls": t.fixture_calls}
                             for (method, path), t in self._unmatched.get(api, {}).items()]
                apis[api] = {"operations": operations, "unmatched": unmatched,
                             "unmatched_unlisted_calls": self._unlisted.get(api, 0)}
        return {"apis": apis}


def _operation_json(op: Operation, tally: _Tally | None) -> dict[str, Any]:
    seen = sorted(str(s) for s in tally.statuses) if tally is not None else []
    return {"operation_id": op.operation_id, "method": op.method, "path": op.path,
            "calls": tally.calls if tally is not None else 0,
            "fixture_calls": tally.fixture_calls if tally is not None else 0,
            "statuses_seen": seen,
            "statuses_not_seen": sorted(s for s in op.statuses if s not in seen)}
