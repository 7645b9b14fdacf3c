"""Helpers of the Hub dialect tests: one app per test module, logins through the real token endpoint,
objects created through the API, and the contract's response schemas."""
from __future__ import annotations

import json
from typing import Any

from mockserver.app import create_app, state_of
from mockserver.config import Settings
from mockserver.schemas import response_schema, validator

HUB = Settings(apis=("hub",))


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
