"""Hub account handlers (docs/behaviour/hub.md D4, D7, H11–H17, H100, H101, H104, H26): through the dialect's request
path after authentication, then over HTTP."""
from __future__ import annotations

import json
import re

import jwt
import pytest
from hub_support import BEARER, add_key, admin, alice, as_user, assert_401, bearer, deactivate, login, new_key

from mockserver.dialects.drf.call import Call
from mockserver.dialects.drf.pipeline import Pipeline
from mockserver.dialects.drf.request import Query
from mockserver.dialects.drf.world import World
from mockserver.errors import ApiError
from mockserver.hub import DOMAIN_HANDLERS, HubReply, accounts, authenticator, credentials, tokens
from mockserver.hub.binding import HUB
from mockserver.state import MockState

# Only this module's handlers: the other domain modules are not under test here.
HANDLERS = {op: handler for op, handler in DOMAIN_HANDLERS.items() if handler.__module__ == accounts.__name__}
NO_ACCOUNT = {"detail": "No active account found with the given credentials"}
INVALID = {"detail": "Token is invalid or expired", "code": "token_not_valid"}
BASE = "http://testserver/api"


def call(state: MockState, op: str, body=None, user: dict | None = None) -> HubReply:
    """The operation through the dialect's request path after authentication (``Pipeline.operate``: body
    parsing and validation, then this module's handler); ``body`` is sent as JSON (None: ``null``)."""
    assert op in HANDLERS
    pipeline = Pipeline(state, HUB)
    operation = pipeline.spec.operations[op]
    route = next(r for r in pipeline.spec.routes if r.path == operation.path)
    call_ = Call(World(state, BASE, HUB), route, operation, {}, Query(), BASE + operation.path, user, None)
    return pipeline.operate(call_, json.dumps(body).encode(), "application/json")


def refusal(state: MockState, op: str, body=None, user: dict | None = None) -> ApiError:
    with pytest.raises(ApiError) as info:
        call(state, op, body, user)
    return info.value


def unauthorized(state: MockState, op: str, body=None, user: dict | None = None):
    error = refusal(state, op, body, user)
    assert (error.status, error.headers) == (401, BEARER)
    return error.body


def bad_request(state: MockState, op: str, body=None, user: dict | None = None):
    error = refusal(state, op, body, user)
    assert error.status == 400
    return error.body


def pair(state: MockState, username: str = "alice", password: str | None = None) -> dict:
    reply = call(state, "auth_token_create", {"username": username, "password": password or username})
    return reply.body


# -- obtain (H11, H12, D7) -------------------------------------------------------------------------------------


def test_h11_obtain_pair(state):
    reply = call(state, "auth_token_create", {"username": "admin", "password": "admin"})
    assert reply.status == 200 and list(reply.body) == ["refresh", "access"]
    assert tokens.validate(reply.body["refresh"], state, "refresh")["user_id"] == 1
    principal = authenticator.authenticate({"Authorization": f"Bearer {reply.body['access']}"}, state)
    assert principal.user["username"] == "admin"


def test_h11_fields_are_trimmed_and_numbers_are_text(state):
    credentials.set_password(row := alice(state), "1234")
    state.store.put(credentials.USERS, 2, row)
    assert call(state, "auth_token_create", {"username": " alice ", "password": 1234}).status == 200


@pytest.mark.parametrize("body", [
    {"username": "admin", "password": "wrong"}, {"username": "nobody", "password": "admin"},
    {"username": "Admin", "password": "admin"},
])
def test_h12_wrong_credentials(state, body):
    assert unauthorized(state, "auth_token_create", body) == NO_ACCOUNT


def test_h12_d7_inactive_user_cannot_log_in(state):
    deactivate(state, alice(state))
    assert unauthorized(state, "auth_token_create", {"username": "alice", "password": "alice"}) == NO_ACCOUNT


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
    ({"username": "", "password": "x"}, {"username": ["This field may not be blank."]}),
    ({"password": "x", "username": "  "}, {"username": ["This field may not be blank."]}),
    ({"username": None, "password": True}, {"username": ["This field may not be null."],
                                            "password": ["Not a valid string."]}),
    ({"username": ["admin"], "password": {}}, {"username": ["Not a valid string."],
                                               "password": ["Not a valid string."]}),
])
def test_h12_field_errors(state, body, errors):
    assert bad_request(state, "auth_token_create", body) == errors


@pytest.mark.parametrize(("body", "errors"), [
    (None, {"non_field_errors": ["No data provided"]}),
    ([], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ("x", {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
])
def test_h42_body_not_an_object(state, body, errors):
    assert bad_request(state, "auth_token_create", body) == errors


# -- refresh (H15, H16) ----------------------------------------------------------------------------------------


def test_h15_refresh_without_rotation(state):
    tokens_ = pair(state)
    state.clock.advance(3600)
    for _ in range(2):  # the refresh token stays usable
        reply = call(state, "auth_token_refresh_create", {"refresh": tokens_["refresh"]})
        assert reply.status == 200 and list(reply.body) == ["access"]
        assert authenticator.authenticate({"Authorization": f"Bearer {reply.body['access']}"}, state).user["id"] == 2


def test_h16_refresh_errors(state):
    tokens_ = pair(state)
    assert unauthorized(state, "auth_token_refresh_create", {"refresh": "garbage"}) == INVALID
    assert unauthorized(state, "auth_token_refresh_create", {"refresh": tokens_["access"]}) == {
        "detail": "Token has wrong type", "code": "token_not_valid"}
    assert bad_request(state, "auth_token_refresh_create", {}) == {"refresh": ["This field is required."]}
    state.clock.advance(86400)
    assert unauthorized(state, "auth_token_refresh_create", {"refresh": tokens_["refresh"]}) == INVALID


def test_h16_h24_refresh_of_an_inactive_or_deleted_user(state):
    refresh = pair(state)["refresh"]
    deactivate(state, alice(state))
    assert unauthorized(state, "auth_token_refresh_create", {"refresh": refresh}) == {
        "detail": "No active account found for the given token."}
    state.store.delete(credentials.USERS, [2])
    assert unauthorized(state, "auth_token_refresh_create", {"refresh": refresh}) == {
        "detail": "User not found", "code": "user_not_found"}


# -- verify (H17) ----------------------------------------------------------------------------------------------


def test_h17_verify(state):
    tokens_ = pair(state)
    for token_type in ("access", "refresh"):
        reply = call(state, "auth_token_verify_create", {"token": tokens_[token_type], "type": token_type})
        assert (reply.status, reply.body) == (200, {})
    assert unauthorized(state, "auth_token_verify_create", {"token": tokens_["access"], "type": "refresh"}) == INVALID
    assert unauthorized(state, "auth_token_verify_create", {"token": "garbage", "type": "access"}) == INVALID
    deactivate(state, alice(state))
    assert unauthorized(state, "auth_token_verify_create", {"token": tokens_["access"], "type": "access"}) == INVALID
    state.store.delete(credentials.USERS, [2])
    assert unauthorized(state, "auth_token_verify_create", {"token": tokens_["refresh"], "type": "refresh"}) == INVALID


def test_h17_verify_expired(state):
    access = pair(state)["access"]
    state.clock.advance(3600)
    assert unauthorized(state, "auth_token_verify_create", {"token": access, "type": "access"}) == INVALID


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"token": ["This field is required."], "type": ["This field is required."]}),
    ({"token": "t", "type": "foo"}, {"type": ['"foo" is not a valid choice.']}),
    ({"token": "", "type": ""}, {"token": ["This field may not be blank."], "type": ['"" is not a valid choice.']}),
    ({"token": "t", "type": None}, {"type": ["This field may not be null."]}),
])
def test_h17_verify_field_errors(state, body, errors):
    assert bad_request(state, "auth_token_verify_create", body) == errors


# -- public key (H14) ------------------------------------------------------------------------------------------


def test_h14_public_key(state):
    reply = call(state, "auth_token_publickey_retrieve")
    assert reply.status == 200 and list(reply.body) == ["public_key"]
    assert jwt.decode(pair(state)["access"], reply.body["public_key"], algorithms=["RS256"],
                      options={"verify_exp": False})["user_id"] == 2


# -- password change (H101) ------------------------------------------------------------------------------------


def test_h101_change_password(state):
    before = pair(state)
    reply = call(state, "users_change_password_create", {"old_password": "alice", "new_password": "n3w"},
                 alice(state))
    assert (reply.status, reply.body) == (200, {"new_password": "********", "old_password": "********"})
    assert "n3w" not in str(alice(state))
    assert unauthorized(state, "auth_token_create", {"username": "alice", "password": "alice"}) == NO_ACCOUNT
    assert pair(state, "alice", "n3w")
    assert authenticator.authenticate({"Authorization": f"Bearer {before['access']}"}, state).user["id"] == 2


def test_h101_wrong_old_password(state):
    body = {"old_password": "admin", "new_password": "n3w"}
    assert bad_request(state, "users_change_password_create", body, alice(state)) == {
        "old_password": ["Wrong password."]}
    assert pair(state)  # unchanged


def test_h101_field_errors(state):
    assert bad_request(state, "users_change_password_create", {}, alice(state)) == {
        "new_password": ["This field is required."], "old_password": ["This field is required."]}
    assert bad_request(state, "users_change_password_create", {"old_password": "alice", "new_password": " "},
                       alice(state)) == {"new_password": ["This field may not be blank."]}


def test_password_change_is_undone_by_a_reset(state):
    call(state, "users_change_password_create", {"old_password": "alice", "new_password": "n3w"}, alice(state))
    state.reset()
    assert pair(state, "alice", "alice")


# -- client keys (H104, D5) ------------------------------------------------------------------------------------


def test_h104_create_client_key(state):
    reply = call(state, "auth_clientkeys_create", {"name": " ci ", "id": 99, "api_key": "x"}, alice(state))
    assert reply.status == 201
    assert list(reply.body) == ["api_key", "id", "name", "url", "user"]
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", reply.body["api_key"])
    assert reply.body["id"] == 1 and reply.body["name"] == "ci" and reply.body["user"] == "alice"
    assert reply.body["url"] == "http://testserver/api/auth/clientkeys/1/"
    assert reply.headers == {"Location": reply.body["url"]}
    stored = state.store.get(credentials.CLIENTKEYS, 1)
    assert reply.body["api_key"][9:] not in str(stored)
    assert {k: v for k, v in stored.items() if not k.startswith("_")} == {"id": 1, "name": "ci", "user": 2}
    principal = authenticator.authenticate({"Authorization": f"Api-Key {reply.body['api_key']}"}, state)
    assert principal.user["username"] == "alice" and principal.client_key["id"] == 1


def test_h104_ids_are_never_reused(state):
    first = call(state, "auth_clientkeys_create", {"name": "a"}, admin(state)).body
    state.store.delete(credentials.CLIENTKEYS, [first["id"]])
    assert call(state, "auth_clientkeys_create", {"name": "b"}, admin(state)).body["id"] == first["id"] + 1


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"name": ["This field is required."]}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
    ({"name": "x" * 51}, {"name": ["Ensure this field has no more than 50 characters."]}),
    ({"name": "a\x00b"}, {"name": ["Null characters are not allowed."]}),
])
def test_h104_client_key_field_errors(state, body, errors):
    assert bad_request(state, "auth_clientkeys_create", body, alice(state)) == errors
    assert state.store.count(credentials.CLIENTKEYS) == 0


def test_d5_client_keys_are_undone_by_a_reset(state):
    key = call(state, "auth_clientkeys_create", {"name": "ci"}, alice(state)).body["api_key"]
    state.reset()
    with pytest.raises(ApiError) as info:
        authenticator.authenticate({"Authorization": f"Api-Key {key}"}, state)
    assert info.value.body == {"detail": "Invalid API key."}


def test_h24_client_key_of_a_deactivated_user(state):
    key, _ = add_key(state, alice(state))
    deactivate(state, alice(state))
    with pytest.raises(ApiError) as info:
        authenticator.authenticate({"Authorization": f"Api-Key {key}"}, state)
    assert info.value.body == {"detail": "User is inactive", "code": "user_inactive"}


# -- over HTTP -------------------------------------------------------------------------------------------------


def test_h11_obtain_pair_over_http(client):
    response = client.post("/api/auth/token/", json={"username": "admin", "password": "admin"})
    assert response.status_code == 200 and response.content_type == "application/json"
    assert re.fullmatch(rb'\{"refresh":"[\w.-]+","access":"[\w.-]+"\}', response.data)
    assert client.get("/api/users/", headers=bearer(response.json["access"])).status_code == 200


def test_h12_obtain_failures_over_http(client):
    for body in ({"username": "admin", "password": "nope"}, {"username": "nobody", "password": "admin"}):
        assert_401(client.post("/api/auth/token/", json=body), NO_ACCOUNT)
    response = client.post("/api/auth/token/", json={})
    assert (response.status_code, response.json) == (400, {
        "username": ["This field is required."], "password": ["This field is required."]})
    response = client.post("/api/auth/token/", json={"username": "", "password": "x"})
    assert (response.status_code, response.json) == (400, {"username": ["This field may not be blank."]})
    response = client.post("/api/auth/token/")  # an empty body is an empty form
    assert response.status_code == 400 and list(response.json) == ["username", "password"]


def test_h13_token_format_over_http(client):
    tokens_ = login(client)
    for token_type, lifetime in (("refresh", 86400), ("access", 3600)):
        assert jwt.get_unverified_header(tokens_[token_type]) == {"alg": "RS256", "typ": "JWT"}
        claims = jwt.decode(tokens_[token_type], options={"verify_signature": False})
        assert list(claims) == ["token_type", "exp", "iat", "jti", "user_id"]
        assert claims["token_type"] == token_type and claims["user_id"] == 2
        assert claims["exp"] - claims["iat"] == lifetime


def test_h14_public_key_over_http(client):
    response = client.get("/api/auth/token/publickey/")
    assert response.status_code == 200 and list(response.json) == ["public_key"]
    claims = jwt.decode(login(client)["access"], response.json["public_key"], algorithms=["RS256"])
    assert claims["token_type"] == "access"


def test_h15_refresh_over_http(client):
    refresh = login(client)["refresh"]
    client.post("/__mock__/clock", json={"advance": 7200})  # the first access token has expired by now
    for _ in range(2):
        response = client.post("/api/auth/token/refresh/", json={"refresh": refresh})
        assert response.status_code == 200 and list(response.json) == ["access"]
        assert client.get("/api/sites/", headers=bearer(response.json["access"])).status_code == 200


def test_h16_refresh_errors_over_http(client):
    tokens_, admin_refresh = login(client), login(client, "admin")["refresh"]
    assert_401(client.post("/api/auth/token/refresh/", json={"refresh": "garbage"}), INVALID)
    assert_401(client.post("/api/auth/token/refresh/", json={"refresh": tokens_["access"]}),
               {"detail": "Token has wrong type", "code": "token_not_valid"})
    response = client.post("/api/auth/token/refresh/", json={})
    assert (response.status_code, response.json) == (400, {"refresh": ["This field is required."]})
    assert client.delete("/api/users/alice/", headers=as_user(client, "admin")).status_code == 204
    assert_401(client.post("/api/auth/token/refresh/", json={"refresh": tokens_["refresh"]}),
               {"detail": "User not found", "code": "user_not_found"})
    client.post("/__mock__/clock", json={"advance": 86400})
    assert_401(client.post("/api/auth/token/refresh/", json={"refresh": admin_refresh}), INVALID)


def test_h17_verify_over_http(client):
    tokens_ = login(client)
    response = client.post("/api/auth/token/verify/", json={"token": tokens_["refresh"], "type": "refresh"})
    assert (response.status_code, response.data) == (200, b"{}")
    assert_401(client.post("/api/auth/token/verify/", json={"token": tokens_["refresh"], "type": "access"}),
               INVALID)
    response = client.post("/api/auth/token/verify/", json={"token": tokens_["access"], "type": "foo"})
    assert (response.status_code, response.json) == (400, {"type": ['"foo" is not a valid choice.']})
    response = client.post("/api/auth/token/verify/", json={})
    assert (response.status_code, response.json) == (400, {
        "token": ["This field is required."], "type": ["This field is required."]})


def test_h100_passwords_set_on_create_and_patch(client):
    admin_headers = as_user(client, "admin")
    client.post("/api/users/", json={"username": "bob", "password": "first"}, headers=admin_headers)
    assert login(client, "bob", "first")
    response = client.patch("/api/users/bob/", json={"password": "second"}, headers=admin_headers)
    assert response.status_code == 200 and response.json["password"] == "********"
    assert_401(client.post("/api/auth/token/", json={"username": "bob", "password": "first"}), NO_ACCOUNT)
    assert login(client, "bob", "second")
    stored = client.get("/__mock__/records/hub/users").json[-1]
    assert stored["username"] == "bob" and "second" not in str(stored.values())


def test_h101_change_password_over_http(client):
    headers = as_user(client)
    response = client.post("/api/users/change_password/", json={"old_password": "alice", "new_password": "n3w"},
                           headers=headers)
    assert (response.status_code, response.data) == (200, b'{"new_password":"********","old_password":"********"}')
    assert client.get("/api/sites/", headers=headers).status_code == 200  # existing tokens stay valid
    assert_401(client.post("/api/auth/token/", json={"username": "alice", "password": "alice"}), NO_ACCOUNT)
    assert login(client, "alice", "n3w")
    response = client.post("/api/users/change_password/", json={"old_password": "alice", "new_password": "x"},
                           headers=headers)
    assert (response.status_code, response.json) == (400, {"old_password": ["Wrong password."]})
    assert_401(client.post("/api/users/change_password/", json={"old_password": "n3w", "new_password": "x"}),
               {"detail": "Authentication credentials were not provided."})


def test_h104_client_keys_over_http(client):
    headers = as_user(client)
    key = new_key(client, headers)
    assert list(key) == ["api_key", "id", "name", "url", "user"]
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", key["api_key"])
    assert key["url"] == f"http://localhost/api/auth/clientkeys/{key['id']}/" and key["user"] == "alice"
    detail = client.get(key["url"], headers=headers)
    assert detail.json == {"id": key["id"], "name": "ci", "url": key["url"], "user": "alice"}
    key_headers = {"Authorization": f"Api-Key {key['api_key']}"}
    patched = client.patch(key["url"], json={"name": "renamed", "user": "admin"}, headers=key_headers)
    assert patched.status_code == 200 and "api_key" not in patched.json and patched.json["user"] == "alice"
    assert client.get("/api/sites/", headers=key_headers).status_code == 200
    assert client.delete(key["url"], headers=key_headers).status_code == 204
    assert_401(client.get("/api/sites/", headers=key_headers), {"detail": "Invalid API key."})


def test_h104_location_header(client):
    response = client.post("/api/auth/clientkeys/", json={"name": "ci"}, headers=as_user(client))
    assert response.status_code == 201 and response.headers["Location"] == response.json["url"]


def test_h26_client_keys_are_private(client):
    alice_headers, admin_headers = as_user(client), as_user(client, "admin")
    mine, theirs = new_key(client, alice_headers, "mine"), new_key(client, admin_headers, "theirs")
    listed = client.get("/api/auth/clientkeys/", headers=alice_headers).json
    assert [k["id"] for k in listed["results"]] == [mine["id"]] and listed["count"] == 1
    not_found = {"detail": "No ClientKey matches the given query."}
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(theirs["url"], json={"name": "x"}, headers=alice_headers)
        assert (response.status_code, response.json) == (404, not_found)
    everything = client.get("/api/auth/clientkeys/", headers=admin_headers).json["results"]
    assert [k["id"] for k in everything] == [mine["id"], theirs["id"]]
    assert client.delete(mine["url"], headers=admin_headers).status_code == 204
