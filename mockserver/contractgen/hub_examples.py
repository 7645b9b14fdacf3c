"""Published Hub examples (section 4.8 of the behaviour spec), carried by the contract as examples.

Keyed by (method, path, "request" | "response"). The data is verbatim, except the features list, given as
the mock answers it (the published page says ``count`` 1 for two results and lacks ``previous``), and the
configurations, which add the two values of H97.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from typing import Any

EXAMPLES: dict[tuple[str, str, str], Any] = {
    ("GET", "/jobs/", "response"): {
        "count": 0, "next": None, "previous": None, "results": [],
        "stats": {
            "type": {"migrate": 0, "premigrate": 0, "recall": 0},
            "state": {"SUCCESS": 0, "FAILURE": 0, "STARTED": 0, "PENDING": 0, "ERROR": 0},
            "created": {}, "site": {},
        },
    },
    ("GET", "/configurations/", "response"): {
        "jobs_ttl": 90, "search_backend": "pixstor_search", "search_max_results": 200, "search_result_ttl": 7,
        "snapshot_create_delete_retry_timeout": 1000, "stat_timeout": 10, "stat_refresh_period": 30,
        "task_invalidation_timeout": 3600, "snapdiff_stream_timeout": 10, "force_local_managed_users": False,
        "custom_statistics_tasks": [], "analytics_timeout": 10, "maximum_external_results": 100,
        "node_health_last_heartbeat_interval": 120, "initial_uid": 100000, "initial_gid": 100000,
        "schedules_enabled": True, "salt_task_timeout": 60,
        "default_space_location": "/mmfs1/data", "health_timeout": 10,  # H97
    },
    ("GET", "/alerts/", "response"): [{
        "id": 99, "site": "testexample", "name": "SiteHealth", "node": None, "queue": None,
        "created": "2025-07-03T14:33:00.031598Z", "timestamp": "2025-08-07T12:16:00.018308Z",
        "severity": "INFO", "summary": "No workers are joined", "suppressed": False,
    }],
    ("GET", "/features/", "response"): {
        "count": 2, "next": None, "previous": None, "results": [
            {"name": "searchui", "description": "Enable search features in the Ngenea Hub UI", "enabled": False},
            {"name": "bandwidth_controls", "description": "Enable bandwidth controls in the Ngenea Hub UI",
             "enabled": False},
        ],
    },
    ("GET", "/sites/{id}/health/", "response"): {
        "site": "site1", "health": "ok",
        "nodes": [{"name": "pixstor-east-ng-test", "health": "ok", "online": True}],
    },
    ("POST", "/workflows/", "request"): {
        "name": "my_workflow", "label": "My Workflow", "icon_classes": ["fa fa-cog fa-stack-2x text-primary"],
        "discovery": None, "discovery_options": None, "enabled": True, "visible": True, "fields": [],
        "filter_rules": [{"type": "all", "state": "all", "action": [
            {"name": "dynamo.tasks.migrate"}, {"name": "dynamo.custom.my_plugin", "my_param": "value"}]}],
    },
    ("GET", "/tasks/{id}/", "response"): {
        "url": "https://ca-sn-dev-01.om.cardifflab/api/tasks/95/", "id": 95,
        "task_id": "2a991ff0-f2a3-45f9-8bc3-988026596c28", "tasktype": "dynamo.tasks.vision.mediainfo",
        "state": "FAILURE", "started": "2025-07-03T12:38:45.563379Z", "completed": "2025-07-03T12:39:06.796611Z",
        "runtime": 21.233232, "job": 607, "site": "ca-sn01",
        "paths": "https://ca-sn-dev-01.om.cardifflab/api/tasks/95/files/", "parents": [], "dynamic_parents": [],
        "result": {"error": "TimeoutError: Job timed out"}, "friendly_name": None,
    },
}
