"""One ``store.atomic()`` block per request: a write request's changes are all or nothing and, with ``--db``, reach
the file in exactly one durable write; an answer of 400 or more leaves nothing behind; a GET writes nothing."""
import base64
import json

import pytest
from flask import Response
from stub_dialect import StubApi, install

import mockserver.products
from mockserver.app import create_app, state_of
from mockserver.config import Settings

BASIC = {"Authorization": "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()}
TORRENT = "/rundb/api/v1"
SITE_TABLES = ("sites", "nodes", "servers", "filesystems", "queues", "storagepools", "site_settings")


def on_disk(path) -> dict:
    return json.loads(path.read_bytes())


class Counted:
    """A client that says how many durable writes each request made."""

    def __init__(self, app):
        self.client = app.test_client()
        self.store = state_of(app).store
        self.headers: dict[str, str] = {}

    def send(self, method: str, path: str, body=None, headers=None) -> tuple[int, int]:
        before = self.store.durable_writes
        response = self.client.open(path, method=method, json=body, headers={**self.headers, **(headers or {})})
        return response.status_code, self.store.durable_writes - before


@pytest.fixture
def hub(tmp_path):
    counted = Counted(create_app(Settings(apis=("hub",), db=tmp_path / "db.json")))
    token = counted.client.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).json
    counted.headers = {"Authorization": f"Bearer {token['access']}"}
    return counted


@pytest.fixture
def torrent(tmp_path):
    counted = Counted(create_app(Settings(apis=("torrent",), db=tmp_path / "db.json")))
    counted.headers = BASIC
    return counted


def test_the_hub_site_cascade_is_one_durable_write(hub, tmp_path):
    before = on_disk(tmp_path / "db.json")
    assert hub.send("DELETE", "/api/sites/1/") == (204, 1)
    after = on_disk(tmp_path / "db.json")
    assert "1" not in after["hub/sites"]
    for table in SITE_TABLES:  # every dependent row went in the same write
        assert not [row for row in after[f"hub/{table}"].values() if row.get("site") == 1 or row.get("site_id") == 1]
        assert len(after[f"hub/{table}"]) < len(before[f"hub/{table}"])


@pytest.mark.parametrize("method, path, body, status", [
    ("POST", "/api/sites/", {"name": "site9", "shortcode": "s9"}, 201),
    ("PATCH", "/api/sites/2/", {"label": "West"}, 200),
    ("POST", "/api/users/", {"username": "bob", "password": "pw"}, 201),
    ("POST", "/api/users/alice/deactivate/", None, 200),
    ("POST", "/api/file/workflow/", {"site": "site1", "workflow": "migrate",
                                     "paths": ["/mmfs1/data/space01/output.mov"]}, 201),
    ("DELETE", "/api/users/alice/", None, 204),
])
def test_a_hub_write_request_is_one_durable_write(hub, method, path, body, status):
    assert hub.send(method, path, body) == (status, 1)


@pytest.mark.parametrize("method, path, body, status", [
    ("POST", "/api/sites/", {"name": "x"}, 400),  # shortcode missing
    ("PATCH", "/api/sites/999/", {"label": "West"}, 404),
    ("DELETE", "/api/sites/999/", None, 404),
    ("POST", "/api/users/", {"username": "admin", "password": "pw"}, 400),  # taken
])
def test_a_refused_hub_write_request_writes_nothing(hub, tmp_path, method, path, body, status):
    before = (tmp_path / "db.json").read_bytes()
    assert hub.send(method, path, body) == (status, 0)
    assert (tmp_path / "db.json").read_bytes() == before


def test_torrent_write_requests_are_one_durable_write_each(torrent):
    status, writes = torrent.send("POST", f"{TORRENT}/message/", {"body": "hello"})
    assert (status, writes) == (201, 1)
    pk = max(int(row["id"]) for row in torrent.store.all("torrent/message"))
    assert torrent.send("PATCH", f"{TORRENT}/message/{pk}/", {"body": "again"}) == (202, 1)
    assert torrent.send("DELETE", f"{TORRENT}/message/{pk}/") == (204, 1)
    assert torrent.send("DELETE", f"{TORRENT}/message/{pk}/") == (404, 0)
    assert torrent.send("GET", f"{TORRENT}/message/") == (200, 0)


def test_admin_writes_are_one_durable_write_each(torrent):
    assert torrent.send("POST", "/__mock__/records/torrent/message", [{"body": "a"}, {"body": "b"}]) == (201, 1)
    assert torrent.send("POST", "/__mock__/reset") == (204, 1)
    assert torrent.send("PUT", "/__mock__/snapshots/s") == (201, 0)
    assert torrent.send("POST", "/__mock__/reset", {"snapshot": "s"}) == (204, 1)


class HalfWriter(StubApi):
    """The stub, plus ``POST /half/``: writes a row, then answers 400 (or, with ``?boom``, raises)."""

    def handle(self, request):
        if request.path == f"{TORRENT}/half/":
            self.state.store.insert("torrent/item", 50, {"id": 50, "name": "half"})
            self.state.store.delete("torrent/item", [1])
            if "boom" in request.args:
                raise RuntimeError("fails after writing, on purpose")
            return Response(b'{"stub_error": "refused after writing"}', 400, content_type="application/json")
        return super().handle(request)


@pytest.fixture
def half(monkeypatch, tmp_path):
    seed_dir = install(monkeypatch, tmp_path / "seed")
    monkeypatch.setitem(mockserver.products.PRODUCTS, "torrent", HalfWriter)
    return create_app(Settings(apis=("torrent",), seed_dir=seed_dir, db=tmp_path / "db.json"))


@pytest.mark.parametrize("query, status", [("", 400), ("?boom", 500)])
def test_a_request_answered_with_an_error_after_writing_leaves_nothing_behind(half, tmp_path, query, status):
    store = state_of(half).store
    before, writes = (tmp_path / "db.json").read_bytes(), store.durable_writes
    assert half.test_client().post(f"{TORRENT}/half/{query}").status_code == status
    assert store.all("torrent/item") == [{"id": 1, "name": "seeded"}]
    assert store.durable_writes == writes and (tmp_path / "db.json").read_bytes() == before
    assert store.next_id("torrent/item") == 2
