"""``mockserver contract``: exit codes, reports, and the same suites over real HTTP with each way to log in.
Rules: docs/behaviour/torrent.md."""
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from harness_support import TotalCountOffByOne

import mockserver.app
from mockserver.cli import main
from mockserver.config import Settings
from mockserver.server import MockServer

TORRENT_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"  # ionadmin's key (mockserver.config)
QUICK = ["--max-examples", "2", "--phases", "fuzzing"]
TWO_MESSAGE_OPERATIONS_IN_2_WORKERS = ["--api", "torrent", "--operation", "message_list", "--operation",
                                       "message_retrieve", *QUICK, "--workers", "2"]


def contract(tmp_path, *args):
    return main(["contract", *args, "--report-dir", str(tmp_path)])


@pytest.fixture(scope="module")
def server():
    with MockServer(Settings(port=0)) as mock:
        yield mock


def test_a_run_that_holds_exits_0_and_writes_junit_and_markdown(tmp_path, capsys):
    assert contract(tmp_path, "--api", "torrent", "--operation", "message_list", *QUICK) == 0
    out = capsys.readouterr().out
    assert "GET /rundb/api/v1/message/" in out and "passed: 0 failing check(s)" in out
    suite = ET.parse(tmp_path / "contract-torrent.xml").getroot().find("testsuite")
    names = {case.get("name") for case in suite.iter("testcase")}
    assert {"pagination_invariants", "response_schema_conformance", "authentication_enforced"} <= names
    assert suite.get("failures") == "0"
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "result: **passed**" in markdown and "operations exercised: 1 of 1" in markdown


def test_a_failing_check_exits_1_with_a_curl_line_for_the_failure(tmp_path, monkeypatch, capsys):
    create_app = mockserver.app.create_app

    def broken(settings=None):
        app = create_app(settings)
        app.wsgi_app = TotalCountOffByOne(app.wsgi_app)
        return app

    monkeypatch.setattr(mockserver.app, "create_app", broken)
    assert contract(tmp_path, "--api", "torrent", "--operation", "message_list", *QUICK) == 1
    assert "✗ pagination_invariants" in capsys.readouterr().out
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "### `GET /rundb/api/v1/message/` — pagination_invariants" in markdown
    assert "curl -X GET" in markdown and "http://127.0.0.1:8000/rundb/api/v1/message/" in markdown
    failure = ET.parse(tmp_path / "contract-torrent.xml").getroot().find(".//failure")
    assert failure.get("message").startswith("T16–T19 pagination")


@pytest.mark.parametrize("args", [
    ["--api", "torrent", "--token", "abc"],
    ["--api", "torrent", "--password", "x", "--api-key", "y", "--username", "u"],
    ["--api", "torrent", "--username", "ionadmin"],
    ["--api", "hub", "--base-url", "ftp://example"],
    ["--api", "torrent", "--phases", "everything"],
], ids=["token-for-torrent", "two-ways-to-log-in", "username-alone", "not-http", "unknown-phase"])
def test_usage_errors_exit_2(tmp_path, args, capsys):
    assert contract(tmp_path, *args) == 2
    assert "mockserver contract:" in capsys.readouterr().err


def test_an_unreachable_server_exits_2(tmp_path, capsys):
    assert contract(tmp_path, "--api", "torrent", "--base-url", "http://127.0.0.1:9") == 2
    assert "cannot reach" in capsys.readouterr().err


def test_refused_credentials_exit_2(tmp_path, server, capsys):
    assert contract(tmp_path, "--api", "torrent", "--base-url", server.url, "--username", "ionadmin",
                    "--password", "wrong") == 2
    assert "refused the credentials" in capsys.readouterr().err


def _hub_token(server) -> str:
    return requests.post(server.url + "/api/auth/token/", json={"username": "admin", "password": "admin"},
                         timeout=10).json()["access"]


def _hub_client_key(server) -> str:
    headers = {"Authorization": f"Bearer {_hub_token(server)}"}
    return requests.post(server.url + "/api/auth/clientkeys/", json={"name": "contract"}, headers=headers,
                         timeout=10).json()["api_key"]


@pytest.mark.parametrize(("api", "operation", "credentials"), [
    ("torrent", "message_list", lambda s: ["--username", "ionadmin", "--password", "ionadmin"]),
    ("torrent", "message_list", lambda s: ["--username", "ionadmin", "--api-key", TORRENT_KEY]),
    ("hub", "sites_list", lambda s: ["--username", "admin", "--password", "admin"]),
    ("hub", "sites_list", lambda s: ["--token", _hub_token(s)]),
    ("hub", "sites_list", lambda s: ["--api-key", _hub_client_key(s)]),
], ids=["torrent-basic", "torrent-api-key", "hub-jwt-login", "hub-token", "hub-client-key"])
def test_the_same_suites_run_over_http_with_each_way_to_log_in(tmp_path, server, api, operation, credentials,
                                                               capsys):
    args = ["--api", api, "--base-url", server.url, *credentials(server), "--operation", operation, *QUICK]
    assert contract(tmp_path, *args) == 0
    out = capsys.readouterr().out
    assert f"against {server.url}" in out and "passed" in out


def test_read_only_sends_only_reads(tmp_path, server):
    seq = requests.get(server.url + "/__mock__/journal", timeout=10).json()
    since = seq[-1]["seq"] if seq else 0
    assert contract(tmp_path, "--api", "torrent", "--base-url", server.url, "--read-only",
                    "--max-examples", "1", "--phases", "examples,fuzzing") == 0
    journal = requests.get(server.url + f"/__mock__/journal?since={since}", timeout=10).json()
    assert journal and {entry["method"] for entry in journal} <= {"GET", "HEAD", "OPTIONS"}
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "operations exercised: 19 of 19" in markdown  # the top level documents HEAD and OPTIONS too (T2)


def test_a_run_narrowed_to_operations_without_links_skips_the_state_machine(tmp_path, capsys):
    args = ["--api", "torrent", "--operation", "message_list", "--max-examples", "2", "--phases", "stateful"]
    assert contract(tmp_path, *args) == 0
    assert "skipped Stateful tests" in capsys.readouterr().out
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "0 error(s)" in markdown and "note: Stateful tests: skipped" in markdown


@pytest.mark.parametrize(("api", "operation", "root"), [
    ("torrent", "message_list", ""),
    ("torrent", "message_list", "/"),
    ("torrent", "message_list", "/rundb/api/v1"),
    ("torrent", "message_list", "/rundb/api/v1/"),
    ("hub", "sites_list", ""),
    ("hub", "sites_list", "/api"),
    ("hub", "sites_list", "/api/"),
], ids=["torrent-host", "torrent-host-slash", "torrent-api-root", "torrent-api-root-slash", "hub-host",
        "hub-api-root", "hub-api-root-slash"])
def test_base_url_takes_the_host_root_or_the_api_root(tmp_path, server, api, operation, root, capsys):
    since = requests.get(server.url + "/__mock__/journal", timeout=10).json()
    since = since[-1]["seq"] if since else 0
    args = ["--api", api, "--base-url", server.url + root, "--operation", operation, *QUICK]
    assert contract(tmp_path, *args) == 0
    assert "passed: 0 failing check(s)" in capsys.readouterr().out
    paths = {entry["path"] for entry in
             requests.get(server.url + f"/__mock__/journal?since={since}", timeout=10).json()}
    listed = "/rundb/api/v1/message/" if api == "torrent" else "/api/sites/"
    prefix = "/rundb/api/v1" if api == "torrent" else "/api"
    assert listed in paths and not [path for path in paths if path.startswith(prefix * 2)], paths


def test_base_url_keeps_a_path_before_the_api_root(tmp_path, capsys):
    from mockserver.harness.target import split_base_url

    assert split_base_url("http://host/ts/rundb/api/v1/", "", "/rundb/api/v1") == ("http://host/ts",) * 2
    assert split_base_url("http://host/proxy/api", "/api", "/api") == ("http://host/proxy", "http://host/proxy/api")


def test_an_unknown_operation_exits_2_naming_the_known_ids(tmp_path, capsys):
    assert contract(tmp_path, "--api", "torrent", "--operation", "message_lst") == 2
    err = capsys.readouterr().err
    assert "the torrent contract has no operation message_lst (did you mean " in err
    assert "message_list" in err.split("did you mean")[1].split(")")[0]
    assert "its operation ids are:" in err and " message_create " in err and " filemonitor_retrieve " in err
    assert not (tmp_path / "contract-torrent.md").exists()


def test_an_operation_of_the_other_api_exits_2(tmp_path, capsys):
    assert contract(tmp_path, "--api", "hub", "--operation", "message_list") == 2
    assert "the hub contract has no operation message_list" in capsys.readouterr().err


def test_read_only_with_only_writing_operations_exits_2(tmp_path, capsys):
    assert contract(tmp_path, "--api", "torrent", "--read-only", "--operation", "message_create") == 2
    assert "--read-only leaves none of --operation message_create" in capsys.readouterr().err


def test_phases_left_out_are_shown_as_skipped_in_the_output_and_the_report(tmp_path, capsys):
    assert contract(tmp_path, "--api", "torrent", "--operation", "message_list", *QUICK) == 0
    out = capsys.readouterr().out
    for phase in ("examples", "coverage", "stateful"):
        assert f"── {phase}: skipped, not selected (--phases)" in out
    assert "── fuzzing\n" in out and "0 ✓" not in out
    assert "[########################] 1/1 operations" in out
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "coverage skipped: not selected (--phases)" in markdown and "fuzzing success" in markdown


def test_operations_without_examples_are_shown_as_skipped_not_as_passed(tmp_path, capsys):
    assert contract(tmp_path, "--api", "torrent", "--operation", "message_list", "--phases", "examples") == 0
    out = capsys.readouterr().out
    assert "GET /rundb/api/v1/message/" in out and "skipped: No examples in schema" in out
    assert "examples skipped: no case to send" in out and "0 ✓" not in out


def test_the_stateful_phase_shows_a_progress_bar_of_scenarios_and_links(tmp_path, monkeypatch, capsys):
    from functools import partial

    import mockserver.harness.runner as runner

    monkeypatch.setattr(runner, "Options", partial(runner.Options, stateful_examples=4))
    args = ["--api", "torrent", "--operation", "message_create", "--operation", "message_retrieve",
            "--max-examples", "2", "--phases", "stateful"]
    assert contract(tmp_path, *args) == 0
    out = capsys.readouterr().out
    assert "── stateful\n" in out
    assert re.search(r"\[#+\.*\] \d+(/4 scenarios| scenarios \(4 planned\)), 1/1 links followed  0:\d\d", out), out


def test_the_progress_bar_counts_operations_done_of_the_total_and_the_elapsed_time():
    from mockserver.harness.progress import bar

    assert bar(12, 48, 75, "operations") == "   [######..................] 12/48 operations  1:15"
    assert bar(5, 5, 3, "links") == "   [########################] 5/5 links  0:03"
    assert bar(231, 200, 61, "scenarios", "7/9 links followed") == (
        "   [########################] 231 scenarios (200 planned), 7/9 links followed  1:01")


def broken_total_count_app(settings=None):
    """What the worker processes serve in the tests below (``module:callable``, imported in each worker)."""
    app = mockserver.app.create_app(settings)
    app.wsgi_app = TotalCountOffByOne(app.wsgi_app)
    return app


def dying_on_message_list_app(settings=None):
    app = mockserver.app.create_app(settings)
    serve = app.wsgi_app

    def die_on_the_list(environ, start_response):
        if environ["REQUEST_METHOD"] == "GET" and environ["PATH_INFO"] == "/rundb/api/v1/message/":
            print("the worker's last words", file=sys.stderr, flush=True)
            os._exit(3)
        return serve(environ, start_response)

    app.wsgi_app = die_on_the_list
    return app


@pytest.fixture
def workers_serve(monkeypatch):
    """Point the worker processes at an app of this module."""
    import mockserver.harness.workers as workers

    tests = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")])))

    def serve(name: str) -> None:
        monkeypatch.setattr(workers, "APP", f"{Path(__file__).stem}:{name}")
    return serve


def _checks_reported(tmp_path) -> set[tuple[str, str]]:
    suite = ET.parse(tmp_path / "contract-hub.xml").getroot().find("testsuite")
    return {(case.get("classname"), case.get("name")) for case in suite.iter("testcase")}


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| `")]


def test_workers_report_the_same_operations_and_checks_as_one_process(tmp_path, capsys):
    args = ["--api", "hub", "--operation", "sites_list", "--operation", "sites_retrieve", *QUICK]
    assert contract(tmp_path / "one", *args) == 0
    assert contract(tmp_path / "two", *args, "--workers", "2") == 0
    out = capsys.readouterr().out
    assert "── fuzzing: 2 worker processes, operations handed out one at a time" in out
    assert "   fuzzing  GET /sites/ " in out and "   fuzzing  GET /sites/{id}/ " in out
    assert "[########################] 2/2 operations" in out
    assert "passed: 0 failing check(s), 0 error(s)" in out.split("2 workers")[1]
    assert _checks_reported(tmp_path / "one") == _checks_reported(tmp_path / "two")
    assert len(_checks_reported(tmp_path / "two")) > 10
    two = (tmp_path / "two" / "contract-hub.md").read_text()
    assert "operations exercised: 2 of 2" in two and "fuzzing success" in two
    assert "coverage skipped: not selected (--phases)" in two


def test_workers_draw_the_same_cases_per_operation_as_the_operation_run_alone(tmp_path):
    """With --workers each operation's phases run on their own in a worker: its cases and what every check
    found are those of a run of that operation alone, with the same seed."""
    args = ["--api", "hub", "--operation", "sites_retrieve", "--max-examples", "3", "--phases", "coverage,fuzzing"]
    assert contract(tmp_path / "alone", *args) == 0
    assert contract(tmp_path / "workers", *args, "--workers", "2") == 0
    alone = _table_rows((tmp_path / "alone" / "contract-hub.md").read_text())
    assert alone and alone == _table_rows((tmp_path / "workers" / "contract-hub.md").read_text())


def test_workers_run_the_stateful_phase_and_the_link_walk_in_one_of_them(tmp_path, monkeypatch, capsys):
    from functools import partial

    import mockserver.harness.runner as runner

    monkeypatch.setattr(runner, "Options", partial(runner.Options, stateful_examples=4))
    args = ["--api", "torrent", "--operation", "message_create", "--operation", "message_retrieve",
            "--max-examples", "2", "--phases", "fuzzing,stateful", "--workers", "2"]
    assert contract(tmp_path, *args) == 0
    out = capsys.readouterr().out
    assert "the stateful phase and the link walk in worker 1" in out
    assert re.search(r"── stateful: \d+ scenarios, \d/1 links followed", out), out
    assert re.search(r"\[#+\.*\] 2/2 operations, \d+(/4 scenarios| scenarios \(4 planned\)), 1/1 links followed  "
                     r"\d+:\d\d\n", out), out
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "stateful links followed: 1 of 1" in markdown and "stateful success" in markdown
    assert "operations exercised: 2 of 2" in markdown


def test_a_failing_check_found_by_a_worker_exits_1_with_its_curl_line(tmp_path, workers_serve, capsys):
    workers_serve("broken_total_count_app")
    assert contract(tmp_path, *TWO_MESSAGE_OPERATIONS_IN_2_WORKERS) == 1
    out = capsys.readouterr().out
    assert "✗ pagination_invariants" in out and "FAILED: 1 failing check(s), 0 error(s)" in out
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "### `GET /rundb/api/v1/message/` — pagination_invariants" in markdown
    assert "curl -X GET" in markdown and "http://127.0.0.1:8000/rundb/api/v1/message/" in markdown
    failure = ET.parse(tmp_path / "contract-torrent.xml").getroot().find(".//failure")
    assert failure.get("message").startswith("T16–T19 pagination")


def test_a_worker_that_dies_is_an_error_of_the_run(tmp_path, workers_serve, capsys):
    workers_serve("dying_on_message_list_app")
    assert contract(tmp_path, *TWO_MESSAGE_OPERATIONS_IN_2_WORKERS) == 1
    out = capsys.readouterr().out
    assert re.search(r"error in worker \d: worker process \d exited with status 3 while running "
                     r"GET /rundb/api/v1/message/\n", out), out
    assert "FAILED: 0 failing check(s), 1 error(s)" in out
    markdown = (tmp_path / "contract-torrent.md").read_text()
    assert "## Errors" in markdown and "exited with status 3 while running GET /rundb/api/v1/message/" in markdown
    assert "the worker's last words" in markdown  # its stderr
    assert "| `GET /rundb/api/v1/message/{id}/` | 2 |" in markdown  # the other operation ran
    errors = ET.parse(tmp_path / "contract-torrent.xml").getroot().findall(".//error")
    assert len(errors) == 1 and "exited with status 3" in errors[0].get("message")


def test_workers_against_a_server_need_read_only(tmp_path, server, capsys):
    assert contract(tmp_path, "--api", "torrent", "--base-url", server.url, "--workers", "2") == 2
    assert "--workers above 1 against --base-url needs --read-only" in capsys.readouterr().err


def test_workers_read_only_against_a_server_over_http(tmp_path, server, capsys):
    args = ["--api", "torrent", "--base-url", server.url + "/rundb/api/v1/", "--read-only", "--workers", "2",
            "--max-examples", "1", "--phases", "fuzzing"]
    assert contract(tmp_path, *args) == 0
    assert "operations exercised: 19 of 19" in (tmp_path / "contract-torrent.md").read_text()


@pytest.mark.parametrize("value", ["0", "two"])
def test_workers_take_a_whole_number_of_at_least_1(tmp_path, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        contract(tmp_path, "--api", "torrent", "--workers", value)
    assert exit_.value.code == 2 and "--workers" in capsys.readouterr().err
