"""Hub authentication units: tokens, credentials and the authenticators (docs/behaviour/hub.md D4–D7, H13, H18–H22,
H24)."""
from __future__ import annotations

import json
import re

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hub_support import (
    BEARER,
    add_key,
    admin,
    alice,
    as_user,
    assert_401,
    bearer,
    deactivate,
    hub_state,
    login,
    new_key,
)
from werkzeug.datastructures import Headers

from mockserver.config import HubUser, Settings
from mockserver.errors import ApiError, MockServerError
from mockserver.hub import authenticator, credentials, tokens


def refused(headers, state) -> ApiError:
    with pytest.raises(ApiError) as info:
        authenticator.authenticate(headers, state)
    assert info.value.status == 401
    assert info.value.headers == BEARER
    return info.value


def invalid_bearer(message: str) -> dict:
    return {"detail": "Given token not valid for any token type", "code": "token_not_valid",
            "messages": [{"token_class": "AccessToken", "token_type": "access", "message": message}]}


# -- tokens (H13) ----------------------------------------------------------------------------------------------


def test_h13_token_header_and_claims_in_simplejwt_order(state):
    refresh, access = tokens.obtain_pair(admin(state), state)
    now = int(state.clock.now().timestamp())
    for token, token_type, lifetime in ((refresh, "refresh", 86400), (access, "access", 3600)):
        assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT"}
        claims = jwt.decode(token, options={"verify_signature": False})
        assert list(claims) == ["token_type", "exp", "iat", "jti", "user_id"]
        assert claims["token_type"] == token_type
        assert claims["iat"] == now and claims["exp"] == now + lifetime
        assert re.fullmatch(r"[0-9a-f]{32}", claims["jti"]) and claims["user_id"] == 1


def test_h13_lifetimes_come_from_settings():
    state = hub_state(Settings(apis=(), access_token_seconds=60, refresh_token_seconds=120))
    refresh, access = tokens.obtain_pair(admin(state), state)
    unverified = [jwt.decode(t, options={"verify_signature": False}) for t in (refresh, access)]
    assert [c["exp"] - c["iat"] for c in unverified] == [120, 60]


def test_h13_token_expires_when_the_clock_reaches_exp(state):
    _, access = tokens.obtain_pair(admin(state), state)
    state.clock.advance(3599)
    assert tokens.validate(access, state, "access")["user_id"] == 1
    state.clock.advance(1)
    with pytest.raises(tokens.TokenError, match="^Token is invalid or expired$"):
        tokens.validate(access, state, "access")


def test_h13_token_issued_ahead_of_the_clock_is_invalid(state):
    _, access = tokens.obtain_pair(admin(state), state)
    state.clock.set(state.clock.now().replace(year=2001))
    with pytest.raises(tokens.TokenError, match="^Token is invalid or expired$"):
        tokens.validate(access, state, "access")


def test_h13_each_token_has_its_own_jti(state):
    ids = {jwt.decode(t, options={"verify_signature": False})["jti"]
           for _ in range(5) for t in tokens.obtain_pair(admin(state), state)}
    assert len(ids) == 10


def test_h15_access_from_refresh_keeps_the_refresh_iat(state):
    refresh, _ = tokens.obtain_pair(admin(state), state)
    state.clock.advance(600)
    payload = tokens.validate(refresh, state, "refresh")
    claims = jwt.decode(tokens.access_from(payload, state), options={"verify_signature": False})
    now = int(state.clock.now().timestamp())
    assert list(claims) == ["token_type", "exp", "iat", "jti", "user_id"]
    assert (claims["token_type"], claims["exp"], claims["iat"]) == ("access", now + 3600, now - 600)
    assert claims["jti"] != payload["jti"]


@pytest.mark.parametrize("raw", ["", "garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_h16_garbage_is_invalid(state, raw):
    with pytest.raises(tokens.TokenError, match="^Token is invalid or expired$"):
        tokens.validate(raw, state, "refresh")


def test_h16_another_key_is_invalid(state):
    other = rsa.generate_private_key(65537, 2048)
    forged = jwt.encode({"token_type": "access", "exp": 2**40, "iat": 0, "jti": "0" * 32, "user_id": 1},
                        other, algorithm="RS256")
    with pytest.raises(tokens.TokenError, match="^Token is invalid or expired$"):
        tokens.validate(forged, state, "access")


def test_h16_wrong_type(state):
    refresh, access = tokens.obtain_pair(admin(state), state)
    with pytest.raises(tokens.TokenError, match="^Token has wrong type$"):
        tokens.validate(access, state, "refresh")
    with pytest.raises(tokens.TokenError, match="^Token has wrong type$"):
        tokens.validate(refresh, state, "access")


def test_h14_public_key_verifies_the_tokens(state):
    _, access = tokens.obtain_pair(admin(state), state)
    pem = tokens.public_key_pem(state)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n") and pem.endswith("-----END PUBLIC KEY-----\n")
    key = serialization.load_pem_public_key(pem.encode())
    claims = jwt.decode(access, key, algorithms=["RS256"], options={"verify_exp": False})
    assert claims["user_id"] == 1


def test_d4_configured_private_key_signs_the_tokens():
    private = rsa.generate_private_key(65537, 2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    state = hub_state(Settings(apis=(), hub_jwt_private_key=pem))
    _, access = tokens.obtain_pair(admin(state), state)
    assert jwt.decode(access, private.public_key(), algorithms=["RS256"], options={"verify_exp": False})
    assert tokens.public_key_pem(state) == private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_d4_a_key_that_is_not_rsa_is_a_configuration_error():
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    for pem, message in ((ec_pem, "RS256 needs an RSA key"), ("not a pem", "not an unencrypted PEM")):
        state = hub_state(Settings(apis=(), hub_jwt_private_key=pem))
        with pytest.raises(MockServerError, match=message):
            tokens.public_key_pem(state)


def test_reset_retires_every_token_issued_before(state):
    refresh, access = tokens.obtain_pair(admin(state), state)
    authenticator.reset(state)
    for token, token_type in ((refresh, "refresh"), (access, "access")):
        with pytest.raises(tokens.TokenError, match="^Token is invalid or expired$"):
            tokens.validate(token, state, token_type)
    _, fresh = tokens.obtain_pair(admin(state), state)
    assert tokens.validate(fresh, state, "access")


def test_a_failed_atomic_block_does_not_retire_tokens(state):
    _, access = tokens.obtain_pair(admin(state), state)
    with pytest.raises(RuntimeError), state.store.atomic():
        raise RuntimeError("a refused request")
    assert tokens.validate(access, state, "access")


def test_tokens_of_another_mock_are_invalid(state):
    _, access = tokens.obtain_pair(admin(state), state)
    with pytest.raises(tokens.TokenError, match="^Token is invalid or expired$"):
        tokens.validate(access, hub_state(), "access")


# -- credentials -----------------------------------------------------------------------------------------------


def test_d17_seeded_users_have_the_configured_passwords(state):
    assert credentials.check_password(admin(state), "admin", state)
    assert credentials.check_password(alice(state), "alice", state)
    assert not credentials.check_password(alice(state), "admin", state)
    assert not credentials.check_password({"username": "nobody"}, "", state)


def test_d17_configured_passwords_replace_the_defaults():
    state = hub_state(Settings(apis=(), hub_users=(HubUser("admin", "s3cret"),)))
    assert credentials.check_password(admin(state), "s3cret", state)
    assert not credentials.check_password(admin(state), "admin", state)
    assert not credentials.check_password(alice(state), "alice", state)


def test_set_password_stores_a_hash_only(state):
    row = credentials.set_password(alice(state), "n3w pass")
    assert "n3w pass" not in json.dumps(row)
    assert row["_password"].startswith("pbkdf2_sha256$")
    assert credentials.check_password(row, "n3w pass", state)
    assert not credentials.check_password(row, "alice", state)  # the stored hash wins over the configuration
    assert credentials.set_password(dict(row), "n3w pass")["_password"] != row["_password"]  # salted


def test_a_stored_hash_is_django_pbkdf2_and_keeps_its_own_iteration_count(state):
    assert re.fullmatch(r"pbkdf2_sha256\$[1-9][0-9]*\$[0-9a-f]+\$[A-Za-z0-9+/]{43}=",
                        credentials.set_password(alice(state), "x")["_password"])
    # written with 10000 rounds (as the mock hashed before, and as a --db file may hold)
    row = {**alice(state), "_password": "pbkdf2_sha256$10000$Z8sPqK2mWn4x$HzE1eEg66S+aieJyNXVmP60RiF4aNZymLQice8gtOaU="}
    assert credentials.check_password(row, "before the change", state)
    assert not credentials.check_password(row, "before the changes", state)


def test_h104_client_key_format_and_storage(state):
    key, fields = credentials.new_client_key(state)
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", key)
    assert fields["_prefix"] == key[:8]
    assert fields["_hashed_key"].startswith("sha512$$")
    assert key[9:] not in json.dumps(fields)


def test_h21_verify_client_key(state):
    key, row = add_key(state, alice(state))
    assert credentials.verify_client_key(key, state)["id"] == row["id"]
    for wrong in (key[:-1] + ("a" if key[-1] != "a" else "b"), key[:8], key + "x", "", "nodot", "x" * 41):
        assert credentials.verify_client_key(wrong, state) is None
    state.store.delete(credentials.CLIENTKEYS, [row["id"]])
    assert credentials.verify_client_key(key, state) is None


# -- authenticate (H18–H22) ------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": ""}, {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Token abc"},
    {"Authorization": "bearer abc"}, {"Authorization": "BEARER abc"}, {"Authorization": "Api-Key"},
    {"Authorization": "ApiKey abc"},
])
def test_h22_unrecognised_credentials_are_none(state, headers):
    assert authenticator.authenticate(headers, state) is None


def test_h18_bearer_access_token(state):
    _, access = tokens.obtain_pair(alice(state), state)
    principal = authenticator.authenticate(bearer(access), state)
    assert principal.user["username"] == "alice" and principal.client_key is None
    assert not principal.is_staff
    assert authenticator.authenticate(Headers({"authorization": f"Bearer  {access} "}), state).user["id"] == 2
    assert authenticator.authenticate({"authorization": f"Bearer\t{access}"}, state).user["id"] == 2


def test_h25_admin_is_staff(state):
    _, access = tokens.obtain_pair(admin(state), state)
    assert authenticator.authenticate(bearer(access), state).is_staff


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer  a  b  c"])
def test_h19_bad_authorization_header(state, header):
    assert refused({"Authorization": header}, state).body == {
        "detail": "Authorization header must contain two space-delimited values", "code": "bad_authorization_header"}


def test_h19_invalid_token(state):
    assert refused(bearer("garbage"), state).body == invalid_bearer("Token is invalid or expired")


def test_h19_expired_token(state):
    _, access = tokens.obtain_pair(alice(state), state)
    state.clock.advance(3600)
    assert refused(bearer(access), state).body == invalid_bearer("Token is invalid or expired")


def test_h19_refresh_token_as_bearer(state):
    refresh, _ = tokens.obtain_pair(alice(state), state)
    assert refused(bearer(refresh), state).body == invalid_bearer("Token has wrong type")


def test_h20_missing_and_inactive_user(state):
    _, access = tokens.obtain_pair(alice(state), state)
    deactivate(state, alice(state))
    assert refused(bearer(access), state).body == {"detail": "User is inactive", "code": "user_inactive"}
    state.store.delete(credentials.USERS, [2])
    assert refused(bearer(access), state).body == {"detail": "User not found", "code": "user_not_found"}


@pytest.mark.parametrize("word", ["Api-Key", "api-key", "API-KEY", "aPi-kEy"])
def test_h21_client_key(state, word):
    key, row = add_key(state, alice(state))
    principal = authenticator.authenticate({"Authorization": f"{word} {key}"}, state)
    assert principal.user["username"] == "alice" and principal.client_key["id"] == row["id"]


@pytest.mark.parametrize("value", ["nosuchpr.0123456789abcdef0123456789abcdef", "", "short", "a.b.c"])
def test_h21_unknown_or_malformed_key(state, value):
    add_key(state, alice(state))
    assert refused({"Authorization": f"Api-Key {value}"}, state).body == {"detail": "Invalid API key."}


def test_h21_revoked_key_and_deleted_owner(state):
    key, row = add_key(state, alice(state))
    state.store.delete(credentials.USERS, [2])
    assert refused({"Authorization": f"Api-Key {key}"}, state).body == {"detail": "Invalid API key."}
    key, row = add_key(state, admin(state))
    state.store.delete(credentials.CLIENTKEYS, [row["id"]])
    assert refused({"Authorization": f"Api-Key {key}"}, state).body == {"detail": "Invalid API key."}


def test_h24_inactive_owner_of_a_client_key(state):
    key, _ = add_key(state, alice(state))
    deactivate(state, alice(state))
    assert refused({"Authorization": f"Api-Key {key}"}, state).body == {
        "detail": "User is inactive", "code": "user_inactive"}


def test_reset_retires_bearer_tokens(state):
    _, access = tokens.obtain_pair(alice(state), state)
    authenticator.reset(state)
    assert refused(bearer(access), state).body == invalid_bearer("Token is invalid or expired")


# -- over HTTP -------------------------------------------------------------------------------------------------

NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("authorization", ["Bearer garbage", "Bearer", "Api-Key nosuch", "Basic eDp5"])
def test_h10_public_endpoints_ignore_credentials(client, authorization):
    headers = {"Authorization": authorization}
    tokens_ = client.post("/api/auth/token/", json={"username": "alice", "password": "alice"}, headers=headers)
    assert tokens_.status_code == 200
    assert client.post("/api/auth/token/refresh/", json={"refresh": tokens_.json["refresh"]},
                       headers=headers).status_code == 200
    assert client.post("/api/auth/token/verify/", json={"token": tokens_.json["access"], "type": "access"},
                       headers=headers).status_code == 200
    assert client.get("/api/auth/token/publickey/", headers=headers).status_code == 200


def test_h18_bearer_authenticates_as_the_tokens_user(client):
    access = login(client)["access"]
    response = client.get("/api/users/alice/", headers=bearer(access))
    assert response.status_code == 200 and response.json["username"] == "alice"
    assert_401(client.get("/api/users/alice/", headers={"Authorization": f"bearer {access}"}), NOT_PROVIDED)


def test_h19_expired_access_token(client):
    headers = as_user(client)
    assert client.get("/api/sites/", headers=headers).status_code == 200
    assert client.post("/__mock__/clock", json={"advance": 3601}).status_code == 200
    assert_401(client.get("/api/sites/", headers=headers), invalid_bearer("Token is invalid or expired"))


def test_h19_refresh_token_and_bad_headers(client):
    refresh = login(client)["refresh"]
    assert_401(client.get("/api/sites/", headers=bearer(refresh)), invalid_bearer("Token has wrong type"))
    assert_401(client.get("/api/sites/", headers=bearer("garbage")), invalid_bearer("Token is invalid or expired"))
    for header in ("Bearer", "Bearer a b"):
        assert_401(client.get("/api/sites/", headers={"Authorization": header}), {
            "detail": "Authorization header must contain two space-delimited values",
            "code": "bad_authorization_header"})


def test_h20_token_of_a_missing_or_inactive_user(client):
    alice_headers, admin_headers = as_user(client), as_user(client, "admin")
    assert client.post("/api/users/alice/deactivate/", headers=admin_headers).status_code == 200
    assert_401(client.get("/api/sites/", headers=alice_headers), {"detail": "User is inactive",
                                                                   "code": "user_inactive"})
    assert client.delete("/api/users/alice/", headers=admin_headers).status_code == 204
    assert_401(client.get("/api/sites/", headers=alice_headers), {"detail": "User not found",
                                                                   "code": "user_not_found"})


@pytest.mark.parametrize("word", ["Api-Key", "api-key", "API-KEY"])
def test_h21_client_key_authenticates_as_its_owner(client, word):
    key = new_key(client, as_user(client))
    response = client.get("/api/auth/clientkeys/", headers={"Authorization": f"{word} {key['api_key']}"})
    assert response.status_code == 200 and [k["user"] for k in response.json["results"]] == ["alice"]


def test_h21_deleted_unknown_or_malformed_client_key(client):
    headers = as_user(client)
    key = new_key(client, headers)
    key_headers = {"Authorization": f"Api-Key {key['api_key']}"}
    assert client.delete(f"/api/auth/clientkeys/{key['id']}/", headers=headers).status_code == 204
    assert_401(client.get("/api/sites/", headers=key_headers), {"detail": "Invalid API key."})
    for value in ("nosuchpr.0123456789abcdef0123456789abcdef", "garbage", key["api_key"][:-1]):
        assert_401(client.get("/api/sites/", headers={"Authorization": f"Api-Key {value}"}),
                   {"detail": "Invalid API key."})


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Basic YWRtaW46YWRtaW4="}, {"Authorization": "Token abc"},
    {"Authorization": "bearer abc"}, {"Authorization": "Api-Key"},
])
def test_h22_no_credentials(client, headers):
    assert_401(client.get("/api/sites/", headers=headers), NOT_PROVIDED)


def test_h23_authentication_comes_before_permission_and_method(client):
    assert_401(client.put("/api/sites/1/", json={}), NOT_PROVIDED)
    assert_401(client.put("/api/sites/1/", json={}, headers=bearer("garbage")),
               invalid_bearer("Token is invalid or expired"))
    assert client.put("/api/sites/1/", json={}, headers=as_user(client)).status_code == 403
    assert client.put("/api/sites/1/", json={}, headers=as_user(client, "admin")).status_code == 405


def test_h24_deactivation_and_activation(client):
    admin_headers = as_user(client, "admin")
    tokens_ = login(client)
    key_headers = {"Authorization": f"Api-Key {new_key(client, bearer(tokens_['access']))['api_key']}"}
    inactive = {"detail": "User is inactive", "code": "user_inactive"}

    response = client.post("/api/users/alice/deactivate/", headers=admin_headers)
    assert response.status_code == 200 and response.json["is_active"] is False
    assert_401(client.get("/api/sites/", headers=bearer(tokens_["access"])), inactive)
    assert_401(client.get("/api/sites/", headers=key_headers), inactive)
    assert_401(client.post("/api/auth/token/", json={"username": "alice", "password": "alice"}),
               {"detail": "No active account found with the given credentials"})
    assert_401(client.post("/api/auth/token/refresh/", json={"refresh": tokens_["refresh"]}),
               {"detail": "No active account found for the given token."})

    assert client.post("/api/users/alice/activate/", headers=admin_headers).json["is_active"] is True
    assert client.get("/api/sites/", headers=bearer(tokens_["access"])).status_code == 200
    assert client.get("/api/sites/", headers=key_headers).status_code == 200
    assert client.post("/api/auth/token/refresh/", json={"refresh": tokens_["refresh"]}).status_code == 200
    assert login(client)


def test_a2_reset_retires_tokens_and_client_keys(client):
    tokens_ = login(client)
    key = new_key(client, bearer(tokens_["access"]))
    assert client.post("/__mock__/reset").status_code == 204
    assert_401(client.get("/api/sites/", headers=bearer(tokens_["access"])),
               invalid_bearer("Token is invalid or expired"))
    assert_401(client.post("/api/auth/token/refresh/", json={"refresh": tokens_["refresh"]}),
               {"detail": "Token is invalid or expired", "code": "token_not_valid"})
    assert_401(client.get("/api/sites/", headers={"Authorization": f"Api-Key {key['api_key']}"}),
               {"detail": "Invalid API key."})
    assert client.get("/api/sites/", headers=as_user(client)).status_code == 200


def test_h3_username_with_a_dot_logs_in(client):
    admin_headers = as_user(client, "admin")
    created = client.post("/api/users/", json={"username": "bob.smith", "password": "pw"}, headers=admin_headers)
    assert created.status_code == 201 and created.json["password"] == "********"
    response = client.get("/api/users/bob.smith/", headers=bearer(login(client, "bob.smith", "pw")["access"]))
    assert response.status_code == 200 and response.json["username"] == "bob.smith"
