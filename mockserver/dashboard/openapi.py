"""The contracts as served documents (``/__mock__/openapi/<api>.json`` and ``.yaml``) and what Swagger UI needs
to try them out against this mock (``/__mock__/docs/<api>/try-it``).

The served document is the shipped contract with one change: ``servers`` names this mock as the request reached
it, so "Try it out" calls the mock whatever host and port it runs on.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import yaml

from ..config import Settings
from ..contract import load

DEFAULT_USERS = {"torrent": "ionadmin", "hub": "admin"}  # the pytest sessions' users (sessions.py)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when PyYAML has it: ten times faster
FORMATS = {"json": "application/json", "yaml": "application/yaml"}


class UnknownDocument(LookupError):
    """An API this mock does not serve; the message names those it does."""


def served_text(api: str, host_url: str, settings: Settings, fmt: str) -> str:
    """The contract with ``servers`` naming this mock, as JSON or YAML text. ``host_url``: the request's scheme,
    host and port with a trailing slash (``http://127.0.0.1:8000/``). Made once per API, address and format."""
    _check_served(api, settings, "(/__mock__/openapi/<api>.json or .yaml)")
    return _rendered(api, _server_url(api, host_url), fmt)


@lru_cache(maxsize=8)
def _rendered(api: str, server_url: str, fmt: str) -> str:
    # A shallow copy: the contract is shared read-only, only its servers differ.
    document = {**load(api), "servers": [{"url": server_url, "description": "this mock"}]}
    if fmt == "yaml":
        return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return json.dumps(document, ensure_ascii=False)


def _server_url(api: str, host_url: str) -> str:
    base = load(api).get("servers", [{"url": "/"}])[0]["url"]
    return host_url.rstrip("/") + base.rstrip("/")


def _check_served(api: str, settings: Settings, hint: str) -> None:
    if api not in settings.apis:
        raise UnknownDocument(f"no API {api!r} here; this mock serves {', '.join(settings.apis)} {hint}".rstrip())


def try_it(api: str, settings: Settings) -> dict[str, Any]:
    """How Swagger UI authorizes its calls, as the pytest plugin's sessions do: Torrent with HTTP Basic as
    ``ionadmin``, the Hub with a bearer token the page asks the Hub's token endpoint for, as ``admin``, each with
    the password configured (``--config``); without such a user, the first one configured."""
    _check_served(api, settings, "")
    if api == "torrent":
        user = _default(settings.torrent_users, DEFAULT_USERS[api])
        return {"scheme": "basic", "username": user.username, "password": user.password}
    hub_user = _default(settings.hub_users, DEFAULT_USERS[api])
    return {"scheme": "jwt", "token_path": "/api/auth/token/", "username": hub_user.username,
            "password": hub_user.password}


def _default(users: Sequence[Any], name: str) -> Any:
    return next((u for u in users if u.username == name), users[0])
