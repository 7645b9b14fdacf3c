"""Every one of the contract's 166 operations answers a valid request (as the seeded superuser) with a status
the contract documents and a body that validates against the contract's schema for it."""
from __future__ import annotations

import re

import pytest
from hub_support import Hub, check_contract

from mockserver.app import state_of
from mockserver.contract import load

OPERATIONS = {op["operationId"]: (method.upper(), path)
              for path, item in load("hub")["paths"].items()
              for method, op in item.items() if method in ("get", "post", "patch", "delete")}

# Objects some operations need, created through the API: name → (path, body) or a callable.
FIXTURES = {
    "bucket": ("buckets/", {"name": "b1", "storage_type": "s3", "secret_access_key": "s3cr3t"}),
    "target": ("external_targets/", {"name": "t1", "local_file_regex": ".*", "bucket_instance": "{bucket}",
                                     "available_on_sites": [1], "space": {"name": "space01", "mountpoint": "/x"}}),
    "datastore": ("datastores/", {"name": "d1", "type": "s3"}),
    "ipaddress": ("ipaddresses/", {"datastore": "{datastore}", "ipaddr": "10.0.0.1"}),
    "sitelink": ("sitelinks/", {"site": "site1", "datastore": "d1", "site_path": "/a", "datastore_path": "/b"}),
    "schedule": ("schedules/", {"name": "nightly", "site": "site1", "space": "space01"}),
    "schedule_workflow": ("schedules/{schedule}/workflows/", {"site": "site1", "workflow": "migrate"}),
    "policy": ("policies/", {"name": "p1", "site": 1, "spaces": [1], "schedule": {"hour": "1"},
                             "triggers": [{"pool_name": "system"}]}),
    "clientkey": ("auth/clientkeys/", {"name": "ci"}),
    "nfs": ("shares/nfs/", {"space": 1, "name": "n1"}),
    "samba": ("shares/samba/", {"name": "s1", "read_only": False, "space": 1, "visible": True}),
    "action": ("actions/", {"action": "reindex"}),
    "job": ("file/workflow/", {"site": "site1", "workflow": "migrate", "paths": ["/mmfs1/data/space01/output.mov"]}),
    "search": ("search/", {"path": "/mmfs1/data", "sites": ["site1"]}),
}
NEEDS = {"sitelink": ("datastore",), "sitelinks_create": ("datastore",)}  # objects referred to by name
BEFORE = {"settingstask": ("PATCH", "settings/", {"values": [{"key": "a:b", "value": 1}]})}  # makes one
LISTED = {"task": "tasks/?job_id={job}", "jobstat": "jobstats/?job={job}", "settingstask": "settingstasks/"}
SEEDED = {"sites": "1", "spaces": "1", "users": "alice", "features": "searchui", "filestatustypes": "MIGRATED",
          "groups": "1", "nodes": "1", "permissions": "1", "pki/lifetime": "1", "queues": "1", "servers": "1",
          "storagepools": "1", "filesystems": "1", "alerts": "99", "workflows": "1"}
OWN = {"buckets": "bucket", "external_targets": "target", "datastores": "datastore", "ipaddresses": "ipaddress",
       "sitelinks": "sitelink", "schedules": "schedule", "policies": "policy", "auth/clientkeys": "clientkey",
       "shares/nfs": "nfs", "shares/samba": "samba", "actions": "action", "jobs": "job", "search": "search",
       "tasks": "task", "jobstats": "jobstat", "settingstasks": "settingstask",
       "schedules/{parent_lookup_schedule}/workflows": "schedule_workflow"}

REQUESTS = {  # operationId → (query string, body); everything else: no query, no body
    "actions_create": ("", {"action": "reindex"}),
    "analytics_list": ("site=site1&path=/mmfs1/data", None),
    "auth_clientkeys_create": ("", {"name": "deploy"}),
    "auth_clientkeys_partial_update": ("", {"name": "renamed"}),
    "auth_token_create": ("", {"username": "admin", "password": "admin"}),
    "auth_token_refresh_create": ("", {"refresh": "{refresh}"}),
    "auth_token_verify_create": ("", {"token": "{access}", "type": "access"}),
    "buckets_create": ("", {"name": "b2", "storage_type": "s3", "access_key_id": "AKIA"}),
    "buckets_partial_update": ("", {"label": "Bucket"}),
    "configurations_partial_update": ("", {"jobs_ttl": 30}),
    "datastores_create": ("", {"name": "d2", "type": "s3"}),
    "datastores_partial_update": ("", {"region": "eu"}),
    "external_targets_create": ("", {"name": "t2", "local_file_regex": "\\.mov$", "space": {"name": "space01",
                                                                                          "mountpoint": "/x"}}),
    "external_targets_partial_update": ("", {"enabled": False}),
    "features_partial_update": ("", {"enabled": True}),
    "file_retrieve": ("site=site1&path=/mmfs1/data", None),
    "file_workflow_create": ("", {"site": "site1", "workflow": "migrate", "paths": ["/mmfs1/data/space01"]}),
    "filesets_list": ("site=site1", None),
    "filestatustypes_partial_update": ("", {"label": "Stubbed"}),
    "groups_create": ("", {"name": "editors", "users": ["alice"], "nas_group": True, "permissions": [1]}),
    "groups_partial_update": ("", {"description": "All users"}),
    "ipaddresses_create": ("", {"datastore": "{datastore}", "ipaddr": "10.0.0.2"}),
    "ipaddresses_partial_update": ("", {"ipaddr": "10.0.0.3"}),
    "jobs_create": ("", {"site": "site1", "workflow": "recall", "paths": ["/mmfs1/data/space01"]}),
    "nodes_partial_update": ("", {"last_heartbeat": "2025-07-03T12:00:00Z"}),
    "pki_lifetime_partial_update": ("", {"days": 30}),
    "pki_site_create": ("", {"site": "site1"}),
    "policies_create": ("", {"name": "p2", "site": 1, "order": {"by": "size"}, "triggers": [{"pool_name": "a"}]}),
    "policies_partial_update": ("", {"enabled": False}),
    "schedules_create": ("", {"name": "weekly", "site": "site2"}),
    "schedules_partial_update": ("", {"hour": "3"}),
    "schedules_workflows_create": ("", {"site": "site1", "workflow": "recall"}),
    "schedules_workflows_partial_update": ("", {"fields": {"lock_level": "none"}}),
    "search_create": ("", {"path": "/mmfs1/data", "filters": {"name": "mov"}}),
    "search_metadata_partial_update": ("", {}),
    "settings_partial_update": ("", {"values": [{"key": "ngenea:realm", "value": "EXAMPLE2"}]}),
    "shares_nfs_create": ("", {"space": 1, "clients": [{"hosts": "*", "nfs_share": 1}]}),
    "shares_nfs_partial_update": ("", {"fsid": 7}),
    "shares_samba_create": ("", {"name": "s2", "read_only": True, "space": 1, "visible": False}),
    "shares_samba_partial_update": ("", {"guest_ok": True}),
    "sitelinks_create": ("", {"site": "site2", "datastore": "d1", "site_path": "/c", "datastore_path": "/d"}),
    "sitelinks_partial_update": ("", {"site_path": "/e"}),
    "sites_create": ("", {"name": "site9", "shortcode": "s9"}),
    "sites_partial_update": ("", {"label": "First site"}),
    "sites_settings_partial_update": ("", {"values": [{"key": "ngenea:log_level", "value": "DEBUG"}]}),
    "spaces_create": ("", {"name": "space02", "mountpoint": "/mmfs1/data/space02",
                           "sites": [{"name": "site1", "label": "x"}]}),
    "spaces_partial_update": ("", {"size": 1024}),
    "spaces_files_retrieve": ("", None),
    "users_create": ("", {"username": "bob", "password": "pw", "groups": ["users"],
                          "nas_user": {"primary_group": "users"}}),
    "users_change_password_create": ("", {"old_password": "admin", "new_password": "admin2"}),
    "users_partial_update": ("", {"first_name": "Alicia"}),
    "workflows_create": ("", {"name": "my_workflow", "label": "My Workflow"}),
    "workflows_partial_update": ("", {"label": "Migrate files"}),
}


class Objects:
    def __init__(self, hub: Hub):
        self.hub = hub
        self.made: dict[str, str] = {"refresh": hub.tokens["refresh"], "access": hub.tokens["access"]}

    def __getitem__(self, name: str) -> str:
        if name not in self.made:
            for needed in NEEDS.get(name, ()):
                self[needed]
            if name in BEFORE:
                self.hub.request(*BEFORE[name])
            if name in LISTED:
                answer = self.hub.get(self.fill(LISTED[name])).json
                self.made[name] = str((answer["results"] if isinstance(answer, dict) else answer)[0]["id"])
            else:
                path, body = FIXTURES[name]
                created = self.hub.created(self.fill(path), self.fill(body))
                self.made[name] = str(created.get("id", created.get("job")))
        return self.made[name]

    def fill(self, value):
        if isinstance(value, str):
            whole = re.fullmatch(r"\{(\w+)\}", value)
            if whole and whole.group(1) in {**FIXTURES, **LISTED} and value != "{access}":
                target = self[whole.group(1)]
                return int(target) if target.isdigit() else target
            return re.sub(r"\{(\w+)\}", lambda m: self[m.group(1)], value)
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value


def concrete_path(op_id: str, path: str, objects: Objects) -> str:
    resource = load("hub")["paths"][path][OPERATIONS[op_id][0].lower()].get("x-resource")

    def value(match: re.Match) -> str:
        if match.group(1) == "parent_lookup_schedule":
            return objects["schedule"]
        return objects[OWN[resource]] if resource in OWN else SEEDED[resource]

    return re.sub(r"\{(\w+)\}", value, path)


def test_the_table_covers_all_166_operations():
    assert len(OPERATIONS) == 166


@pytest.mark.parametrize("op_id", sorted(OPERATIONS))
def test_every_operation_answers_a_valid_request(app, op_id):
    state_of(app).reset()
    hub = Hub(app)
    objects = Objects(hub)
    for needed in NEEDS.get(op_id, ()):
        objects[needed]
    method, path = OPERATIONS[op_id]
    query, body = REQUESTS.get(op_id, ("", None))
    url = concrete_path(op_id, path, objects).lstrip("/") + ("?" + query if query else "")
    answer = hub.request(method, url, objects.fill(body) if body is not None else None)
    documented = load("hub")["paths"][path][method.lower()]["responses"]
    assert str(answer.status_code) in documented and answer.status_code < 300, (answer.status_code, answer.data)
    check_contract(method, path, answer.status_code, answer.get_json() if answer.data else None)
