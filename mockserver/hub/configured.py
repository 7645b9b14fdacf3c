"""Configured Hub accounts in the seed: users and client keys from the mock's settings (``--config``'s
``[[hub.users]]`` and ``[[hub.client_keys]]``), added to the seed's tables so that they are there from the start
and after every reset, as if created through the API (docs/behaviour/hub.md D17).

A configured user the seed lacks becomes a row as ``POST /api/users/`` would store it; a seeded one keeps its
row and takes the fields given (``is_staff``, ``is_superuser``, ``groups``, ``email``). Passwords stay out of the
store: :func:`credentials.check_password` reads them from the settings. A client key is stored as
``POST /api/auth/clientkeys/`` stores one (its prefix and hash, never the key).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..clock import isoformat_z
from ..errors import MockServerError
from . import credentials

Row = dict[str, Any]
GROUPS = "hub/groups"


def add_configured_accounts(tables: dict[str, list[Row]], settings: Any) -> None:
    """Add (or update) the configured users and client keys in ``tables``, the seed's stored rows."""
    users = tables.setdefault(credentials.USERS, [])
    joined = isoformat_z(settings.clock_start or datetime.now(UTC))
    for user in settings.hub_users:
        row = _by_username(users, user.username)
        if row is None:
            row = {"first_name": "", "last_name": "", "email": "", "groups": [], "is_active": True,
                   "is_staff": False, "is_superuser": False, "username": user.username, "date_joined": joined,
                   "last_login": None, "id": _next_id(users)}
            users.append(row)
        given = {"is_staff": user.is_staff, "is_superuser": user.is_superuser, "email": user.email}
        row.update((field, value) for field, value in given.items() if value is not None)
        if user.groups is not None:
            row["groups"] = [_group_id(tables, name, user.username) for name in user.groups]
    keys = tables.setdefault(credentials.CLIENTKEYS, [])
    for key in settings.hub_client_keys:
        owner = _by_username(users, key.user)
        if owner is None:
            raise MockServerError(f"Hub client key {key.name!r}: no user {key.user!r} to own it; name a user of the "
                                  "seed or of [[hub.users]] (" + ", ".join(str(u.get("username")) for u in users) + ")")
        prefix = key.api_key.partition(".")[0]
        if any(row.get("_prefix") == prefix for row in keys):
            raise MockServerError(f"Hub client key {key.name!r}: another key starts with {prefix!r}; a key's first "
                                  "8 characters tell it apart, make them unique")
        keys.append({"name": key.name, "user": owner["id"], "_prefix": prefix,
                     "_hashed_key": credentials.hash_key(key.api_key), "id": _next_id(keys)})


def _by_username(users: list[Row], username: str) -> Row | None:
    return next((row for row in users if row.get("username") == username), None)


def _next_id(rows: list[Row]) -> int:
    return max([0, *(row["id"] for row in rows if isinstance(row.get("id"), int))]) + 1


def _group_id(tables: dict[str, list[Row]], name: str, username: str) -> int:
    groups = tables.get(GROUPS, [])
    for group in groups:
        if group.get("name") == name:
            return int(group["id"])
    raise MockServerError(f"Hub user {username!r}: no group {name!r} in the seed; the groups are "
                          + (", ".join(repr(g.get("name")) for g in groups) or "none"))
