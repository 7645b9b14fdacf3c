"""A vendor request leaves no reference cycle behind: what it made is freed by reference counting as it ends, not
left for the garbage collector (whose collections pause every request in flight, the p99 of the served mock)."""
from __future__ import annotations

import base64
import gc
import io
import json
import sys

import pytest

from mockserver.app import create_app
from mockserver.config import Settings

TORRENT = "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()


@pytest.fixture(scope="module")
def call():
    app = create_app(Settings())

    def call(method: str, path: str, body: object = None, auth: str = TORRENT, query: str = "") -> tuple[str, bytes]:
        data = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False, "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_AUTHORIZATION": auth, "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/json" if body is not None else ""}
        answer: list[str] = []
        body_out = b"".join(app(environ, lambda status, headers, exc_info=None: answer.append(status)))
        return answer[0], body_out

    return call


def hub_token(call) -> str:
    status, body = call("POST", "/api/auth/token/", {"username": "admin", "password": "admin"}, auth="")
    assert status.startswith("200")
    return "Bearer " + json.loads(body)["access"]


def test_torrent_and_hub_requests_leave_no_cyclic_garbage(call):
    hub = hub_token(call)
    requests = [
        ("GET", "/rundb/api/v1/filemonitor/", None, TORRENT, "limit=5", "200"),
        ("GET", "/rundb/api/v1/filemonitor/9/", None, TORRENT, "", "200"),
        ("POST", "/rundb/api/v1/filemonitor/", {"name": "f", "url": "http://x/f", "status": "Queued"}, TORRENT, "",
         "201"),
        ("GET", "/rundb/api/v1/filemonitor/999999/", None, TORRENT, "", "404"),
        ("GET", "/api/sites/", None, hub, "", "200"),
        ("GET", "/api/sites/1/", None, hub, "", "200"),
        ("POST", "/api/sites/", {"name": "cycles", "shortcode": "cy", "label": "x"}, hub, "", "201"),
        ("POST", "/api/sites/", {"name": ""}, hub, "", "400"),
        ("GET", "/api/sites/", None, "Bearer nonsense", "", "401"),
    ]
    for method, path, body, auth, query, _expected in requests:
        call(method, path, body, auth, query)  # once first: what a first call caches is no garbage
    gc.collect()
    gc.disable()
    try:
        for method, path, body, auth, query, expected in requests:
            body = {**body, "name": body["name"] + "2"} if body and body.get("name") == "cycles" else body
            status, _ = call(method, path, body, auth, query)
            assert status.startswith(expected), (method, path, status)
        found = gc.collect()  # objects only the collector could free: parts of reference cycles
    finally:
        gc.enable()
    assert found == 0
