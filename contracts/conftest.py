"""Options of the contract suites (``pytest contracts/``).

Without options the suites replay each contract against the mock in process, reset before every case.
``--base-url URL`` with credentials (``--username``/``--password``, ``--api-key`` or ``--token``) points the same
suites at a running server; ``--read-only`` keeps them to GET, HEAD and OPTIONS. The environment variables
``MOCKSERVER_CONTRACT_BASE_URL``, ``…_USERNAME``, ``…_PASSWORD``, ``…_API_KEY`` and ``…_TOKEN`` stand in for the
options.
"""
from __future__ import annotations

import checks  # noqa: F401  (registers the rule checks)
import pytest
import suites


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "contract suites (mockserver harness)")
    group.addoption("--base-url", default=None, help="a running server; default: the mock in process")
    group.addoption("--username", default=None)
    group.addoption("--password", default=None)
    group.addoption("--api-key", default=None)
    group.addoption("--token", default=None)
    group.addoption("--read-only", action="store_true", help="only GET, HEAD and OPTIONS")
    group.addoption("--max-examples", type=int, default=10, help="cases per operation (default 10)")


def pytest_configure(config: pytest.Config) -> None:
    suites.configure(config)
