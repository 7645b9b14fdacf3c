"""pytest fixtures for testing clients of the mocked APIs (registered through the ``pytest11`` entry point).

Importing this module stays cheap: the server, Flask and TinyDB are imported inside the fixtures.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def mockserver_settings():
    """Session-wide settings of the mock; override this fixture in a conftest to change them."""
    from mockserver.config import Settings

    return Settings(port=0)


@pytest.fixture(scope="session")
def _mockserver_session(mockserver_settings):
    from mockserver.server import MockServer

    server = MockServer(mockserver_settings).start()
    yield server
    server.stop()


@pytest.fixture
def mockserver(_mockserver_session):
    """A live mock on 127.0.0.1 (real HTTP), reset to the seed before the test: ``mockserver.url``."""
    _mockserver_session.reset()
    before = len(_mockserver_session.state.server_errors)
    yield _mockserver_session
    errors = _mockserver_session.state.server_errors[before:]
    if errors:
        pytest.fail("the mock failed while serving this test:\n" + "\n".join(errors), pytrace=False)
