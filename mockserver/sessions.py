"""``requests.Session`` subclasses for the two mocked APIs.

Relative URLs resolve against the API root (``session.get("message/")``); a path-only URL such as a
``resource_uri`` or a tastypie ``meta.next`` resolves against the host, and absolute URLs (Hub links) are
used as they are. Sessions derived with ``as_user``/``with_api_key``/``with_client_key`` close with their parent.

A Hub session renews its own JWT: when the mock refuses the token the session sent (``token_not_valid``: expired
after a clock move, or forgotten by a reset) it logs in again and sends the request once more, so a test may move
the clock or reset the mock without logging in itself. Torrent sessions send the configured Basic credentials or
API key with every request, which no reset or clock move invalidates.

The calls a session makes on its own (logins, token renewals, creating a client key) carry
``X-Mockserver-Client: fixture``: the mock's consumer coverage lists them apart from the tests' calls.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import urljoin

import requests

from .config import HubUser, TorrentUser

S = TypeVar("S", bound="ApiSession")
OWN_CALL = {"X-Mockserver-Client": "fixture"}  # mockserver.coverage counts these as fixture_calls


class LoginError(RuntimeError):
    """The mock refused to issue credentials (a token or a client key); the message quotes its answer."""


class ApiSession(requests.Session):
    """``verify``: for an HTTPS mock, the CA certificate file that verifies it (``MockHandle.ca_file``)."""

    def __init__(self, base_url: str, *, verify: str | bool | None = None):
        super().__init__()
        self.base_url = base_url
        if verify is not None:
            self.verify = verify
        self._ca_file = verify if isinstance(verify, str) else None
        self._derived: list[ApiSession] = []

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's own verify; the mock's CA
        # is the one that can verify it, so it wins unless the call itself passes verify=.
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if self._ca_file is not None and verify in (None, True):
            settings["verify"] = self._ca_file
        return settings

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        return super().request(method, urljoin(self.base_url, str(url)), *args, **kwargs)

    def _derive(self, session: S) -> S:
        self._derived.append(session)
        return session

    def close(self) -> None:
        for session in self._derived:
            session.close()
        super().close()


def _password(users: Sequence[TorrentUser | HubUser], username: str, password: str | None, api: str) -> str:
    if password is not None:
        return password
    for user in users:
        if user.username == username:
            return user.password
    known = ", ".join(u.username for u in users)
    raise LookupError(f"no configured {api} user {username!r} (known: {known}); pass password=")


class TorrentSession(ApiSession):
    """Logged in to the Torrent API with Basic auth, or with ``Authorization: ApiKey <user>:<key>``."""

    def __init__(self, base_url: str, users: Sequence[TorrentUser], username: str = "ionadmin",
                 password: str | None = None, *, api_key: str | None = None, verify: str | bool | None = None):
        super().__init__(base_url, verify=verify)
        self.users = tuple(users)
        self.username = username
        if api_key is not None:
            self.headers["Authorization"] = f"ApiKey {username}:{api_key}"
        else:
            self.auth = (username, _password(self.users, username, password, "Torrent"))

    def as_user(self, username: str, password: str | None = None) -> TorrentSession:
        """Another session, with Basic auth as ``username`` (password from the settings unless given)."""
        return self._derive(TorrentSession(self.base_url, self.users, username, password, verify=self.verify))

    def with_api_key(self, username: str | None = None, key: str | None = None) -> TorrentSession:
        """Another session that authenticates with an API key (the configured one unless ``key`` is given)."""
        username = username or self.username
        if key is None:
            keys = {u.username: u.api_key for u in self.users}
            if username not in keys:
                raise LookupError(f"no configured Torrent user {username!r} (known: {', '.join(keys)}); pass key=")
            key = keys[username]
        return self._derive(TorrentSession(self.base_url, self.users, username, api_key=key, verify=self.verify))


class HubSession(ApiSession):
    """Holds a JWT (``Authorization: Bearer <access>``), or a client key (``Authorization: Api-Key <key>``)."""

    scenarios: Any = None  # the mock's failure scenarios (admin_client.Scenarios), set by the mock_hub fixture

    def __init__(self, base_url: str, users: Sequence[HubUser], username: str = "admin",
                 password: str | None = None, *, api_key: str | None = None, verify: str | bool | None = None):
        super().__init__(base_url, verify=verify)
        self.users = tuple(users)
        self.username = username
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.client_key: dict[str, Any] | None = None  # the POST auth/clientkeys/ answer, for with_client_key
        self._password: str | None = None  # as given to login(), to log in again when the token is refused
        if api_key is not None:
            self.headers["Authorization"] = f"Api-Key {api_key}"
        else:
            try:
                self.login(password)
            except BaseException:
                self.close()
                raise

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(method, url, *args, **kwargs)
        if self._token_refused(response):
            self.login(self._password)
            response = super().request(method, url, *args, **kwargs)
        return response

    def _token_refused(self, response: requests.Response) -> bool:
        """The mock refused the access token this session holds (not one the caller sent in its own headers)."""
        if response.status_code != 401 or self.access_token is None:
            return False
        if response.request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return False
        try:
            return response.json().get("code") == "token_not_valid"
        except (ValueError, AttributeError):
            return False

    def login(self, password: str | None = None) -> None:
        """Obtain a fresh token pair (``POST auth/token/``) and send the access token from now on."""
        self._password = password
        body = {"username": self.username, "password": _password(self.users, self.username, password, "Hub")}
        # Without the old token: a refused one must not stand in the way of getting a new one.
        answer = super().request("POST", "auth/token/", json=body, headers={"Authorization": None, **OWN_CALL})
        tokens = self._expect(answer, 200, "obtain a token")
        self.access_token, self.refresh_token = tokens["access"], tokens["refresh"]
        self.headers["Authorization"] = f"Bearer {self.access_token}"

    def refresh(self) -> None:
        """A new access token from the refresh token (``POST auth/token/refresh/``)."""
        answer = self.post("auth/token/refresh/", json={"refresh": self.refresh_token}, headers=OWN_CALL)
        tokens = self._expect(answer, 200, "refresh the access token")
        self.access_token = tokens["access"]
        self.headers["Authorization"] = f"Bearer {self.access_token}"

    def as_user(self, username: str, password: str | None = None) -> HubSession:
        """Another session holding a JWT for ``username`` (password from the settings unless given)."""
        return self._derive(HubSession(self.base_url, self.users, username, password, verify=self.verify))

    def with_client_key(self, name: str = "pytest") -> HubSession:
        """Create a client key for this session's user through the API; → a session that uses it."""
        created = self._expect(self.post("auth/clientkeys/", json={"name": name}, headers=OWN_CALL), 201,
                               "create a client key")
        session = HubSession(self.base_url, self.users, self.username, api_key=created["api_key"], verify=self.verify)
        session.client_key = created
        return self._derive(session)

    def _expect(self, response: requests.Response, status: int, what: str) -> dict[str, Any]:
        if response.status_code != status:
            raise LoginError(f"could not {what} as {self.username!r}: {response.request.method} {response.url} "
                             f"-> {response.status_code} {response.text[:500]}")
        return response.json()
