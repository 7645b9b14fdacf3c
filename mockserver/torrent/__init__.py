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
LOCALHOST_USER = "ionadmin"  # whom TS's LocalhostAuthMiddleware logs in (its localuser; T10)


def behaviours() -> dict[str, Behaviour]:
    """The resources with rules beyond their field tables, each built from its own contract facts."""
    found: dict[str, Behaviour] = {}
    for name, facts in resources(load(API)).items():
        if "file_sets" in facts:
            found[name] = FileSets(facts["file_sets"])
        elif "state_times" in facts:
            found[name] = StateTimes(facts["state_times"])
    return found


def versions() -> dict[str, dict]:
    """The Torrent Suite versions the mock answers as, each with what differs (the contract's x-versions, D1)."""
    found: dict[str, dict] = load(API)["x-versions"]["versions"]
    return found


def version_facts(version: str | None) -> dict:
    """One version's facts; None: the contract's default (the seed data's era)."""
    return versions()[version or load(API)["x-versions"]["default"]]


def product(settings) -> Product:
    keys = dict(settings.torrent_plugin_keys)
    version = version_facts(settings.torrent_version)
    return Product(
        api=API,
        prefix=PREFIX,
        realm=settings.torrent_realm or version["realm"],
        default_order=tuple((field, bool(descending)) for field, descending in version["default_order"]),
        localhost_user=LOCALHOST_USER if settings.torrent_localhost_login else None,
        users=settings.torrent_users,
        may_write=write_permission(load(API)["x-group-permissions"]),
        object_field=JsonText(),
        behaviours=behaviours(),
        authenticators=(plugin_key(keys),) if keys else (),
    )


def create(state) -> TastypieApi:
    """The Torrent Suite binding (ApiBinding) of one running mock."""
    return TastypieApi(state, product(state.settings))
