"""Authentication (T6–T10) and write permissions (T11) of the Torrent Suite API.

Any of Basic, ApiKey (header or query) and PluginKey succeeding authenticates, as tastypie's
MultiAuthentication tries each in turn. A malformed credential is a failed login, never an error.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from ...config import TorrentUser
from .request import Query

# Model names each group may change (TS fixtures/ionusers_group.json); superusers may change everything.
GROUP_PERMISSIONS: dict[str, frozenset[str]] = {"ionusers": frozenset({"message", "pluginresultjob"})}
PLUGIN_USER = "ionuser"  # whom a plugin-result key authenticates as (T9)


def authenticate(authorization: str | None, query: Query, users: tuple[TorrentUser, ...],
                 plugin_keys: Mapping[str, str] | None = None) -> TorrentUser | None:
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
    if plugin_keys:
        if scheme == "pluginkey":
            pk, _, key = value.partition(":")
        else:
            pk, key = query.get("pluginresult") or "", query.get("api_key") or ""
        if key and plugin_keys.get(pk) == key:
            return by_name.get(PLUGIN_USER)
    return None


def may_write(user: TorrentUser, model: str) -> bool:
    return user.superuser or any(model in GROUP_PERMISSIONS.get(group, ()) for group in user.groups)


def _split(authorization: str | None) -> tuple[str, str]:
    parts = (authorization or "").split()
    if len(parts) != 2:  # tastypie's `auth_type, data = header.split()` would fail: no credential
        return "", ""
    return parts[0].lower(), parts[1]


def _basic(value: str, by_name: dict[str, TorrentUser]) -> TorrentUser | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, sep, password = decoded.partition(":")
    user = by_name.get(name)
    return user if sep and user and user.password == password else None
