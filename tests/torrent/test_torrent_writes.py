"""Torrent rundb API: writes on detail and list URLs and their side effects (docs/behaviour/torrent.md T14 server-set
times, T39–T49, T65, T67)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from torrent_support import API, A, assert_empty, get, record, records, send

CANNED = {"error_message": "Sorry, this request could not be processed. Please try again later."}
NOW = datetime(2024, 2, 29, 13, 14, 15, 678000, UTC)
NOW_STORED = "2024-02-29T13:14:15.678000+00:00"
NOW_RENDERED = "2024-02-29T13:14:15.000678+00:00"


@pytest.fixture
def state(state):
    """conftest's fresh state, its clock set to NOW."""
    state.clock.set(NOW)
    return state


def rows_by_id(state, resource="message"):
    """A resource's stored rows by id."""
    return {r["id"]: r for r in records(state, resource)}


def get_json(client, path):
    """The JSON body of an admin GET."""
    return get(client, path).get_json()


# -- T39–T45 detail writes -------------------------------------------------------------------------------------------


def test_t39_post_list_creates_with_defaults(client, state):
    response = send(client, "POST", "/message/", {"body": "hi"}, base_url="http://ts.example")
    assert_empty(response, 201)
    assert response.headers["Location"] == "http://ts.example/rundb/api/v1/message/29/"
    assert get_json(client, "/message/29/") == {
        "body": "hi", "expires": "read", "id": 29, "level": 20, "resource_uri": "/rundb/api/v1/message/29/",
        "route": "", "status": "unread", "tags": "", "time": NOW_RENDERED}
    assert rows_by_id(state)[29] == {"body": "hi", "expires": "read", "id": 29, "level": 20, "route": "",
                               "status": "unread", "tags": "", "time": NOW_STORED}
    assert send(client, "POST", "/message/", {}).status_code == 201


def test_t40_ids_on_create(client, state):
    response = send(client, "POST", "/message/", {"id": 100, "body": "x"})
    assert response.headers["Location"].endswith("/message/100/")
    refused = send(client, "POST", "/message/", {"id": 23})
    assert refused.status_code == 400
    assert refused.get_json() == {"error": "A message with id '23' already exists."}
    assert send(client, "POST", "/message/", {}).headers["Location"].endswith("/message/101/")
    send(client, "DELETE", "/message/101/")
    assert send(client, "POST", "/message/", {}).headers["Location"].endswith("/message/102/")


def test_t40_deleted_seed_ids_are_never_reused(client, state):
    """The highest seeded id counts as held even after it is gone: by DELETE detail, DELETE list or PUT list."""
    assert_empty(send(client, "DELETE", "/message/28/"), 204)
    assert send(client, "POST", "/message/", {}).headers["Location"].endswith("/message/29/")
    assert_empty(send(client, "DELETE", "/message/"), 204)
    assert send(client, "POST", "/message/", {}).headers["Location"].endswith("/message/30/")
    assert_empty(send(client, "PUT", "/PluginResultJob/", {"objects": [{"state": "Queued", "run_level": "pre"}]}), 204)
    assert list(rows_by_id(state, "PluginResultJob")) == [34]


def test_t41_put_detail_is_a_partial_update(client, state):
    before = rows_by_id(state)[23]
    assert_empty(send(client, "PUT", "/message/23/", {"body": "x", "resource_uri": "/nowhere/", "foo": 1}), 204)
    assert rows_by_id(state)[23] == {**before, "body": "x"}
    assert_empty(send(client, "PUT", "/filemonitor/9/", {"name": "renamed"}), 204)  # url is not asked for
    assert send(client, "PUT", "/message/23/", {"level": None}).status_code == 400
    assert send(client, "PUT", "/message/23/", {"level": "abc"}).status_code == 400
    assert send(client, "PUT", "/message/23/", {"id": 24}).status_code == 400
    assert rows_by_id(state)[23] == {**before, "body": "x"}


def test_t42_put_to_an_absent_id_creates_it_there(client, state):
    response = send(client, "PUT", "/message/4242/", {"body": "new", "id": 7})
    assert_empty(response, 201)
    assert response.headers["Location"] == "http://localhost/rundb/api/v1/message/4242/"
    assert rows_by_id(state)[4242]["body"] == "new" and 7 not in rows_by_id(state)
    refused = send(client, "PUT", "/filemonitor/4242/", {"name": "x"})
    assert refused.get_json() == {"error": "The 'url' field has no data and doesn't allow a default or null value."}
    assert 4242 not in rows_by_id(state, "filemonitor")


def test_t43_patch_detail(client, state):
    before = rows_by_id(state)[23]
    assert_empty(send(client, "PATCH", "/message/23/", {"status": "read"}), 202)
    assert rows_by_id(state)[23] == {**before, "status": "read"}
    absent = client.patch(f"{API}/message/99999/", data=b"{not json", content_type="application/json", headers=A)
    assert_empty(absent, 404)
    assert send(client, "PATCH", "/message/abc/", {}).get_json() == CANNED


def test_t44_changing_id_on_update(client, state):
    assert send(client, "PATCH", "/message/23/", {"id": 23, "tags": "t"}).status_code == 202
    taken = send(client, "PUT", "/message/23/", {"id": 24})
    assert taken.get_json() == {"error": "A message with id '24' already exists."}
    assert send(client, "PATCH", "/message/23/", {"id": 99}).status_code == 202
    assert 23 not in rows_by_id(state) and rows_by_id(state)[99]["tags"] == "t"
    assert get_json(client, "/message/99/")["resource_uri"] == "/rundb/api/v1/message/99/"
    assert send(client, "POST", "/message/", {}).headers["Location"].endswith("/message/100/")


def test_t45_delete_detail(client, state):
    assert_empty(send(client, "DELETE", "/message/23/"), 204)
    assert 23 not in rows_by_id(state)
    assert_empty(send(client, "DELETE", "/message/23/"), 404)
    assert_empty(send(client, "DELETE", "/message/abc/"), 404)


# -- T46–T49 list writes ---------------------------------------------------------------------------------------------


def test_t46_delete_list_honours_filters_only(client, state):
    assert_empty(send(client, "DELETE", "/message/?level=40"), 204)
    assert sorted(rows_by_id(state)) == [24, 25, 26, 28]
    assert send(client, "DELETE", "/message/?level=abc").status_code == 400
    assert sorted(rows_by_id(state)) == [24, 25, 26, 28]
    assert_empty(send(client, "DELETE", "/message/?limit=1&offset=2&order_by=nosuch"), 204)
    assert rows_by_id(state) == {}


def test_t46_delete_list_with_compositedatamanagement_params(client, state):
    assert send(client, "DELETE", "/compositedatamanagement/?search_name=s5xl&sigproc_filter=K").status_code == 204
    assert sorted(rows_by_id(state, "compositedatamanagement")) == [5, 6, 7, 8, 9]


def test_t47_put_list_replaces_what_the_filters_match(client, state):
    objects = [{"id": 27, "body": "again", "resource_uri": "/rundb/api/v1/message/1/"}, {"body": "fresh"}]
    assert_empty(send(client, "PUT", "/message/?level=40", {"objects": objects}), 204)
    after = rows_by_id(state)
    assert sorted(after) == [24, 25, 26, 27, 28, 29]
    assert (after[27]["body"], after[27]["level"], after[29]["body"]) == ("again", 20, "fresh")
    assert after[29]["time"] == NOW_STORED


@pytest.mark.parametrize("body", [{}, {"object": []}, [], [{"body": "x"}], "objects", 5])
def test_t47_put_list_needs_objects(client, state, body):
    response = send(client, "PUT", "/message/", body)
    assert response.get_json() == {"error": "Invalid data sent."}
    assert len(rows_by_id(state)) == 6


def test_t48_patch_list(client, state):
    body = {
        "objects": [
            {"resource_uri": "/rundb/api/v1/message/23/", "status": "read"},
            {"resource_uri": "/rundb/api/v1/message/999/", "body": "uri of nothing"},
            {"body": "no uri"},
        ],
        "deleted_objects": ["/rundb/api/v1/message/24/", "/rundb/api/v1/message/25/"],
    }
    assert_empty(send(client, "PATCH", "/message/", body), 202)
    after = rows_by_id(state)
    assert sorted(after) == [23, 26, 27, 28, 29, 30]
    assert after[23]["status"] == "read"
    assert (after[29]["body"], after[30]["body"]) == ("uri of nothing", "no uri")


@pytest.mark.parametrize("body", [
    {"objects": [{"resource_uri": "/rundb/api/v1/filemonitor/9/", "body": "x"}]},
    {"objects": [{"resource_uri": "http://localhost/rundb/api/v1/message/23/"}]},
    {"objects": [{"resource_uri": "/rundb/api/v1/message/abc/"}]},
    {"objects": [{"resource_uri": 23}]},
    {"objects": [], "deleted_objects": ["/rundb/api/v1/message/99999/"]},
    {"objects": [], "deleted_objects": ["/rundb/api/v1/filemonitor/9/"]},
])
def test_t48_patch_list_foreign_or_malformed_uris_are_canned_404(client, state, body):
    response = send(client, "PATCH", "/message/", body)
    assert response.status_code == 404 and response.get_json() == CANNED
    assert len(rows_by_id(state)) == 6 and len(rows_by_id(state, "filemonitor")) == 8


def test_t48_patch_list_needs_objects(client):
    assert send(client, "PATCH", "/message/", {"deleted_objects": []}).get_json() == \
        {"error": "Invalid data sent: missing 'objects'"}


def test_t49_patch_list_is_all_or_nothing(client, state):
    before = rows_by_id(state)
    body = {"objects": [{"resource_uri": "/rundb/api/v1/message/23/", "status": "read"}, {"body": "new"},
                        {"level": "abc"}], "deleted_objects": ["/rundb/api/v1/message/24/"]}
    response = send(client, "PATCH", "/message/", body)
    assert response.get_json() == {"error": "Integer provided to 'level' field doesn't appear to be a valid "
                                            "integer: 'abc'"}
    assert rows_by_id(state) == before
    assert send(client, "POST", "/message/", {}).headers["Location"].endswith("/message/29/")  # no id consumed


def test_t49_put_list_is_all_or_nothing_including_its_deletions(client, state):
    before = rows_by_id(state)
    response = send(client, "PUT", "/message/", {"objects": [{"id": 1}, {"id": 1}]})
    assert response.get_json() == {"error": "A message with id '1' already exists."}
    assert rows_by_id(state) == before


@pytest.mark.parametrize("method, body, message", [
    ("PUT", {"objects": {}}, "Invalid data sent: 'objects' must be a list of JSON objects."),
    ("PATCH", {"objects": [1]}, "Invalid data sent: 'objects' must be a list of JSON objects."),
    ("PATCH", {"objects": [], "deleted_objects": "x"},
     "Invalid data sent: 'deleted_objects' must be a list of resource URIs."),
    ("PATCH", {"objects": [], "deleted_objects": [1]},
     "Invalid data sent: 'deleted_objects' must be a list of resource URIs."),
])
def test_t49_list_body_shapes(client, state, method, body, message):
    assert send(client, method, "/message/", body).get_json() == {"error": message}
    assert len(rows_by_id(state)) == 6


# -- T14 server-set datetimes, T65, T67 ------------------------------------------------------------------------------


def test_t14_server_set_datetimes(client, state):
    location = send(client, "POST", "/filemonitor/", {"url": "u", "created": "2001-01-01T00:00:00",
                                                      "updated": "2001-01-01T00:00:00"}).headers["Location"]
    pk = int(location.rstrip("/").rsplit("/", 1)[1])
    assert (rows_by_id(state, "filemonitor")[pk]["created"], rows_by_id(state, "filemonitor")[pk]["updated"]) == \
        (NOW_STORED, NOW_STORED)
    assert send(client, "POST", "/filemonitor/", {"url": "u", "created": "abc"}).status_code == 400
    state.clock.advance(60)
    old = "2001-01-01T00:00:00"
    send(client, "PATCH", f"/filemonitor/{pk}/", {"created": old + "Z", "updated": old})
    row = rows_by_id(state, "filemonitor")[pk]
    assert row["created"] == "2001-01-01T00:00:00.000000+00:00"
    assert row["updated"] == "2024-02-29T13:15:15.678000+00:00"
    send(client, "PUT", "/message/555/", {"time": "2001-01-01T00:00:00"})
    send(client, "PUT", "/message/23/", {"time": "2001-01-01T01:00:00+01:00"})
    assert rows_by_id(state)[555]["time"] == "2024-02-29T13:15:15.678000+00:00"
    assert rows_by_id(state)[23]["time"] == "2001-01-01T00:00:00.000000+00:00"


@pytest.mark.parametrize("pk, body, starttime, endtime", [
    (19, {"state": "Started"}, NOW_RENDERED, "2017-08-09T20:30:11.000942+00:00"),
    (24, {"state": "Completed"}, "2017-09-27T13:52:10.000347+00:00", NOW_RENDERED),
    (24, {"state": "Timed Out", "endtime": "2001-01-01 00:00"}, "2017-09-27T13:52:10.000347+00:00", NOW_RENDERED),
    (24, {"state": "Started", "starttime": "2001-01-01 00:00"}, "2001-01-01T00:00:00+00:00", None),
    (25, {"state": "Pending"}, None, None),
    (25, {"state": "Resource"}, None, NOW_RENDERED),
])
def test_t65_state_changes_stamp_start_and_end(client, state, pk, body, starttime, endtime):
    assert send(client, "PATCH", f"/PluginResultJob/{pk}/", body).status_code == 202
    job = get_json(client, f"/PluginResultJob/{pk}/")
    assert (job["starttime"], job["endtime"]) == (starttime, endtime)


def test_t65_list_patch_and_creates(client, state):
    body = {"objects": [{"resource_uri": "/rundb/api/v1/PluginResultJob/25/", "state": "Started"},
                        {"state": "Started", "run_level": "pre"}]}
    assert send(client, "PATCH", "/PluginResultJob/", body).status_code == 202
    assert get_json(client, "/PluginResultJob/25/")["starttime"] == NOW_RENDERED
    assert get_json(client, "/PluginResultJob/34/")["starttime"] is None


def test_t67_compositedatamanagement_writes(client, state):
    response = send(client, "POST", "/compositedatamanagement/",
                    {"resultsName": "r", "diskusage": "12", "in_process": True, "expDir": "/x",
                     "sigproc_state": "Deleted", "misc_keep": True, "timeStamp": "2001-01-01 00:00"})
    assert response.status_code == 201
    assert get_json(client, "/compositedatamanagement/11/") == {
        "basecall_keep": None, "basecall_state": "Unknown", "diskusage": 12, "expDir": "", "expName": "", "id": 11,
        "in_process": False, "misc_keep": None, "misc_state": "Unknown", "output_keep": None,
        "output_state": "Unknown", "resource_uri": "/rundb/api/v1/compositedatamanagement/11/", "resultsName": "r",
        "sigproc_keep": None, "sigproc_state": "Unknown", "timeStamp": NOW_RENDERED}
    assert send(client, "POST", "/compositedatamanagement/", {}).get_json() == \
        {"error": "The 'resultsName' field has no data and doesn't allow a default or null value."}
    assert send(client, "POST", "/compositedatamanagement/", {"resultsName": "r", "in_process": "yes"}).get_json() \
        == {"error": "Boolean provided to 'in_process' field doesn't appear to be a valid boolean: 'yes'"}
    before = get_json(client, "/compositedatamanagement/5/")
    send(client, "PATCH", "/compositedatamanagement/5/", {"diskusage": 5, "sigproc_state": "Deleted",
                                                          "sigproc_keep": False, "expName": "x"})
    send(client, "PATCH", "/compositedatamanagement/5/", {"resultsName": "renamed"})
    assert get_json(client, "/compositedatamanagement/5/") == {**before, "diskusage": 5, "resultsName": "renamed"}


def test_a_change_shows_at_once_in_list_and_detail_and_a_refused_write_changes_nothing(client, state):
    """Representations are remembered per stored row (engine/memo.py) until the row changes: a PATCH, a PUT,
    a reset and a refused write each show in the very next GET of the detail and of the list."""
    first = get(client, "/message/?limit=1").get_json()["objects"][0]
    pk = first["id"]

    def shown() -> tuple[str, str]:
        listed = next(o for o in get(client, "/message/?limit=0").get_json()["objects"] if o["id"] == pk)
        return get(client, f"/message/{pk}/").get_json()["body"], listed["body"]

    assert shown() == (first["body"], first["body"])
    assert send(client, "PATCH", f"/message/{pk}/", {"body": "patched"}).status_code == 202
    assert shown() == ("patched", "patched")
    assert send(client, "PUT", f"/message/{pk}/", {"body": "put"}).status_code == 204
    assert shown() == ("put", "put")
    assert send(client, "PATCH", f"/message/{pk}/", {"body": "x", "level": "not a number"}).status_code == 400
    assert shown() == ("put", "put") and record(state, "message", pk)["body"] == "put"
    state.reset()
    assert shown() == (first["body"], first["body"])
