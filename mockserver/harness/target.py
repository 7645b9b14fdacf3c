"""Where the suites send requests: the mock in process (WSGI, reset between cases) or a server over HTTP.

Checks make follow-up requests (read back what a write stored, follow a ``next`` link, replay without
credentials) through the same :class:`Target` as the suite, so they reach the same server with the same
credentials. Every request a check makes can be shown as a curl line.
Rules: docs/behaviour/admin.md.
"""
from __future__ import annotations

import json as jsonlib
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from requests.structures import CaseInsensitiveDict

IN_PROCESS_URL = "http://localhost"  # what the WSGI test client calls itself
SHOWN_IN_PROCESS_URL = "http://127.0.0.1:8000"  # curl lines for in-process runs: `python -m mockserver` serves there
MISSING = object()
SECRET_HEADERS = ("authorization",)


@dataclass
class Reply:
    method: str
    url: str
    status: int
    headers: CaseInsensitiveDict
    body: bytes
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: bytes | None = None

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def json(self, default: Any = MISSING) -> Any:
        try:
            return jsonlib.loads(self.body)
        except ValueError:
            if default is MISSING:
                raise
            return default

    def curl(self, shown_base: str | None = None) -> str:
        return curl_line(self.method, self.url, self.request_headers, self.request_body, shown_base)

    def summary(self) -> str:
        text = self.body[:300].decode("utf-8", "replace")
        return f"{self.status} {text!r}" if text else f"{self.status} (empty body)"


def curl_line(method: str, url: str, headers: dict[str, str], body: bytes | None, shown_base: str | None,
              mask: str = "[Filtered]") -> str:
    """A curl command for one request; credential headers are shown as ``mask`` (by default as schemathesis shows
    them in its own lines of the same report)."""
    if shown_base and url.startswith(IN_PROCESS_URL):
        url = shown_base + url[len(IN_PROCESS_URL):]
    parts = ["curl", "-X", method]
    for name, value in headers.items():
        parts += ["-H", f"{name}: {mask if name.lower() in SECRET_HEADERS else value}"]
    if body:
        parts += ["-d", body.decode("utf-8", "replace")]
    parts.append(url)
    return " ".join(shlex.quote(part) for part in parts)


class Target:
    """A server to test. ``origin`` is scheme + host (+ port); API paths are absolute paths on it."""

    origin: str
    resets: bool = False  # whether reset() returns the server to a known state

    def __init__(self):
        self.authenticator = None  # set by auth.attach(); adds credentials to requests
        self.on_reply = None  # called with every Reply (the suite notes writes to singletons it protects)

    @property
    def shown_origin(self) -> str:
        return self.origin

    def reset(self) -> None:
        """Back to a known state before a case; a real server has none to go back to."""

    def advance_clock(self, seconds: float) -> bool:
        """Move the server's clock on (jobs start, tasks finish); False where the harness has no say over it."""
        return False

    def send(self, method: str, url: str, *, json: Any = MISSING, data: bytes | None = None,
             params: dict[str, str] | None = None, headers: dict[str, str] | None = None, auth: bool = True) -> Reply:
        """One request. ``url`` is a path on the target or an absolute URL (links the server handed out); the body
        is ``json`` (serialised) or ``data`` (sent as is)."""
        headers = dict(headers or {})
        if auth and self.authenticator is not None:
            for name, value in self.authenticator.headers().items():
                headers.setdefault(name, value)
        body = data
        if json is not MISSING:
            body = jsonlib.dumps(json).encode()
            headers.setdefault("Content-Type", "application/json")
        url = self.absolute(url)
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        reply = self._send(method.upper(), url, headers, body)
        if self.on_reply is not None:
            self.on_reply(reply)
        return reply

    def absolute(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme:
            return url
        return self.origin + (url if url.startswith("/") else "/" + url)

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        raise NotImplementedError


class InProcessTarget(Target):
    """The mock's Flask app, called through werkzeug's test client: no sockets, and a reset between cases.
    ``--workers N`` gives each worker process a target of its own (:mod:`.workers`)."""

    origin = IN_PROCESS_URL
    resets = True

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.client = app.test_client()
        self.wsgi = _Received(app)  # what schemathesis calls

    def received_url(self, case_id: str) -> str | None:
        """The URL as the app received it for a schemathesis case. In process, schemathesis encodes some query
        values (lists, objects) differently from the URL it reports; the checks must judge what was received."""
        return self.wsgi.urls.get(case_id)

    @property
    def shown_origin(self) -> str:
        return SHOWN_IN_PROCESS_URL

    def reset(self) -> None:
        from ..app import state_of

        state_of(self.app).reset()
        if self.authenticator is not None:
            self.authenticator.forget()  # a reset revokes every token the mock issued (A2)

    def advance_clock(self, seconds: float) -> bool:
        return self.send("POST", "/__mock__/clock", json={"advance": seconds}, auth=False).status == 200  # A6

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        parts = urlsplit(url)
        response = self.client.open(parts.path, method=method, query_string=parts.query, headers=headers,
                                    data=body, base_url=urlunsplit((parts.scheme, parts.netloc, "", "", "")))
        reply = Reply(method, url, response.status_code, CaseInsensitiveDict(dict(response.headers)),
                      response.get_data(), headers, body)
        response.close()
        return reply


class _Received:
    """A WSGI wrapper that notes the URL each schemathesis case arrived with (by its test-case id header)."""

    KEPT = 1000

    def __init__(self, app: Callable[..., Any]):
        self.app = app
        self.urls: dict[str, str] = {}

    def __call__(self, environ, start_response):
        case_id = environ.get("HTTP_X_SCHEMATHESIS_TESTCASEID")
        if case_id:
            if len(self.urls) >= self.KEPT:
                self.urls.pop(next(iter(self.urls)))
            query = environ.get("QUERY_STRING", "")
            self.urls[case_id] = IN_PROCESS_URL + environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        return self.app(environ, start_response)


class RemoteTarget(Target):
    """A server over HTTP (a staging server, or a mock started elsewhere): never reset."""

    def __init__(self, origin: str, timeout: float = 30.0, verify: bool = True):
        import requests

        super().__init__()
        self.origin = origin.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.verify = verify

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        response = self.session.request(method, url, headers=headers, data=body, timeout=self.timeout,
                                        allow_redirects=False)
        return Reply(method, url, response.status_code, CaseInsensitiveDict(dict(response.headers)),
                     response.content, headers, body)


def split_base_url(base_url: str, base_path: str, api_root: str | None = None) -> tuple[str, str]:
    """``(origin, API base URL)`` for a user's ``--base-url``: the server root (``http://host:8000``), or the API
    root itself (``http://host:8000/rundb/api/v1/``, ``http://host:8000/api``) as schemathesis users write it.
    ``base_path`` is the contract's server URL (what its paths are relative to); ``api_root`` the path every
    operation lives under (the server URL and the paths' common prefix). A path before either is kept: a server
    behind a reverse proxy at ``http://host/ts/``."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--base-url must be an http(s) URL such as http://127.0.0.1:8000, not {base_url!r}")
    path = parts.path.rstrip("/")
    for suffix in (api_root or base_path, base_path):
        if suffix and (path == suffix or path.endswith(suffix)):
            path = path[: -len(suffix)]
            break
    origin = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return origin, origin + base_path
