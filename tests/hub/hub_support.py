"""What the Hub dialect tests share: the app, a client speaking to /api/ as one user (logins through the real
token endpoint, objects created through the API), the contract's response schemas, and the account helpers of the
authentication tests (a bare MockState of the seeded users, client keys, bearer headers, logins over HTTP). The
fixtures (``app``, ``hub``, ``client``, ``state``) are in conftest.py.

Imported as ``hub_support`` (pytest puts this folder on ``sys.path``); the name is this folder's own, so it cannot
clash with a module of another test folder.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

from mockserver.app import create_app, state_of
from mockserver.config import Settings
from mockserver.hub import credentials
from mockserver.products import bindings
from mockserver.schemas import response_schema, validator
from mockserver.state import MockState

HUB = Settings(apis=("hub",))
BEARER = {"WWW-Authenticate": 'Bearer realm="api"'}


def hub_app(settings: Settings = HUB):
    return create_app(settings)


class Hub:
    """A Flask test client that speaks to /api/ as one user (or none)."""

    def __init__(self, app, username: str | None = "admin", password: str | None = None):
        self.app = app
        self.client = app.test_client()
        self.headers: dict[str, str] = {}
        if username is not None:
            self.login(username, password or username)

    @property
    def state(self):
        return state_of(self.app)

    def login(self, username: str, password: str) -> dict[str, Any]:
        answer = self.client.post("/api/auth/token/", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.data
        self.tokens = answer.json
        self.headers = {"Authorization": f"Bearer {answer.json['access']}"}
        return answer.json

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, **kwargs):
        url = path if path.startswith("/") else "/api/" + path
        merged = {**self.headers, **(headers or {})}
        if body is not None and "data" not in kwargs:
            kwargs["data"] = json.dumps(body)
            kwargs.setdefault("content_type", "application/json")
        return self.client.open(url, method=method, headers=merged, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs):
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.post(path, body)
        assert answer.status_code == 201, (path, answer.status_code, answer.data)
        return answer.json

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.state.store.all(f"hub/{table}")


def check_contract(method: str, path: str, status: int, body: Any) -> None:
    """The body validates against the contract's schema of that operation and status."""
    schema = response_schema("hub", path, method, str(status))
    if schema is None:
        assert body in (None, b"", ""), body
        return
    validator("hub", schema).validate(body)


# -- accounts: units on a bare MockState, and over HTTP -------------------------------------------------------------


def hub_state(settings: Settings | None = None) -> MockState:
    """No app: the seeded users (and no client keys) in a MockState of these settings, on a frozen clock."""
    state = MockState(settings or Settings(apis=()), bindings)
    users = json.loads(resources.files("mockserver").joinpath("seed_data/hub/users.json").read_text())
    state.store.load_seed({"hub/users": users, "hub/clientkeys": []})
    state.clock.freeze()
    return state


def admin(state: MockState) -> dict:
    return credentials.user_by_username(state, "admin")


def alice(state: MockState) -> dict:
    return credentials.user_by_username(state, "alice")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_key(state: MockState, owner: dict, name: str = "ci") -> tuple[str, dict]:
    key, fields = credentials.new_client_key(state)
    row = {"id": state.store.next_id(credentials.CLIENTKEYS), "name": name, "user": owner["id"], **fields}
    state.store.put(credentials.CLIENTKEYS, row["id"], row)
    return key, row


def deactivate(state: MockState, user: dict) -> None:
    state.store.put(credentials.USERS, user["id"], {**user, "is_active": False})


def login(client, username: str = "alice", password: str | None = None) -> dict:
    response = client.post("/api/auth/token/", json={"username": username, "password": password or username})
    assert response.status_code == 200, response.json
    return response.json


def as_user(client, username: str = "alice") -> dict[str, str]:
    return bearer(login(client, username)["access"])


def assert_401(response, body: dict) -> None:
    assert (response.status_code, response.json) == (401, body)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def new_key(client, headers: dict[str, str], name: str = "ci") -> dict:
    response = client.post("/api/auth/clientkeys/", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json
