"""Basic and ApiKey authentication as tastypie does it (torrent-api.md T6–T8)."""
from __future__ import annotations

import base64
import binascii

from ...config import TorrentUser


def authenticate(headers, args, users: tuple[TorrentUser, ...]) -> TorrentUser | None:
    by_name = {u.username: u for u in users}
    header = headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        username, sep, password = decoded.partition(":")
        user = by_name.get(username)
        return user if sep and user and user.password == password else None
    if scheme == "apikey":
        username, sep, key = value.strip().partition(":")
        user = by_name.get(username)
        return user if sep and user and user.api_key == key else None
    if header:
        return None
    username, key = args.get("username"), args.get("api_key")
    if username and key:
        user = by_name.get(username)
        return user if user and user.api_key == key else None
    return None
