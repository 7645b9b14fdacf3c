"""The dashboard's HTTP side, in process: the pages and their assets, the contracts served at
/__mock__/openapi/<api>.json|.yaml pointed at the mock, the credentials the API docs try operations out with, and
the Hub timeline (GET /__mock__/timeline). The pages themselves are driven in tests/browser/."""
from __future__ import annotations

import json

import pytest
import requests
import yaml
from proxy_support import proxied

from mockserver.app import create_app
from mockserver.config import HubUser, Settings, TorrentUser
from mockserver.contract import load, operations


@pytest.fixture(scope="module")
def app():
    return create_app(Settings())


@pytest.fixture
def client(app):
    client = app.test_client()
    assert client.post("/__mock__/reset").status_code == 204
    return client


def test_root_redirects_to_the_dashboard_with_the_admin_plane_on(client):
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/__mock__/"
    page = client.get("/__mock__/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b'src="assets/dashboard.js"' in page.data
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_without_the_admin_plane_root_and_dashboard_stay_404():
    client = create_app(Settings(admin=False)).test_client()
    assert client.get("/").status_code == 404
    assert client.get("/__mock__/").status_code == 404
    assert client.get("/__mock__/openapi/torrent.json").status_code == 404


@pytest.mark.parametrize("asset", ["assets/dashboard.js", "assets/admin.js", "assets/docs.js", "assets/dashboard.css",
                                   "swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css"])
def test_the_pages_assets_are_served_from_the_package(client, asset):
    answer = client.get("/__mock__/" + asset)
    assert answer.status_code == 200 and len(answer.data) > 100


def test_an_unknown_asset_or_docs_page_is_a_404_in_the_admin_envelope(client):
    for path in ("/__mock__/assets/nothing.js", "/__mock__/assets/../admin.py", "/__mock__/docs/nope"):
        answer = client.get(path)
        assert answer.status_code == 404 and "error" in answer.get_json(), path


@pytest.mark.parametrize("api", ["torrent", "hub"])
def test_the_contract_is_served_as_json_and_yaml_with_servers_pointing_at_the_mock(client, api):
    shipped = load(api)
    base = shipped["servers"][0]["url"].rstrip("/")
    as_json = client.get(f"/__mock__/openapi/{api}.json", headers={"Host": "127.0.0.1:8123"})
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    document = json.loads(as_json.data)
    assert document["servers"] == [{"url": "http://127.0.0.1:8123" + base, "description": "this mock"}]
    assert {k: v for k, v in document.items() if k != "servers"} == {k: v for k, v in shipped.items()
                                                                     if k != "servers"}
    as_yaml = client.get(f"/__mock__/openapi/{api}.yaml", headers={"Host": "127.0.0.1:8123"})
    assert as_yaml.status_code == 200 and as_yaml.mimetype == "application/yaml"
    assert yaml.safe_load(as_yaml.data) == document
    assert shipped["servers"][0]["url"] == base or shipped["servers"][0]["url"] == base + "/"  # not changed


def test_an_unknown_api_or_format_is_a_404_in_the_admin_envelope(client):
    unknown = client.get("/__mock__/openapi/nope.json")
    assert unknown.status_code == 404
    assert unknown.get_json() == {"error": "no API 'nope' here; this mock serves torrent, hub "
                                           "(/__mock__/openapi/<api>.json or .yaml)"}
    assert client.get("/__mock__/openapi/torrent.xml").status_code == 404
    assert client.get("/__mock__/openapi/torrent.xml").get_json()["error"].endswith("use .json or .yaml")


def test_an_api_the_mock_does_not_serve_has_no_document_and_no_docs_page():
    client = create_app(Settings(apis=("torrent",))).test_client()
    assert client.get("/__mock__/openapi/torrent.json").status_code == 200
    assert client.get("/__mock__/openapi/hub.json").status_code == 404
    assert client.get("/__mock__/docs/hub").status_code == 404
    assert client.get("/__mock__/docs/hub/try-it").status_code == 404


def test_try_it_uses_the_configured_default_users(client):
    assert client.get("/__mock__/docs/torrent/try-it").get_json() == {
        "scheme": "basic", "username": "ionadmin", "password": "ionadmin"}
    assert client.get("/__mock__/docs/hub/try-it").get_json() == {
        "scheme": "jwt", "token_path": "/api/auth/token/", "username": "admin", "password": "admin"}


def test_try_it_reads_the_passwords_configured():
    settings = Settings(torrent_users=(TorrentUser("ionadmin", "s3cret", "k" * 40, superuser=True),),
                        hub_users=(HubUser("carol", "pw"), HubUser("admin", "adm1n")))
    client = create_app(settings).test_client()
    assert client.get("/__mock__/docs/torrent/try-it").get_json()["password"] == "s3cret"
    assert client.get("/__mock__/docs/hub/try-it").get_json()["password"] == "adm1n"


def test_the_docs_routes_are_admin_calls_that_need_the_token_beyond_loopback():
    client = create_app(Settings(host="0.0.0.0", admin_token="t0k")).test_client()
    assert client.get("/__mock__/").status_code == 200  # the page has no data: it asks for the token
    assert client.get("/__mock__/openapi/hub.json").status_code == 401
    assert client.get("/__mock__/docs/hub/try-it").status_code == 401
    assert client.get("/__mock__/timeline").status_code == 401
    authorized = {"Authorization": "Bearer t0k"}
    assert client.get("/__mock__/openapi/hub.json", headers=authorized).status_code == 200


def test_routes_cover_every_operation_of_the_served_contracts(client):
    assert len(client.get("/__mock__/routes").get_json()) == sum(len(operations(load(a))) for a in ("torrent", "hub"))


def _hub_token(client) -> dict[str, str]:
    answer = client.post("/api/auth/token/", json={"username": "admin", "password": "admin"})
    return {"Authorization": "Bearer " + answer.get_json()["access"]}


def _unmanaged(client, auth, count: int) -> list[str]:
    listing = client.get("/api/file/", query_string={"site": "site1", "path": "/mmfs1/data/space01/ab",
                                                      "details": "true", "page_size": 0}, headers=auth).get_json()
    return [f["path"] for f in listing["children"] if f.get("status") == "UNMANAGED"][:count]


def test_timeline_shows_jobs_with_their_tasks_on_the_clock_and_a_failed_task(client):
    client.post("/__mock__/clock", json={"set": "2030-01-01T00:00:00Z"})
    auth = _hub_token(client)
    paths = _unmanaged(client, auth, 2)
    client.post("/__mock__/scenarios", json={"kind": "task_failure", "site": "site1", "path": paths[0],
                                             "error": "ENOSPC"})
    job = client.post("/api/file/workflow/", json={"site": "site1", "workflow": "migrate", "paths": paths},
                      headers=auth).get_json()["job"]
    client.post("/__mock__/clock", json={"advance": 1.5})
    [shown] = client.get("/__mock__/timeline").get_json()["jobs"]
    assert (shown["id"], shown["workflow"], shown["site"], shown["state"], shown["held"]) == (
        job, "migrate", "site1", "STARTED", False)
    assert [(t["state"], t["start"], t["finish"]) for t in shown["tasks"]] == [
        ("STARTED", "2030-01-01T00:00:01Z", "2030-01-01T00:00:02Z"),
        ("PENDING", "2030-01-01T00:00:02Z", "2030-01-01T00:00:03Z")]
    client.post("/__mock__/clock", json={"advance": 5})
    timeline = client.get("/__mock__/timeline").get_json()
    assert timeline["now"] == "2030-01-01T00:00:06.500000Z"
    [shown] = timeline["jobs"]
    assert shown["state"] == "FAILURE" and [t["state"] for t in shown["tasks"]] == ["FAILURE", "SUCCESS"]
    assert shown["tasks"][0]["error"] == {"code": "ENOSPC", "message": f"[Errno 28] No space left on device: "
                                                                      f"'{paths[0]}'"}
    assert shown["tasks"][1]["error"] is None
    assert client.get(f"/api/jobs/{job}/", headers=auth).get_json()["state"] == "FAILURE"


def test_timeline_marks_a_job_held_pending_by_a_node_offline_scenario(client):
    client.post("/__mock__/clock", json={"set": "2030-01-01T00:00:00Z"})
    auth = _hub_token(client)
    client.post("/__mock__/scenarios", json={"kind": "node_offline", "node": "pixstor-east-ng-test"})
    job = client.post("/api/file/workflow/", json={"site": "site1", "workflow": "migrate",
                                                   "paths": _unmanaged(client, auth, 1)},
                      headers=auth).get_json()["job"]
    client.post("/__mock__/clock", json={"advance": 0.5})
    [waiting] = client.get("/__mock__/timeline").get_json()["jobs"]
    assert (waiting["id"], waiting["state"], waiting["held"]) == (job, "PENDING", False)  # not due yet
    client.post("/__mock__/clock", json={"advance": 10})
    [held] = client.get("/__mock__/timeline").get_json()["jobs"]
    assert (held["state"], held["held"], held["start"]) == ("PENDING", True, None)
    assert [(t["state"], t["start"], t["finish"]) for t in held["tasks"]] == [("PENDING", None, None)]
    assert client.get(f"/api/jobs/{job}/", headers=auth).get_json()["state"] == "PENDING"


def test_timeline_without_the_hub_is_a_404_saying_why():
    client = create_app(Settings(apis=("torrent",))).test_client()
    answer = client.get("/__mock__/timeline")
    assert answer.status_code == 404 and "serve the hub API" in answer.get_json()["error"]


def test_a_proxy_has_no_timeline_and_serves_its_contract_pointed_at_itself():
    with proxied("hub") as pair:
        timeline = requests.get(pair.proxy.url + "/__mock__/timeline", timeout=10)
        assert timeline.status_code == 404 and "a proxy keeps none" in timeline.json()["error"]
        document = requests.get(pair.proxy.url + "/__mock__/openapi/hub.json", timeout=10).json()
        assert document["servers"] == [{"url": pair.proxy.url + "/api", "description": "this mock"}]
