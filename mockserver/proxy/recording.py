"""``--record DIR``: every exchange as one JSON line, with its secrets masked as the journal masks them.

One file per proxy run, ``<api>-<UTC time>-<pid>.jsonl``; :mod:`.seed` reads every ``*.jsonl`` of a directory
in name order (oldest run first). What is masked: the ``Authorization`` header (scheme and user kept, as in the
journal), cookies, the ``api_key`` query parameter, and in JSON bodies every field named in
:data:`SECRET_FIELDS` (passwords, tokens, keys), in requests and answers alike.
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
from ..journal import MASK, SECRET_PARAMS, mask_authorization
from .exchange import Exchange

# The contracts do not mark secret fields yet (issue 11 plans it); until they do, these names are the secrets of
# both APIs' bodies: TokenCreate/UserCreate password, change_password's old/new, TokenPair access/refresh,
# TokenVerifyRequest token, ClientKeyCreateResponse api_key.
SECRET_FIELDS = frozenset(("password", "old_password", "new_password", "access", "refresh", "token", "api_key"))
SECRET_HEADERS = frozenset(("cookie", "set-cookie"))


def mask_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered == "authorization":
        return mask_authorization(value)
    return MASK if lowered in SECRET_HEADERS else value


def mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: MASK if key in SECRET_FIELDS and isinstance(item, str) else mask_json(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    return value


def shown_body(content_type: str, body: bytes) -> Any:
    """A body as recorded: its JSON (masked), else its text, else None."""
    if not body:
        return None
    parsed = json_body(content_type, body)
    if parsed is not None:
        return mask_json(parsed)
    return body.decode("utf-8", "replace")


def record_of(ex: Exchange, upstream: str, operation: str | None, checks: list[str]) -> dict[str, Any]:
    return {
        "time": isoformat_z(ex.time), "api": ex.api, "upstream": upstream, "operation": operation,
        "method": ex.method, "path": ex.path,
        "query": [[k, MASK if k in SECRET_PARAMS else v] for k, v in ex.query],
        "request_headers": [[k, mask_header(k, v)] for k, v in ex.request_headers],
        "request_body": shown_body(ex.request_content_type or "application/json", ex.request_body),
        "status": ex.status,
        "response_headers": [[k, mask_header(k, v)] for k, v in ex.response_headers],
        "response_body": shown_body(ex.content_type, ex.response_body),
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
