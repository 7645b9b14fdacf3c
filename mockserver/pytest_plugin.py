"""pytest plugin (entry point ``pytest11``): the mock as fixtures for the test suites of its clients.

Hooks, options and markers live here; the fixtures in :mod:`mockserver.fixtures` (see docs/pytest-plugin.md).
Importing this module stays cheap: the server, Flask, TinyDB and requests load when a fixture first runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .fixtures import (  # noqa: F401  (pytest finds fixtures by the names in this module)
    COVERAGE_KEY,
    OPTIONS_KEY,
    WATCH_KEY,
    _mockserver,
    _mockserver_pool,
    mock_hub,
    mock_torrent,
    mockserver,
    mockserver_app,
    mockserver_seed_records,
    mockserver_settings,
    server_error_text,
)

COVERAGE_FILE_KEY = pytest.StashKey[Path]()
COVERAGE_WRITTEN_KEY = pytest.StashKey[Path]()
COVERAGE_FORMATS = (".md", ".json", ".html")  # as mockserver.coverage_report.FORMATS, without importing it here
WORKER_COVERAGE = "mockserver_coverage"  # the key in an xdist worker's workeroutput

MARKERS = (
    "mockserver_seed(dir_or_records=None, *, dir=None, records=None): seed the mock for this test: a seed "
    "directory (one sub-directory per API; relative to the test file) and/or records "
    "{api: {resource: [objects]}} inserted after the reset",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "mockserver (mocked Ion Torrent Suite and Ngenea Hub APIs)")
    group.addoption("--mockserver-apis", metavar="torrent,hub",
                    help="APIs the mock serves: torrent, hub or both (default: ini mockserver_apis, else both)")
    group.addoption("--mockserver-seed-dir", metavar="DIR",
                    help="seed data directory, one sub-directory per API (default: the seed shipped with mockserver)")
    group.addoption("--mockserver-db", metavar="FILE",
                    help="persist the mock's data to this JSON file, one per xdist worker (default: in memory)")
    group.addoption("--mockserver-tls", action="store_true", default=None,
                    help="serve HTTPS with a certificate made at start; the fixtures' sessions trust its CA "
                         "(mockserver.ca_file) (default: ini mockserver_tls, else plain HTTP)")
    group.addoption("--mockserver-coverage", metavar="FILE",
                    help="write the consumer coverage of the session (every contract operation, the calls the tests "
                         "made and the statuses they saw; merged across xdist workers) to FILE: .md, .json or .html")
    parser.addini("mockserver_apis", "APIs the mock serves: torrent, hub or both", default="")
    parser.addini("mockserver_tls", "serve HTTPS with a certificate made at start", type="bool", default=False)
    parser.addini("mockserver_seed_dir", "seed data directory, relative to the ini file", type="paths", default=[])
    parser.addini("mockserver_db", "persist the mock's data to this JSON file, relative to the ini file",
                  type="paths", default=[])


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    config.stash[OPTIONS_KEY] = _settings_options(config)
    coverage_file = _coverage_file(config)
    if coverage_file is not None:
        config.stash[COVERAGE_KEY] = []
        config.stash[COVERAGE_FILE_KEY] = coverage_file


def _coverage_file(config: pytest.Config) -> Path | None:
    given = config.getoption("mockserver_coverage")
    if not given:
        return None
    path = config.invocation_params.dir / given
    if path.suffix.lower() not in COVERAGE_FORMATS:
        raise pytest.UsageError(f"--mockserver-coverage writes a .md, .json or .html file, not {given!r}")
    return path


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """xdist: a worker's mocks' coverage comes back in its workeroutput."""
    gathered = node.config.stash.get(COVERAGE_KEY, None)
    if gathered is not None:
        gathered.extend(getattr(node, "workeroutput", {}).get(WORKER_COVERAGE, []))


@pytest.hookimpl(trylast=True)  # after pytest's own, which tears down the session fixtures (the mocks) last
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    gathered = config.stash.get(COVERAGE_KEY, None)
    if gathered is None:
        return
    if hasattr(config, "workerinput"):  # an xdist worker: the controller merges and writes
        config.workeroutput[WORKER_COVERAGE] = list(gathered)  # type: ignore[attr-defined]
        return
    from .coverage_report import merge, write

    path = config.stash[COVERAGE_FILE_KEY]
    write(path, merge(gathered))
    config.stash[COVERAGE_WRITTEN_KEY] = path


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    written = config.stash.get(COVERAGE_WRITTEN_KEY, None)
    if written is not None:
        terminalreporter.write_line(f"mockserver: consumer coverage written to {written}")


def _settings_options(config: pytest.Config) -> dict:
    """Command line over ini; only what was given, so the Settings defaults stay the defaults."""
    options: dict = {}
    apis = config.getoption("mockserver_apis") or config.getini("mockserver_apis")
    if apis:
        options["apis"] = _parse_apis(apis)
    seed_dir = _path_option(config, "mockserver_seed_dir")
    if seed_dir:
        options["seed_dir"] = seed_dir
    if config.getoption("mockserver_tls") or config.getini("mockserver_tls"):
        options["tls"] = True
    db = _path_option(config, "mockserver_db")
    if db:
        worker = getattr(config, "workerinput", {}).get("workerid")
        # One file per xdist worker: workers never share (or fight over) a data file.
        options["db"] = db.with_name(f"{db.stem}-{worker}{db.suffix}") if worker else db
    return options


def _path_option(config: pytest.Config, name: str) -> Path | None:
    given = config.getoption(name)
    if given:
        return config.invocation_params.dir / given
    from_ini = config.getini(name)
    return Path(from_ini[0]) if from_ini else None


def _parse_apis(text: str) -> tuple[str, ...]:
    from .config import API_NAMES

    names = [n for n in text.replace(",", " ").split() if n]
    if names == ["both"]:
        return API_NAMES
    unknown = [n for n in names if n not in API_NAMES]
    if unknown or not names:
        raise pytest.UsageError(f"--mockserver-apis / mockserver_apis takes torrent, hub or both, not {text!r}")
    return tuple(n for n in API_NAMES if n in names)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A request the mock failed to serve fails the test, with the mock's traceback."""
    try:
        result = yield
    except BaseException:
        errors = _server_errors(item)
        if errors:  # the test failed anyway: show why the mock failed next to it
            item.add_report_section("call", "mockserver", server_error_text(errors))
        raise
    errors = _server_errors(item)
    if errors:
        pytest.fail(server_error_text(errors), pytrace=False)
    return result


def _server_errors(item: pytest.Item) -> list[str]:
    watch = item.stash.get(WATCH_KEY, None)
    return watch.take() if watch is not None else []
