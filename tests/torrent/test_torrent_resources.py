"""Torrent rundb API: representation, detail, set, schema and per-resource quirks (docs/behaviour/torrent.md T12, T13,
T15, T31–T34, T63, T64, T66, T69)."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from torrent_support import API, RESOURCES, A, U, get, record

from mockserver.contract import load

SEED_DIR = Path(__file__).resolve().parents[2] / "mockserver" / "seed_data" / "torrent"
CDM_5 = (
    '{"basecall_diskspace": 175688.613199234, "basecall_keep": false, "basecall_state": "Local", "diskusage": 371907, '
    '"expDir": "/results/S5_DemoData/S5-540_AmpliSeqExome", "expName": "S5-540_AmpliSeqExome", "id": 5, '
    '"in_process": false, "misc_diskspace": 135791.989539146, "misc_keep": false, "misc_state": "Local", '
    '"output_diskspace": 60428.8543195724, "output_keep": false, "output_state": "Local", "resource_uri": '
    '"/rundb/api/v1/compositedatamanagement/5/", "resultsName": "S5-540_AmpliSeqExome", "sigproc_diskspace": '
    '0.0158777236938477, "sigproc_keep": true, "sigproc_state": "Local", "timeStamp": '
    '"2017-03-18T06:39:37.000203+00:00"}'
)


# -- T12, T13, T15 rendering ---------------------------------------------------------------------------------------


def test_t12_json_rendering(client):
    client.patch(f"{API}/message/24/", json={"body": "Grüße → 東京", "tags": "z"}, headers=A)
    response = get(client, "/message/24/")
    raw = response.data
    assert "Grüße → 東京".encode() in raw and b"\\u" not in raw
    text = raw.decode()
    assert "\n" not in text and text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
    assert response.headers["Content-Type"] == "application/json"
    assert get(client, "/compositedatamanagement/5/").get_data(as_text=True) == CDM_5


@pytest.mark.parametrize("path", ["/message/", "/message/?limit=0", "/message/?order_by=-id&limit=3",
                                  "/compositedatamanagement/", "/filemonitor/?limit=2&callback=cb&format=jsonp"])
def test_t12_a_list_made_from_kept_row_texts_is_the_text_of_the_whole(client, path):
    """Lists are joined from each row's JSON text, kept while the row stays as it is: the whole must read as one
    ``json.dumps(…, sort_keys=True, ensure_ascii=False)`` of the parsed body, twice in a row."""
    client.patch(f"{API}/message/24/", json={"body": "Grüße → 東京", "tags": "z"}, headers=A)
    for _ in range(2):
        text = get(client, path).get_data(as_text=True)
        inner = text[3:-1] if text.startswith("cb(") else text
        assert inner == json.dumps(json.loads(inner), sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("path", ["/message/", "/message/23/", "/message/set/23/", "/message/schema/"])
def test_t12_get_200_headers(client, path):
    response = get(client, path)
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Vary"] == "Accept, Cookie"


AJAX = "XMLHttpRequest"


@pytest.mark.parametrize("method, path, headers, status, vary", [
    ("POST", "/message/", A, 201, "Accept, Cookie"),
    ("PATCH", "/message/23/", A, 202, "Accept, Cookie"),
    ("DELETE", "/message/23/", A, 204, "Accept, Cookie"),
    ("GET", "/message/99999/", A, 404, "Accept, Cookie"),
    ("POST", "/message/23/", A, 405, "Cookie"),  # T38: a 405, before the handler
    ("GET", "/message/?limit=x", A, 400, "Cookie"),
    ("GET", "/message/", {}, 401, "Cookie"),
    ("HEAD", "/message/", A, 405, "Cookie"),
    ("GET", "/message/abc/", A, 404, "Cookie"),
])
def test_t12_vary_headers(client, method, path, headers, status, vary):
    response = client.open(f"{API}{path}", method=method, json={}, headers=headers)
    assert response.status_code == status and response.headers["Vary"] == vary
    assert "Cache-Control" not in response.headers
    # tastypie's wrap_view: a handler's own response to an XMLHttpRequest (jQuery, the TS web UI) is not cached.
    response = client.open(f"{API}{path}", method=method, json={}, headers={**headers, "X-Requested-With": AJAX})
    assert response.status_code in (status, 404) and response.headers["Vary"] == vary
    assert response.headers.get("Cache-Control") == ("no-cache" if vary == "Accept, Cookie" else None)


def test_t12_ajax_needs_the_exact_header_value(client):
    response = client.delete(f"{API}/message/23/", headers={**A, "X-Requested-With": "xmlhttprequest"})
    assert response.status_code == 204 and "Cache-Control" not in response.headers


@pytest.mark.parametrize("instant, rendered", [
    (datetime(2014, 5, 8, 19, 25, 27, 843000, UTC), "2014-05-08T19:25:27.000843+00:00"),
    (datetime(2014, 5, 8, 19, 25, 27, 843, UTC), "2014-05-08T19:25:27+00:00"),
    (datetime(2000, 1, 1, tzinfo=UTC), "2000-01-01T00:00:00+00:00"),
    (datetime(2000, 1, 1, 0, 0, 0, 1000, UTC), "2000-01-01T00:00:00.000001+00:00"),
])
def test_t13_datetime_output_quirk(client, state, instant, rendered):
    state.clock.set(instant)
    created = client.post(f"{API}/message/", json={}, headers=A).headers["Location"]
    assert client.get(created, headers=A).get_json()["time"] == rendered


def test_t13_putting_back_a_read_value_changes_it(client, state):
    read = get(client, "/filemonitor/9/").get_json()["updated"]
    assert read == "2014-05-08T19:25:27.000843+00:00"
    assert record(state, "filemonitor", 9)["created"] == "2014-05-08T19:25:01.513000+00:00"
    client.patch(f"{API}/message/23/", json={"time": read}, headers=A)
    assert record(state, "message", 23)["time"] == "2014-05-08T19:25:27.000843+00:00"
    assert get(client, "/message/23/").get_json()["time"] == "2014-05-08T19:25:27+00:00"


@pytest.mark.parametrize("resource", RESOURCES)
def test_t15_resource_uri_is_path_only(client, resource):
    for obj in get(client, f"/{resource}/?limit=0").get_json()["objects"]:
        assert obj["resource_uri"] == f"/rundb/api/v1/{resource}/{obj['id']}/"


# -- T31–T34 detail, set, schema -----------------------------------------------------------------------------------


def test_t31_detail_is_the_bare_object(client):
    response = get(client, "/message/23/")
    assert response.status_code == 200
    assert response.get_json() == load("torrent")["x-resources"]["message"]["example"]


def test_t32_missing_detail_is_an_empty_404(client):
    response = client.get(f"{API}/message/99999/", headers={**A, "Accept": "json"})
    assert response.status_code == 404 and response.data == b""
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_t33_set(client):
    body = get(client, "/message/set/23;99999;24;23/").get_json()
    assert [o["id"] for o in body["objects"]] == [23, 24, 23]
    assert body["not_found"] == ["99999"]
    assert list(get(client, "/message/set/24/").get_json()) == ["objects"]


@pytest.mark.parametrize("ids", ["23;abc", "23;;24", "", "23;"])
def test_t33_non_numeric_id_in_a_set_is_a_canned_404(client, ids):
    response = get(client, f"/message/set/{ids}/")
    assert response.status_code == 404
    assert response.get_json() == {"error_message": "Sorry, this request could not be processed. "
                                                    "Please try again later."}


@pytest.mark.parametrize("resource", RESOURCES)
def test_t34_schema_is_the_contract_schema_endpoint(client, resource):
    body = get(client, f"/{resource}/schema/").get_json()
    assert body == load("torrent")["x-resources"][resource]["schema_endpoint"]
    assert ("ordering" in body) is (resource != "PluginResultJob")
    for entry in body["fields"].values():
        assert sorted(entry) == ["blank", "default", "help_text", "nullable", "readonly", "type", "unique"]


def test_t34_message_schema_exactly(client):
    text = get(client, "/message/schema/").get_data(as_text=True)
    assert text.startswith('{"allowed_detail_http_methods": ["get", "post", "put", "delete", "patch"], '
                           '"allowed_list_http_methods": ["get", "post", "put", "delete", "patch"], '
                           '"default_format": "application/json", "default_limit": 20, "fields": {"body": '
                           '{"blank": true, "default": "", "help_text": "Unicode string data. Ex: \\"Hello World\\"", ')
    assert text.endswith('"time": {"blank": true, "default": true, "help_text": "A date & time as a string. Ex: '
                         '\\"2010-11-10T03:07:43\\"", "nullable": false, "readonly": false, "type": "datetime", '
                         '"unique": false}}, "filtering": {"body": 2, "expires": 2, "id": 2, "level": 2, "route": 2, '
                         '"status": 2, "tags": 2, "time": 2}, "ordering": ["body", "expires", "id", "level", '
                         '"route", "status", "tags", "time"]}')


# -- resource quirks -----------------------------------------------------------------------------------------------


def test_t63_filemonitor_size_and_progress_are_strings(client, state):
    obj = get(client, "/filemonitor/9/").get_json()
    assert (obj["size"], obj["progress"]) == ("24174499", "24174499")
    assert record(state, "filemonitor", 9)["size"] == 24174499
    location = client.post(f"{API}/filemonitor/", json={"url": "http://x"}, headers=A).headers["Location"]
    created = client.get(location, headers=A).get_json()
    assert (created["size"], created["progress"]) == (None, "0")
    client.patch(location, json={"size": " 35 ", "progress": 7}, headers=A)
    assert [client.get(location, headers=A).get_json()[k] for k in ("size", "progress")] == ["35", "7"]


@pytest.mark.parametrize("written, rendered", [
    ("{}", {}),
    ('""', {}),
    ('"{}"', {}),
    ('{"a": 1.25, "b": 1.250, "c": 1e5, "d": 2, "e": true, "f": null, "g": "s", "h": [1, 2.5, {"i": -0.5}]}',
     {"a": "1.25", "b": "1.250", "c": "1E+5", "d": 2, "e": True, "f": None, "g": "s", "h": [1, "2.5", {"i": "-0.5"}]}),
    ('"{\\"x\\": {\\"y\\": 3.10}}"', {"x": {"y": "3.10"}}),
])
def test_t64_config_is_always_an_object(client, state, written, rendered):
    data = '{"config": ' + written + '}'  # raw text: the number literals matter
    response = client.patch(f"{API}/PluginResultJob/19/", data=data, content_type="application/json", headers=A)
    assert response.status_code == 202
    assert get(client, "/PluginResultJob/19/").get_json()["config"] == rendered
    assert isinstance(record(state, "PluginResultJob", 19)["config"], str)


@pytest.mark.parametrize("value, shown", [
    ("abc", "'abc'"), ("[1, 2]", "'[1, 2]'"), ([1, 2], "[1, 2]"), (5, "5"), (True, "True"), (1.5, "1.5"),
])
def test_t64_config_must_be_a_json_object(client, state, value, shown):
    before = record(state, "PluginResultJob", 19)
    response = client.patch(f"{API}/PluginResultJob/19/", json={"config": value}, headers=A)
    assert response.status_code == 400
    assert response.get_json() == {"error": f"Value provided to 'config' field doesn't appear to be a JSON object: "
                                            f"{shown}"}
    assert record(state, "PluginResultJob", 19) == before


def test_t66_compositedatamanagement_representation(client):
    assert get(client, "/compositedatamanagement/5/").get_data(as_text=True) == CDM_5
    disposed = get(client, "/compositedatamanagement/7/").get_json()
    assert (disposed["basecall_state"], disposed["basecall_keep"], disposed["basecall_diskspace"]) == \
        ("Deleted", None, None)
    assert (disposed["sigproc_state"], disposed["sigproc_keep"]) == ("Archived", None)
    missing = get(client, "/compositedatamanagement/8/").get_json()
    assert (missing["basecall_state"], missing["basecall_keep"]) == ("Unknown", None)
    assert "basecall_diskspace" not in missing and "sigproc_diskspace" not in missing
    busy = get(client, "/compositedatamanagement/9/").get_json()
    assert busy["in_process"] is True and busy["output_state"] == "Archiving" and busy["output_keep"] is None
    assert busy["sigproc_state"] == "Archive Pending" and busy["sigproc_keep"] is True
    keys = {"basecall_keep", "basecall_state", "diskusage", "expDir", "expName", "id", "in_process", "misc_keep",
            "misc_state", "output_keep", "output_state", "resource_uri", "resultsName", "sigproc_keep",
            "sigproc_state", "timeStamp"}
    assert set(missing) == keys | {"misc_diskspace", "output_diskspace"}


@pytest.mark.parametrize("resource", RESOURCES)
def test_t66_every_seeded_row_renders_as_its_seed(client, resource):
    # The seed files are in API representation: what goes in through seed_tables() comes back out verbatim.
    seed = json.loads((SEED_DIR / f"{resource}.json").read_text(encoding="utf-8"))
    assert get(client, f"/{resource}/?limit=0").get_json()["objects"] == seed


def test_t69_messages_go_to_every_user_unescaped(client):
    objects = get(client, "/message/?limit=0", headers=U).get_json()["objects"]
    assert {o["route"] for o in objects} >= {"_StaffOnly", ""}
    assert "<a href='/data/datamanagement/' >" in objects[0]["body"]
