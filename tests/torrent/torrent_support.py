"""What the Torrent rundb API tests share: the API root, the seeded users' headers, the app and the request and
record helpers. The fixtures (``app``, ``state``, ``client``) are in conftest.py.

Imported as ``torrent_support`` (pytest puts this folder on ``sys.path``); the name is this folder's own, so it
cannot clash with a module of another test folder.
"""
from __future__ import annotations

import base64

from mockserver.app import create_app
from mockserver.config import Settings

API = "/rundb/api/v1"
HTML = "text/html; charset=utf-8"
RESOURCES = ["filemonitor", "compositedatamanagement", "PluginResultJob", "message"]


def basic(credentials: bytes, scheme: str = "Basic") -> dict[str, str]:
    """An ``Authorization`` header for ``user:password`` bytes."""
    return {"Authorization": f"{scheme} {base64.b64encode(credentials).decode()}"}


A = basic(b"ionadmin:ionadmin")  # the seeded superuser
U = basic(b"ionuser:ionuser")  # the seeded plain user


def torrent_app(**settings):
    """The mock serving the Torrent API alone, with these ``Settings`` fields besides."""
    return create_app(Settings(apis=("torrent",), **settings))


# -- requests --------------------------------------------------------------------------------------------------------


def get(client, path, **kwargs):
    """GET ``API + path`` as ionadmin; ``headers`` are added to that Authorization (and may replace it)."""
    headers = {**A, **kwargs.pop("headers", {})}
    return client.get(f"{API}{path}", headers=headers, **kwargs)


def send(client, method, path, body=None, headers=A, raw=False, **kwargs):
    """``method`` on ``API + path``, as ionadmin unless ``headers`` say otherwise; ``body`` goes as JSON, or with
    ``raw`` as it is (bytes)."""
    if raw:
        return client.open(f"{API}{path}", method=method, data=body, headers=headers, **kwargs)
    return client.open(f"{API}{path}", method=method, json=body, headers=headers, **kwargs)


def refused(client, method, path, body=None, status=400, **kwargs):
    """The message of a request that must be refused with ``status`` and a JSON ``{"error": …}`` body."""
    response = send(client, method, path, body, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json"
    return response.get_json()["error"]


def assert_empty(response, status):
    """``status`` with an empty body, typed as tastypie's empty responses are (HTML)."""
    assert response.status_code == status and response.data == b""
    assert response.headers["Content-Type"] == HTML


# -- stored rows -----------------------------------------------------------------------------------------------------


def records(state, resource):
    """The stored rows of a resource, as the binding keeps them (not the API representation)."""
    return state.bindings["torrent"].records(resource)


def record(state, resource, pk):
    """The stored row with id ``pk`` (StopIteration if there is none)."""
    return next(r for r in records(state, resource) if r["id"] == pk)
