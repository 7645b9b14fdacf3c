"""Seed data of the Ngenea Hub mock (docs/behaviour/hub.md#seed), in API representation.

``generate()`` returns, per resource (keyed by its URL path segment), the rows as ``GET /api/<resource>/{id}/``
returns them, minus the host-dependent hyperlinks (``url``, also inside nested objects), which the mock adds when
rendering. References are written the way the API shows them (4.4): names, ids or small objects.

A few rows carry fields that the representation does not show but the store needs (``STORE_ONLY_FIELDS``): the
numeric ``id`` of resources addressed by id whose representation omits it, the users' roles (D8) and the owning
site of a site setting. The mock keeps them and does not render them.

``python -m mockserver.seedgen.hub`` (from the repository root) writes ``mockserver/seed_data/hub/<resource>.json``.
Pure and deterministic: Faker seeded per resource, fixed timestamps, no clock.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from faker import Faker

from ..contractgen.hub_spec import TABLES
from . import hub_accounts, hub_estate
from .hub_published import CONFIGURATIONS, FEATURES, FILESTATUSTYPES, SITE_HEALTH_ALERT, WORKFLOWS

Row = dict[str, Any]

FAKER_SEED = 20250703
FAKER_LOCALE = "en_GB"
OUTPUT_DIR = Path("mockserver") / "seed_data" / "hub"

# Resources with no seeded rows (4.7), so that e.g. GET /api/jobs/ reproduces the published example.
EMPTY_RESOURCES = (
    "actions", "buckets", "clientkeys", "datastores", "external_targets", "ipaddresses", "jobs", "jobstats",
    "policies", "schedule_workflows", "schedules", "search", "settingstasks", "shares_nfs", "shares_samba",
    "sitelinks", "tasks",
)

# A seed key is the resource's key in the contract's ``x-resources`` unless that key has a "/" (no file name can).
CONTRACT_RESOURCES = {table: key for key, table in TABLES.items()}
# Site settings are served under sites/{id}/settings/ in the global settings' shape; they have no x-resource.
NOT_IN_CONTRACT = ("site_settings",)

# Fields a seed row carries for the store that GET does not show (see the module docstring).
STORE_ONLY_FIELDS: dict[str, tuple[str, ...]] = {
    "filesystems": ("id",),
    "pki_lifetime": ("id",),
    "servers": ("id",),
    "site_settings": ("site",),
    "storagepools": ("id",),
    "users": ("is_staff", "is_superuser"),
}

TAGS = ("archive", "dailies", "finance", "footage", "render", "review")


def contract_resource(resource: str) -> str | None:
    """The contract's ``x-resources`` key for a seed key (None for site settings)."""
    return None if resource in NOT_IN_CONTRACT else CONTRACT_RESOURCES.get(resource, resource)


def _faker(resource: str) -> Faker:
    """A Faker per resource, so that changing one resource's rows never shifts another's generated values."""
    fake = Faker(FAKER_LOCALE)
    fake.seed_instance(f"{FAKER_SEED}:{resource}")
    return fake


def generate() -> dict[str, list[Row]]:
    users = hub_accounts.users(_faker("users"))
    seeded: dict[str, list[Row]] = {
        "sites": hub_estate.sites(),
        "nodes": hub_estate.nodes(),
        "queues": hub_estate.queues(),
        "filesystems": hub_estate.filesystems(),
        "storagepools": hub_estate.storagepools(_faker("storagepools")),
        "servers": hub_estate.servers(_faker("servers")),
        "spaces": hub_estate.spaces(_faker("spaces")),
        "workflows": WORKFLOWS,
        "users": users,
        "groups": hub_accounts.groups(users),
        "permissions": hub_accounts.permissions(),
        "pki_lifetime": hub_accounts.pki_lifetime(),
        "features": FEATURES,
        "filestatustypes": FILESTATUSTYPES,
        "configurations": [CONFIGURATIONS],  # a single object, served unpaginated (H97)
        "alerts": [SITE_HEALTH_ALERT],
        "settings": hub_estate.settings(),
        "site_settings": hub_estate.site_settings(),
        "tags": [{"name": name} for name in TAGS],
    }
    seeded.update({resource: [] for resource in EMPTY_RESOURCES})
    # Copies, so that a caller mutating the result never alters the module's constants (or the next call).
    return {resource: copy.deepcopy(seeded[resource]) for resource in sorted(seeded)}


def render(rows: list[Row]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def write(out_dir: Path) -> list[Path]:
    """Write one file per resource; return the files whose content changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for resource, rows in generate().items():
        path = out_dir / f"{resource}.json"
        text = render(rows)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the Hub seed data (one JSON array per resource).")
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR, help=f"output directory (default: {OUTPUT_DIR})")
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
