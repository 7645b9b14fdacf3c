"""One request and the upstream's original answer, as the checks and the recording see them, and what a check
found wrong with it (:class:`Violation`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from ..harness.dialects import json_body
from ..harness.target import curl_line
from ..masking import MASK, secrets_of


@dataclass(frozen=True)
class Exchange:
    api: str
    time: datetime
    method: str
    path: str
    query: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    request_body: bytes
    upstream_url: str  # the URL the request went to
    status: int
    response_headers: list[tuple[str, str]]
    response_body: bytes

    def request_header(self, name: str) -> str | None:
        return _header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return _header(self.response_headers, name)

    @property
    def content_type(self) -> str:
        return _media_type(self.response_header("Content-Type"))

    @property
    def request_content_type(self) -> str:
        return _media_type(self.request_header("Content-Type"))

    @property
    def json(self) -> Any:
        """The answer's JSON (JSONP unwrapped); None when it has none."""
        return json_body(self.content_type, self.response_body)

    @property
    def request_json(self) -> Any:
        return json_body("application/json", self.request_body) if self.request_body else None

    def curl(self) -> str:
        """A curl line that sends the same request to the upstream again; every header the journal masks
        (credentials, cookies) is masked, as the query and the body are."""
        secrets = secrets_of(self.api)
        headers = {name: secrets.header(name, value) for name, value in self.request_headers  # as the journal
                   if name.lower() not in ("host", "content-length", "connection", "accept-encoding")}
        query = secrets.query_of(self.query)
        url = self.upstream_url.split("?", 1)[0] + (f"?{urlencode(query)}" if query else "")
        body = secrets.body(self.request_body, self.request_content_type, secrets.fields_of(self.path))
        return curl_line(self.method, url, headers, body or None, None, mask=MASK)  # as query and body are


@dataclass(frozen=True)
class Violation:
    check: str  # the check's name: a schemathesis built-in's or a harness rule's
    operation: str  # "GET /api/sites/{id}/", or the request line when it matches no operation
    part: str  # what is wrong: "request query", "response body", "response status" …
    message: str
    curl: str
    seq: int | None = None  # the journal entry of the exchange
    time: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"check": self.check, "operation": self.operation, "part": self.part, "message": self.message,
                "curl": self.curl, "seq": self.seq, "time": self.time}

    def line(self) -> str:
        return f"VIOLATION {self.check} on {self.operation} ({self.part}): {self.message}\n    {self.curl}"


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    values = [value for key, value in headers if key.lower() == lowered]
    return ", ".join(values) if values else None


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()
