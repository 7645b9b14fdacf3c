"""Torrent Suite rundb API v1: what is specific to the product, on top of the tastypie dialect.

compositedatamanagement's file sets (:mod:`.filesets`), PluginResultJob's state times (:mod:`.statetimes`) and
its JSON config (:mod:`.jsontext`), plugin-result keys and the groups' write permissions (:mod:`.access`).
Every fact they use comes from the contract (``mockserver/openapi/torrent.json``); the accounts, realm and keys
from the settings.
"""
from __future__ import annotations

from ..contract import load, resources
from ..dialects.tastypie import Behaviour, Product, TastypieApi
from .access import plugin_key, write_permission
from .filesets import FileSets
from .jsontext import JsonText
from .statetimes import StateTimes

API = "torrent"
PREFIX = "/rundb/api/v1"


def behaviours() -> dict[str, Behaviour]:
    """The resources with rules beyond their field tables, each built from its own contract facts."""
    found: dict[str, Behaviour] = {}
    for name, facts in resources(load(API)).items():
        if "file_sets" in facts:
            found[name] = FileSets(facts["file_sets"])
        elif "state_times" in facts:
            found[name] = StateTimes(facts["state_times"])
    return found


def product(settings) -> Product:
    keys = dict(settings.torrent_plugin_keys)
    return Product(
        api=API,
        prefix=PREFIX,
        realm=settings.torrent_realm,
        users=settings.torrent_users,
        may_write=write_permission(load(API)["x-group-permissions"]),
        object_field=JsonText(),
        behaviours=behaviours(),
        authenticators=(plugin_key(keys),) if keys else (),
    )


def create(state) -> TastypieApi:
    """The Torrent Suite binding (ApiBinding) of one running mock."""
    return TastypieApi(state, product(state.settings))
