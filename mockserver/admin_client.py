"""A Python handle on a running mock: the ``/__mock__/`` controls of docs/behaviour/admin.md as methods.

``MockHandle.connect("http://127.0.0.1:8000")`` drives any running mock over HTTP. The pytest plugin builds
the handle with an :class:`AppTransport`, which sends the very same admin requests to the Flask app in process
(no socket), so the handle behaves exactly like the admin API and a per-test reset costs a fraction of a
millisecond. Only the standard library is imported here; ``requests`` is needed for the API sessions alone.
"""
from __future__ import annotations

import http.client
import json
import ssl
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from .errors import Error

if TYPE_CHECKING:
    from flask import Flask

    from .config import Settings
    from .sessions import HubSession, TorrentSession

TORRENT_PREFIX = "/rundb/api/v1/"
HUB_PREFIX = "/api/"
ADMIN = "/__mock__"


class AdminError(Error):
    """A ``/__mock__/`` control refused the request; ``status`` and the server's ``message``."""

    def __init__(self, method: str, path: str, status: int, message: str):
        super().__init__(f"{method} {path} -> {status}: {message}")
        self.status = status
        self.message = message


# -- transports: (method, path, body, query) → (status, parsed JSON or None) ----------------------------------


class HttpTransport:
    """One keep-alive connection to a mock's admin API, shared by threads under a lock. For an ``https://`` URL
    the certificate is verified with ``ca_file`` (the CA the mock wrote with ``--tls``), else the system's."""

    def __init__(self, url: str, timeout: float = 10.0, token: str | None = None, ca_file: str | None = None):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected http://host:port or https://host:port, not {url!r}")
        self._address = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        self._tls = ssl.create_default_context(cafile=ca_file) if parts.scheme == "https" else None
        self._timeout = timeout
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def __call__(self, method: str, path: str, body: Any = None, query: str = "") -> tuple[int, Any]:
        data = b"" if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(data)), **self._auth}
        target = path + ("?" + query if query else "")
        with self._lock:
            # One retry: the server may have closed an idle keep-alive connection.
            for attempt in (1, 2):
                if self._conn is None:
                    self._conn = (http.client.HTTPSConnection(*self._address, timeout=self._timeout, context=self._tls)
                                  if self._tls else http.client.HTTPConnection(*self._address, timeout=self._timeout))
                try:
                    self._conn.request(method, target, body=data, headers=headers)
                    response = self._conn.getresponse()
                    raw = response.read()
                    break
                except (ConnectionError, http.client.HTTPException):
                    self.close()
                    if attempt == 2:
                        raise
            if response.will_close:
                self.close()
        return response.status, _parse(raw)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class AppTransport:
    """The same admin requests, sent to a Flask app in process through its test client."""

    def __init__(self, app: Flask, token: str | None = None):
        self._client = app.test_client(use_cookies=False)
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}

    def __call__(self, method: str, path: str, body: Any = None, query: str = "") -> tuple[int, Any]:
        response = self._client.open(path, method=method, query_string=query,
                                     data=b"" if body is None else json.dumps(body),
                                     content_type="application/json", headers=self._auth)
        return response.status_code, _parse(response.get_data())

    def close(self) -> None:
        pass


def _parse(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:  # not the admin API answering (an HTML 404 when it is switched off)
        return None


# -- the handle ----------------------------------------------------------------------------------------------


class MockHandle:
    """Controls of one running mock. ``url`` has no trailing slash; ``torrent_url``/``hub_url`` end in ``/``;
    ``ca_file``: for an HTTPS mock, the CA certificate that verifies it (its sessions trust it)."""

    def __init__(self, url: str, transport=None, settings: Settings | None = None, ca_file: str | None = None):
        from .config import Settings

        self.url = url.rstrip("/")
        self.settings = settings or Settings()
        self.ca_file = str(ca_file) if ca_file else None
        self._send = transport or HttpTransport(self.url, token=self.settings.admin_token, ca_file=self.ca_file)
        self.clock = ClockControl(self._call)
        self.journal = Journal(self._call)
        self.faults = Faults(self._call)
        self.records = Records(self._call)
        self.scenarios = Scenarios(self._call)

    @classmethod
    def connect(cls, url: str, settings: Settings | None = None, ca_file: str | None = None) -> MockHandle:
        """A handle on a mock already serving at ``url`` (``settings`` only supply user names and passwords;
        ``ca_file`` verifies an ``https://`` mock's certificate)."""
        token = settings.admin_token if settings else None
        return cls(url, HttpTransport(url, token=token, ca_file=ca_file), settings, ca_file)

    @property
    def torrent_url(self) -> str:
        return self.url + TORRENT_PREFIX

    @property
    def hub_url(self) -> str:
        return self.url + HUB_PREFIX

    def _call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        path = ADMIN + path
        pairs = {k: v for k, v in (query or {}).items() if v is not None}
        status, reply = self._send(method, path, body, urlencode(pairs))
        if status >= 400:
            message = reply.get("error", reply) if isinstance(reply, dict) else reply
            if status == 404 and message is None:
                message = "no admin API here (is it switched off with --no-admin / Settings(admin=False)?)"
            raise AdminError(method, path, status, str(message))
        return reply

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    @property
    def apis(self) -> tuple[str, ...]:
        return tuple(self.health()["apis"])

    def reset(self) -> None:
        """Back to the seed: store, journal, faults, clock, issued tokens and client keys (A2)."""
        self._call("POST", "/reset")

    def snapshot(self, name: str) -> None:
        """Save the current store under ``name`` (A3); :meth:`restore` returns to it."""
        self._call("PUT", f"/snapshots/{quote(name, safe='')}")

    def restore(self, name: str) -> None:
        """Reset to a snapshot: its store, and (as any reset) an empty journal, no faults, real time (A2)."""
        self._call("POST", "/reset", {"snapshot": name})

    def snapshots(self) -> list[str]:
        return self._call("GET", "/snapshots")

    def drop_snapshot(self, name: str) -> None:
        self._call("DELETE", f"/snapshots/{quote(name, safe='')}")

    def routes(self) -> list[dict[str, str]]:
        return self._call("GET", "/routes")

    def coverage(self) -> dict[str, Any]:
        """Consumer coverage: per API every contract operation with its ``calls``, ``fixture_calls`` (the
        sessions' own logins and renewals), ``statuses_seen`` and ``statuses_not_seen``, and the ``unmatched``
        requests. It adds up across resets; :meth:`clear_coverage` starts it again."""
        return self._call("GET", "/coverage")

    def clear_coverage(self) -> None:
        self._call("DELETE", "/coverage")

    def torrent_session(self, username: str = "ionadmin", password: str | None = None) -> TorrentSession:
        """A ``requests.Session`` on the Torrent API, logged in with Basic auth."""
        from .sessions import TorrentSession

        return TorrentSession(self.torrent_url, self.settings.torrent_users, username, password, verify=self.ca_file)

    def hub_session(self, username: str = "admin", password: str | None = None) -> HubSession:
        """A ``requests.Session`` on the Hub API holding a JWT obtained for ``username``."""
        from .sessions import HubSession

        return HubSession(self.hub_url, self.settings.hub_users, username, password, verify=self.ca_file)

    def close(self) -> None:
        self._send.close()

    def __repr__(self) -> str:
        return f"<MockHandle {self.url}>"


class ClockControl:
    """The mock's clock (A5, A6): ``freeze()``, ``advance(seconds)``, ``set(dt)``, ``unfreeze()``, ``now``."""

    def __init__(self, call):
        self._call = call

    @staticmethod
    def _instant(reply: dict) -> datetime:
        return datetime.fromisoformat(reply["now"])

    @property
    def now(self) -> datetime:
        return self._instant(self._call("GET", "/clock"))

    @property
    def frozen(self) -> bool:
        return self._call("GET", "/clock")["frozen"]

    def freeze(self) -> datetime:
        return self._instant(self._call("POST", "/clock", {"freeze": True}))

    def unfreeze(self) -> datetime:
        return self._instant(self._call("POST", "/clock", {"freeze": False}))

    def advance(self, seconds: float) -> datetime:
        return self._instant(self._call("POST", "/clock", {"advance": seconds}))

    def set(self, instant: datetime | str) -> datetime:
        """Jump to ``instant`` and freeze there; a naive datetime is taken as UTC."""
        text = instant.isoformat() if isinstance(instant, datetime) else instant
        return self._instant(self._call("POST", "/clock", {"set": text}))


class Journal:
    """Recorded vendor API calls, oldest first (A4). ``journal(method="POST", path="/api/sites/")`` filters
    on the server: ``path`` is a prefix, ``since`` a ``seq``. Iterating, ``len`` and indexing see every call."""

    def __init__(self, call):
        self._call = call

    def __call__(self, *, method: str | None = None, path: str | None = None, api: str | None = None,
                 status: int | None = None, since: int | None = None) -> list[dict[str, Any]]:
        query = {"method": method.upper() if method else None, "path": path, "api": api, "status": status,
                 "since": since}
        return self._call("GET", "/journal", query=query)

    filter = __call__

    def __iter__(self):
        return iter(self())

    def __len__(self) -> int:
        return len(self())

    def __getitem__(self, index):
        return self()[index]

    def clear(self) -> None:
        self._call("DELETE", "/journal")


class Faults:
    """Fault rules (A7, A8). ``faults.add("/api/jobs/*", status=503, times=1)`` → the rule with its ``id``."""

    def __init__(self, call):
        self._call = call

    def add(self, path: str, *, method: str = "*", status: int | None = None, body: Any = None,
            headers: dict[str, str] | None = None, delay_ms: int | tuple[int, int] | None = None,
            times: int | None = None, probability: float | None = None, drop: bool = False) -> dict[str, Any]:
        rule = {"method": method, "path": path, "status": status, "body": body, "headers": headers,
                "delay_ms": list(delay_ms) if isinstance(delay_ms, tuple) else delay_ms, "times": times,
                "probability": probability, "drop": drop or None}
        # Only what was given, so the server's defaults (e.g. the API's own error envelope) apply.
        return self._call("POST", "/faults", {k: v for k, v in rule.items() if v is not None})

    def list(self) -> list[dict[str, Any]]:
        return self._call("GET", "/faults")

    def __iter__(self):
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())

    def remove(self, fault_id: str) -> None:
        self._call("DELETE", f"/faults/{quote(str(fault_id), safe='')}")

    def clear(self) -> None:
        self._call("DELETE", "/faults")


class Records:
    """Rows straight into the store, past authentication but not the field rules (A9)."""

    def __init__(self, call):
        self._call = call

    def insert(self, api: str, resource: str, obj_or_list: dict | list) -> Any:
        """Insert one object or a list; → the stored object(s). A bad record raises :class:`AdminError`."""
        return self._call("POST", f"/records/{quote(api, safe='')}/{quote(resource, safe='')}", obj_or_list)

    def all(self, api: str, resource: str) -> list[dict[str, Any]]:
        return self._call("GET", f"/records/{quote(api, safe='')}/{quote(resource, safe='')}")


class Scenarios:
    """The Hub's failure scenarios (``/__mock__/scenarios``): ``scenarios.add(kind="node_offline",
    node="pixstor-east-ng-test")`` → the scenario with its ``id``; a bad one raises :class:`AdminError` naming the
    field and the fix. A reset clears them; a snapshot keeps them."""

    def __init__(self, call):
        self._call = call

    def add(self, spec: dict[str, Any] | str | None = None, **fields: Any) -> dict[str, Any]:
        """Add one, given as a dict, as keywords (``kind=…`` and the kind's fields), or as its kind and keywords:
        ``add("alert", site="site1", name="DiskSpace")``."""
        if isinstance(spec, str):
            spec = {"kind": spec}
        return self._call("POST", "/scenarios", {**(spec or {}), **fields})

    def get(self, scenario_id: int) -> dict[str, Any]:
        return self._call("GET", f"/scenarios/{quote(str(scenario_id), safe='')}")

    def list(self) -> list[dict[str, Any]]:
        return self._call("GET", "/scenarios")

    def __iter__(self):
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())

    def remove(self, scenario_id: int) -> None:
        """Remove one and end its effects now (a node comes back, an alert is cleared)."""
        self._call("DELETE", f"/scenarios/{quote(str(scenario_id), safe='')}")

    def clear(self) -> None:
        self._call("DELETE", "/scenarios")
