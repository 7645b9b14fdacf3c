"""Torrent rundb API: request bodies, field rules, order of checks and the never-500 promise (docs/behaviour/torrent.md
T14 input, T50–T62, T70–T74)."""
from __future__ import annotations

import json

import pytest
from torrent_support import API, A, U, record, refused, send, torrent_app

from mockserver.app import create_app
from mockserver.config import Settings


@pytest.fixture(scope="module")
def app():
    return torrent_app(max_body_bytes=8192)


def snapshot(state):
    """Every table's rows (a rolled-back write may leave an empty table behind: it holds nothing)."""
    return {table: rows for table, rows in state.store.dump().items() if rows}


# -- T14 datetime input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("abc", "Datetime provided to 'time' field doesn't appear to be a valid datetime string: 'abc'"),
    ("", "Datetime provided to 'time' field doesn't appear to be a valid datetime string: ''"),
    ("2014-05-08", "Datetime provided to 'time' field doesn't appear to be a valid datetime string: '2014-05-08'"),
    ("May 8 2014", "Datetime provided to 'time' field doesn't appear to be a valid datetime string: 'May 8 2014'"),
    ("2014-13-01T00:00", "Datetime provided to 'time' field doesn't appear to be a valid datetime string: "
                         "'2014-13-01T00:00'"),
    (12345, "Datetime provided to 'time' field must be a string: 12345"),
    (True, "Datetime provided to 'time' field must be a string: True"),
    ([1, 2], "Datetime provided to 'time' field must be a string: [1, 2]"),
    ({"a": 1}, "Datetime provided to 'time' field must be a string: {'a': 1}"),
])
def test_t14_datetime_input_errors(client, value, message):
    assert refused(client, "PATCH", "/message/23/", {"time": value}) == message


@pytest.mark.parametrize("value, stored", [
    ("2014-05-08T19:25:27", "2014-05-08T19:25:27.000000+00:00"),
    ("2014-05-08 19:25", "2014-05-08T19:25:00.000000+00:00"),
    ("2014-05-08T19:25:27.5Z", "2014-05-08T19:25:27.500000+00:00"),
    ("2014-05-08T21:25:27.123456+02:00", "2014-05-08T19:25:27.123456+00:00"),
    ("2014-05-08T19:25:27-05:30", "2014-05-09T00:55:27.000000+00:00"),
])
def test_t14_datetime_input_forms(client, state, value, stored):
    assert send(client, "PATCH", "/message/23/", {"time": value}).status_code == 202
    assert record(state, "message", 23)["time"] == stored


# -- T50–T53 bodies ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON", None])
def test_t50_json_or_no_content_type_is_accepted(client, content_type):
    headers = {**A, **({"Content-Type": content_type} if content_type else {})}
    response = client.post(f"{API}/message/", data=b'{"body": "x"}', headers=headers)
    assert response.status_code == 201


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain; charset=utf-8",
                                          "application/xml", "multipart/form-data; boundary=x"])
@pytest.mark.parametrize("method, path", [("POST", "/message/"), ("PUT", "/message/23/"), ("PATCH", "/message/23/"),
                                          ("PUT", "/message/"), ("PATCH", "/message/")])
def test_t50_other_content_types_are_415(client, state, method, path, content_type):
    response = client.open(f"{API}{path}", method=method, data=b"body=x",
                           headers={**A, "Content-Type": content_type})
    assert response.status_code == 415
    assert response.get_json() == {"error": f"Unsupported Content-Type '{content_type}'; send application/json."}
    assert len(state.bindings["torrent"].records("message")) == 6


def test_t50_bodies_are_only_read_by_writes_that_take_one(client):
    headers = {**A, "Content-Type": "text/plain"}
    assert client.delete(f"{API}/message/23/", data=b"x", headers=headers).status_code == 204
    assert client.get(f"{API}/message/", data=b"x", headers=headers).status_code == 200


@pytest.mark.parametrize("data, message", [
    (b"", "Malformed JSON: Expecting value: line 1 column 1 (char 0)"),
    (b"{", "Malformed JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"\xff", "Malformed JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    (b'{"level": NaN}', "Malformed JSON: Out of range float values are not JSON compliant: 'NaN'"),
    (b'{"level": -Infinity}', "Malformed JSON: Out of range float values are not JSON compliant: '-Infinity'"),
    (b"[" * 3000 + b"]" * 3000, None),
])
def test_t51_malformed_json(client, data, message):
    error = refused(client, "POST", "/message/", data, raw=True, content_type="application/json")
    assert error == message if message else error.startswith("Malformed JSON: ")


@pytest.mark.parametrize("body", [[], "x", 5, True, None])
@pytest.mark.parametrize("method, path", [("POST", "/message/"), ("PUT", "/message/23/"), ("PATCH", "/message/23/"),
                                          ("PUT", "/message/77/")])
def test_t52_body_must_be_an_object(client, method, path, body):
    data = json.dumps(body).encode()
    error = refused(client, method, path, data, raw=True, content_type="application/json")
    assert error == "Invalid data sent: the request body must be a JSON object."


def test_t53_body_too_large_is_413_before_authentication(client, state):
    big = json.dumps({"body": "x" * 9000})
    for headers in ({}, A):
        response = client.post(f"{API}/message/", data=big, headers=headers, content_type="application/json")
        assert response.status_code == 413
        assert response.get_json() == {"error": "Request body too large: the limit is 8192 bytes."}
    assert len(state.bindings["torrent"].records("message")) == 6


def test_t53_default_limit_is_one_mebibyte():
    client = create_app(Settings(apis=("torrent",))).test_client()
    response = client.patch(f"{API}/message/23/", data=b" " * 1048577, headers=A, content_type="application/json")
    assert response.get_json() == {"error": "Request body too large: the limit is 1048576 bytes."}
    body = json.dumps({"body": "x" * 1048000}).encode()
    assert client.patch(f"{API}/message/23/", data=body, headers=A, content_type="application/json").status_code \
        == 202


# -- T54–T62 field rules -----------------------------------------------------------------------------------------------


def test_t54_read_only_and_unknown_keys_are_ignored(client, state):
    before = record(state, "message", 23)
    body = {"resource_uri": "/rundb/api/v1/message/1/", "foo": {"deep": [1]}, "level": 30}
    assert send(client, "PATCH", "/message/23/", body).status_code == 202
    assert record(state, "message", 23) == {**before, "level": 30}
    cdm = record(state, "compositedatamanagement", 5)
    body = {"expDir": "x", "expName": "x", "sigproc_state": "Deleted", "sigproc_keep": False, "misc_diskspace": 1,
            "in_process": True, "resource_uri": 3}
    assert send(client, "PUT", "/compositedatamanagement/5/", body).status_code == 204
    assert record(state, "compositedatamanagement", 5) == cdm


@pytest.mark.parametrize("method, path, body, field", [
    ("POST", "/filemonitor/", {"name": "x"}, "url"),
    ("POST", "/compositedatamanagement/", {"diskusage": 1}, "resultsName"),
    ("POST", "/PluginResultJob/", {}, "run_level"),
    ("POST", "/PluginResultJob/", {"run_level": "pre"}, "state"),
    ("PUT", "/PluginResultJob/777/", {"state": "x"}, "run_level"),
    ("PUT", "/filemonitor/", {"objects": [{"url": "u"}, {"name": "x"}]}, "url"),
    ("PATCH", "/filemonitor/", {"objects": [{"resource_uri": "/rundb/api/v1/filemonitor/1/"}]}, "url"),
])
def test_t55_required_fields(client, state, method, path, body, field):
    assert refused(client, method, path, body) == \
        f"The '{field}' field has no data and doesn't allow a default or null value."
    assert len(state.bindings["torrent"].records("filemonitor")) == 8


@pytest.mark.parametrize("path, field", [
    ("/message/23/", "level"), ("/message/23/", "body"), ("/message/23/", "time"), ("/message/23/", "id"),
    ("/filemonitor/9/", "progress"), ("/filemonitor/9/", "url"), ("/PluginResultJob/19/", "config"),
    ("/PluginResultJob/19/", "state"), ("/compositedatamanagement/5/", "resultsName"),
    ("/compositedatamanagement/5/", "in_process"),
])
def test_t56_null_for_a_non_nullable_field(client, path, field):
    assert refused(client, "PATCH", path, {field: None}) == f"The '{field}' field doesn't allow a null value."


@pytest.mark.parametrize("path, field", [
    ("/filemonitor/9/", "size"), ("/filemonitor/9/", "md5sum"), ("/PluginResultJob/19/", "grid_engine_jobid"),
    ("/PluginResultJob/19/", "starttime"), ("/PluginResultJob/19/", "endtime"),
    ("/compositedatamanagement/5/", "diskusage"),
])
def test_t56_null_for_a_nullable_field_is_stored(client, state, path, field):
    assert send(client, "PATCH", path, {field: None}).status_code == 202
    resource, pk = path.strip("/").split("/")
    assert record(state, resource, int(pk))[field] is None


@pytest.mark.parametrize("method, path, body, message", [
    ("POST", "/message/", {"id": 23}, "A message with id '23' already exists."),
    ("POST", "/PluginResultJob/", {"id": "19", "state": "s", "run_level": "r"},
     "A PluginResultJob with id '19' already exists."),
    ("POST", "/filemonitor/", {"id": 9.0, "url": "u"}, "A filemonitor with id '9' already exists."),
    ("PATCH", "/compositedatamanagement/6/", {"id": 5}, "A compositedatamanagement with id '5' already exists."),
    ("PATCH", "/message/", {"objects": [{"id": 700}, {"id": 700}]}, "A message with id '700' already exists."),
])
def test_t57_unique_ids(client, state, method, path, body, message):
    before = snapshot(state)
    assert refused(client, method, path, body) == message
    assert snapshot(state) == before


@pytest.mark.parametrize("value, stored", [(35, 35), ("35", 35), (" +35 ", 35), ("-7", -7), (35.0, 35), (1e2, 100),
                                           ("\uff13\u0665", 35), ("\u00a035\u2003", 35)])  # Python 2 int(u"…")
def test_t58_integer_values(client, state, value, stored):
    assert send(client, "PATCH", "/message/23/", {"level": value}).status_code == 202
    assert record(state, "message", 23)["level"] == stored


@pytest.mark.parametrize("value, shown", [
    ("abc", "'abc'"), ("35.0", "'35.0'"), ("", "''"), ("1_000", "'1_000'"), (35.5, "35.5"), (True, "True"),
    ([1, 2], "[1, 2]"), ({"a": 1}, "{'a': 1}"), (["x"], "['x']"),
])
def test_t58_integer_errors(client, value, shown):
    assert refused(client, "PATCH", "/message/23/", {"level": value}) == \
        f"Integer provided to 'level' field doesn't appear to be a valid integer: {shown}"


@pytest.mark.parametrize("data, shown", [
    (b'{"level": 9223372036854775808}', "9223372036854775808"), (b'{"level": -9223372036854775809}',
                                                                 "-9223372036854775809"),
    (b'{"level": "99999999999999999999"}', "'99999999999999999999'"), (b'{"level": 1e400}', "1E+400"),
    (b'{"level": 1e999999999}', "1E+999999999"), (b'{"id": 1e5000}', "1E+5000"),
])
def test_t58_integers_beyond_64_bits_are_refused(client, state, data, shown):
    """Never stored: 1e5000 would make every later list answer 500, 1e999999999 would take minutes to expand."""
    name = "id" if b'"id"' in data else "level"
    before = snapshot(state)
    assert refused(client, "PATCH", "/message/23/", data, raw=True) == \
        f"Integer provided to '{name}' field is out of range: {shown}"
    assert snapshot(state) == before
    assert send(client, "PATCH", "/message/23/", {"level": 2**63 - 1}).status_code == 202
    assert send(client, "GET", "/message/", None).status_code == 200


def test_t58_a_put_url_id_beyond_64_bits_is_refused(client, state):
    assert refused(client, "PUT", "/message/9223372036854775808/", {}) == \
        "Integer provided to 'id' field is out of range: 9223372036854775808"
    assert send(client, "PUT", "/message/9223372036854775807/", {}).status_code == 201


@pytest.mark.parametrize("value, shown", [("yes", "'yes'"), ("false", "'false'"), (1, "1"), ([], "[]")])
def test_t59_boolean_fields_take_only_true_and_false(client, value, shown):
    assert refused(client, "PATCH", "/compositedatamanagement/5/", {"in_process": value}) == \
        f"Boolean provided to 'in_process' field doesn't appear to be a valid boolean: {shown}"
    assert send(client, "PATCH", "/compositedatamanagement/5/", {"in_process": False}).status_code == 202


@pytest.mark.parametrize("value, stored", [
    (5, "5"), (1.5, "1.5"), (True, "True"), (False, "False"), ("é", "é"),
    # Django's smart_text is Python 2's unicode(float): 12 significant digits, ".0" kept
    (0.1234567890123456, "0.123456789012"), (123456789012345.0, "1.23456789012e+14"), (1e16, "1e+16"),
    (100.0, "100.0"), (-0.0, "-0.0"),
])
def test_t60_string_values(client, state, value, stored):
    assert send(client, "PATCH", "/message/23/", {"body": value}).status_code == 202
    assert record(state, "message", 23)["body"] == stored


@pytest.mark.parametrize("value, shown", [([1, 2], "[1, 2]"), ({"a": 1}, "{'a': 1}")])
def test_t60_string_errors(client, value, shown):
    assert refused(client, "PATCH", "/message/23/", {"body": value}) == \
        f"String provided to 'body' field doesn't appear to be a valid string: {shown}"


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/message/", '{"body": "\\ud800"}'),
    ("PATCH", "/message/23/", '{"body": "ok \\udfff"}'),
    ("PUT", "/message/23/", '{"tags": "\\ud800x"}'),
    ("PATCH", "/message/", '{"objects": [{"body": "fine"}, {"body": "\\ud800"}]}'),
    ("PUT", "/filemonitor/", '{"objects": [{"url": "\\udc00"}]}'),
    ("POST", "/PluginResultJob/", '{"state": "\\ud800", "run_level": "pre"}'),
])
def test_t60_a_lone_surrogate_is_a_400_in_the_envelope_and_stores_nothing(client, state, method, path, body):
    before = snapshot(state)
    response = send(client, method, path, body, raw=True)
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/json"
    error = response.get_json()["error"]
    assert "field holds a lone surrogate (U+D" in error and error.endswith("which the database cannot store.")
    assert snapshot(state) == before


def test_t60_a_surrogate_pair_is_one_character_and_stored(client, state):
    assert send(client, "PATCH", "/message/23/", '{"body": "\\ud83d\\ude00"}', raw=True).status_code == 202
    assert record(state, "message", 23)["body"] == "\U0001F600"


@pytest.mark.parametrize("path, field, limit", [
    ("/filemonitor/9/", "status", 60), ("/filemonitor/9/", "celery_task_id", 60), ("/filemonitor/9/", "md5sum", 32),
    ("/filemonitor/9/", "url", 2000), ("/PluginResultJob/19/", "state", 20),
    ("/PluginResultJob/19/", "run_level", 20), ("/compositedatamanagement/5/", "resultsName", 512),
])
def test_t61_maximum_lengths(client, state, path, field, limit):
    char = "é" if limit < 1000 else "x"  # characters, not bytes, count
    assert refused(client, "PATCH", path, {field: char * (limit + 1)}) == \
        f"The '{field}' field accepts at most {limit} characters; {limit + 1} given."
    assert send(client, "PATCH", path, {field: char * limit}).status_code == 202


def test_t61_message_text_is_unlimited(client):
    assert send(client, "PATCH", "/message/23/", {"body": "x" * 3000, "tags": "t" * 1000}).status_code == 202


def test_t62_choices_are_not_enforced(client, state):
    assert send(client, "PATCH", "/PluginResultJob/19/", {"run_level": "bogus", "state": "Whatever"}).status_code \
        == 202
    assert (record(state, "PluginResultJob", 19)["run_level"], record(state, "PluginResultJob", 19)["state"]) == \
        ("bogus", "Whatever")


# -- T70–T74 -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path, headers, data, status", [
    ("GET", "/message", {}, None, 301),  # 1: slash before everything
    ("GET", "/nosuch/", {}, None, 404),
    ("OPTIONS", "/message/", {}, None, 200),  # 2: before body size and authentication
    ("HEAD", "/message/", {}, b"x" * 9000, 405),
    ("POST", "/message/", {}, b"x" * 9000, 413),  # 3: before authentication
    ("POST", "/message/23/", {}, b"{", 405),  # T38: a 405 as in 2
    ("POST", "/message/23/", A, b"{", 405),
    ("GET", "/message/?limit=x&callback=1x", A, None, 400),  # 5: query errors
    ("GET", "/message/99999/?callback=1x", A, None, 404),  # lookup before format
    ("GET", "/message/23/?callback=1x", A, None, 400),
    ("PUT", "/message/?level=x", A, b"{", 400),  # filters before the body
    ("PATCH", "/message/99999/", A, b"{", 404),  # 6: lookup before the body
    ("DELETE", "/message/abc/", A, b"{", 404),
    ("POST", "/filemonitor/", U, b"{", 400),  # 7: body before permission
    ("DELETE", "/filemonitor/?id=x", U, None, 400),
    ("POST", "/filemonitor/", U, b'{"url": "u"}', 401),  # 8
])
def test_t70_evaluation_order(client, state, method, path, headers, data, status):
    before = snapshot(state)
    response = client.open(f"{API}{path}", method=method, data=data, headers=headers,
                           content_type="application/json" if data else None)
    assert response.status_code == status
    assert snapshot(state) == before


def test_t70_content_type_before_json_before_fields(client):
    assert send(client, "POST", "/message/", b"{", raw=True, content_type="text/plain").status_code == 415
    assert refused(client, "POST", "/message/", b'{"level": "x"', raw=True, content_type="application/json") \
        .startswith("Malformed JSON")


def test_t70_field_checks_type_then_null_then_length_then_required(client):
    body = {"name": None, "status": "s" * 61, "size": "abc"}
    assert refused(client, "POST", "/filemonitor/", body).startswith("Integer provided to 'size'")
    body.pop("size")
    assert refused(client, "POST", "/filemonitor/", body) == "The 'name' field doesn't allow a null value."
    body.pop("name")
    assert refused(client, "POST", "/filemonitor/", body).startswith("The 'status' field accepts at most")
    body.pop("status")
    assert refused(client, "POST", "/filemonitor/", body).startswith("The 'url' field has no data")


def test_t71_error_envelopes(client):
    assert set(send(client, "GET", "/message/?id=x", None).get_json()) == {"error"}
    assert send(client, "GET", "/message/x/", None).get_json() == \
        {"error_message": "Sorry, this request could not be processed. Please try again later."}
    assert send(client, "GET", "/message/999/", None).data == b""


def test_t72_error_messages_are_html_escaped(client):
    assert refused(client, "PATCH", "/message/23/", {"level": "<b>&'\""}) == \
        "Integer provided to 'level' field doesn't appear to be a valid integer: '&lt;b&gt;&amp;'\"'"
    assert refused(client, "GET", "/message/?order_by=<x>", None) == "No matching '&lt;x&gt;' field for ordering on."


ODD_BODIES = [b"", b"null", b"[]", b'{"objects": null}', b'{"objects": [null]}', b'{"objects": [{"id": []}]}',
              b'{"id": 1e400}', b'{"id": -1e400}', b'{"level": 1e400}', b'{"config": 1e400}', b'{"body": 1e400}',
              b'{"config": "' + b"[" * 50 + b'"}', b'{"config": {"a": ' + b"[" * 500 + b"]" * 500 + b"}}",
              b'{"time": "9999-12-31T23:59:59-01:00"}', b'{"time": "0001-01-01T00:00:00+01:00"}',
              b'{"deleted_objects": [null], "objects": []}', b'{"resource_uri": null}', b"\x00"]


@pytest.mark.parametrize("data", ODD_BODIES)
@pytest.mark.parametrize("method, path", [
    ("POST", "/message/"), ("PUT", "/message/23/"), ("PATCH", "/PluginResultJob/19/"), ("PUT", "/message/"),
    ("PATCH", "/message/"), ("PUT", "/PluginResultJob/5/"), ("PATCH", "/compositedatamanagement/"),
])
def test_t73_never_500(client, state, method, path, data):
    failures = len(state.server_errors)
    response = client.open(f"{API}{path}", method=method, data=data, headers=A, content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)
    assert len(state.server_errors) == failures


@pytest.mark.parametrize("query", [
    "?id__in=,,", "?time__range=,", "?level__in=%00", "?time__year=99999999999999999999", "?id=99999999999999999999",
    "?body__regex=" + "(a" * 200, "?order_by=-", "?limit=99999999999999999999999", "?offset=99999999999999999999",
    "?time__gte=0000-01-01", "?format=jsonp&callback=" + "a" * 5000, "?callback=%E2%80%A8", "?id__isnull=None",
    "?id=" + "1" * 5000, "?limit=" + "1" * 5000, "?offset=" + "1" * 5000, "?time__hour=" + "1" * 5000,
    "?id__in=1," + "1" * 5000, "?offset=" + "9" * 4300,
])
def test_t73_never_500_for_odd_queries(client, state, query):
    failures = len(state.server_errors)
    for resource in ("message", "compositedatamanagement", "filemonitor"):
        response = client.get(f"{API}/{resource}/{query}", headers=A)
        assert response.status_code < 500, response.get_data(as_text=True)
    assert len(state.server_errors) == failures


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_t73_never_500_for_odd_ids(client, state, method):
    failures = len(state.server_errors)
    for pk in ("1" * 5000, "set/1;" + "1" * 5000):
        response = send(client, method, f"/message/{pk}/", {})
        assert response.status_code in (404, 405), response.get_data(as_text=True)
    assert len(state.server_errors) == failures


def test_t74_a_refused_write_changes_nothing(client, state):
    before = snapshot(state)
    attempts = [
        ("POST", "/message/", {"level": "x"}), ("POST", "/message/", {"id": 23}),
        ("PUT", "/message/500/", {"level": None}), ("PATCH", "/message/", {"objects": [{}, {"id": 23}]}),
        ("PUT", "/message/", {"objects": [{}, {"level": []}]}), ("POST", "/filemonitor/", {"url": "u"}, U),
        ("PATCH", "/message/", {"objects": [{}], "deleted_objects": ["/rundb/api/v1/message/1/"]}),
    ]
    for method, path, body, *headers in attempts:
        assert send(client, method, path, body, headers=headers[0] if headers else A).status_code in (400, 401, 404)
    assert snapshot(state) == before


@pytest.mark.parametrize("value, status, stored", [
    (4.572789246159193e+307, 202, "4.57278924616e+307"), (-1.7976931348623157e+308, 202, "-1.79769313486e+308"),
    (12345678901234567890, 202, "12345678901234567890"), (123456789012345678901, 400, None)])
def test_t60_a_float_always_fits_a_20_character_string_an_integer_only_as_long_as_its_digits(client, state, value,
                                                                                           status, stored):
    """A float is stored as Python 2's text of it (12 significant digits, 19 characters at most); an integer as
    all its digits, so only an integer can be too long. The contract's number branch of a string field of 19
    characters or more is therefore unbounded (a schema cannot tell 4.5e307 from an integer)."""
    from mockserver.contract import load

    branch = load("torrent")["components"]["schemas"]["PluginResultJobUpdate"]["properties"]["state"]["anyOf"][2]
    assert branch == {"type": "number"}
    before = record(state, "PluginResultJob", 24)["state"]
    answer = send(client, "PATCH", "/PluginResultJob/24/", {"state": value})
    assert answer.status_code == status
    assert record(state, "PluginResultJob", 24)["state"] == (stored if stored is not None else before)
