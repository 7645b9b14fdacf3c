"""tastypie's authentication schemes (T6–T8): Basic, and ApiKey in the header or the query.

Any scheme succeeding authenticates, as tastypie's MultiAuthentication tries each in turn; a product's own
schemes (:class:`~.hooks.Product` ``authenticators``) are tried after these. A malformed credential is a
failed login, never an error.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any

from .hooks import Account, Authenticator
from .request import Query


def authenticate(authorization: str | None, query: Query, users: Iterable[Account],
                 extra: Iterable[Authenticator] = ()) -> Any:
    by_name = {u.username: u for u in users}
    scheme, value = _split(authorization)
    if scheme == "basic":
        user = _basic(value, by_name)
        if user:
            return user
    if scheme == "apikey":  # the header, when present, is the only place ApiKeyAuthentication looks
        name, _, key = value.partition(":")
    else:
        name, key = query.get("username") or "", query.get("api_key") or ""
    if key and name in by_name and by_name[name].api_key == key:
        return by_name[name]
    for authenticator in extra:
        user = authenticator(scheme, value, query, by_name)
        if user is not None:
            return user
    return None


# The addresses TS's LocalhostAuthMiddleware counts as this machine (REMOTE_ADDR, exactly).
LOOPBACK = frozenset(("127.0.0.1", "127.0.1.1", "::1"))


def localhost(authorization: str | None, users: Iterable[Account], name: str) -> Any:
    """A loopback request as Torrent Suite logs it in (T10): its BasicAuthMiddleware logs in valid Basic
    credentials first; whatever else came (nothing, a wrong password, an API or plugin key), its
    LocalhostAuthMiddleware then logs in ``name``, and tastypie takes the logged-in user."""
    by_name = {u.username: u for u in users}
    scheme, value = _split(authorization)
    user = _basic(value, by_name) if scheme == "basic" else None
    return user or by_name.get(name)


def _split(authorization: str | None) -> tuple[str, str]:
    parts = (authorization or "").split()
    if len(parts) != 2:  # tastypie's `auth_type, data = header.split()` would fail: no credential
        return "", ""
    return parts[0].lower(), parts[1]


def _basic(value: str, by_name: Mapping[str, Account]) -> Account | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, sep, password = decoded.partition(":")
    user = by_name.get(name)
    return user if sep and user and user.password == password else None
