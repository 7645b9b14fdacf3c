"""The TOML file of ``mockserver serve --config FILE``: serve options at the top, users in per-API tables.

    port = 8001                      # any serve option, by its name (see mockserver.options)
    seed-dir = "seed"                # relative paths are relative to this file
    allowed-host = ["mock", "ci"]    # a repeatable option takes an array

    [[torrent.users]]                # replaces the default Torrent users (ionadmin, ionuser)
    username = "carol"
    password = "s3cret"
    api_key = "0123456789abcdef0123456789abcdef01234567"   # optional: derived from the name and password
    superuser = true                 # optional, false by default
    groups = ["ionusers"]            # optional: may write what the group may (T-rules of the contract)

    [[hub.users]]                    # replaces the default Hub passwords; a user the seed lacks is added
    username = "carol"
    password = "s3cret"
    is_staff = true                  # optional: is_staff, is_superuser, groups (names), email
    groups = ["users"]

    [[hub.client_keys]]              # a client key there from the start (Authorization: Api-Key KEY)
    name = "ci"
    api_key = "AbCd1234.0123456789abcdefghijABCDEFGHIJ01"   # <prefix 8>.<secret 32>, letters and digits
    user = "carol"                   # its owner

Read with the standard library's ``tomllib``; every error names the file, the key and what it takes.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .config import HubClientKey, HubUser, TorrentUser
from .contract import load as load_contract
from .options import OptionError, from_mapping

USER_FIELDS: dict[str, dict[str, Any]] = {  # field → its type
    "torrent": {"username": str, "password": str, "api_key": str, "superuser": bool, "groups": list},
    "hub": {"username": str, "password": str, "is_staff": bool, "is_superuser": bool, "groups": list,
            "email": str},
}
REQUIRED = ("username", "password")
TORRENT_API_KEY = re.compile(r"[0-9a-f]{40}")
CLIENT_KEY_FIELDS: dict[str, Any] = {"name": str, "api_key": str, "user": str}  # as the Hub shows a client key
CLIENT_KEY = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")  # djangorestframework-api-key's <prefix>.<secret>
TABLES = {"torrent": ("users",), "hub": ("users", "client_keys")}


def read(parser: argparse.ArgumentParser, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """→ (``{dest: value}`` of the serve options in the file, ``{Settings field: value}`` of its tables)."""
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionError(f"--config {path}: cannot read it ({exc.strerror or exc}); give the path of a TOML "
                          "file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OptionError(f"--config {path}: not valid TOML ({exc})") from None
    tables = {name: data.pop(name) for name in list(data) if name in TABLES and isinstance(data[name], dict)}
    values = from_mapping(parser, data, where, base=path.parent)
    settings: dict[str, Any] = {}
    for api, table in tables.items():
        settings.update(_api_table(api, table, where))
    return values, settings


def _api_table(api: str, table: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(table) - set(TABLES[api]))
    if unknown:
        held = " and ".join(f"[[{api}.{name}]]" for name in TABLES[api])
        raise OptionError(f"{where}: [{api}] has no key {unknown[0]!r}; it holds {held} tables")
    settings = {}
    if "users" in table:
        settings[f"{api}_users"] = _users(api, table["users"], where)
    if "client_keys" in table:
        settings["hub_client_keys"] = _client_keys(table["client_keys"], where)
    return settings


def _tables(api: str, name: str, rows: Any, where: str, needs: str) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
        raise OptionError(f"{where}: {api}.{name} is a list of tables: [[{api}.{name}]] with {needs}")
    return rows


def _users(api: str, users: Any, where: str) -> tuple[Any, ...]:
    make: Callable[[dict[str, Any], str], Any] = _torrent_user if api == "torrent" else _hub_user
    built, names = [], set()
    for number, user in enumerate(_tables(api, "users", users, where, "username and password"), 1):
        source = f"{where}: [[{api}.users]] #{number}"
        _check_fields(api, user, source)
        if user["username"] in names:
            raise OptionError(f"{source}: user {user['username']!r} is given twice; keep one")
        names.add(user["username"])
        built.append(make(user, source))
    if api == "torrent":
        _unique_api_keys(built, where)
    return tuple(built)


def _unique_api_keys(users: list[TorrentUser], where: str) -> None:
    owners: dict[str, str] = {}
    for user in users:
        if user.api_key in owners:
            raise OptionError(f"{where}: [[torrent.users]] {owners[user.api_key]!r} and {user.username!r} have the "
                              "same api_key; an API key names one user, give each its own")
        owners[user.api_key] = user.username


def _client_keys(keys: Any, where: str) -> tuple[HubClientKey, ...]:
    built: list[HubClientKey] = []
    for number, key in enumerate(_tables("hub", "client_keys", keys, where, "name, api_key and user"), 1):
        source = f"{where}: [[hub.client_keys]] #{number}"
        for name in key:
            if name not in CLIENT_KEY_FIELDS:
                raise OptionError(f"{source}: unknown key {name!r}; a client key has " + ", ".join(CLIENT_KEY_FIELDS))
        for name in CLIENT_KEY_FIELDS:
            value = key.get(name)
            if not isinstance(value, str) or not value.strip():
                raise OptionError(f"{source}: needs {name} = \"…\" (a non-empty string), not {value!r}")
        if len(key["name"]) > 50:
            raise OptionError(f"{source}: name takes at most 50 characters (the Hub's limit), not {len(key['name'])}")
        if not CLIENT_KEY.fullmatch(key["api_key"]):
            raise OptionError(f"{source}: api_key takes the Hub's format, 8 letters or digits, a dot, 32 letters or "
                              f"digits (as POST /api/auth/clientkeys/ makes them), not {key['api_key']!r}")
        prefixes = [k.api_key[:8] for k in built]
        if key["api_key"][:8] in prefixes:
            raise OptionError(f"{source}: api_key starts as key #{prefixes.index(key['api_key'][:8]) + 1}'s does; "
                              "the first 8 characters tell keys apart, make them unique")
        built.append(HubClientKey(key["name"], key["api_key"], key["user"]))
    return tuple(built)


def _check_fields(api: str, user: Mapping[str, Any], source: str) -> None:
    fields = USER_FIELDS[api]
    for name in user:
        if name not in fields:
            raise OptionError(f"{source}: unknown key {name!r}; a {api} user has " + ", ".join(fields))
    for name in REQUIRED:
        if name not in user:
            raise OptionError(f"{source}: needs {name} = \"…\"")
    for name, value in user.items():
        kind = fields[name]
        if not isinstance(value, kind) or (kind is str and not value.strip()):
            what = {str: "a non-empty string", bool: "true or false", list: "a list of strings"}[kind]
            raise OptionError(f"{source}: {name} takes {what}, not {value!r}")


def _torrent_user(user: dict[str, Any], source: str) -> TorrentUser:
    groups = user.get("groups", [])
    if not all(isinstance(g, str) and g for g in groups):
        raise OptionError(f"{source}: groups takes a list of group names, not {groups!r}")
    known = sorted(load_contract("torrent").get("x-group-permissions", {}))  # the groups Torrent Suite ships
    unknown = [g for g in groups if g not in known]
    if unknown:
        raise OptionError(f"{source}: no group {unknown[0]!r} in Torrent Suite; the groups are "
                          f"{', '.join(repr(g) for g in known)}")
    api_key = user.get("api_key") or _derived_key(user["username"], user["password"])
    if not TORRENT_API_KEY.fullmatch(api_key):
        raise OptionError(f"{source}: api_key takes 40 hexadecimal digits, as Torrent Suite makes its keys (or leave "
                          f"it out to derive one from the name and password), not {api_key!r}")
    return TorrentUser(user["username"], user["password"], api_key, superuser=user.get("superuser", False),
                       groups=tuple(groups))


def _derived_key(username: str, password: str) -> str:
    """Tastypie's keys are 40 hex digits; one derived from the credentials is the same on every start."""
    return hashlib.sha1(f"{username}:{password}".encode(), usedforsecurity=False).hexdigest()


def _hub_user(user: dict[str, Any], source: str) -> HubUser:
    groups = user.get("groups")
    if groups is not None and not all(isinstance(g, str) and g for g in groups):
        raise OptionError(f"{source}: groups takes a list of group names, not {groups!r}")
    return HubUser(user["username"], user["password"], is_staff=user.get("is_staff"),
                   is_superuser=user.get("is_superuser"), groups=None if groups is None else tuple(groups),
                   email=user.get("email"))
