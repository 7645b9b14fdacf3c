"""``--mockserver-coverage=FILE``: a consumer repository's test session writes one consumer coverage report, the
same serially and under xdist (each worker serves its own mock), listing exactly the operations its tests called,
with the fixtures' own calls apart."""
import json
import re

import pytest

pytest_plugins = ["pytester"]

INI = """
[pytest]
addopts = --strict-markers --strict-config -p no:cacheprovider
filterwarnings = error
"""

CONSUMER_TORRENT = """
def test_lists_messages(mock_torrent):
    assert mock_torrent.get("message/", params={"limit": 2}).status_code == 200


def test_reads_one_message(mock_torrent):
    first = mock_torrent.get("message/").json()["objects"][0]
    assert mock_torrent.get(first["resource_uri"]).status_code == 200


def test_posts_a_message(mock_torrent):
    assert mock_torrent.post("message/", json={"body": "hello"}).status_code == 201


def test_a_misspelt_route(mock_torrent):
    assert mock_torrent.get("mesage/").status_code == 404
"""

CONSUMER_HUB = """
def test_lists_sites(mock_hub):
    assert mock_hub.get("sites/").status_code == 200


def test_reads_a_missing_site(mock_hub):
    assert mock_hub.get("sites/999999/").status_code == 404


def test_lists_jobs(mock_hub):
    assert mock_hub.get("jobs/").status_code == 200
"""

# What the tests above call: (method, path template) → calls, statuses seen.
CALLED = {
    "torrent": {("GET", "/rundb/api/v1/message/"): (2, "200"), ("GET", "/rundb/api/v1/message/{id}/"): (1, "200"),
                ("POST", "/rundb/api/v1/message/"): (1, "201")},
    "hub": {("GET", "/api/sites/"): (1, "200"), ("GET", "/api/sites/{id}/"): (1, "404"),
            ("GET", "/api/jobs/"): (1, "200")},
}
FIXTURE_CALLS = {"hub": {("POST", "/api/auth/token/"): 3}}  # the mock_hub fixture logs in once per test
UNMATCHED = {"torrent": {("GET", "/rundb/api/v1/mesage/"): 1}}
UNRELATED = ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio"]  # seconds of imports each


@pytest.fixture
def consumer(pytester):
    pytester.makeini(INI)
    pytester.makepyfile(test_consumer_torrent=CONSUMER_TORRENT, test_consumer_hub=CONSUMER_HUB)
    return pytester


def sections(markdown: str) -> dict[str, dict[str, dict]]:
    """{api: {section heading: {(method, path): row cells}}} from the Markdown report's tables."""
    found: dict[str, dict[str, dict]] = {}
    api = heading = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            api, heading = line[3:].split(":")[0], "called"
            found[api] = {heading: {}}
        elif line.startswith("### ") and api:
            heading = line[4:]
            found[api][heading] = {}
        elif line.startswith("| ") and api and not line.startswith("| operation") and not line.startswith("| method"):
            cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
            if heading.startswith("Requests that matched no operation"):
                found[api][heading][(cells[0], cells[1])] = cells[2:]
            else:
                found[api][heading][(cells[1], cells[2])] = cells
    return found


def test_a_serial_and_an_xdist_session_write_the_same_markdown_report_of_exactly_the_called_operations(consumer):
    serial = consumer.runpytest_subprocess(*UNRELATED, "--mockserver-coverage=cov.md")
    serial.assert_outcomes(passed=7)
    serial.stdout.fnmatch_lines(["*mockserver: consumer coverage written to *cov.md"])
    spread = consumer.runpytest_subprocess(*UNRELATED, "-p", "xdist", "-n", "2", "--mockserver-coverage=reports/x.md")
    spread.assert_outcomes(passed=7)
    report = (consumer.path / "cov.md").read_text(encoding="utf-8")
    assert (consumer.path / "reports" / "x.md").read_text(encoding="utf-8") == report
    tables = sections(report)
    assert sorted(tables) == ["hub", "torrent"]
    for api in ("torrent", "hub"):
        called = tables[api]["called"]
        assert {key: (int(row[3]), row[4]) for key, row in called.items()} == CALLED[api]
        fixtures = tables[api].get("Calls the fixtures made on their own", {})
        assert {key: int(row[3]) for key, row in fixtures.items()} == FIXTURE_CALLS.get(api, {})
        unmatched = tables[api].get("Requests that matched no operation", {})
        assert {key: int(row[0]) for key, row in unmatched.items()} == UNMATCHED.get(api, {})
    assert "## torrent: 3 of 52 operations called by the tests" in report
    assert re.search(r"## hub: 3 of \d+ operations called by the tests", report)
    assert "- message_schema: GET `/rundb/api/v1/message/schema/`" in report  # never called, listed as such


def test_an_xdist_session_writes_the_merged_json_report(consumer):
    result = consumer.runpytest_subprocess(*UNRELATED, "-p", "xdist", "-n", "2", "--mockserver-coverage=cov.json")
    result.assert_outcomes(passed=7)
    report = json.loads((consumer.path / "cov.json").read_text(encoding="utf-8"))
    for api in ("torrent", "hub"):
        ops = report["apis"][api]["operations"]
        assert {(o["method"], o["path"]): (o["calls"], ",".join(o["statuses_seen"])) for o in ops if o["calls"]} \
            == CALLED[api]
        assert {(o["method"], o["path"]): o["fixture_calls"] for o in ops if o["fixture_calls"]} \
            == FIXTURE_CALLS.get(api, {})
    listing = next(o for o in report["apis"]["torrent"]["operations"] if o["operation_id"] == "message_list")
    assert listing["statuses_seen"] == ["200"] and "401" in listing["statuses_not_seen"]
    login = next(o for o in report["apis"]["hub"]["operations"] if o["operation_id"] == "auth_token_create")
    assert (login["calls"], login["fixture_calls"], login["statuses_seen"]) == (0, 3, [])
    assert report["apis"]["torrent"]["unmatched"] == [
        {"method": "GET", "path": "/rundb/api/v1/mesage/", "calls": 1, "fixture_calls": 0}]


def test_the_html_report_is_a_page_with_every_operation(consumer):
    result = consumer.runpytest_subprocess(*UNRELATED, "-k", "lists_sites", "--mockserver-coverage=cov.html")
    result.assert_outcomes(passed=1, deselected=6)
    page = (consumer.path / "cov.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<h2>hub: 1 of " in page and "<h2>torrent: 0 of 52 operations called by the tests</h2>" in page
    assert '<tr><td>sites_list</td><td>GET</td><td><code>/api/sites/</code></td><td class="n">1</td>' in page
    assert '<tr class="never"><td>message_list</td>' in page


def test_a_coverage_file_of_another_kind_is_a_usage_error_naming_the_choices(consumer):
    result = consumer.runpytest_inprocess("--mockserver-coverage=cov.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mockserver-coverage writes a .md, .json or .html file, not 'cov.txt'*"])
    assert not (consumer.path / "cov.txt").exists()
