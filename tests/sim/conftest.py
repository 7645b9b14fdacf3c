"""Fixtures of the Hub simulation tests: ``hub`` calls the domain handlers on a fresh MockState of the Hub seed
(seed 0, clock frozen at T0), one per test. test_sim_contract overrides it with one per module, with more rows.
"""
from __future__ import annotations

import pytest
from sim_support import Hub, hub_state


@pytest.fixture
def hub() -> Hub:
    return Hub(hub_state())
