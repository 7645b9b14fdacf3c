"""Whole renderings of stored rows are kept between requests while the store stays as it is
(mockserver/dialects/drf/render.py ``Renderings``): every answer must still be what the rows, the linked rows, the
request's host and the clock say now (H8, H9, H96)."""
from __future__ import annotations

from datetime import timedelta


def test_h9_a_kept_rendering_takes_the_host_of_each_request(hub):
    first = hub.get("users/alice/", headers={"Host": "hub-a.example"}).json
    again = hub.get("users/alice/", headers={"Host": "hub-b.example:8443"}).json
    assert first["url"] == "http://hub-a.example/api/users/alice/"
    assert first["groups"][0]["url"] == "http://hub-a.example/api/groups/1/"
    assert again["url"] == "http://hub-b.example:8443/api/users/alice/"
    assert again["groups"][0]["url"] == "http://hub-b.example:8443/api/groups/1/"


def test_h8_a_kept_rendering_follows_a_change_of_a_row_it_shows(hub):
    user = hub.get("users/alice/").json
    assert user["groups"][0]["name"] == user["nas_user"]["primary_group"] == "users"
    assert hub.get("groups/1/").json["users"][0]["first_name"] == "Alice"
    assert hub.patch("groups/1/", {"name": "renamed"}).status_code == 200  # the user row itself does not change
    user = hub.get("users/alice/").json
    assert user["groups"][0]["name"] == user["nas_user"]["primary_group"] == "renamed"
    assert hub.patch("users/alice/", {"first_name": "Alicia"}).status_code == 200  # nor does the group's
    assert hub.get("groups/1/").json["users"][0]["first_name"] == "Alicia"


def test_h8_a_refused_write_leaves_kept_renderings_true(hub):
    before = hub.get("sites/1/").json
    assert hub.patch("sites/1/", {"name": ""}).status_code == 400
    assert hub.get("sites/1/").json == before
    assert hub.patch("sites/1/", {"label": "Relabelled"}).status_code == 200
    assert hub.get("sites/1/").json == {**before, "label": "Relabelled"}


def test_h8_an_answer_changed_by_its_reader_does_not_change_the_next(hub):
    """The pipeline orders and trims a rendering after it is made: what it changes is its own copy."""
    listed = hub.get("sites/").json
    detail = hub.get("sites/1/").json
    assert hub.get("sites/").json == listed and hub.get("sites/1/").json == detail


def test_h96_a_field_read_from_the_clock_is_never_kept(hub):
    beat = (hub.state.clock.now() - timedelta(seconds=100)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert hub.patch("nodes/1/", {"last_heartbeat": beat}).json["online"] is True
    assert hub.get("nodes/1/").json["online"] is True
    hub.state.clock.advance(30)  # no write: only the clock moved past the 120 s interval
    assert hub.get("nodes/1/").json["online"] is False
