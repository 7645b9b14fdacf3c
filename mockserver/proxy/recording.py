"""``--record DIR``: every exchange as one JSON line, with its secrets masked as the journal masks them.

One file per proxy run, ``<api>-<UTC time>-<pid>.jsonl``; :mod:`.seed` reads every ``*.jsonl`` of a directory
in name order (oldest run first). What is masked is what the contract marks ``x-secret`` (the ``Authorization``
header with its scheme and user kept, Torrent's ``api_key`` query parameter, the secret fields of bodies, in
requests and answers alike) and cookies: :mod:`mockserver.masking`, the journal's masks.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..clock import isoformat_z
from ..errors import MockServerError
from ..harness.dialects import json_body
from ..masking import Secrets, mask_json, secrets_of
from .exchange import Exchange


def shown_body(secrets: Secrets, names: frozenset[str], content_type: str, body: bytes, answer: bool) -> Any:
    """A body as recorded: its JSON, else its text, else None; the secret fields ``names`` masked."""
    if not body:
        return None
    body = secrets.urls(body)  # tastypie's meta.next / previous repeat the query, api_key included
    parsed = json_body(content_type, body)
    if parsed is not None:
        return mask_json(parsed, names, answer=answer)
    return secrets.body(body, content_type, names, answer=answer).decode("utf-8", "replace")


def record_of(ex: Exchange, upstream: str, operation: str | None, checks: list[str]) -> dict[str, Any]:
    secrets = secrets_of(ex.api)
    names = secrets.fields_of(ex.path)
    return {
        "time": isoformat_z(ex.time), "api": ex.api, "upstream": upstream, "operation": operation,
        "method": ex.method, "path": ex.path,
        "query": [list(pair) for pair in secrets.query_of(ex.query)],
        "request_headers": [list(pair) for pair in secrets.headers_of(ex.request_headers)],
        "request_body": shown_body(secrets, names, ex.request_content_type or "application/json", ex.request_body,
                                   answer=False),
        "status": ex.status,
        "response_headers": [list(pair) for pair in secrets.headers_of(ex.response_headers)],
        "response_body": shown_body(secrets, names, ex.content_type, ex.response_body, answer=True),
        "violations": checks,
    }


class Recorder:
    def __init__(self, directory: Path, api: str, upstream: str, started: datetime):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self.path = directory / f"{api}-{started.strftime('%Y%m%dT%H%M%S%fZ')}-{os.getpid()}.jsonl"
            self._file: IO[str] = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise MockServerError(f"--record {directory}: cannot write there ({exc.strerror or exc})") from None
        self.upstream = upstream
        self._lock = threading.Lock()

    def write(self, ex: Exchange, operation: str | None, checks: list[str]) -> None:
        line = json.dumps(record_of(ex, self.upstream, operation, checks), ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()  # a proxy killed hard keeps every exchange recorded so far

    def close(self) -> None:
        with self._lock:
            self._file.close()
