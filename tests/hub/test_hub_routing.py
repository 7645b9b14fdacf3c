"""Routing and representation (docs/behaviour/hub.md H1–H9) and methods (H27–H30)."""
from __future__ import annotations

import json

import pytest
from hub_support import Hub

from mockserver.dialects.drf.http import NOT_FOUND_PAGE


@pytest.mark.parametrize("path", ["/api/nosuch/", "/api/health", "/api/", "/api/sites/1.5/", "/api/sites/1/x/"])
def test_h1_unknown_urls_answer_djangos_html_404(hub, path):
    answer = hub.client.get(path, headers=hub.headers)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.get_data(as_text=True) == NOT_FOUND_PAGE


@pytest.mark.parametrize(("method", "path", "location"), [
    ("GET", "/api/sites", "/api/sites/"),
    ("GET", "/api/sites?page=2", "/api/sites/?page=2"),
    ("POST", "/api/sites/1/refresh", "/api/sites/1/refresh/"),
    ("DELETE", "/api/jobs/stats", "/api/jobs/stats/"),
    ("GET", "/api/users/a%3Fb", "/api/users/a%3Fb/"), ("GET", "/api/users/%25", "/api/users/%25/"),  # escape_uri_path
    ("GET", "/api/users/bob%20smith", "/api/users/bob%20smith/"),
    ("GET", "/api/users/j%C3%B6rg", "/api/users/j%C3%B6rg/"),
])
def test_h2_a_missing_slash_redirects_301_to_a_relative_location(hub, method, path, location):
    answer = hub.client.open(path, method=method)  # before authentication: middleware
    assert answer.status_code == 301
    assert answer.headers["Location"] == location
    assert answer.data == b""


def test_h2_only_when_the_slashed_path_is_a_route(hub):
    assert hub.client.get("/api/nosuch").status_code == 404


@pytest.mark.parametrize(("path", "expected"), [
    ("jobs/stats/", 200), ("jobs/recent/", 200), ("jobs/jobtype_choices/", 200), ("search/metadata_fields/", 200),
    ("sites/abc/", 404), ("users/bob.smith/", 404),
])
def test_h3_fixed_segments_win_over_ids_and_ids_match_router_patterns(hub, path, expected):
    answer = hub.get(path)
    assert answer.status_code == expected
    if path == "sites/abc/":
        assert answer.json == {"detail": "Not found."}
    if path == "users/bob.smith/":  # routed: {username} accepts dots
        assert answer.json == {"detail": "No User matches the given query."}


def test_h3_users_sync_is_an_action_not_a_username(hub):
    answer = hub.post("users/sync/")
    assert answer.status_code == 200
    assert [u["username"] for u in answer.json] == ["admin", "alice"]


def test_h4_compact_utf8_json_with_allow_and_vary(hub):
    hub.patch("sites/1/", {"label": "Zü\u2028rich"})
    answer = hub.get("sites/1/")
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Allow"] == "GET, PATCH, DELETE, HEAD, OPTIONS"
    assert answer.headers["Vary"] == "Accept"
    assert '"label":"Zü\\u2028rich"' in answer.get_data(as_text=True)
    assert ", " not in answer.get_data(as_text=True).split('"label"')[0][-3:]
    errors = hub.get("sites/999/")
    assert errors.headers["Allow"] == "GET, PATCH, DELETE, HEAD, OPTIONS" and errors.headers["Vary"] == "Accept"
    assert errors.data == b'{"detail":"No Site matches the given query."}'


def test_h4_lone_surrogates_sent_in_free_json_are_rendered_escaped(hub):
    body = b'{"name":"w1","label":"W","fields":{"\\ud800":["\\udfff"]}}'
    answer = hub.request("POST", "workflows/", data=body, content_type="application/json")
    assert answer.status_code == 201, answer.data
    assert b'"fields":{"\\ud800":["\\udfff"]}' in answer.data
    assert hub.get("workflows/").status_code == 200


@pytest.mark.parametrize(("accept", "fmt", "status"), [
    (None, None, 200), ("*/*", None, 200), ("application/*", None, 200), ("application/json", None, 200),
    ("text/html", None, 200), ("application/xml", None, 406), (None, "json", 200), (None, "api", 200),
    (None, "xml", 404),
])
def test_h5_content_negotiation(hub, accept, fmt, status):
    headers = {"Accept": accept} if accept else {}
    answer = hub.get("sites/" + (f"?format={fmt}" if fmt else ""), headers=headers)
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    if status == 406:
        assert answer.json == {"detail": "Could not satisfy the request Accept header."}
    if status == 404:
        assert answer.json == {"detail": "Not found."}


@pytest.mark.parametrize(("accept", "fmt", "status"), [
    (None, "", 200),  # DRF ignores an empty format
    ("application/xml", "json", 406),  # format picks the renderer, Accept must still fit it
    ("application/json", "api", 406),  # the browsable renderer is text/html
    ("text/html", "api", 200), ("*/json", None, 200), ("", None, 406),  # an empty Accept accepts nothing
])
def test_h5_format_filters_the_renderers_then_accept_is_matched(hub, accept, fmt, status):
    headers = {"Accept": accept} if accept is not None else {}
    answer = hub.get("sites/" + (f"?format={fmt}" if fmt is not None else ""), headers=headers)
    assert answer.status_code == status, answer.data
    if status == 406:
        assert answer.json == {"detail": "Could not satisfy the request Accept header."}


def test_h5_negotiation_comes_before_authentication(hub):
    answer = hub.client.get("/api/sites/", headers={"Accept": "application/xml"})
    assert answer.status_code == 406


def test_h6_datetimes_are_utc_with_z_and_microseconds_only_when_non_zero(hub):
    from datetime import UTC, datetime

    hub.state.clock.set(datetime(2025, 7, 3, 12, 38, 45, 563379, tzinfo=UTC))
    hub = Hub(hub.app)  # a token issued on the mock's clock
    assert hub.created("spaces/", {"name": "s9", "mountpoint": "/mmfs1/data/s9", "sites": []})["created"] \
        == "2025-07-03T12:38:45.563379Z"
    hub.state.clock.set(datetime(2025, 7, 3, 12, 38, 45, tzinfo=UTC))
    hub = Hub(hub.app)
    assert hub.created("spaces/", {"name": "s10", "mountpoint": "/x", "sites": []})["created"] == "2025-07-03T12:38:45Z"


@pytest.mark.parametrize(("given", "stored"), [
    ("2025-07-03T12:38:45Z", "2025-07-03T12:38:45Z"),
    ("2025-07-03 12:38:45.5+02:00", "2025-07-03T10:38:45.500000Z"),
    ("2025-07-03T12:38", "2025-07-03T12:38:00Z"),
    ("2025-07-03", "2025-07-03T00:00:00Z"),
    ("2025-7-3T1:2:3,25 +0130", "2025-07-02T23:32:03.250000Z"),  # Django's parse_datetime regex fallback
])
def test_h7_datetime_input_forms(hub, given, stored):
    answer = hub.patch("nodes/1/", {"last_heartbeat": given})
    assert answer.status_code == 200
    assert answer.json["last_heartbeat"] == stored


@pytest.mark.parametrize("value", ["yesterday", "", "   ", 12345, True, []])  # a DateTimeField is no CharField
def test_h7_datetime_wrong_format(hub, value):
    answer = hub.patch("nodes/1/", {"last_heartbeat": value})
    assert answer.status_code == 400
    assert answer.json == {"last_heartbeat": ["Datetime has wrong format. Use one of these formats instead: "
                                              "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_h7_datetime_out_of_range_once_in_utc(hub, value):
    answer = hub.patch("nodes/1/", {"last_heartbeat": value})
    assert (answer.status_code, answer.json) == (400, {"last_heartbeat": ["Datetime value out of range."]})


def test_h8_bodies_have_exactly_the_documented_fields_in_order(hub):
    alert = hub.get("alerts/99/").json
    assert list(alert) == ["id", "site", "name", "node", "queue", "created", "timestamp", "severity", "summary",
                           "suppressed"]
    assert list(hub.get("sites/").json["results"][0]) == [
        "am_i_configured", "bandwidth", "color", "directories_count", "editable", "files_count",
        "files_hydrated_count", "files_stubbed_count", "id", "label", "name", "public_url", "ready_to_configure",
        "shortcode", "spaces", "timezone", "type", "url"]
    assert list(hub.get("configurations/").json)[:3] == ["jobs_ttl", "search_backend", "search_max_results"]
    users = hub.get("users/").json["results"]
    assert all("is_staff" not in u and "is_superuser" not in u and "_password" not in u for u in users)


def test_h8_write_responses_are_the_full_object(hub):
    created = hub.created("groups/", {"name": "editors", "users": ["alice"]})
    assert created == {"description": None, "id": 2, "name": "editors", "nas_group": None,
                       "object_permissions": [], "permissions": [], "users": ["alice"]}


def test_h9_links_are_absolute(hub):
    assert hub.get("sites/1/").json["url"] == "http://localhost/api/sites/1/"
    assert hub.get("users/alice/").json["url"] == "http://localhost/api/users/alice/"
    assert hub.get("sites/1/").json["spaces"][0] == {"id": 1, "name": "space01",
                                                     "url": "http://localhost/api/spaces/1/"}


def test_h9_links_are_quoted_as_djangos_reverse_quotes_them(hub):
    created = hub.post("users/", {"username": "jörg+x@y", "password": "p"})
    assert created.json["url"] == created.headers["Location"] == "http://localhost/api/users/j%C3%B6rg+x@y/"
    assert hub.get("users/j%C3%B6rg+x@y/").json["url"] == created.json["url"]


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "sites/1/"), ("DELETE", "sites/"), ("POST", "sites/1/"), ("PATCH", "jobs/1/"), ("TRACE", "sites/"),
    ("BREW", "sites/"),
])
def test_h27_undocumented_methods_answer_405_with_allow(hub, method, path):
    answer = hub.request(method, path)
    assert answer.status_code == 405
    assert answer.json == {"detail": f'Method "{method}" not allowed.'}
    assert "Allow" in answer.headers


@pytest.mark.parametrize(("path", "allow"), [
    ("sites/", "GET, POST, HEAD, OPTIONS"), ("sites/1/", "GET, PATCH, DELETE, HEAD, OPTIONS"),
    ("auth/token/", "POST, OPTIONS"), ("jobs/1/", "GET, DELETE, HEAD, OPTIONS"),
])
def test_h28_allow_lists_the_documented_methods_in_drf_order(hub, path, allow):
    assert hub.request("PUT", path).headers["Allow"] == allow


def test_h29_head_is_get_without_a_body(hub):
    get, head = hub.get("sites/"), hub.request("HEAD", "sites/")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_h30_options_describes_the_view(hub):
    answer = hub.request("OPTIONS", "sites/")
    assert answer.status_code == 200
    body = answer.json
    assert (body["name"], body["renders"], body["parses"]) == ("Site List", ["application/json"], ["application/json"])
    assert body["actions"]["POST"]["name"] == {"type": "string", "required": True, "read_only": False,
                                               "label": "Name", "help_text": "Site Name. Must match [a-zA-Z0-9-_]+"}
    assert body["actions"]["POST"]["id"]["read_only"] is True
    assert body["actions"]["POST"]["color"]["type"] == "list"
    # a list's child has no label, and DRF's metadata leaves out attributes that are None or ""
    assert body["actions"]["POST"]["color"]["child"] == {"type": "integer", "required": False, "read_only": False}
    assert hub.request("OPTIONS", "sites/1/").json["name"] == "Site Instance"
    assert "actions" not in Hub(hub.app, "alice").request("OPTIONS", "sites/").json  # no POST for non-staff
    assert hub.client.options("/api/sites/").status_code == 401
    assert json.loads(hub.request("OPTIONS", "workflows/").data)["actions"]["POST"]["discovery"]["type"] == "string"


def test_h3_routes_found_through_their_first_segment_are_those_a_scan_in_order_finds():
    """spec.match tries only the routes that can start as the path does, in order: the answer a scan of every
    route gives, for a path of each route and for paths no route takes."""
    import re as _re

    from mockserver.dialects.drf.spec import load_spec

    spec = load_spec()

    def scanned(path):
        return next(((r, m.groupdict()) for r in spec.routes if (m := r.regex.fullmatch(path))), None)

    paths = [_re.sub(r"\{[^}]+\}", "1", route.path) for route in spec.routes]
    paths += [_re.sub(r"\{[^}]+\}", "name-x", route.path) for route in spec.routes]
    paths += ["/", "", "/nope/", "/sites", "/sites/1", "/sites/1.5/", "/users/alice/x/"]
    for path in paths:
        assert spec.match(path) == scanned(path), path
