"""Torrent rundb API: the list envelope, paging, links, seeds and formats (docs/behaviour/torrent.md T16–T22, T29,
T30)."""
from __future__ import annotations

import json

import pytest
from torrent_support import API, RESOURCES, A, get

from mockserver.contract import load

MESSAGE_EXAMPLE = (
    '{"meta": {"limit": 1, "next": "/rundb/api/v1/message/?offset=1&limit=1&format=json", "offset": 0, '
    '"previous": null, "total_count": 6}, "objects": [{"body": "All Data Management Auto Actions are disabled and '
    "/results/ is 38.38% full   <a href='/data/datamanagement/' >  Visit Data Management</a>\", \"expires\": "
    '"read", "id": 23, "level": 40, "resource_uri": "/rundb/api/v1/message/23/", "route": "_StaffOnly", "status": '
    '"unread", "tags": "Home_all_auto_actions_disabled", "time": "2017-04-05T23:01:38.000971+00:00"}]}'
)


# -- T16–T21 envelope and paging ------------------------------------------------------------------------------------


def test_t16_list_envelope(client):
    response = get(client, "/message/")
    body = response.get_json()
    assert response.status_code == 200 and list(body) == ["meta", "objects"]
    assert body["meta"] == {"limit": 20, "next": None, "offset": 0, "previous": None, "total_count": 6}
    assert [o["id"] for o in body["objects"]] == [23, 24, 25, 26, 27, 28]
    assert response.headers["Cache-Control"] == "no-cache"


def test_t17_limit_default_clamp_and_offset_past_the_end(client, state):
    state.bindings["torrent"].insert_records("message", [{"body": str(i)} for i in range(1000)])
    assert get(client, "/message/").get_json()["meta"]["limit"] == 20
    for limit in ("0", "5000", "1000"):
        body = get(client, f"/message/?limit={limit}").get_json()
        assert body["meta"]["limit"] == 1000 and len(body["objects"]) == 1000
        assert body["meta"]["next"] == "/rundb/api/v1/message/?offset=1000&limit=1000"
    body = get(client, "/message/?offset=5000").get_json()
    assert body["objects"] == [] and body["meta"]["total_count"] == 1006


@pytest.mark.parametrize("query, message", [
    ("limit=abc", "Invalid limit 'abc' provided. Please provide a positive integer."),
    ("limit=", "Invalid limit '' provided. Please provide a positive integer."),
    ("limit=1.5", "Invalid limit '1.5' provided. Please provide a positive integer."),
    ("limit=1_0", "Invalid limit '1_0' provided. Please provide a positive integer."),
    ("limit=-1", "Invalid limit '-1' provided. Please provide a positive integer &gt;= 0."),
    ("limit=-01", "Invalid limit '-1' provided. Please provide a positive integer &gt;= 0."),
    ("limit=%3Cb%3E", "Invalid limit '&lt;b&gt;' provided. Please provide a positive integer."),
    ("offset=abc", "Invalid offset 'abc' provided. Please provide an integer."),
    ("offset=-1", "Invalid offset '-1' provided. Please provide a positive integer &gt;= 0."),
    ("limit=x&offset=y", "Invalid limit 'x' provided. Please provide a positive integer."),
])
def test_t18_invalid_limit_and_offset_messages(client, query, message):
    response = get(client, f"/message/?{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Vary"] == "Cookie"
    assert response.get_data(as_text=True) == json.dumps({"error": message})


def test_t18_whitespace_and_sign_are_integers(client):
    assert get(client, "/message/?limit=%202%20&offset=+1").get_json()["meta"] == {
        "limit": 2, "next": "/rundb/api/v1/message/?offset=3&limit=2", "offset": 1,
        "previous": None, "total_count": 6}


def test_t18_unicode_digits_and_spaces_are_integers_as_python_2_int_reads_them(client):
    """QueryDict values are unicode, and Python 2's int(u"\uff12") is 2 (the spec's regex, read as Python's)."""
    assert get(client, "/message/?limit=%EF%BC%92&offset=%C2%A0%D9%A1").get_json()["meta"] == {
        "limit": 2, "next": "/rundb/api/v1/message/?offset=3&limit=2", "offset": 1,
        "previous": None, "total_count": 6}
    assert get(client, "/message/?limit=-%EF%BC%92").get_json() == {
        "error": "Invalid limit '-2' provided. Please provide a positive integer &gt;= 0."}
    assert get(client, "/message/?id=%EF%BC%92%EF%BC%93").get_json()["meta"]["total_count"] == 1


@pytest.mark.parametrize("query, previous, next_", [
    ("limit=2", None, "/rundb/api/v1/message/?offset=2&limit=2"),
    ("limit=2&offset=2", "/rundb/api/v1/message/?offset=0&limit=2", "/rundb/api/v1/message/?offset=4&limit=2"),
    ("limit=2&offset=4", "/rundb/api/v1/message/?offset=2&limit=2", None),
    ("offset=5&limit=20", None, None),
    ("limit=0&offset=1", None, None),
])
def test_t19_previous_and_next(client, query, previous, next_):
    meta = get(client, f"/message/?{query}").get_json()["meta"]
    assert (meta["previous"], meta["next"]) == (previous, next_)


def test_t19_links_carry_every_param_form_encoded(client):
    query = "format=xml&level__in=20&level__in=40&x=a b,c/d:e~f&callback=cb&order_by=-id&limit=1&offset=1"
    response = get(client, f"/message/?{query}", headers={"Accept": "application/json"})
    meta = json.loads(response.get_data(as_text=True)[3:-1])["meta"]
    rest = "format=xml&level__in=20&level__in=40&x=a+b%2Cc%2Fd%3Ae%7Ef&callback=cb&order_by=-id"
    assert meta["previous"] == f"/rundb/api/v1/message/?offset=0&limit=1&{rest}"
    assert meta["next"] == f"/rundb/api/v1/message/?offset=2&limit=1&{rest}"


def test_t19_escapes_that_are_no_utf8_come_back_as_replacement_characters(client):
    """QueryDict decodes with errors="replace": a link carries U+FFFD, never the client's escape escaped again."""
    meta = get(client, "/message/?limit=1&x=%E9&%FF=y").get_json()["meta"]
    assert meta["next"] == "/rundb/api/v1/message/?offset=1&limit=1&x=%EF%BF%BD&%EF%BF%BD=y"
    assert get(client, "/message/?limit=%E9").get_json() == {
        "error": "Invalid limit '\ufffd' provided. Please provide a positive integer."}


def test_t20_link_parameter_order_reproduces_the_documented_link(client):
    meta = get(client, "/filemonitor/?format=json&limit=1").get_json()["meta"]
    assert meta["next"] == "/rundb/api/v1/filemonitor/?offset=1&limit=1&format=json"


def test_t21_default_order_is_ascending_id(client):
    assert client.put(f"{API}/message/1/", json={"body": "first"}, headers=A).status_code == 201
    assert client.post(f"{API}/message/", json={"body": "last"}, headers=A).status_code == 201
    assert [o["id"] for o in get(client, "/message/").get_json()["objects"]] == [1, 23, 24, 25, 26, 27, 28, 29]


# -- T22 seeds -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_t22_limit_1_returns_the_documented_example(client, resource):
    facts = load("torrent")["x-resources"][resource]
    response = get(client, f"/{resource}/?format=json&limit=1")
    assert response.status_code == 200
    assert response.get_json() == {"meta": facts["example_meta"], "objects": [facts["example"]]}
    assert response.get_json()["meta"]["total_count"] == facts["total_count"]


def test_t22_message_example_text_exactly(client):
    assert get(client, "/message/?format=json&limit=1").get_data(as_text=True) == MESSAGE_EXAMPLE


@pytest.mark.parametrize("resource, ids", [
    ("filemonitor", list(range(9, 17))), ("compositedatamanagement", list(range(5, 11))),
    ("PluginResultJob", list(range(19, 34))), ("message", list(range(23, 29))),
])
def test_t22_seeded_ids(client, resource, ids):
    assert [o["id"] for o in get(client, f"/{resource}/?limit=0").get_json()["objects"]] == ids


# -- T29, T30 formats ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, accept, content_type", [
    ("format=json", None, "application/json"),
    ("format=jsonp", None, "text/javascript"),
    ("format=xml", None, "application/json"),
    ("format=xml", "text/javascript", "text/javascript"),
    ("callback=cb", None, "text/javascript"),
    ("format=json&callback=cb", None, "application/json"),
    ("", "text/javascript", "text/javascript"),
    ("", "application/json", "application/json"),
    ("", "application/xml", "application/json"),
    ("", "text/javascript, application/json", "application/json"),
    ("", "text/*;q=0.5, application/json;q=0.1", "application/json"),
    ("", "text/javascript;q=0.1, */*", "text/javascript"),
    ("", "*/*", "application/json"),
    ("", "", "application/json"),
])
def test_t29_response_format_selection(client, query, accept, content_type):
    headers = {"Accept": accept} if accept is not None else {}
    response = get(client, f"/message/23/?{query}", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Type"] == content_type
    text = response.get_data(as_text=True)
    if content_type == "text/javascript":
        name = "cb" if "callback=cb" in query else "callback"
        assert text.startswith(f"{name}(") and text.endswith(")")
        text = text[len(name) + 1:-1]
    assert json.loads(text)["id"] == 23


@pytest.mark.parametrize("callback", ["1x", "a-b", "var", "", "a.b[x]", "x;alert(1)", "int", "\\u0061bc",
                                      "\u00e4\u00e2", "cb\u00e9"])  # the last two: ASCII only (T30)
def test_t30_invalid_callback(client, callback):
    response = get(client, f"/message/23/?callback={callback}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.get_json() == {"error": "JSONP callback name is invalid."}


@pytest.mark.parametrize("callback", ["cb", "a.b[3].c", "$_x", "\\\\u0061bc", "jQuery123_456", "let"])
def test_t30_valid_callbacks(client, callback):
    response = get(client, "/message/23/", query_string={"callback": callback})
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith(f"{callback}(")


@pytest.mark.parametrize("accept", ["json", "text/javascript;q", "application/json;q=abc"])
def test_t30_malformed_accept_is_400_for_bodies(client, accept):
    response = get(client, "/message/", headers={"Accept": accept})
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid Accept header"}


def test_t30_empty_bodies_never_look_at_accept(client):
    headers = {**A, "Accept": "json"}
    assert client.post(f"{API}/message/", json={}, headers=headers).status_code == 201
    assert client.get(f"{API}/message/99999/", headers=headers).status_code == 404
    assert client.patch(f"{API}/message/23/", json={}, headers=headers).status_code == 202


def test_t30_error_bodies_follow_the_negotiated_format(client):
    jsonp = get(client, "/message/?format=jsonp&limit=x")
    assert jsonp.status_code == 400 and jsonp.headers["Content-Type"] == "text/javascript"
    assert jsonp.get_data(as_text=True) == \
        'callback({"error": "Invalid limit \'x\' provided. Please provide a positive integer."})'
    with_callback = get(client, "/message/?callback=cb&limit=x")
    assert with_callback.headers["Content-Type"] == "application/json"
    canned = get(client, "/message/abc/", headers={"Accept": "text/javascript"})
    assert canned.status_code == 404 and canned.get_data(as_text=True).startswith('callback({"error_message"')


def test_t30_jsonp_escapes_line_separators(client):
    client.patch(f"{API}/message/23/", json={"body": "a\u2028b\u2029c"}, headers=A)
    text = get(client, "/message/23/?format=jsonp").get_data(as_text=True)
    assert "a\\u2028b\\u2029c" in text and "\u2028" not in text
