"""Hub seed objects taken from published Hub material (docs/behaviour/hub.md#seed), kept as close to it as possible.

Key order follows the published example where one exists, else the Hub reference's (alphabetical) order (H8).
"""
from __future__ import annotations

from typing import Any

Row = dict[str, Any]

# GET /api/configurations/ as published (programmer's guide v2.9.0, "Config"), verbatim and in its order;
# the two keys the example lacks but the reference documents are appended (H97).
CONFIGURATIONS: Row = {
    "jobs_ttl": 90,
    "search_backend": "pixstor_search",
    "search_max_results": 200,
    "search_result_ttl": 7,
    "snapshot_create_delete_retry_timeout": 1000,
    "stat_timeout": 10,
    "stat_refresh_period": 30,
    "task_invalidation_timeout": 3600,
    "snapdiff_stream_timeout": 10,
    "force_local_managed_users": False,
    "custom_statistics_tasks": [],
    "analytics_timeout": 10,
    "maximum_external_results": 100,
    "node_health_last_heartbeat_interval": 120,
    "initial_uid": 100000,
    "initial_gid": 100000,
    "schedules_enabled": True,
    "salt_task_timeout": 60,
    "default_space_location": "/mmfs1/data",
    "health_timeout": 10,
}

# GET /api/alerts/?name=SiteHealth as published (programmer's guide v2.9.0, "Monitor"), verbatim.
SITE_HEALTH_ALERT: Row = {
    "id": 99,
    "site": "testexample",
    "name": "SiteHealth",
    "node": None,
    "queue": None,
    "created": "2025-07-03T14:33:00.031598Z",
    "timestamp": "2025-08-07T12:16:00.018308Z",
    "severity": "INFO",
    "summary": "No workers are joined",
    "suppressed": False,
}

# GET /api/features/ as published (administration guide, "Features"); the page's count/comma defects are the
# envelope's business, not the rows'.
FEATURES: list[Row] = [
    {"name": "searchui", "description": "Enable search features in the Ngenea Hub UI", "enabled": False},
    {"name": "bandwidth_controls", "description": "Enable bandwidth controls in the Ngenea Hub UI", "enabled": False},
]

# Display metadata per migration status (4.6); the colours are the mock's choice.
FILESTATUSTYPES: list[Row] = [
    {"background_color": "#1565c0", "key": "MIGRATED", "label": "Migrated", "text_color": "#ffffff"},
    {"background_color": "#2e7d32", "key": "PREMIGRATED", "label": "Premigrated", "text_color": "#ffffff"},
    {"background_color": "#e0e0e0", "key": "UNMANAGED", "label": "Unmanaged", "text_color": "#212121"},
]

# Runtime fields of the built-in workflows, after the Hub's "Default Workflows" reference page.
_LOCK_LEVEL_CHOICES = ["partial", "implicit", "none"]


def _lock_level(default: str) -> Row:
    return {
        "name": "lock_level",
        "label": "Lock level",
        "type": "choice",
        "choices": _LOCK_LEVEL_CHOICES,
        "default": default,
        "help_text": "Filesystem locking level for ngenea operations",
    }


_DESTINATION_SITE: Row = {"name": "destinationsite", "label": "Destination site", "type": "string",
                          "help_text": "Site to send files to"}


def _workflow(wid: int, name: str, label: str, discovery: str, actions: list[Row], fields: list[Row]) -> Row:
    """One built-in workflow: a single `all`/`all` filter rule carrying its steps (4.7)."""
    return {
        "discovery": discovery,
        "discovery_options": None,
        "enabled": True,
        "external_only": False,
        "fields": fields,
        "filter_rules": [{"type": "all", "state": "all", "action": actions}],
        "icon_classes": ["fa fa-cog fa-stack-2x text-primary"],
        "id": wid,
        "label": label,
        "name": name,
        "preferred_queue": None,
        "schedule_only": False,
        "visible": True,
    }


# The documented purpose of each (the representation has no field for it, so it stays here as a comment):
WORKFLOWS: list[Row] = [
    # "Migrate one or more files from a site."
    _workflow(1, "migrate", "Migrate", "recursive",
              [{"name": "dynamo.tasks.migrate"}], [_lock_level("partial")]),
    # "Premigrate one or more files from a site."
    _workflow(2, "premigrate", "Premigrate", "recursive",
              [{"name": "dynamo.tasks.migrate", "premigrate": True}], [_lock_level("implicit")]),
    # "Recall one or more files on to a site."
    _workflow(3, "recall", "Recall", "recursive",
              [{"name": "dynamo.tasks.recall"}], [_lock_level("implicit")]),
    # "Send files from one site to another via cloud storage."
    _workflow(4, "send", "Send", "recursive",
              [{"name": "dynamo.tasks.migrate", "premigrate": True}, {"name": "dynamo.tasks.send"}],
              [_DESTINATION_SITE,
               {"name": "hydrate", "label": "Hydrate", "type": "bool",
                "help_text": "Hydrate files on the destination site"}]),
    # "Sync a fileset from one site to another via cloud storage."
    _workflow(5, "site_sync", "Site Sync", "snapdiff",
              [{"name": "dynamo.tasks.site_sync"}],
              [{**_DESTINATION_SITE, "help_text": "Site to sync changes to"},
               {"name": "sync_preference", "label": "Sync preference", "type": "choice",
                "choices": ["newest", "local", "ignore"],
                "help_text": "How conflicts are resolved on the remote site"}]),
]
