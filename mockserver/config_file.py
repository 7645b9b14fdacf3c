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

    [[hub.users]]                    # the passwords of Hub users (admin, alice, … of the seed)
    username = "alice"
    password = "wonderland"

Read with the standard library's ``tomllib``; every error names the file, the key and what it takes.
"""
from __future__ import annotations

import argparse
import hashlib
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .config import HubUser, TorrentUser
from .options import OptionError, from_mapping

USER_FIELDS: dict[str, dict[str, Any]] = {  # field → its type
    "torrent": {"username": str, "password": str, "api_key": str, "superuser": bool, "groups": list},
    "hub": {"username": str, "password": str},
}
REQUIRED = ("username", "password")


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
    tables = {name: data.pop(name) for name in list(data) if name in USER_FIELDS and isinstance(data[name], dict)}
    values = from_mapping(parser, data, where, base=path.parent)
    settings: dict[str, Any] = {}
    for api, table in tables.items():
        settings.update(_api_table(api, table, where))
    return values, settings


def _api_table(api: str, table: Mapping[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(table) - {"users"})
    if unknown:
        raise OptionError(f"{where}: [{api}] has no key {unknown[0]!r}; it holds [[{api}.users]] tables")
    users = table.get("users", [])
    if not isinstance(users, list) or not users or not all(isinstance(u, dict) for u in users):
        raise OptionError(f"{where}: {api}.users is a list of tables: [[{api}.users]] with username and password")
    make: Callable[[dict[str, Any], str], Any] = _torrent_user if api == "torrent" else _hub_user
    built, names = [], set()
    for number, user in enumerate(users, 1):
        source = f"{where}: [[{api}.users]] #{number}"
        _check_fields(api, user, source)
        if user["username"] in names:
            raise OptionError(f"{source}: user {user['username']!r} is given twice; keep one")
        names.add(user["username"])
        built.append(make(user, source))
    return {f"{api}_users": tuple(built)}


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
    api_key = user.get("api_key") or _derived_key(user["username"], user["password"])
    return TorrentUser(user["username"], user["password"], api_key, superuser=user.get("superuser", False),
                       groups=tuple(groups))


def _derived_key(username: str, password: str) -> str:
    """Tastypie's keys are 40 hex digits; one derived from the credentials is the same on every start."""
    return hashlib.sha1(f"{username}:{password}".encode(), usedforsecurity=False).hexdigest()


def _hub_user(user: dict[str, Any], source: str) -> HubUser:
    return HubUser(user["username"], user["password"])
