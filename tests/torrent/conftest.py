"""Fixtures of the Torrent rundb API tests: one mock per test module, its state reset before every test.

A module that needs other settings overrides ``app`` (``return torrent_app(max_body_bytes=...)``); one that needs
more of a fresh state (a fixed clock) overrides ``state`` and asks for this one by the same name.
"""
from __future__ import annotations

import pytest
from torrent_support import torrent_app

from mockserver.app import state_of


@pytest.fixture(scope="module")
def app():
    return torrent_app()


@pytest.fixture
def state(app):
    state = state_of(app)
    state.reset()
    return state


@pytest.fixture
def client(app, state):
    return app.test_client()
