"""The upstream server: where the proxy sends each request, over one pool of kept-alive connections.

A request goes on unchanged (method, path, query, headers and body; credentials included) except for the
hop-by-hop headers, which belong to one connection only (RFC 9110 7.6.1), and ``Accept-Encoding``, which asks
for the body as is: the proxy reads every answer to check it and to point its links at itself. Redirects are
not followed and nothing is retried: the client sees what the upstream answered, and a write is sent once.
"""
from __future__ import annotations

import math
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import urllib3

from ..errors import MockServerError
from ..harness.target import split_base_url
from .settings import DEFAULT_TIMEOUT

HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "proxy-connection"))
NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "accept-encoding"}
NOT_RETURNED = HOP_BY_HOP | {"content-length", "content-encoding"}  # bodies are passed on decoded


class UpstreamError(Exception):
    """The upstream could not be reached or broke off: the proxy answers 502."""


class UpstreamTimeout(UpstreamError):
    """The upstream did not answer in time: the proxy answers 504."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]  # in the upstream's order; a repeated header stays repeated
    body: bytes
    length: str | None = None  # the upstream's Content-Length (a HEAD answer's is that of the GET's body)


class Upstream:
    """``origin`` is the server root (scheme, host, port and any path before the API's prefix)."""

    def __init__(self, url: str, prefix: str, ca_file: Path | None = None, timeout: float = DEFAULT_TIMEOUT,
                 other_roots: tuple[str, ...] = ()):
        """``other_roots``: the API roots of the other APIs, which ``url`` must not end with."""
        try:
            self.origin, self.api_root = split_base_url(url, prefix)
        except ValueError as exc:
            raise MockServerError(str(exc).replace("--base-url", "--upstream")) from None
        path = urlsplit(self.origin).path
        wrong = next((root for root in other_roots if path == root or path.endswith(root)), None)
        if wrong is not None:  # another API's root: every request would go to a path that does not exist
            root = self.origin[: -len(wrong)]
            raise MockServerError(f"--upstream {url} ends in {wrong}/, another API's root: this API's root is "
                                  f"{prefix}/; give the server root ({root}) or the API root ({root}{prefix}/)")
        if not 0 < timeout < math.inf:  # 0 would time every request out: a 504 for all, which helps no one
            raise MockServerError(f"--upstream-timeout must be a number of seconds above 0, not {timeout:g}")
        self.timeout = timeout
        context = None
        if urlsplit(self.origin).scheme == "https":
            try:  # the system's trust store, or only the given CA file
                context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            except (OSError, ssl.SSLError) as exc:
                raise MockServerError(f"--upstream-ca {ca_file}: not a readable PEM CA file ({exc})") from None
        self._pool = urllib3.PoolManager(maxsize=16, block=False, ssl_context=context)

    def url(self, path: str, query: str) -> str:
        return self.origin + path + (f"?{query}" if query else "")

    def forward(self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        sent = urllib3.HTTPHeaderDict()
        for name, value in headers:
            if name.lower() not in NOT_FORWARDED:
                sent.add(name, value)
        sent["Accept-Encoding"] = "identity"
        try:
            response = self._pool.request(method, self.url(path, query), body=body or None, headers=sent,
                                          redirect=False, retries=False, preload_content=True,
                                          decode_content=True, timeout=urllib3.Timeout(self.timeout))
        except urllib3.exceptions.NewConnectionError as exc:  # before TimeoutError: urllib3 2 derives it from one
            raise UpstreamError(f"{self.origin} could not be reached: {_reason(exc)}") from None
        except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
            what = "accept a connection" if isinstance(exc, urllib3.exceptions.ConnectTimeoutError) else "answer"
            raise UpstreamTimeout(f"{self.origin} did not {what} within {self.timeout:g} s "
                                  "(--upstream-timeout)") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise UpstreamError(f"{self.origin} could not be reached: {_reason(exc)}") from None
        kept = [(name, value) for name, value in response.headers.items() if name.lower() not in NOT_RETURNED]
        return Answer(response.status, kept, response.data or b"", response.headers.get("Content-Length"))

    def close(self) -> None:
        self._pool.clear()


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc)
