"""The plugin's fixtures: one mock per distinct Settings per session (so per xdist worker), reset per test.

Only pytest is imported at module level; Flask, TinyDB, requests and the server load when a fixture first runs.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .admin_client import MockHandle
    from .config import Settings

OPTIONS_KEY = pytest.StashKey[dict]()  # Settings fields from the command line and ini, set by pytest_configure
COVERAGE_KEY = pytest.StashKey[list]()  # --mockserver-coverage: the coverage of each mock this process ran
WATCH_KEY = pytest.StashKey["ErrorWatch"]()
Records = dict[str, dict[str, Any]]  # {api: {resource: object or [objects]}}


class ErrorWatch:
    """Tracebacks the mock recorded since the test began (``MockState.server_errors`` only grows)."""

    def __init__(self, state):
        self.state = state
        self.seen = len(state.server_errors)

    def take(self) -> list[str]:
        errors = self.state.server_errors[self.seen:]
        self.seen += len(errors)
        return errors


def server_error_text(errors: list[str]) -> str:
    return "the mock failed while serving this test; its traceback:\n\n" + "\n".join(errors)


class _Mock:
    """One app and its server; the HTTP side starts on first use, so ``mockserver_app`` alone opens no port."""

    def __init__(self, settings: Settings):
        from .admin_client import AppTransport, MockHandle
        from .server import MockServer

        self.server = MockServer(settings)
        self.settings = settings  # as asked for (the pool finds the mock by it); the server's may add a token
        self.state = self.server.state
        self.transport = AppTransport(self.server.app, token=self.server.settings.admin_token)
        self.admin = MockHandle("", self.transport, self.server.settings)  # in process: URLs relative to the app
        self._live: MockHandle | None = None

    def live(self) -> MockHandle:
        if self._live is None:
            from .admin_client import MockHandle

            self.server.start()
            self._live = MockHandle(self.server.url, self.transport, self.server.settings, self.server.ca_file)
        return self._live

    def reset(self, records: Records | None) -> None:
        if not self.settings.admin:
            if records:
                pytest.fail("mockserver_seed records need the admin API, but mockserver_settings has admin=False",
                            pytrace=False)
            self.server.reset()
            return
        self.admin.reset()
        self.state.drop_snapshots()  # a snapshot is a test's own: none may leak into the next test
        for api, resources in (records or {}).items():
            for resource, rows in resources.items():
                self.admin.records.insert(api, resource, rows)

    def stop(self) -> None:
        self.server.stop()


class _Pool:
    def __init__(self):
        self._mocks: list[_Mock] = []

    def get(self, settings: Settings) -> _Mock:
        # A linear scan by equality (a session has one or two Settings; a user's may hold unhashable values).
        for mock in self._mocks:
            if mock.settings == settings:
                return mock
        mock = _Mock(settings)
        self._mocks.append(mock)
        return mock

    def coverage(self) -> list[dict]:
        return [mock.state.coverage.as_json() for mock in self._mocks]

    def close(self) -> None:
        for mock in self._mocks:
            mock.stop()


# -- markers -------------------------------------------------------------------------------------------------


def _seed_marks(node: pytest.Item) -> tuple[Path | None, list[Records]]:
    """The ``mockserver_seed`` marks, outermost first: the closest ``dir`` wins, every ``records`` applies."""
    seed_dir, records = None, []
    for mark in reversed(list(node.iter_markers("mockserver_seed"))):
        kwargs = dict(mark.kwargs)
        given_dir, given_records = kwargs.pop("dir", None), kwargs.pop("records", None)
        if kwargs or len(mark.args) > 1:
            pytest.fail(f"mockserver_seed takes one directory or records mapping, or dir=/records=; got {mark}",
                        pytrace=False)
        for arg in mark.args:
            if isinstance(arg, Mapping):
                given_records = arg
            elif isinstance(arg, (str, os.PathLike)):
                given_dir = arg
            else:
                pytest.fail(f"mockserver_seed: expected a directory or {{api: {{resource: [objects]}}}}, "
                            f"not {arg!r}", pytrace=False)
        if given_dir is not None:
            seed_dir = Path(node.path).parent / given_dir
        if given_records is not None:
            records.append(_check_records(given_records))
    return seed_dir, records


def _check_records(records: Any) -> Records:
    ok = isinstance(records, Mapping) and all(isinstance(r, Mapping) for r in records.values())
    if not ok:
        pytest.fail(f"mockserver_seed records are {{api: {{resource: object or [objects]}}}}, not {records!r}",
                    pytrace=False)
    return {api: dict(resources) for api, resources in records.items()}


def _merge(records: list[Records]) -> Records:
    merged: Records = {}
    for block in records:
        for api, resources in block.items():
            for resource, rows in resources.items():
                rows = list(rows) if isinstance(rows, list) else [rows]
                merged.setdefault(api, {}).setdefault(resource, []).extend(rows)
    return merged


# -- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mockserver_settings(pytestconfig: pytest.Config) -> Settings:
    """Settings of the session's mock (:class:`mockserver.config.Settings`): port 0, in memory, the
    ``--mockserver-*`` options applied. Override it in a ``conftest.py`` to change anything::

        import pytest
        from mockserver.config import Settings

        @pytest.fixture(scope="session")
        def mockserver_settings():
            return Settings(port=0, apis=("torrent",), torrent_realm="Lab Torrent")
    """
    from .config import Settings

    return Settings(port=0, **pytestconfig.stash.get(OPTIONS_KEY, {}))


@pytest.fixture(scope="session")
def _mockserver_pool(pytestconfig: pytest.Config):
    pool = _Pool()
    yield pool
    gathered = pytestconfig.stash.get(COVERAGE_KEY, None)  # only with --mockserver-coverage
    if gathered is not None:
        gathered.extend(pool.coverage())  # read before the mocks stop; the plugin merges and writes it
    pool.close()


@pytest.fixture
def mockserver_seed_records(request: pytest.FixtureRequest) -> Records:
    """Records inserted after every reset, as ``{api: {resource: [objects]}}``: by default those of the
    test's ``mockserver_seed`` marks. Override it to seed every test of a directory::

        @pytest.fixture
        def mockserver_seed_records():
            return {"torrent": {"message": [{"body": "maintenance at noon", "level": 30}]}}
    """
    return _merge(_seed_marks(request.node)[1])


@pytest.fixture
def _mockserver(request: pytest.FixtureRequest, _mockserver_pool: _Pool, mockserver_settings: Settings,
                mockserver_seed_records: Records):
    seed_dir = _seed_marks(request.node)[0]
    settings = mockserver_settings.with_(seed_dir=seed_dir) if seed_dir else mockserver_settings
    mock = _mockserver_pool.get(settings)
    mock.reset(mockserver_seed_records)
    watch = ErrorWatch(mock.state)
    request.node.stash[WATCH_KEY] = watch
    yield mock
    errors = watch.take()  # failures after the test body ran (the call itself is checked by the plugin)
    if errors:
        pytest.fail(server_error_text(errors), pytrace=False)


@pytest.fixture
def mockserver(_mockserver: _Mock) -> MockHandle:
    """The mock, serving real HTTP on 127.0.0.1 (a free port), reset to the seed before the test.

    A :class:`mockserver.MockHandle`: ``url``, ``torrent_url``, ``hub_url``, ``reset()``,
    ``clock``, ``journal``, ``faults``, ``records``, ``snapshot(name)``/``restore(name)``::

        import requests

        def test_client_retries_after_503(mockserver):
            mockserver.faults.add("/rundb/api/v1/message/*", status=503, times=1)
            mockserver.clock.freeze()
            my_client = MyTorrentClient(mockserver.torrent_url, "ionadmin", "ionadmin")
            assert my_client.messages()
            assert [c["status"] for c in mockserver.journal(method="GET")] == [503, 200]
    """
    return _mockserver.live()


@pytest.fixture
def mockserver_app(_mockserver: _Mock):
    """The mock's Flask app, reset to the seed before the test, for in-process requests (no socket)::

        def test_messages_in_process(mockserver_app):
            client = mockserver_app.test_client()
            response = client.get("/rundb/api/v1/message/", auth=("ionadmin", "ionadmin"))
            assert response.status_code == 200
    """
    return _mockserver.server.app


def _require(handle: MockHandle, api: str, fixture: str) -> None:
    if api not in handle.settings.apis:
        pytest.fail(f"{fixture} needs the {api} API, but the mock serves {list(handle.settings.apis)} "
                    f"(see --mockserver-apis or mockserver_settings)", pytrace=False)
    try:
        import requests  # noqa: F401  (the sessions are requests.Session objects)
    except ModuleNotFoundError:
        missing = True
    else:
        missing = False
    if missing:  # outside the except block: the message alone, without the ImportError's chain
        pytest.fail(f"{fixture} is a requests.Session, and requests is not installed: install the plugin's extra, "
                    "pip install 'mockserver[pytest] @ git+<repository URL>' (or 'mockserver[pytest]' from a "
                    "wheel), or pip install requests", pytrace=False)


@pytest.fixture
def mock_torrent(mockserver: MockHandle):
    """A ``requests.Session`` logged in to the Torrent API as ``ionadmin`` (Basic); relative URLs resolve
    against ``mockserver.torrent_url``::

        def test_pages_messages(mock_torrent):
            page = mock_torrent.get("message/", params={"limit": 2}).json()
            assert len(page["objects"]) == 2
            created = mock_torrent.post("message/", json={"body": "hi"})
            assert created.status_code == 201
            assert mock_torrent.as_user("ionuser").get(created.headers["Location"]).json()["body"] == "hi"
            assert mock_torrent.with_api_key().get("message/").status_code == 200
    """
    _require(mockserver, "torrent", "mock_torrent")
    session = mockserver.torrent_session("ionadmin")
    yield session
    session.close()


@pytest.fixture
def mock_hub(mockserver: MockHandle):
    """A ``requests.Session`` holding a JWT for the Hub user ``admin``; relative URLs resolve against
    ``mockserver.hub_url``::

        def test_sites(mock_hub):
            assert mock_hub.get("sites/").json()["count"] == 3
            assert mock_hub.as_user("alice").post("sites/", json={"name": "x", "shortcode": "x"}).status_code == 403
            keyed = mock_hub.with_client_key("ci")  # created through POST auth/clientkeys/
            assert keyed.get("sites/").status_code == 200

    ``mock_hub.scenarios`` is ``mockserver.scenarios``, the failure scenarios (docs/scenarios.md).
    """
    _require(mockserver, "hub", "mock_hub")
    session = mockserver.hub_session("admin")
    session.scenarios = mockserver.scenarios
    yield session
    session.close()
