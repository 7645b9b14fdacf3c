"""Authentication order and authorization (docs/behaviour/hub.md H22, H23, H25, H26)."""
from __future__ import annotations

import pytest
from hub_support import Hub

NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}


@pytest.fixture
def admin(hub):
    """conftest's ``hub`` (logged in as admin) by the name these tests give it."""
    return hub


@pytest.fixture
def alice(admin):
    return Hub(admin.app, "alice")


@pytest.mark.parametrize("authorization", [None, "Basic YWRtaW46YWRtaW4=", "Token abc", "bearer abc"])
def test_h22_no_recognised_credentials_answer_401(admin, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answer = admin.client.get("/api/sites/", headers=headers)
    assert answer.status_code == 401
    assert answer.json == NOT_PROVIDED
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(("who", "method", "path", "body", "status", "detail"), [
    (None, "PUT", "sites/1/", None, 401, NOT_PROVIDED),
    ("alice", "PUT", "sites/1/", None, 403, FORBIDDEN),
    ("admin", "PUT", "sites/1/", None, 405, {"detail": 'Method "PUT" not allowed.'}),
    ("admin", "PATCH", "sites/999/", "{bad", 404, {"detail": "No Site matches the given query."}),
    ("admin", "POST", "sites/", "plain", 415, {"detail": 'Unsupported media type "text/plain" in request.'}),
])
def test_h23_first_applicable_outcome_wins(admin, alice, who, method, path, body, status, detail):
    client = {"admin": admin, "alice": alice, None: None}[who]
    kwargs = {}
    if body is not None:
        kwargs = {"data": body, "content_type": "text/plain" if body == "plain" else "application/json"}
    if client is None:
        answer = admin.client.open("/api/" + path, method=method, **kwargs)
    else:
        answer = client.request(method, path, **kwargs)
    assert (answer.status_code, answer.json) == (status, detail)


def test_h23_body_too_large_comes_before_authentication(admin):
    big = b"x" * (admin.state.settings.max_body_bytes + 1)
    answer = admin.client.post("/api/sites/", data=big, content_type="application/json")
    assert answer.status_code == 413


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "users/", {"username": "x", "password": "y"}), ("PATCH", "users/alice/", {"first_name": "A"}),
    ("DELETE", "users/admin/", None), ("POST", "users/sync/", None), ("POST", "users/alice/deactivate/", None),
    ("POST", "groups/", {"name": "g"}), ("POST", "groups/sync/", None), ("POST", "sites/", {"name": "s"}),
    ("POST", "sites/1/refresh/", None), ("PATCH", "sites/1/settings/", {"values": []}),
    ("POST", "sites/1/settings/refresh/", None), ("PATCH", "settings/", {"values": []}),
    ("POST", "settings/sync/", None), ("PATCH", "configurations/", {"jobs_ttl": 1}),
    ("PATCH", "features/searchui/", {"enabled": True}), ("PATCH", "pki/lifetime/1/", {"days": 3}),
    ("POST", "pki/site/", {"site": "site1"}),
])
def test_h25_staff_only_writes_are_forbidden_to_other_users(alice, method, path, body):
    answer = alice.request(method, path, body)
    assert (answer.status_code, answer.json) == (403, FORBIDDEN)


def test_h25_reads_and_other_writes_stay_open(alice):
    assert alice.get("users/").status_code == 200
    assert alice.get("sites/1/settings/").status_code == 200
    assert alice.created("workflows/", {"name": "mine", "label": "Mine"})["name"] == "mine"
    answer = alice.post("users/change_password/", {"old_password": "alice", "new_password": "alice2"})
    assert answer.status_code == 200
    assert alice.rows("features")[0]["enabled"] is False


def test_h26_client_keys_are_private_to_their_owner(admin, alice):
    mine = alice.created("auth/clientkeys/", {"name": "alice-ci"})
    theirs = admin.created("auth/clientkeys/", {"name": "admin-ci"})
    assert [k["name"] for k in alice.get("auth/clientkeys/").json["results"]] == ["alice-ci"]
    assert alice.get(f"auth/clientkeys/{theirs['id']}/").json == {"detail": "No ClientKey matches the given query."}
    assert alice.delete(f"auth/clientkeys/{theirs['id']}/").status_code == 404
    assert alice.get(f"auth/clientkeys/{mine['id']}/").json["user"] == "alice"
    assert [k["name"] for k in admin.get("auth/clientkeys/").json["results"]] == ["alice-ci", "admin-ci"]
    assert admin.patch(f"auth/clientkeys/{mine['id']}/", {"name": "renamed"}).json["name"] == "renamed"
