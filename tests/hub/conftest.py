"""Fixtures of the Hub dialect tests: one mock per test module, its state reset before every test.

``hub`` speaks to /api/ logged in as the seeded superuser (admin); ``client`` is the bare Flask test client, nobody
logged in; ``state`` is no app at all but a MockState of the seeded users on a frozen clock (the authentication
units). A module that needs another variant overrides the fixture by the same name (test_hub_session's ``hub``
logs nobody in). Every test runs with the rows the store hands out uncopied made read-only (frozen_rows.py).
"""
from __future__ import annotations

import pytest
from frozen_rows import frozen_shared_rows  # noqa: F401  (autouse: the product never changes a stored row in place)
from hub_support import Hub, hub_app, hub_state

from mockserver.app import state_of
from mockserver.state import MockState


@pytest.fixture(scope="module")
def app():
    return hub_app()


@pytest.fixture
def hub(app):
    state_of(app).reset()
    return Hub(app)


@pytest.fixture
def client(app):
    state_of(app).reset()
    return app.test_client()


@pytest.fixture
def state() -> MockState:
    return hub_state()
