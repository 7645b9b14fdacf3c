"""Who may do what on Torrent Suite beyond tastypie's own schemes: plugin-result keys (T9) and the groups'
write permissions (T11).

A plugin-result key, ``Authorization: PluginKey <pk>:<key>`` or ``?pluginresult=<pk>&api_key=<key>``, with the
keys from configuration, authenticates as ``ionuser``. Write permissions are granted per Django model: a
superuser may write every model, anyone else the models their groups may (the contract's
``x-group-permissions``, from TS's ionusers fixture).
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..dialects.tastypie import Authenticator
from ..dialects.tastypie.request import Query

if TYPE_CHECKING:
    from ..config import TorrentUser  # the accounts come in through the settings the product is given

PLUGIN_USER = "ionuser"  # whom a plugin-result key authenticates as (T9)


@dataclass(frozen=True)
class PluginIdentity:
    """Whom a plugin-result key acts as when the configured users leave ``ionuser`` out: the same rights (a member
    of TS's ionusers group), and no password or API key, so nothing else can log in as it."""

    username: str = PLUGIN_USER
    superuser: bool = False
    groups: tuple[str, ...] = ("ionusers",)


def plugin_key(keys: Mapping[str, str]) -> Authenticator:
    def authenticate(scheme: str, value: str, query: Query, users: Mapping[str, Any]
                     ) -> TorrentUser | PluginIdentity | None:
        if scheme == "pluginkey":
            pk, _, key = value.partition(":")
        else:
            pk, key = query.get("pluginresult") or "", query.get("api_key") or ""
        if key and keys.get(pk) == key:
            return users.get(PLUGIN_USER) or PluginIdentity()
        return None

    return authenticate


def write_permission(groups: Mapping[str, list[str]]):
    """→ ``may_write(user, model)`` from each group's writable model names."""
    granted = {group: frozenset(models) for group, models in groups.items()}

    def may_write(user: TorrentUser | PluginIdentity, model: str) -> bool:
        return user.superuser or any(model in granted.get(group, ()) for group in user.groups)

    return may_write
