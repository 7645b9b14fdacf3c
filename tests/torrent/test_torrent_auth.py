"""Torrent rundb API: authentication and write permissions (docs/behaviour/torrent.md T6–T11, D2, D3, D14)."""
from __future__ import annotations

import base64

import pytest
from torrent_support import API, HTML, A, U, assert_empty, basic, record, records, torrent_app

from mockserver.app import create_app
from mockserver.config import Settings, TorrentUser

ADMIN_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
USER_KEY = "76543210f9e8d7c6b5a4938271605f4e3d2c1b0a"
PLUGIN_KEYS = {"7": "fedcba9876543210fedcba9876543210fedcba98"}


@pytest.fixture(scope="module")
def app():
    users = (*Settings().torrent_users, TorrentUser("colon", "pa:ss:word", "c" * 40, superuser=True))
    return torrent_app(torrent_users=users, torrent_plugin_keys=tuple(PLUGIN_KEYS.items()))


def assert_challenge(response, realm="Torrent Browser"):
    assert_empty(response, 401)
    assert response.headers["WWW-Authenticate"] == f'Basic Realm="{realm}"'


@pytest.mark.parametrize("headers, query", [
    ({}, ""),
    (basic(b"ionadmin:wrong"), ""),
    (basic(b"nobody:ionadmin"), ""),
    ({"Authorization": f"ApiKey ionadmin:{USER_KEY}"}, ""),
    ({}, f"?username=ionadmin&api_key={USER_KEY}"),
    ({"Authorization": "Token x"}, ""),
    ({"Authorization": "Basic"}, ""),
])
@pytest.mark.parametrize("path", ["/message/", "/message/23/", "/message/set/23/", "/message/schema/",
                                  "/message/99999/"])
def test_t6_authentication_required(client, headers, query, path):
    assert_challenge(client.get(f"{API}{path}{query}", headers=headers))


def test_t6_realm_is_configurable():
    app = create_app(Settings(apis=("torrent",), torrent_realm="Torrent Suite"))
    assert_challenge(app.test_client().get(f"{API}/message/"), realm="Torrent Suite")


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC"])
def test_t7_basic_scheme_is_case_insensitive(client, scheme):
    assert client.get(f"{API}/message/", headers=basic(b"ionadmin:ionadmin", scheme)).status_code == 200


def test_t7_basic_password_may_contain_colon(client):
    assert client.get(f"{API}/message/", headers=basic(b"colon:pa:ss:word")).status_code == 200
    assert_challenge(client.get(f"{API}/message/", headers=basic(b"colon:pa")))


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"no-colon").decode(),
                                   base64.b64encode(b"\xff\xfe:x").decode(), "a b c"])
def test_t7_malformed_basic_is_a_failed_login(client, value):
    assert_challenge(client.get(f"{API}/message/", headers={"Authorization": f"Basic {value}"}))


@pytest.mark.parametrize("headers, query", [
    ({}, f"?username=ionadmin&api_key={ADMIN_KEY}"),
    ({"Authorization": f"ApiKey ionadmin:{ADMIN_KEY}"}, ""),
    ({"Authorization": f"apikey ionadmin:{ADMIN_KEY}"}, ""),
    ({"Authorization": f"APIKEY ionuser:{USER_KEY}"}, ""),
])
def test_t8_api_key_in_query_or_header(client, headers, query):
    assert client.get(f"{API}/message/{query}", headers=headers).status_code == 200


@pytest.mark.parametrize("query", [f"?api_key={ADMIN_KEY}", "?username=ionadmin", "?username=ionadmin&api_key="])
def test_t8_api_key_needs_both_params(client, query):
    assert_challenge(client.get(f"{API}/message/{query}"))


def test_t8_api_key_params_are_no_filters_and_go_into_links(client):
    response = client.get(f"{API}/message/?username=ionadmin&api_key={ADMIN_KEY}&limit=2")
    body = response.get_json()
    assert body["meta"]["total_count"] == 6
    assert body["meta"]["next"] == f"/rundb/api/v1/message/?offset=2&limit=2&username=ionadmin&api_key={ADMIN_KEY}"


def test_t9_plugin_key_authenticates_as_ionuser(client, state):
    key = PLUGIN_KEYS["7"]
    response = client.patch(f"{API}/PluginResultJob/19/?pluginresult=7&api_key={key}", json={"state": "Error"})
    assert response.status_code == 202
    assert client.get(f"{API}/filemonitor/", headers={"Authorization": f"PluginKey 7:{key}"}).status_code == 200
    refused = client.delete(f"{API}/filemonitor/9/", headers={"Authorization": f"PluginKey 7:{key}"})
    assert refused.status_code == 401 and "WWW-Authenticate" not in refused.headers
    assert_challenge(client.get(f"{API}/message/?pluginresult=8&api_key={key}"))
    assert_challenge(client.get(f"{API}/message/", headers={"Authorization": "PluginKey 7:wrong"}))


def test_t9_plugin_keys_unconfigured_fail():
    app = create_app(Settings(apis=("torrent",)))
    assert_challenge(app.test_client().get(f"{API}/message/?pluginresult=7&api_key=x"))


def test_t10_no_implicit_login_and_no_session_cookie(client):
    assert_challenge(client.get(f"{API}/message/", environ_base={"REMOTE_ADDR": "127.0.0.1"}))
    response = client.get(f"{API}/message/", headers=A)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


FORBIDDEN = [
    ("POST", "/filemonitor/", {"url": "http://x"}),
    ("PUT", "/filemonitor/9/", {"name": "x"}),
    ("PUT", "/filemonitor/4242/", {"url": "http://x"}),
    ("PATCH", "/filemonitor/9/", {"name": "x"}),
    ("DELETE", "/filemonitor/9/", None),
    ("DELETE", "/filemonitor/", None),
    ("DELETE", "/filemonitor/?id=99999", None),
    ("PUT", "/filemonitor/", {"objects": []}),
    ("PATCH", "/filemonitor/", {"objects": []}),
    ("PATCH", "/filemonitor/", {"objects": [{"url": "http://x"}]}),
]


@pytest.mark.parametrize("method, path, body", FORBIDDEN)
def test_t11_ionuser_may_not_write_filemonitor(client, state, method, path, body):
    before = {r: records(state, r) for r in ("filemonitor", "compositedatamanagement")}
    response = client.open(f"{API}{path}", method=method, json=body, headers=U)
    assert response.status_code == 401 and response.data == b""
    assert response.headers["Content-Type"] == HTML
    assert "WWW-Authenticate" not in response.headers
    assert {r: records(state, r) for r in before} == before


@pytest.mark.parametrize("method, path, body, status", [
    ("POST", "/message/", {"body": "hi"}, 201),
    ("PATCH", "/message/23/", {"status": "read"}, 202),
    ("PUT", "/message/23/", {"status": "read"}, 204),
    ("DELETE", "/message/23/", None, 204),
    ("DELETE", "/message/?level=30", None, 204),
    ("POST", "/PluginResultJob/", {"state": "Queued", "run_level": "default"}, 201),
    ("PATCH", "/PluginResultJob/", {"objects": [{"resource_uri": "/rundb/api/v1/PluginResultJob/19/",
                                                 "state": "Error"}]}, 202),
])
def test_t11_ionuser_may_write_message_and_pluginresultjob(client, method, path, body, status):
    assert client.open(f"{API}{path}", method=method, json=body, headers=U).status_code == status


def test_t11_ionuser_writes_compositedatamanagement_as_torrent_suite_authorises_results(client, state):
    # TS authorises these writes on the Results model, and ionusers may add/change/delete results (D3/T11 of
    # the behaviour spec said 401; Torrent Suite is followed).
    created = client.post(f"{API}/compositedatamanagement/", json={"resultsName": "by-ionuser"}, headers=U)
    assert created.status_code == 201
    new_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert record(state, "compositedatamanagement", new_id)["resultsName"] == "by-ionuser"
    changed = client.patch(f"{API}/compositedatamanagement/5/", json={"resultsName": "renamed"}, headers=U)
    assert changed.status_code == 202
    assert record(state, "compositedatamanagement", 5)["resultsName"] == "renamed"
    gone = client.delete(f"{API}/compositedatamanagement/{new_id}/", headers=U)
    assert gone.status_code == 204
    assert new_id not in [r["id"] for r in records(state, "compositedatamanagement")]


def test_t11_ionuser_reads_everything(client):
    for resource in ("filemonitor", "compositedatamanagement", "PluginResultJob", "message"):
        assert client.get(f"{API}/{resource}/", headers=U).status_code == 200


def test_t11_permission_is_checked_after_field_validation(client, state):
    response = client.post(f"{API}/filemonitor/", json={"name": "x"}, headers=U)
    assert response.status_code == 400
    assert response.get_json() == {"error": "The 'url' field has no data and doesn't allow a default or null value."}
    assert client.patch(f"{API}/filemonitor/99999/", json={}, headers=U).status_code == 404
    assert len(records(state, "filemonitor")) == 8
