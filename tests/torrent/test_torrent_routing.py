"""Torrent rundb API: routes, trailing slashes, methods (docs/behaviour/torrent.md T1–T5, T35–T38)."""
from __future__ import annotations

import pytest
from torrent_support import API, HTML, A, records

CANNED = b'{"error_message": "Sorry, this request could not be processed. Please try again later."}'
ALL = "GET,POST,PUT,DELETE,PATCH"
DETAIL = "GET,PUT,DELETE,PATCH"  # POST on a detail is a 405 (T38)
TOP = (
    '{"PluginResultJob": {"list_endpoint": "/rundb/api/v1/PluginResultJob/", "schema": '
    '"/rundb/api/v1/PluginResultJob/schema/"}, "compositedatamanagement": {"list_endpoint": '
    '"/rundb/api/v1/compositedatamanagement/", "schema": "/rundb/api/v1/compositedatamanagement/schema/"}, '
    '"filemonitor": {"list_endpoint": "/rundb/api/v1/filemonitor/", "schema": "/rundb/api/v1/filemonitor/schema/"}, '
    '"message": {"list_endpoint": "/rundb/api/v1/message/", "schema": "/rundb/api/v1/message/schema/"}}'
)


def stored_ids(state, resource="message"):
    """The ids of a resource's stored rows."""
    return [row["id"] for row in records(state, resource)]


# -- T1, T2 top level ----------------------------------------------------------------------------------------------


def test_t1_top_level_listing(client):
    response = client.get(f"{API}/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert "Cache-Control" not in response.headers
    assert response.get_data(as_text=True) == TOP


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "PATCH", "OPTIONS", "TRACE"])
def test_t2_top_level_answers_every_method(client, method):
    response = client.open(f"{API}/", method=method, data=b"not json")
    assert response.status_code == 200 and response.get_data(as_text=True) == TOP


@pytest.mark.parametrize("method", ["QUERY", "PROPFIND", "FOO"])
def test_t2_top_level_refuses_extension_verbs_with_405(client, method):
    response = client.open(f"{API}/", method=method)
    assert response.status_code == 405 and response.headers["Content-Type"] == HTML
    eight = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS,TRACE"
    assert response.headers["Allow"] == response.get_data(as_text=True) == eight


def test_t2_top_level_head_is_headers_only(client):
    response = client.head(f"{API}/")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["Content-Type"] == "application/json"


def test_t2_top_level_honours_jsonp(client):
    response = client.get(f"{API}/?callback=cb")
    assert response.headers["Content-Type"] == "text/javascript"
    assert response.get_data(as_text=True) == f"cb({TOP})"
    assert client.get(f"{API}/?format=jsonp").get_data(as_text=True) == f"callback({TOP})"


@pytest.mark.parametrize("query, headers", [("?callback=1x", {}), ("", {"Accept": "json"})])
def test_t2_top_level_format_errors_are_empty_400(client, query, headers):
    response = client.get(f"{API}/{query}", headers=headers)
    assert response.status_code == 400 and response.data == b""
    assert response.headers["Content-Type"] == HTML


# -- T3, T4, T5 routes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, location", [
    ("/message", "/message/"),
    ("/message/23", "/message/23/"),
    ("", "/"),
    ("/message/schema", "/message/schema/"),
    ("/message/set/23;24", "/message/set/23%3B24/"),  # Django's urlquote keeps only "/"
    ("/message/5/x", "/message/5/x/"),
    ("/message/a~b:c", "/message/a%7Eb%3Ac/"),  # Python 2's quote() escapes "~" as well
    ("/message/\u00e9 x", "/message/%C3%A9%20x/"),
])
def test_t3_missing_trailing_slash_redirects(client, path, location):
    response = client.get(f"{API}{path}", base_url="http://ts.example:8080")
    assert response.status_code == 301 and response.data == b""
    assert response.headers["Content-Type"] == HTML
    assert response.headers["Location"] == f"http://ts.example:8080{API}{location}"


def test_t3_redirect_keeps_the_query_and_applies_to_every_method(client, state):
    response = client.post(f"{API}/message?format=json&x=a%20b", json={"body": "x"}, headers=A)
    assert response.status_code == 301
    assert response.headers["Location"] == f"http://localhost{API}/message/?format=json&x=a%20b"
    assert stored_ids(state) == [23, 24, 25, 26, 27, 28]


def test_t3_redirect_query_goes_through_iri_to_uri(client):
    """HttpResponseRedirect quotes what a URI may not hold and keeps escapes, reserved characters and "~"."""
    raw = 'a=b c&d="<\u00e9>"&e=%41;~|'.encode().decode("latin-1")  # WSGI: the bytes as sent, one char each
    response = client.get(f"{API}/message", environ_overrides={"QUERY_STRING": raw})
    assert response.headers["Location"] == f"http://localhost{API}/message/?a=b%20c&d=%22%3C%C3%A9%3E%22&e=%41;~%7C"


@pytest.mark.parametrize("path", ["/nosuch/", "/nosuch", "/Message/", "/pluginresultjob/", "//", "/message/x/y"])
def test_t4_unknown_resource_is_an_html_404(client, path):
    # "/message/x/y" gains a route only with its slash, so it redirects; every other path here matches nothing.
    response = client.get(f"{API}{path}", headers=A)
    if path == "/message/x/y":
        assert response.status_code == 301
        return
    assert response.status_code == 404
    assert response.headers["Content-Type"] == HTML
    assert b"Not Found" in response.data


@pytest.mark.parametrize("method, pk, status, body", [
    ("GET", "abc", 404, CANNED),
    ("GET", "5/x", 404, CANNED),
    ("GET", "set", 404, CANNED),
    ("GET", "", 404, CANNED),
    ("PATCH", "abc", 404, CANNED),
    ("PUT", "abc", 404, CANNED),
    ("DELETE", "abc", 404, b""),
    ("DELETE", "set", 404, b""),
    ("GET", "-1", 404, b""),
])
def test_t5_non_numeric_and_absent_pks(client, state, method, pk, status, body):
    response = client.open(f"{API}/message/{pk}/", method=method, json={"body": "x"}, headers=A)
    assert (response.status_code, response.data) == (status, body)
    assert response.headers["Content-Type"] == ("application/json" if body else HTML)
    assert stored_ids(state) == [23, 24, 25, 26, 27, 28]


def test_t5_leading_zeros_and_signs_are_numeric(client):
    assert client.get(f"{API}/message/023/", headers=A).get_json()["id"] == 23
    assert client.get(f"{API}/message/+23/", headers=A).get_json()["id"] == 23


def test_t5_schema_and_set_routes_win_over_detail(client):
    assert "fields" in client.get(f"{API}/message/schema/", headers=A).get_json()
    assert [o["id"] for o in client.get(f"{API}/message/set/24;23/", headers=A).get_json()["objects"]] == [24, 23]


# -- T35–T38 methods -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, allow", [
    ("/message/", ALL), ("/message/23/", DETAIL), ("/message/99999/", DETAIL),
    ("/message/schema/", "GET"), ("/message/set/23;24/", "GET"),
])
def test_t35_options_needs_no_credentials(client, path, allow):
    response = client.options(f"{API}{path}")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == allow and response.headers["Allow"] == allow
    assert response.headers["Content-Type"] == HTML


@pytest.mark.parametrize("method, path, allow", [
    ("HEAD", "/message/", ALL), ("TRACE", "/message/23/", DETAIL), ("FROB", "/message/", ALL),
    ("POST", "/message/23/", DETAIL),
    ("POST", "/message/schema/", "GET"), ("DELETE", "/message/set/23;24/", "GET"), ("PUT", "/message/schema/", "GET"),
])
def test_t36_methods_outside_the_allowed_list_are_405_before_authentication(client, state, method, path, allow):
    response = client.open(f"{API}{path}", method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == allow
    assert response.headers["Content-Type"] == HTML
    if method != "HEAD":  # a HEAD answer never has a body
        assert response.get_data(as_text=True) == allow
    assert stored_ids(state) == [23, 24, 25, 26, 27, 28]


def test_t37_method_override_replaces_the_method(client, state):
    response = client.get(f"{API}/message/23/", headers={**A, "X-HTTP-Method-Override": "delete"})
    assert response.status_code == 204
    assert 23 not in stored_ids(state)


def test_t37_an_empty_override_is_a_method_of_its_own(client, state):
    """tastypie tests the header's presence, not its value: "" replaces GET and is refused."""
    response = client.get(f"{API}/message/23/", headers={**A, "X-HTTP-Method-Override": ""})
    assert response.status_code == 405 and response.headers["Allow"] == DETAIL


def test_t37_proppatch_is_patch(client, state):
    response = client.post(f"{API}/message/24/", json={"status": "read"},
                           headers={**A, "X-HTTP-Method-Override": "PROPPATCH"})
    assert response.status_code == 202
    assert client.get(f"{API}/message/24/", headers=A).get_json()["status"] == "read"


def test_t37_override_does_not_apply_to_schema_and_set(client, state):
    response = client.get(f"{API}/message/set/23;24/", headers={**A, "X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 200
    assert stored_ids(state) == [23, 24, 25, 26, 27, 28]


@pytest.mark.parametrize("headers", [A, {}])
def test_t38_post_to_a_detail_url_is_a_405_naming_the_detail_methods(client, state, headers):
    response = client.post(f"{API}/message/23/", json={"body": "x"}, headers=headers)
    assert response.status_code == 405
    assert response.headers["Allow"] == response.get_data(as_text=True) == DETAIL
    assert response.headers["Content-Type"] == HTML
    assert client.open(f"{API}/message/23/", method="GET", headers={**A, "X-HTTP-Method-Override": "POST"}
                       ).status_code == 405
    assert stored_ids(state) == [23, 24, 25, 26, 27, 28]
