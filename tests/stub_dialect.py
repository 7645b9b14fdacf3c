"""A stand-in vendor API for testing how the mock is operated (journal, faults, records, persistence,
concurrency) apart from the real dialects, which have tests of their own.

It serves under the Torrent prefix, stores one resource ``item`` through the real store, and has a few
paths that exist only to be tested against:

- ``GET|POST|… /rundb/api/v1/echo/`` → 200 ``{"method", "body", "thread"}`` (reads the body; the name of the
  thread that answered)
- ``GET /rundb/api/v1/item/`` → 200 every item; ``GET /rundb/api/v1/item/<id>/`` → 200 or 404
- ``POST /rundb/api/v1/item/`` → 201, empty body, ``Location`` (the new id)
- ``POST /rundb/api/v1/pair/`` → two rows written with a pause between them (for atomicity tests)
- ``GET /rundb/api/v1/boom/`` → raises
- anything else → 404 in the stub's own envelope ``{"stub_error": …}``

Use :func:`install` in a test (pytest's ``monkeypatch``) or :func:`main` to run the CLI with it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Response

from mockserver.errors import ApiError

PREFIX = "/rundb/api/v1"
TABLE = "torrent/item"


class StubApi:
    name = "torrent"
    prefix = PREFIX

    def __init__(self, state):
        self.state = state
        self.resets = 0

    def seed_tables(self, seeds):
        return {TABLE: [{"id": 1, "name": "seeded"}], "torrent/pair": []}

    def handle(self, request):
        rest = request.path[len(PREFIX):]
        store = self.state.store
        if rest == "/echo/":
            return _json({"method": request.method, "body": request.get_data(as_text=True),
                          "thread": threading.current_thread().name})
        if rest == "/boom/":
            raise RuntimeError("the stub fails on purpose")
        if rest == "/item/" and request.method == "POST":
            row = request.get_json(silent=True) or {}
            pk = store.next_id(TABLE)
            store.insert(TABLE, pk, {**row, "id": pk})
            return Response(b"", 201, headers={"Location": f"{request.host_url.rstrip('/')}{PREFIX}/item/{pk}/"})
        if rest == "/item/":
            return _json({"objects": store.all(TABLE)})
        if rest.startswith("/item/"):
            row = store.get(TABLE, rest.split("/")[2]) if rest.split("/")[2].isdigit() else None
            return _json(row) if row else self.error_response(404)
        if rest == "/pair/" and request.method == "POST":
            pk = store.next_id("torrent/pair")
            store.insert("torrent/pair", pk, {"id": pk, "half": 1})
            time.sleep(0.001)  # another request or an admin call would land here if the store were not locked
            store.insert("torrent/pair", pk + 1, {"id": pk + 1, "half": 2})
            return Response(b"", 201)
        return self.error_response(404)

    def error_response(self, status, body=None):
        return _json(body if body is not None else {"stub_error": f"HTTP {status}"}, status)

    def reset(self):
        self.resets += 1

    def insert_records(self, resource, objects):
        table = self._table(resource)
        for index, obj in enumerate(objects):
            if not isinstance(obj.get("name"), str):
                raise ApiError(400, {"error": f"record {index}: 'name' must be a string, not {obj.get('name')!r}"})
        stored = []
        for obj in objects:
            pk = obj.get("id") or self.state.store.next_id(table)
            stored.append(self.state.store.put(table, pk, {**obj, "id": pk}))
        return stored

    def records(self, resource):
        return self.state.store.all(self._table(resource))

    def _table(self, resource):
        if resource != "item":
            raise ApiError(404, {"error": f"no resource {resource!r}"})
        return TABLE


def _json(body, status=200):
    return Response(json.dumps(body), status, content_type="application/json")


def create(state):
    return StubApi(state)


def install(monkeypatch, seed_dir: Path) -> Path:
    """Serve the stub as the ``torrent`` API; → a seed directory to pass as ``Settings(seed_dir=…)``."""
    import mockserver.products

    (seed_dir / "torrent").mkdir(parents=True, exist_ok=True)
    monkeypatch.setitem(mockserver.products.PRODUCTS, "torrent", StubApi)
    return seed_dir


def loopback_session():
    """A requests session for the mock on loopback: never through a proxy from the environment."""
    import requests

    session = requests.Session()
    session.trust_env = False
    return session


def serve_stub(tmp_path_factory):
    """Yield a live mock serving the stub as the ``torrent`` API (for a module-scoped fixture)."""
    import pytest

    from mockserver.config import Settings
    from mockserver.server import MockServer

    with pytest.MonkeyPatch.context() as monkeypatch:
        seed_dir = install(monkeypatch, tmp_path_factory.mktemp("seed"))
        with MockServer(Settings(port=0, apis=("torrent",), seed_dir=seed_dir)) as mock:
            yield mock


@contextmanager
def stub_cli(seed_dir: Path, *options: str) -> Iterator[subprocess.Popen]:
    """The CLI serving the stub in a process of its own (``main`` below), its stdout and stderr piped as text;
    killed on the way out if the test did not stop it."""
    proc = subprocess.Popen([sys.executable, __file__, str(seed_dir), *options], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def main(argv: list[str]) -> int:
    """``python tests/stub_dialect.py <seed dir> <mockserver serve options…>``: the CLI, serving the stub."""
    import mockserver.products
    from mockserver.cli import main as cli_main

    seed_dir = Path(argv[0])
    (seed_dir / "torrent").mkdir(parents=True, exist_ok=True)
    mockserver.products.PRODUCTS["torrent"] = StubApi
    return cli_main(["serve", "--api", "torrent", "--seed-dir", str(seed_dir), *argv[1:]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
