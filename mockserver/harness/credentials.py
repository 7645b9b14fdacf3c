"""Credentials and how each API takes them; the schemathesis auth provider that puts them on every case.

Torrent: HTTP Basic (username + password) or tastypie's ``ApiKey <user>:<key>``. Hub: a JWT from the login
endpoint (username + password; refreshed before it expires and fetched again after the mock is reset), a
client key ``Api-Key <key>``, or a bearer token given as is.
"""
from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass

from .target import Target

# The mock's seeded superusers (mockserver.config): the in-process default, and what a mock started elsewhere takes.
MOCK_DEFAULTS = {"torrent": ("ionadmin", "ionadmin"), "hub": ("admin", "admin")}
HUB_LOGIN = "/api/auth/token/"
HUB_REFRESH = "/api/auth/token/refresh/"
EARLY_REFRESH_S = 60


class CredentialsError(ValueError):
    """Credentials that this API cannot take (a usage error)."""


@dataclass(frozen=True)
class Credentials:
    username: str | None = None
    password: str | None = None
    api_key: str | None = None
    token: str | None = None

    @property
    def style(self) -> str:
        if self.token:
            return "token"
        if self.api_key:
            return "api-key"
        if self.password is not None:
            return "password"
        return "none"


class Authenticator:
    """Produces the credential headers for one target; ``invalid_headers`` are well-formed but wrong ones."""

    def __init__(self, target: Target, credentials: Credentials):
        self.target = target
        self.credentials = credentials
        self.issued: set[str] = set()  # every Authorization value handed out (to spot stale ones on a case)

    def headers(self) -> dict[str, str]:
        raise NotImplementedError

    def invalid_headers(self) -> dict[str, str]:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop cached tokens (the server revoked them)."""

    def refresh(self, headers) -> None:
        """Replace a stale credential this authenticator issued earlier with a current one, in place."""
        current = headers.get("Authorization")
        if current is not None and current in self.issued:
            headers["Authorization"] = self.headers()["Authorization"]

    def _hand_out(self, headers: dict[str, str]) -> dict[str, str]:
        if "Authorization" in headers:
            self.issued.add(headers["Authorization"])
        return headers


class TorrentAuthenticator(Authenticator):
    def __init__(self, target: Target, credentials: Credentials):
        super().__init__(target, credentials)
        if credentials.style == "token":
            raise CredentialsError("the Torrent API takes --username with --password or with --api-key, not --token")
        if credentials.style == "api-key" and not credentials.username:
            raise CredentialsError("--api-key for the Torrent API needs --username (ApiKey <user>:<key>)")

    def headers(self) -> dict[str, str]:
        c = self.credentials
        if c.style == "api-key":
            return self._hand_out({"Authorization": f"ApiKey {c.username}:{c.api_key}"})
        if c.style == "password":
            return self._hand_out({"Authorization": _basic(c.username or "", c.password or "")})
        return {}

    def invalid_headers(self) -> dict[str, str]:
        return {"Authorization": _basic(self.credentials.username or "contract", "not-the-password")}


class HubAuthenticator(Authenticator):
    def __init__(self, target: Target, credentials: Credentials):
        super().__init__(target, credentials)
        if credentials.style == "password" and not credentials.username:
            raise CredentialsError("--password for the Hub API needs --username")
        self._tokens = threading.local()  # per thread: with --workers in process, each worker logs in to its mock

    def headers(self) -> dict[str, str]:
        c = self.credentials
        if c.style == "token":
            return self._hand_out({"Authorization": f"Bearer {c.token}"})
        if c.style == "api-key":
            return self._hand_out({"Authorization": f"Api-Key {c.api_key}"})
        if c.style == "password":
            return self._hand_out({"Authorization": f"Bearer {self._token()}"})
        return {}

    def invalid_headers(self) -> dict[str, str]:
        return {"Authorization": "Bearer contract.harness.invalid-token"}

    def forget(self) -> None:
        self._tokens.access = self._tokens.refresh = None

    def _token(self) -> str:
        tokens = self._tokens
        access, refresh = getattr(tokens, "access", None), getattr(tokens, "refresh", None)
        if access and _seconds_left(access) > EARLY_REFRESH_S:
            return access
        if refresh and _seconds_left(refresh) > EARLY_REFRESH_S:
            reply = self.target.send("POST", HUB_REFRESH, json={"refresh": refresh}, auth=False)
            if reply.status == 200:
                tokens.access = reply.json()["access"]
                return tokens.access
        c = self.credentials
        reply = self.target.send("POST", HUB_LOGIN, json={"username": c.username, "password": c.password}, auth=False)
        if reply.status != 200:
            raise CredentialsError(f"logging in as {c.username!r} at {HUB_LOGIN} answered {reply.summary()}")
        answer = reply.json()
        tokens.access, tokens.refresh = answer["access"], answer.get("refresh")
        return tokens.access


def attach(api: str, target: Target, credentials: Credentials) -> Authenticator:
    authenticator = (TorrentAuthenticator if api == "torrent" else HubAuthenticator)(target, credentials)
    target.authenticator = authenticator
    return authenticator


def default_credentials(api: str) -> Credentials:
    username, password = MOCK_DEFAULTS[api]
    return Credentials(username=username, password=password)


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _seconds_left(token: str) -> float:
    """Seconds until a JWT's ``exp`` (read without verifying: the server verifies; we only plan a refresh)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"]) - time.time()
    except (IndexError, KeyError, TypeError, ValueError):
        return float("inf")  # not a JWT we can read: use it until the server refuses it


class HarnessAuth:
    """schemathesis auth provider: the suite's credentials on every generated case."""

    def get(self, case, context):
        from .suite import suite_of

        authenticator = suite_of(case).target.authenticator
        return authenticator.headers() if authenticator is not None else None

    def set(self, case, data, context):
        case.headers.update(data)
