"""The suite each contract test module runs: one per API, built once per session from the pytest options.

A test module builds its schema when it is imported (``schema.parametrize()`` needs it then), so the options
reach it here, set by ``conftest.pytest_configure`` before collection.
"""
from __future__ import annotations

from functools import cache
from types import SimpleNamespace

import pytest

from mockserver.harness.runner import UsageError, make_suite, plan_from_args

_options: dict = {}


def configure(config: pytest.Config) -> None:
    _options.update({name: config.getoption(name) for name in
                     ("base_url", "username", "password", "api_key", "token", "read_only", "max_examples")})


@cache
def suite_for(api: str):
    args = SimpleNamespace(api=api, seed=0, phases=None, operation=None, report_dir=".", **_options)
    try:
        return make_suite(plan_from_args(args))
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
