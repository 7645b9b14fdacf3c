"""The request journal (docs/behaviour/admin.md A4): every vendor API request with its answer, in arrival order.

Entries keep raw bytes (at most 64 KiB of each body) and are turned into JSON only when read, so recording
costs little per request. The journal keeps the newest ``limit`` entries and no more than ``bytes_limit``
bytes of bodies; ``seq`` keeps counting, so ``since`` stays meaningful after old entries fall off. Secrets are
masked on the way in, as the API's contract marks them (:mod:`mockserver.masking`).

``clear()`` starts a new epoch. A request reads the epoch when it starts and hands it to ``record()``: the entry
of a request that began before a clear (or a reset) is dropped, not recorded into the journal that followed.
"""
from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import isoformat_z
from .masking import MASK as MASK
from .masking import Secrets, secrets_of
from .masking import mask_authorization as mask_authorization

BODY_LIMIT = 64 * 1024
DEFAULT_LIMIT = 10_000
BYTES_LIMIT = 64 * 1024 * 1024  # of kept bodies: 10,000 large list answers would otherwise hold over 1 GB


@dataclass
class Body:
    """At most :data:`BODY_LIMIT` bytes of a body, with its full size (``None``: size unknown)."""

    data: bytes
    size: int | None
    content_type: str = ""

    @classmethod
    def capture(cls, data: bytes, content_type: str = "") -> Body:
        return cls(data[:BODY_LIMIT], len(data), content_type)

    @property
    def truncated(self) -> bool:
        return self.size is None or self.size > len(self.data)

    def as_json(self) -> Any:
        if not self.data and not self.truncated:
            return None
        text = self.data.decode("utf-8", errors="replace")
        if not self.truncated and "json" in self.content_type:
            try:
                return json.loads(text)
            except (ValueError, RecursionError):  # nested too deep to parse: shown as text
                pass
        return text


NO_BODY = Body(b"", 0)


class BodyTap:
    """Wraps a WSGI input stream and keeps the first :data:`BODY_LIMIT` bytes that anyone reads from it.

    The dialect reads the body the way it likes (or not at all); the journal gets what went past.
    """

    def __init__(self, stream, content_length: int | None):
        self._stream = stream
        self._kept = bytearray()
        self._read = 0
        self.content_length = content_length

    def _keep(self, data: bytes) -> bytes:
        self._read += len(data)
        room = BODY_LIMIT - len(self._kept)
        if room > 0:
            self._kept += data[:room]
        return data

    def read(self, *args) -> bytes:
        return self._keep(self._stream.read(*args))

    def readline(self, *args) -> bytes:
        return self._keep(self._stream.readline(*args))

    def readlines(self, *args) -> list[bytes]:
        return [self._keep(line) for line in self._stream.readlines(*args)]

    def __iter__(self):
        return (self._keep(line) for line in self._stream)

    def body(self, content_type: str) -> Body:
        """What was read, topped up from the stream (up to the limit) when the dialect read less."""
        if self.content_length:
            missing = min(self.content_length - self._read, BODY_LIMIT - len(self._kept))
            if missing > 0:
                try:
                    self.read(missing)
                except OSError:
                    pass  # the connection is gone (a dropped request): keep what was read
        size = self.content_length if self.content_length is not None else self._read
        return Body(bytes(self._kept), max(size, self._read), content_type)


@dataclass
class Entry:
    seq: int
    time: datetime
    api: str
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: Body
    status: int | None  # None: the connection was dropped (fault rule)
    response_body: Body
    duration_ms: float
    fault: str | None = None  # id of the fault rule that acted on this request
    operation_id: str | None = None  # the contract operation the request is (mockserver.operations)
    unmatched: bool = False  # the request matched no operation of the API's contract
    violations: list[dict[str, Any]] | None = None  # proxy mode: what the contract checks found in the exchange

    @property
    def size(self) -> int:
        return len(self.body.data) + len(self.response_body.data)

    def as_json(self) -> dict[str, Any]:
        shown = {
            "seq": self.seq, "time": isoformat_z(self.time), "api": self.api, "method": self.method,
            "path": self.path, "query": _multi(self.query), "headers": _multi(self.headers, join=", "),
            "body": self.body.as_json(), "body_truncated": self.body.truncated,
            "status": self.status, "response_body": self.response_body.as_json(),
            "response_body_truncated": self.response_body.truncated,
            "duration_ms": round(self.duration_ms, 3), "fault": self.fault, "dropped": self.status is None,
            "operation_id": self.operation_id, "unmatched": self.unmatched,
        }
        if self.violations is not None:
            shown["violations"] = self.violations
        return shown


class Journal:
    def __init__(self, limit: int = DEFAULT_LIMIT, bytes_limit: int = BYTES_LIMIT):
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque()
        self._limit = limit
        self._bytes_limit = bytes_limit
        self._bytes = 0
        self._seq = 0
        self._epoch = 0

    @property
    def epoch(self) -> int:
        with self._lock:
            return self._epoch

    def record(self, *, time: datetime, api: str, method: str, path: str, query: Iterable[tuple[str, str]],
               headers: Iterable[tuple[str, str]], body: Body, status: int | None, response_body: Body,
               duration_ms: float, fault: str | None = None, epoch: int | None = None,
               operation_id: str | None = None, unmatched: bool = False) -> Entry | None:
        """Append an entry; → it, or None when ``epoch`` (read as the request began) is over: it is dropped.
        ``operation_id``: the contract operation the request is; ``unmatched``: it is none of them."""
        secrets = secrets_of(api)
        names = secrets.fields_of(path)
        query, headers = secrets.query_of(query), secrets.headers_of(headers)
        if names or secrets.query:  # secret query parameters also show in the links of a body
            body = _masked(secrets, body, names, answer=False)
            response_body = _masked(secrets, response_body, names, answer=True)
        with self._lock:
            if epoch is not None and epoch != self._epoch:
                return None
            self._seq += 1
            entry = Entry(self._seq, time, api, method, path, query, headers, body, status, response_body,
                          duration_ms, fault, operation_id, unmatched)
            self._entries.append(entry)
            self._bytes += entry.size
            while len(self._entries) > self._limit or (self._bytes > self._bytes_limit and len(self._entries) > 1):
                self._bytes -= self._entries.popleft().size
        return entry

    def entries(self, *, method: str | None = None, path: str | None = None, api: str | None = None,
                status: str | int | None = None, since: int | None = None) -> list[Entry]:
        """Entries in arrival order; ``path`` is a prefix, ``status`` a code or a class such as ``"4xx"``."""
        with self._lock:
            found = list(self._entries)
        if since is not None:
            found = [e for e in found if e.seq > since]
        if method:
            found = [e for e in found if e.method == method.upper()]
        if path:
            found = [e for e in found if e.path.startswith(path)]
        if api:
            found = [e for e in found if e.api == api]
        if status is not None:
            found = [e for e in found if status_matches(status, e.status)]
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._epoch += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def status_matches(wanted: str | int, status: int | None) -> bool:
    text = str(wanted).lower()
    if text.endswith("xx") and len(text) == 3:
        return status is not None and str(status)[0] == text[0]
    return str(status).lower() == text


def parse_status_filter(value: str) -> str:
    """``"404"`` or ``"4xx"``; anything else is a ValueError naming the value."""
    text = value.strip().lower()
    if (len(text) == 3 and text[0] in "12345" and (text[1:].isdigit() or text[1:] == "xx")) or text == "none":
        return text
    raise ValueError(f"status filter must be a code such as 404 or a class such as 4xx, not {value!r}")


def _masked(secrets: Secrets, body: Body, names: frozenset[str], answer: bool) -> Body:
    data = secrets.body(body.data, body.content_type, names, complete=not body.truncated, answer=answer)
    if data is body.data:
        return body
    # The full size moves by what masking changed, so a kept body stays complete and a cut one stays cut.
    return Body(data, None if body.size is None else body.size + len(data) - len(body.data), body.content_type)


def _multi(pairs: list[tuple[str, str]], join: str | None = None) -> dict[str, Any]:
    """Pairs → object; a repeated name gets a list of values (or, for headers, one comma-joined value)."""
    merged: dict[str, Any] = {}
    for key, value in pairs:
        if key not in merged:
            merged[key] = value
        elif join is not None:
            merged[key] = f"{merged[key]}{join}{value}"
        elif isinstance(merged[key], list):
            merged[key].append(value)
        else:
            merged[key] = [merged[key], value]
    return merged
