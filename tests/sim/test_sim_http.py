"""The simulation through the Hub dialect and Flask's test client: the clock driven by the admin API (A6),
bodies as clients receive them (compact JSON, DRF envelopes, 404 shapes).
Rules: docs/behaviour/hub.md, docs/behaviour/admin.md."""
from __future__ import annotations

import json

import pytest
from sim_support import assert_valid

from mockserver.config import Settings

OUTPUT = "/mmfs1/data/space01/output.mov"


class Client:
    def __init__(self, seed: int = 0):
        from mockserver.app import create_app

        self.http = create_app(Settings(apis=("hub",), seed=seed)).test_client()
        self.clock(set="2025-07-03T12:38:44Z")
        token = self.http.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).json
        self.headers = {"Authorization": f"Bearer {token['access']}"}

    def clock(self, **change) -> None:
        assert self.http.post("/__mock__/clock", json=change).status_code == 200

    def get(self, path: str):
        return self.http.get(f"/api/{path}", headers=self.headers)

    def send(self, method: str, path: str, body=None):
        return self.http.open(f"/api/{path}", method=method, headers=self.headers, json=body)


@pytest.fixture
def client() -> Client:
    return Client()


def test_h80_published_example_end_to_end(client: Client) -> None:
    assert client.get("jobs/").data == (
        b'{"count":0,"next":null,"previous":null,"results":[],"stats":{"type":{"migrate":0,"premigrate":0,'
        b'"recall":0},"state":{"SUCCESS":0,"FAILURE":0,"STARTED":0,"PENDING":0,"ERROR":0},"created":{},"site":{}}}')
    started = client.send("POST", "file/workflow/", {"site": "site1", "workflow": "migrate", "paths": [OUTPUT]})
    assert (started.status_code, started.json["job"]) == (201, 1)
    assert client.get("jobs/1/").json["state"] == "PENDING"
    client.clock(advance=2)
    jobs = client.get("jobs/").json
    assert_valid("/jobs/", "get", jobs)
    assert (jobs["results"][0]["state"], jobs["stats"]["state"]["SUCCESS"]) == ("SUCCESS", 1)
    assert jobs["results"][0]["url"] == "http://localhost/api/jobs/1/"
    migrated = client.get(f"file/?site=site1&path={OUTPUT}").json
    assert (migrated["status"], migrated["disk_usage"]) == ("MIGRATED", 0)
    task = client.get("tasks/1/").json
    assert list(task) == ["url", "id", "task_id", "tasktype", "state", "started", "completed", "runtime", "job",
                          "site", "paths", "parents", "dynamic_parents", "result", "friendly_name"]
    assert task["result"]["status"]["summary"]["processed"] == 1


def test_h33_h34_pages_and_bare_arrays(client: Client) -> None:
    for _ in range(21):
        client.send("POST", "jobs/", {"site": "site1", "workflow": "recall", "paths": [OUTPUT]})
    page = client.get("jobs/?page=2").json
    assert (page["count"], len(page["results"]), page["previous"]) == (21, 1, "http://localhost/api/jobs/")
    assert page["stats"]["type"]["recall"] == 21
    assert isinstance(client.get("jobs/?page_size=0").json, list)
    assert isinstance(client.get("filesets/?page=2").json, list)
    assert client.get("jobs/recent/").json["count"] == 5


def test_h64_h69_refusals_in_drf_shape(client: Client) -> None:
    assert (client.get("file/?site=nosuch&path=/").status_code, client.get("file/?site=nosuch&path=/").json) == (
        404, {"detail": "No Site matches the given query."})
    assert client.get("jobs/abc/").json == {"detail": "Not found."}
    assert client.get("jobs/9/progress/").json == {"detail": "No Job matches the given query."}
    assert client.send("POST", "file/workflow/", {"site": "site1"}).json == {
        "workflow": ["This field is required."]}


def test_d15_settings_patch_and_settingstasks(client: Client) -> None:
    reply = client.send("PATCH", "settings/", {"values": [{"key": "ngenea:realm", "value": "CORP"}]})
    assert reply.status_code == 202 and list(reply.json) == ["site1", "site2", "testexample"]
    client.clock(advance=2)
    tasks = client.get("settingstasks/?state=SUCCESS").json
    assert tasks["count"] == 3 and tasks["results"][0]["task_id"] == reply.json["site1"]
    assert client.get("sites/2/settings/?flat=true").json["ngenea:realm"] == "CORP"
    assert client.get("sites/1/health/").json["health"] == "ok"


def test_h73_search_over_http(client: Client) -> None:
    created = client.send("POST", "search/", {"path": "/mmfs1/data", "filters": {"name": "output"}})
    assert created.status_code == 201 and created.headers["Location"] == created.json["url"]
    results = client.get(f"search/{created.json['id']}/?sort=-site").json
    assert [r["site"] for r in results["results"]] == ["site2", "site1"]


def test_h72_analytics_csv_over_http(client: Client) -> None:
    reply = client.get("analytics/?site=site1&path=/mmfs1&download=csv")
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert reply.data.startswith(b"path,name,type,size,total_files,MIGRATED,PREMIGRATED,UNMANAGED\n/mmfs1,")


def test_h118_same_seed_same_bytes_over_http() -> None:
    def session(seed: int) -> list[bytes]:
        client = Client(seed)
        client.send("POST", "file/workflow/", {"site": "site2", "workflow": "premigrate",
                                               "paths": ["/mmfs1/data/space01", "/gone"]})
        client.send("POST", "search/", {"path": "/mmfs1", "filters": {"type": "file"}})
        client.clock(advance=90)
        return [client.get(p).data for p in ("jobs/", "tasks/", "tasks/1/", "jobstats/?page_size=100",
                                             "search/1/?page_size=100", "file/?site=site2&path=/mmfs1/data/space01")]

    first = session(5)
    assert first == session(5)
    assert json.loads(first[0])["results"][0]["state"] == "FAILURE"


def test_h74_domain_operations_read_the_values_validation_made(client: Client) -> None:
    """Booleans as DRF reads them ("false" is false), strings trimmed and numbers as text (H47, H50), ``job``
    ignored on input (H74)."""
    started = client.send("POST", "file/workflow/", {
        "site": "site1", "workflow": "migrate", "ignore_site_includes": "false", "ignore_site_excludes": "1",
        "include": [5, " a "], "job": "abc"})
    assert started.status_code == 201, started.data
    body = started.json
    assert (body["ignore_site_includes"], body["ignore_site_excludes"], body["include"]) == (False, True, ["5", "a"])
    assert body["job"] == 1


def test_h73_search_reads_the_values_validation_made(client: Client) -> None:
    created = client.send("POST", "search/", {"path": " /mmfs1/data/space01 ", "sites": [" site1 "],
                                              "recursive": "false", "merge": "0"})
    assert created.status_code == 201, created.data
    assert {k: created.json[k] for k in ("path", "sites", "recursive", "merge")} == {
        "path": "/mmfs1/data/space01", "sites": ["site1"], "recursive": False, "merge": False}
    found = client.get(f"search/{created.json['id']}/?page_size=0").json
    assert found and all(item["path"].count("/") == 4 for item in found)  # only the path's own entries


def test_h92_a_setting_key_sent_as_a_number_is_its_text(client: Client) -> None:
    answer = client.send("PATCH", "settings/", {"values": [{"key": 5, "value": "x"}]})
    assert answer.status_code == 202, answer.data
    assert {"desc": "", "id": 4, "key": "5", "value": "x"} in client.get("settings/").json


@pytest.mark.parametrize("path", ["file/workflow/", "jobs/"])
@pytest.mark.parametrize(("field", "value", "message"), [
    ("site", {"name": "site1"}, "Invalid value."),
    ("site", ["site1"], "Invalid value."),
    ("site", 5, "Object with name=5 does not exist."),
    ("site", True, "Object with name=True does not exist."),
    ("site", "nosuch", "Object with name=nosuch does not exist."),
    ("workflow", {"name": "migrate"}, "Invalid value."),
    ("workflow", 5, "Object with name=5 does not exist."),
    ("workflow", "nosuch", "Object with name=nosuch does not exist."),
    ("queue", {"name": "default"}, "Invalid value."),
    ("queue", [], "Invalid value."),
    ("queue", 5, "Object with name=5 does not exist."),
    ("queue", "nosuch", "Object with name=nosuch does not exist."),
])
def test_h56_workflow_requests_name_their_references(client: Client, path: str, field: str, value, message: str
                                                     ) -> None:
    """H56 over HTTP, H74/H75: the site, workflow and queue of a workflow request are by-name references."""
    body = {"site": "site1", "workflow": "migrate", "queue": "default", field: value}
    answer = client.send("POST", path, body)
    assert (answer.status_code, answer.json) == (400, {field: [message]})
    assert client.get("jobs/").json["count"] == 0


def test_h56_h58_every_reference_error_at_once(client: Client) -> None:
    answer = client.send("POST", "file/workflow/", {"site": "nosuch", "workflow": {}, "queue": [],
                                                    "discovery": "all"})
    assert (answer.status_code, answer.json) == (400, {
        "discovery": ['"all" is not a valid choice.'], "queue": ["Invalid value."],
        "site": ["Object with name=nosuch does not exist."], "workflow": ["Invalid value."]})


def test_h56_a_queue_of_another_site_does_not_exist_for_this_one(client: Client) -> None:
    added = client.http.post("/__mock__/records/hub/queues", json=[{"name": "fast", "site": "site2"}])
    assert added.status_code == 201, added.json
    answer = client.send("POST", "jobs/", {"site": "site1", "workflow": "migrate", "queue": "fast"})
    assert (answer.status_code, answer.json) == (400, {"queue": ["Object with name=fast does not exist."]})
    started = client.send("POST", "jobs/", {"site": "site2", "workflow": "migrate", "queue": "fast"})
    assert (started.status_code, started.json["queue"], started.json["site"]) == (201, "fast", "site2")
