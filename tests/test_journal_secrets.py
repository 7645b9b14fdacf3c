"""Issue 13: the journal holds no secret. Every operation of both contracts that carries a value the contract
marks ``x-secret`` (a security scheme's header or query parameter, a parameter, a body field of its request or
of its answer) is walked, generated from those marks: a newly marked field is covered without a new test. Over
real HTTP, a token login and a client-key creation leave neither the password nor any token or key in it."""
from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from stub_dialect import loopback_session as session

from mockserver.config import DEFAULT_TORRENT_USERS, HubUser, Settings, TorrentUser
from mockserver.contract import HTTP_METHODS, load, resolve
from mockserver.journal import BODY_LIMIT, Body, Journal
from mockserver.server import MockServer

MASK = "****"
Location = tuple[str, ...]  # keys from the body's root to a secret field; "[]" is any item of an array


def _locations(document: dict[str, Any], schema: Any, seen: frozenset[int] = frozenset()) -> list[Location]:
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or id(schema) in seen:
        return []
    seen = seen | {id(schema)}
    found: list[Location] = []
    for name, prop in schema.get("properties", {}).items():
        if resolve(document, prop).get("x-secret"):
            found.append((name,))
        found += [(name, *rest) for rest in _locations(document, prop, seen)]
    if "items" in schema:
        found += [("[]", *rest) for rest in _locations(document, schema["items"], seen)]
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
        found += _locations(document, alternative, seen)
    return sorted(set(found))


def _body_locations(document: dict[str, Any], contents: list[dict[str, Any]]) -> list[Location]:
    return sorted({loc for content in contents for media in content.values()
                   for loc in _locations(document, media.get("schema"))})


def _cases() -> list[Any]:
    cases = []
    for api in ("torrent", "hub"):
        document = load(api)
        base = document["servers"][0]["url"].rstrip("/")
        schemes = document["components"].get("securitySchemes", {})
        for template, item in document["paths"].items():
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = item[method]
                security = operation.get("security", document.get("security", []))
                secret_schemes = sorted({name for requirement in security for name in requirement
                                         if schemes[name].get("x-secret")})
                parameters = [resolve(document, p)
                              for p in item.get("parameters", []) + operation.get("parameters", [])]
                secret_parameters = [(p["in"], p["name"]) for p in parameters if p.get("x-secret")]
                request = _body_locations(document, [operation.get("requestBody", {}).get("content", {})])
                answer = _body_locations(document, [resolve(document, r).get("content", {})
                                                    for r in operation["responses"].values()])
                if secret_schemes or secret_parameters or request or answer:
                    cases.append(pytest.param(
                        api, method.upper(), base + template.replace("{", "").replace("}", ""),
                        [schemes[name] for name in secret_schemes], secret_parameters, request, answer,
                        id=f"{api}-{method.upper()} {template}"))
    return cases


CASES = _cases()


def _nest(location: Location, value: Any) -> Any:
    if not location:
        return value
    inner = _nest(location[1:], value)
    return [inner] if location[0] == "[]" else {location[0]: inner}


def _at(shown: Any, location: Location) -> Any:
    for key in location:
        shown = shown[0] if key == "[]" else shown[key]
    return shown


def _credentials(scheme: dict[str, Any], secret: str) -> list[tuple[str, str, str]]:
    """(where, name, value) a client sends for ``scheme``, in every form the two APIs take."""
    if scheme["type"] == "http":
        if scheme["scheme"] == "basic":
            return [("header", "Authorization", "Basic " + base64.b64encode(f"ionadmin:{secret}".encode()).decode())]
        return [("header", "Authorization", f"{scheme['scheme'].title()} {secret}")]
    values = [secret, f"ApiKey ionadmin:{secret}", f"Api-Key AbCdEfGh.{secret}", f"Bearer {secret}"]
    if scheme["in"] == "query":
        values = [secret]
    return [(scheme["in"], scheme["name"], value) for value in values]


def _record(journal: Journal, api: str, method: str, path: str, *, query=(), headers=(), body: bytes = b"",
            content_type: str = "application/json", answer: bytes = b"") -> dict[str, Any]:
    entry = journal.record(time=datetime.now(UTC), api=api, method=method, path=path, query=list(query),
                           headers=list(headers), body=Body.capture(body, content_type), status=200,
                           response_body=Body.capture(answer, "application/json"), duration_ms=1.0)
    assert entry is not None
    return entry.as_json()


def test_issue13_the_contracts_mark_secrets_the_walk_finds():
    """The walk below is only as good as the marks: both APIs' credentials and the Hub's body secrets are found."""
    ids = {case.id for case in CASES}
    assert any(i.startswith("torrent-GET /rundb/api/v1/message/") for i in ids)
    assert {"hub-POST /auth/token/", "hub-POST /auth/token/refresh/", "hub-POST /auth/token/verify/",
            "hub-POST /auth/clientkeys/", "hub-POST /users/change_password/", "hub-GET /buckets/"} <= ids
    token = next(case for case in CASES if case.id == "hub-POST /auth/token/")
    assert token.values[5:] == ([("password",)], [("access",), ("refresh",)])


@pytest.mark.parametrize("api, method, path, schemes, parameters, request_fields, answer_fields", CASES)
def test_issue13_the_journal_shows_no_secret_the_contract_marks(api, method, path, schemes, parameters,
                                                                request_fields, answer_fields):
    journal = Journal()
    secrets: list[str] = []

    def secret() -> str:
        secrets.append(f"s3cr3t-{len(secrets)}-Zq")
        return secrets[-1]

    for scheme in schemes:
        for where, name, value in _credentials(scheme, secret()):
            shown = _record(journal, api, method, path, query=[(name, value)] if where == "query" else [],
                            headers=[(name, value)] if where == "header" else [])
            assert secrets[-1] not in json.dumps(shown), (where, name, value)
    for where, name in parameters:
        value = secret()
        shown = _record(journal, api, method, path, query=[(name, value)] if where == "query" else [],
                        headers=[(name, value)] if where == "header" else [])
        assert value not in json.dumps(shown), (where, name)
    for location in request_fields:
        value = secret()
        shown = _record(journal, api, method, path, body=json.dumps(_nest(location, value)).encode())
        assert _at(shown["body"], location) == MASK and value not in json.dumps(shown), location
        if len(location) == 1:  # the same field in a form body (refused by the mock, but recorded)
            form = f"{location[0]}={value}&other=kept".encode()
            shown = _record(journal, api, method, path, body=form, content_type="application/x-www-form-urlencoded")
            assert value not in json.dumps(shown) and "other=kept" in shown["body"], location
    for location in answer_fields:
        value = secret()
        shown = _record(journal, api, method, path, answer=json.dumps(_nest(location, value)).encode())
        assert _at(shown["response_body"], location) == MASK and value not in json.dumps(shown), location
    assert secrets


def test_issue13_a_body_cut_at_64_kib_keeps_its_secrets_hidden():
    padding = "x" * (2 * BODY_LIMIT)
    body = json.dumps({"username": "admin", "password": "s3cr3t-long-Zq", "padding": padding}).encode()
    answer = json.dumps({"refresh": "s3cr3t-refresh-Zq", "access": "s3cr3t-access-Zq", "padding": padding}).encode()
    shown = _record(Journal(), "hub", "POST", "/api/auth/token/", body=body, answer=answer)
    assert shown["body_truncated"] and shown["response_body_truncated"]
    assert "s3cr3t" not in json.dumps(shown)
    assert shown["body"].startswith('{"username": "admin", "password": "****"')


def test_issue13_field_errors_under_a_secret_name_stay_readable():
    shown = _record(Journal(), "hub", "POST", "/api/auth/token/", body=b'{"username": "admin", "password": ""}',
                    answer=b'{"password": ["This field may not be blank."]}')
    assert shown["body"] == {"username": "admin", "password": ""}
    assert shown["response_body"] == {"password": ["This field may not be blank."]}


def test_issue13_a_path_without_its_trailing_slash_is_masked_too():
    shown = _record(Journal(), "hub", "POST", "/api/auth/token", body=b'{"username": "admin", "password": "pw-Zq"}')
    assert shown["body"] == {"username": "admin", "password": MASK}


def test_issue13_a_multipart_body_and_a_password_in_the_query_are_masked_too():
    boundary = "----b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npw-Zq\r\n--{boundary}--\r\n")
    shown = _record(Journal(), "hub", "POST", "/api/auth/token/", body=body.encode(),
                    content_type=f"multipart/form-data; boundary={boundary}", query=[("password", "pw-Zq")])
    assert "pw-Zq" not in json.dumps(shown)
    assert f'name="password"\r\n\r\n{MASK}\r\n' in shown["body"] and "admin" in shown["body"]
    assert shown["query"] == {"password": MASK}
    elsewhere = _record(Journal(), "hub", "GET", "/api/nothing/", query=[("password", "pw-Zq"), ("page", "2")])
    assert elsewhere["query"] == {"password": MASK, "page": "2"}


# --- over real HTTP -------------------------------------------------------------------------------------------

HUB_PASSWORD = "Hub-pa55word-Zq"
NEW_PASSWORD = "Hub-n3w-pa55word-Zq"
TORRENT = TorrentUser("ionadmin", "Torrent-pa55word-Zq", "feedfacefeedfacefeedfacefeedfacefeedface", superuser=True)


@pytest.fixture(scope="module")
def mock():
    settings = Settings(port=0, hub_users=(HubUser("admin", HUB_PASSWORD),),
                        torrent_users=(TORRENT, *DEFAULT_TORRENT_USERS[1:]))
    with MockServer(settings) as running:
        yield running


def test_issue13_after_a_login_a_client_key_and_a_password_change_the_journal_holds_no_secret(mock):
    hub, torrent = mock.url + "/api", mock.url + "/rundb/api/v1"
    with session() as s:
        pair = s.post(hub + "/auth/token/", json={"username": "admin", "password": HUB_PASSWORD}, timeout=10)
        assert pair.status_code == 200, pair.text
        refresh, access = pair.json()["refresh"], pair.json()["access"]
        renewed = s.post(hub + "/auth/token/refresh/", json={"refresh": refresh}, timeout=10).json()["access"]
        assert s.post(hub + "/auth/token/verify/", json={"token": access, "type": "access"},
                      timeout=10).status_code == 200
        bearer = {"Authorization": f"Bearer {renewed}"}
        created = s.post(hub + "/auth/clientkeys/", json={"name": "ci"}, headers=bearer, timeout=10)
        assert created.status_code == 201, created.text
        key = created.json()["api_key"]
        assert s.get(hub + "/sites/", headers={"Authorization": f"Api-Key {key}"}, timeout=10).status_code == 200
        basic = base64.b64encode(f"ionadmin:{TORRENT.password}".encode()).decode()
        assert s.get(torrent + "/message/", headers={"Authorization": f"Basic {basic}"}, timeout=10).ok
        assert s.get(torrent + "/message/", params={"username": "ionadmin", "api_key": TORRENT.api_key},
                     timeout=10).ok
        assert s.get(torrent + "/message/", headers={"Authorization": f"ApiKey ionadmin:{TORRENT.api_key}"},
                     timeout=10).ok
        changed = s.post(hub + "/users/change_password/", headers=bearer, timeout=10,
                         json={"old_password": HUB_PASSWORD, "new_password": NEW_PASSWORD})
        assert changed.status_code == 200, changed.text
        shown = s.get(mock.url + "/__mock__/journal", timeout=10)
    assert shown.status_code == 200
    text = shown.text
    assert len(shown.json()) == 9
    for secret in (HUB_PASSWORD, NEW_PASSWORD, refresh, access, renewed, key, key.split(".")[1], basic,
                   TORRENT.password, TORRENT.api_key):
        assert secret not in text
    login = shown.json()[0]
    assert login["body"] == {"username": "admin", "password": MASK}
    assert login["response_body"] == {"refresh": MASK, "access": MASK}
    assert shown.json()[3]["response_body"]["api_key"] == MASK


def test_issue13_a_body_nested_too_deep_to_parse_is_masked_as_text():
    body = b'{"password": "pw-deep-Zq", "x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    shown = _record(Journal(), "hub", "POST", "/api/auth/token/", body=body)
    assert not shown["body_truncated"] and shown["body"].startswith('{"password": "****", "x": [[[')


def test_issue13_the_api_key_in_the_links_of_an_answer_is_masked(mock):
    """tastypie's meta.next / previous repeat the request's query, api_key included: the journal masks it there
    too, while the client gets its links as they were."""
    torrent = mock.url + "/rundb/api/v1"
    query = {"username": "ionadmin", "api_key": TORRENT.api_key, "limit": "1", "offset": "1"}
    with session() as s:
        answer = s.get(torrent + "/message/", params=query, timeout=10)
        assert answer.status_code == 200
        assert f"api_key={TORRENT.api_key}" in answer.json()["meta"]["next"]
        assert f"api_key={TORRENT.api_key}" in answer.json()["meta"]["previous"]
        shown = s.get(mock.url + "/__mock__/journal", params={"path": "/rundb/api/v1/message/"}, timeout=10)
    assert shown.status_code == 200
    entry = shown.json()[-1]
    assert entry["query"]["api_key"] == MASK
    meta = entry["response_body"]["meta"]
    assert "api_key=****" in meta["next"] and "api_key=****" in meta["previous"]
    assert meta["next"].replace("api_key=****", f"api_key={TORRENT.api_key}") == answer.json()["meta"]["next"]
    assert TORRENT.api_key not in shown.text
