"""4.2: every simulated operation answers a body its contract response schema accepts, mid-run and after."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sim_support import T0, Hub, assert_valid, hub_state

from mockserver.hub import HubList

PAUSE = ("/jobs/{id}/pause/", "post", "jobs_pause_create", {"pk": 1, "method": "POST"}, "200")
CASES = [
    ("/file/", "get", "file_retrieve", {"site": "site1", "path": "/mmfs1", "details": "true"}, "200"),
    ("/spaces/{id}/files/", "get", "spaces_files_retrieve", {"pk": 1, "type": "file"}, "200"),
    ("/analytics/", "get", "analytics_list", {"site": "site2", "path": "/mmfs1", "children": "true"}, "200"),
    ("/filesets/", "get", "filesets_list", {}, "200"),
    ("/external_targets/{id}/files/", "get", "external_targets_files_retrieve", {"pk": 1, "path": "space01"}, "200"),
    ("/jobs/", "get", "jobs_list", {}, "200"),
    ("/jobs/stats/", "get", "jobs_stats_retrieve", {}, "200"),
    ("/jobs/recent/", "get", "jobs_recent_list", {}, "200"),
    ("/jobs/jobtype_choices/", "get", "jobs_jobtype_choices_list", {}, "200"),
    ("/jobs/{id}/", "get", "jobs_retrieve", {"pk": 1}, "200"),
    ("/jobs/{id}/progress/", "get", "jobs_progress_retrieve", {"pk": 1}, "200"),
    ("/jobs/{id}/statistics/", "get", "jobs_statistics_retrieve", {"pk": 1}, "200"),
    ("/jobs/{id}/files/", "get", "jobs_files_list", {"pk": 1}, "200"),
    ("/jobstats/", "get", "jobstats_list", {}, "200"),
    ("/jobstats/{id}/", "get", "jobstats_retrieve", {"pk": 1}, "200"),
    ("/jobstats/{id}/history/", "get", "jobstats_history_retrieve", {"pk": 1}, "200"),
    ("/tasks/", "get", "tasks_list", {}, "200"),
    ("/tasks/{id}/", "get", "tasks_retrieve", {"pk": 1}, "200"),
    ("/tasks/{id}/files/", "get", "tasks_files_list", {"pk": 1}, "200"),
    ("/search/{id}/", "get", "search_retrieve", {"pk": 1}, "200"),
    ("/search/metadata_fields/", "get", "search_metadata_fields_list", {}, "200"),
    ("/search/metadata/", "patch", "search_metadata_partial_update", {"method": "PATCH"}, "200"),
    ("/settings/", "get", "settings_list", {}, "200"),
    ("/settingstasks/", "get", "settingstasks_list", {}, "200"),
    ("/settingstasks/{id}/", "get", "settingstasks_retrieve", {"pk": 1}, "200"),
    ("/sites/{id}/settings/", "get", "sites_settings_list", {"pk": 1}, "200"),
    ("/sites/{id}/health/", "get", "sites_health_retrieve", {"pk": 2}, "200"),
    PAUSE,
    ("/jobs/{id}/resume/", "post", "jobs_resume_create", {"pk": 1, "method": "POST"}, "200"),
    ("/jobs/{id}/cancel/", "post", "jobs_cancel_create", {"pk": 1, "method": "POST"}, "200"),
    ("/jobs/{id}/resubmit/", "post", "jobs_resubmit_create", {"pk": 1, "method": "POST"}, "200"),
    ("/schedules/{id}/run/", "post", "schedules_run_create", {"pk": 1, "method": "POST"}, "200"),
    ("/policies/{id}/run/", "post", "policies_run_create", {"pk": 1, "method": "POST"}, "202"),
    ("/settings/sync/", "post", "settings_sync_create", {"method": "POST"}, "202"),
    ("/sites/{id}/refresh/", "post", "sites_refresh_create", {"pk": 1, "method": "POST"}, "202"),
    ("/sites/{id}/settings/refresh/", "post", "sites_settings_refresh_create", {"pk": 1, "method": "POST"}, "202"),
]


@pytest.fixture(scope="module")
def hub() -> Hub:
    hub = Hub(hub_state())
    store = hub.state.store
    store.put("hub/external_targets", 1, {"id": 1, "name": "cloud", "space": 1, "available_on_sites": [1]})
    store.put("hub/policies", 1, {"id": 1, "name": "tiering", "site": 1, "spaces": [1]})
    store.put("hub/schedules", 1, {"id": 1, "name": "nightly", "site": 1, "space": 1})
    store.put("hub/schedule_workflows", 1, {"id": 1, "schedule": 1, "site": 1, "workflow": 3, "queue": 1})
    hub.run("migrate", ["/mmfs1/data/space01", "/missing"])
    hub.run("recall", ["/mmfs1/data/space01/output.mov"], site="site2")
    hub.call("search_create", method="POST", body={"path": "/mmfs1", "filters": {"type": "file"}})
    hub.call("settings_partial_update", method="PATCH", body={"values": [{"key": "k", "value": [1]}]})
    return hub


@pytest.mark.parametrize("when", [1.5, 10])
@pytest.mark.parametrize(("path", "method", "op", "kwargs", "status"), CASES, ids=[c[2] for c in CASES])
def test_4_2_bodies_match_the_contract(hub: Hub, when: float, path: str, method: str, op: str, kwargs: dict,
                                       status: str) -> None:
    hub.state.clock.set(T0 + timedelta(seconds=when))  # mid-run, then with every job finished
    reply = hub.call(op, **kwargs)
    assert_valid(path, method, reply.items if isinstance(reply, HubList) else reply.body, status)
