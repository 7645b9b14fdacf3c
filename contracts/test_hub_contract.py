"""The Ngenea Hub API contract (contracts/openapi/hub.yaml), replayed against the target.

Every operation with generated cases, the state machine over the contract's links, and each link followed on
purpose; every response judged by schemathesis' schema checks and the rule checks of ``checks.py``.
"""
import pytest
from hypothesis import settings
from hypothesis.errors import FlakyStrategyDefinition
from suites import suite_for

from mockserver.harness.walk import Walker, contract_link_labels, contract_links

schema = suite_for("hub").schema


@pytest.fixture(scope="session")
def hub_suite():
    return suite_for("hub")


@schema.parametrize()
def test_operation_honours_the_contract(case):
    case.call_and_validate()


def test_stateful_scenarios_honour_the_contract(hub_suite):
    machine = hub_suite.schema.as_state_machine()
    try:
        machine.run(settings=settings(max_examples=25, stateful_step_count=6, deadline=None, database=None))
    except FlakyStrategyDefinition:
        if hub_suite.target.resets:
            raise
        # A server that is not reset changes under Hypothesis' replays; the scenarios that ran were judged.
        pytest.skip("the server's state changed while Hypothesis replayed a scenario")


@pytest.mark.parametrize("label", contract_link_labels("hub"))
def test_link_is_honoured(hub_suite, label):
    link = next((link for link in contract_links(hub_suite) if link.label == label), None)
    if link is None:
        pytest.skip("an operation of this link is not selected (--read-only)")
    step = Walker(hub_suite).follow(link)
    assert step.error is None, step.error
    if step.skipped:
        pytest.skip(step.skipped)
    failures = [f"{name}: {failure.message}" for name, failure in step.results if failure is not None]
    assert not failures, "\n".join(failures)
