"""Cases the link walk sends: with the target's credentials, and drawn from the contract."""
from __future__ import annotations

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings

from .suite import Suite

GENERATED_TRIES = 25


def call(suite: Suite, case):
    authenticator = suite.target.authenticator
    if authenticator is not None:
        case.headers.update(authenticator.headers())
    return case.call()


def generated(operation, condition):
    """The first of a few generated cases that meets the condition. The cases are drawn first (a pure, seeded
    draw) and only then sent: the server's answers are not Hypothesis' business, as they change with the
    server's state."""
    drawn: list = []

    @hypothesis.seed(0)
    @settings(max_examples=GENERATED_TRIES, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def draw(case):
        drawn.append(case)

    draw()
    return next((case for case in drawn if condition(case)), None)
