"""End to end: generic and real Torrent Suite clients against ``python -m mockserver`` in a subprocess."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import requests
import slumber
from slumber.exceptions import HttpClientError, HttpNotFoundError

ADMIN = ("ionadmin", "ionadmin")


@pytest.fixture(scope="module")
def base_url():
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--api", "torrent", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 20
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                pytest.fail(f"the mock exited with {process.returncode} before listening")
            found = re.search(r"listening on (http://\S+)", line)
            url = found.group(1) if found else None
        assert url, "the mock did not say where it listens"
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.fixture
def api(base_url):
    requests.post(f"{base_url}/__mock__/reset", timeout=10).raise_for_status()
    return slumber.API(f"{base_url}/rundb/api/v1/", auth=ADMIN)


def test_slumber_session_get_post_patch_delete(api):
    page = api.message.get(limit=2)
    assert page["meta"] == {"limit": 2, "next": "/rundb/api/v1/message/?offset=2&limit=2", "offset": 0,
                            "previous": None, "total_count": 6}
    assert [o["id"] for o in page["objects"]] == [23, 24]

    api.message.post({"body": "from slumber", "level": 30})
    created = api.message.get(body="from slumber")["objects"]
    assert len(created) == 1 and created[0]["level"] == 30 and created[0]["status"] == "unread"
    pk = created[0]["id"]

    api.message(pk).patch({"status": "read"})
    assert api.message(pk).get()["status"] == "read"

    assert api.message(pk).delete() is True
    with pytest.raises(HttpNotFoundError):
        api.message(pk).get()
    assert api.message.get()["meta"]["total_count"] == 6


def test_slumber_sees_tastypie_errors(api):
    with pytest.raises(HttpClientError) as caught:
        api.message.get(limit="x")
    assert caught.value.response.status_code == 400
    assert caught.value.response.json() == {"error": "Invalid limit 'x' provided. Please provide a positive integer."}


def test_plugin_status_client(base_url, api):
    """What TS's ion-plugin-status does: find the job by grid engine id, then PATCH its state."""
    key = {"username": "ionuser", "api_key": "76543210f9e8d7c6b5a4938271605f4e3d2c1b0a"}
    found = requests.get(f"{base_url}/rundb/api/v1/PluginResultJob/", params={"grid_engine_jobid": 97714, **key},
                         timeout=10).json()
    uri = found["objects"][0]["resource_uri"]
    response = requests.patch(f"{base_url}{uri}", params=key, json={"state": "Completed"}, timeout=10)
    assert response.status_code == 202 and response.content == b""
    job = api.PluginResultJob(found["objects"][0]["id"]).get()
    assert job["state"] == "Completed" and job["endtime"] is not None


def test_unslashed_client_follows_the_redirect(base_url):
    """Clients such as tsaw build URLs without the trailing slash and rely on the 301."""
    response = requests.get(f"{base_url}/rundb/api/v1/message/set/23;24", params={"format": "json"}, auth=ADMIN,
                            timeout=10)
    assert response.history[0].status_code == 301
    assert [o["id"] for o in response.json()["objects"]] == [23, 24]


def test_data_management_grid_query(base_url):
    response = requests.get(f"{base_url}/rundb/api/v1/compositedatamanagement/", auth=ADMIN, timeout=10, params={
        "format": "json", "offset": 0, "limit": 10, "order_by": "-timeStamp", "search_name": "auto",
        "timeStamp__range": "2017-05-01 00:00,2017-12-31 23:59", "sigproc_filter": "K"})
    body = response.json()
    assert [o["id"] for o in body["objects"]] == [10, 9]
    assert body["meta"]["total_count"] == 2
