"""The Hub product assembled: every module that registers handlers and hooks on ``HUB``, the authenticator,
the resources the simulation keeps, and the DRF binding that serves them.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dialects.drf.api import DrfApi

# Every module that registers handlers or hooks, imported so that they do.
from . import HUB, accounts, alerts, automation, estate, files, jobs, pki, search, settings, users  # noqa: F401
from .authenticator import AUTHENTICATOR
from .computed import COMPUTED
from .configured import add_configured_accounts
from .scenarios import ScenarioBook
from .vfs import seed_counts

if TYPE_CHECKING:
    from ..state import MockState

HUB.authenticator = AUTHENTICATOR
HUB.scenarios = ScenarioBook
for _resource, _fields in COMPUTED.items():
    HUB.computes(_resource, _fields)
# Resources whose rows the simulation keeps; the dialect routes to their handlers and does not look them up.
HUB.simulated = ("jobs", "tasks", "jobstats", "search", "settingstasks", "analytics", "file", "filesets")
HUB.extra_tables = ("site_settings",)  # stored, but not a resource of the contract
# Rows the simulation derives from jobs and views computed when read: an inserted row would be nothing it reads.
HUB.not_stored = ("tasks", "jobstats", "settingstasks", "analytics", "file", "filesets", "my-permissions",
                  "automatedschedules", "auth/token")


def _seeding(tables: dict[str, list[dict[str, Any]]], options: Any) -> None:
    seed_counts(tables, options.seed)  # H94: a site's file counts are taken at seeding
    add_configured_accounts(tables, options)  # users and client keys of the configuration (D17)


HUB.seeding = _seeding


def create_binding(state: MockState) -> DrfApi:
    return DrfApi(state, HUB)
