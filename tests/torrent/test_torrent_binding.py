"""The Torrent binding's ApiBinding surface: seeds, admin records, fault-injection errors, reset.
Rules: docs/behaviour/torrent.md."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from torrent_support import API, A

from mockserver.errors import ApiError, MockServerError

NOW = datetime(2024, 1, 2, 3, 4, 5, 6000, UTC)


@pytest.fixture
def state(state):
    """conftest's fresh state, its clock set to NOW."""
    state.clock.set(NOW)
    return state


@pytest.fixture
def binding(state):
    return state.bindings["torrent"]


def test_seed_tables_store_full_precision_and_native_types(binding):
    tables = binding.seed_tables({
        "filemonitor": [{"id": 9, "url": "u", "size": "24174499", "progress": "0", "md5sum": None,
                         "created": "2014-05-08T19:25:01.000513+00:00", "updated": "2014-05-08T19:25:27+00:00",
                         "resource_uri": "/rundb/api/v1/filemonitor/9/"}],
        "PluginResultJob": [{"id": 1, "config": {"a": [1, "x"]}, "state": "s", "run_level": "r"}],
        "compositedatamanagement": [{"id": 5, "resultsName": "r", "expDir": "/d", "expName": "e",
                                     "sigproc_state": "Archived", "sigproc_keep": None, "sigproc_diskspace": 1.5,
                                     "basecall_state": "Unknown", "in_process": True}],
        "not_served": [{"id": 1}],
    })
    assert set(tables) == {"torrent/filemonitor", "torrent/PluginResultJob", "torrent/compositedatamanagement"}
    assert tables["torrent/filemonitor"] == [{
        "id": 9, "url": "u", "size": 24174499, "progress": 0, "md5sum": None,
        "created": "2014-05-08T19:25:01.513000+00:00", "updated": "2014-05-08T19:25:27.000000+00:00"}]
    assert tables["torrent/PluginResultJob"][0]["config"] == '{"a": [1, "x"]}'
    assert tables["torrent/compositedatamanagement"] == [{
        "id": 5, "resultsName": "r", "expDir": "/d", "expName": "e",
        "filesets": {"sigproc": {"state": "AD", "keep": False, "diskspace": 1.5}}}]


@pytest.mark.parametrize("resource, obj", [
    ("message", {"id": 1, "time": "yesterday"}),
    ("filemonitor", {"id": 1, "size": "big"}),
    ("compositedatamanagement", {"id": 1, "sigproc_state": "Lost"}),
    ("message", {"body": "no id"}),
    ("PluginResultJob", {"id": 1, "config": "abc"}),  # else every later read of it would be a 500 (T64, T73)
    ("PluginResultJob", {"id": 1, "config": "[1]"}),
])
def test_seed_tables_refuse_a_bad_seed_with_the_reason(binding, resource, obj):
    with pytest.raises(MockServerError, match=f"torrent seed {resource}"):
        binding.seed_tables({resource: [obj]})


def test_insert_records_returns_the_api_representation(app, binding):
    stored = binding.insert_records("message", [{"body": "a"}, {"id": 500, "level": "30",
                                                                "time": "2001-02-03T04:05:06.789"}])
    assert stored == [
        {"body": "a", "expires": "read", "id": 29, "level": 20, "resource_uri": "/rundb/api/v1/message/29/",
         "route": "", "status": "unread", "tags": "", "time": "2024-01-02T03:04:05.000006+00:00"},
        {"body": "", "expires": "read", "id": 500, "level": 30, "resource_uri": "/rundb/api/v1/message/500/",
         "route": "", "status": "unread", "tags": "", "time": "2001-02-03T04:05:06.000789+00:00"},
    ]
    assert app.test_client().get(f"{API}/message/500/", headers=A).get_json() == stored[1]


def test_insert_records_takes_compositedatamanagement_file_sets(binding):
    stored = binding.insert_records("compositedatamanagement", [{
        "resultsName": "r", "expName": "e", "sigproc_state": "Deleting", "sigproc_keep": True,
        "sigproc_diskspace": None, "output_state": "Local", "output_keep": True, "output_diskspace": 2.5}])
    assert stored[0]["sigproc_state"] == "Deleting" and stored[0]["sigproc_keep"] is None
    assert stored[0]["output_keep"] is True and stored[0]["output_diskspace"] == 2.5
    assert stored[0]["in_process"] is True and stored[0]["expName"] == "e" and stored[0]["expDir"] == ""
    assert "basecall_diskspace" not in stored[0]


@pytest.mark.parametrize("resource, objects, message", [
    ("message", [{"body": "ok"}, {"level": "x"}], "Integer provided to 'level' field"),
    ("message", [{"id": 23}], "A message with id '23' already exists."),
    ("filemonitor", [{"name": "x"}], "The 'url' field has no data"),
    ("compositedatamanagement", [{"resultsName": "r", "misc_state": "Local", "misc_keep": "yes"}],
     "The 'misc_keep' field"),
])
def test_insert_records_refuses_a_bad_record_and_stores_none(binding, resource, objects, message):
    before = binding.records(resource)
    with pytest.raises(ApiError) as caught:
        binding.insert_records(resource, objects)
    assert caught.value.status == 400 and caught.value.body["error"].startswith(message)
    assert binding.records(resource) == before


@pytest.mark.parametrize("call", ["insert_records", "records"])
def test_unknown_resource_is_404(binding, call):
    args = ("nosuch", []) if call == "insert_records" else ("nosuch",)
    with pytest.raises(ApiError) as caught:
        getattr(binding, call)(*args)
    assert caught.value.status == 404 and "unknown resource 'nosuch'" in caught.value.body["error"]


def test_records_are_the_raw_stored_rows(binding):
    rows = binding.records("PluginResultJob")
    assert [r["id"] for r in rows] == list(range(19, 34))
    assert isinstance(rows[0]["config"], str) and rows[0]["starttime"] == "2017-08-09T20:26:03.549000+00:00"


@pytest.mark.parametrize("status, body, content_type, data", [
    (401, None, "text/html; charset=utf-8", b""),
    (404, None, "application/json",
     b'{"error_message": "Sorry, this request could not be processed. Please try again later."}'),
    (500, None, "application/json",
     b'{"error_message": "Sorry, this request could not be processed. Please try again later."}'),
    (503, None, "application/json", b'{"error": "Service Unavailable"}'),
    (400, {"error": "x"}, "application/json", b'{"error": "x"}'),
])
def test_error_response_in_tastypie_shapes(binding, status, body, content_type, data):
    response = binding.error_response(status, body)
    assert (response.status_code, response.headers["Content-Type"], response.data) == (status, content_type, data)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic Realm="Torrent Browser"'


def test_admin_records_api_goes_through_the_binding(app, state):
    client = app.test_client()
    response = client.post("/__mock__/records/torrent/message", json=[{"body": "via admin"}])
    assert response.status_code == 201 and response.get_json()[0]["body"] == "via admin"
    assert client.get("/__mock__/records/torrent/message").get_json()[-1]["body"] == "via admin"
    refused = client.post("/__mock__/records/torrent/message", json={"level": None})
    assert refused.status_code == 400


def test_reset_returns_to_the_seed(binding, state):
    binding.insert_records("message", [{"body": "x"}])
    state.reset()
    binding.reset()
    assert [r["id"] for r in binding.records("message")] == [23, 24, 25, 26, 27, 28]
