"""The pytest plugin, used the way a client's repository uses it: test files outside the package (pytester).
Rules: docs/behaviour/admin.md."""
import json
import subprocess
import sys
import textwrap

import pytest

from mockserver.seeds import read_seed

pytest_plugins = ["pytester"]

STRICT_INI = """
[pytest]
addopts = --strict-markers --strict-config -p no:cacheprovider
filterwarnings = error
"""

CONSUMER_TORRENT = """
from mockserver.seeds import read_seed

SEEDED_MESSAGES = len(read_seed("torrent")["message"])


def test_torrent_pages_with_limit_and_next(mock_torrent):
    page = mock_torrent.get("message/", params={"limit": 2}).json()
    assert page["meta"]["limit"] == 2 and page["meta"]["total_count"] == SEEDED_MESSAGES
    assert len(page["objects"]) == 2 and page["meta"]["previous"] is None
    following = mock_torrent.get(page["meta"]["next"]).json()
    assert following["meta"]["offset"] == 2
    assert {o["id"] for o in following["objects"]}.isdisjoint(o["id"] for o in page["objects"])


def test_torrent_create_read_update_delete(mock_torrent):
    created = mock_torrent.post("message/", json={"body": "from a consumer"})
    assert created.status_code == 201
    location = created.headers["Location"]
    assert mock_torrent.get(location).json()["body"] == "from a consumer"
    assert mock_torrent.patch(location, json={"status": "read"}).status_code == 202
    assert mock_torrent.as_user("ionuser").get(location).json()["status"] == "read"
    assert mock_torrent.delete(location).status_code == 204
    assert mock_torrent.with_api_key().get(location).status_code == 404


def test_torrent_state_does_not_leak(mockserver, mock_torrent, mockserver_app):
    # Both tests start from the seed and then change it; whichever runs second proves the reset.
    assert mock_torrent.get("message/").json()["meta"]["total_count"] == SEEDED_MESSAGES
    assert mockserver.journal(method="POST") == [] and mockserver.clock.frozen is False
    assert mockserver.snapshots() == [] and list(mockserver.faults) == []
    mock_torrent.post("message/", json={"body": "leak?"})
    mockserver_app.test_client().post("/rundb/api/v1/message/", json={"body": "leak?"},
                                      auth=("ionadmin", "ionadmin"))
    mockserver.clock.set("2030-01-01T00:00:00Z")
    mockserver.snapshot("changed")
    mockserver.faults.add("/rundb/*", status=503)


test_torrent_state_does_not_leak_either = test_torrent_state_does_not_leak
"""

CONSUMER_HUB = """
from datetime import UTC, datetime, timedelta

from mockserver.seeds import read_seed

SEEDED_SITES = len(read_seed("hub")["sites"])


def test_hub_pages_with_page_and_next(mock_hub):
    first = mock_hub.get("permissions/").json()
    assert len(first["results"]) == 20 and first["previous"] is None
    second = mock_hub.get(first["next"]).json()
    assert second["previous"] and len(second["results"]) == 20
    assert {p["id"] for p in second["results"]}.isdisjoint(p["id"] for p in first["results"])


def test_hub_create_read_update_delete(mock_hub):
    created = mock_hub.post("sites/", json={"name": "site9", "shortcode": "s9"})
    assert created.status_code == 201, created.text
    url = created.json()["url"]
    assert mock_hub.get(url).json()["name"] == "site9"
    assert mock_hub.patch(url, json={"label": "Site 9"}).json()["label"] == "Site 9"
    assert mock_hub.as_user("alice").get(url).status_code == 200
    assert mock_hub.delete(url).status_code == 204
    assert mock_hub.get(url).status_code == 404


def test_hub_users_and_client_keys(mock_hub, mockserver):
    alice = mock_hub.as_user("alice")
    assert alice.post("sites/", json={"name": "nope", "shortcode": "n"}).status_code == 403
    keyed = mock_hub.with_client_key("ci")
    assert keyed.client_key["name"] == "ci"
    assert keyed.get("sites/").json()["count"] == SEEDED_SITES
    [call] = mockserver.journal(method="POST", path="/api/auth/clientkeys/")
    assert call["status"] == 201


def test_hub_session_refresh_and_login_again_after_a_reset(mock_hub, mockserver):
    first = mock_hub.access_token
    mockserver.clock.advance(5)  # a token issued a moment later differs
    mock_hub.refresh()
    assert mock_hub.access_token != first and mock_hub.get("sites/").status_code == 200
    mock_hub.login()
    assert mock_hub.get("sites/").status_code == 200


def test_hub_session_renews_its_token_after_a_reset(mock_hub, mockserver):
    revoked = mock_hub.access_token
    mockserver.reset()  # revokes every token issued since the seed (A2)
    assert mock_hub.get("sites/").status_code == 200
    assert mock_hub.access_token != revoked
    calls = [(c["method"], c["path"], c["status"]) for c in mockserver.journal()]
    assert calls == [("GET", "/api/sites/", 401), ("POST", "/api/auth/token/", 200), ("GET", "/api/sites/", 200)]


def test_hub_session_renews_its_token_after_the_clock_passes_its_expiry(mock_hub, mockserver):
    mockserver.clock.advance(3600)  # the access token lives 3600 s
    assert mock_hub.get("sites/").status_code == 200
    assert mock_hub.post("sites/", json={"name": "renewed", "shortcode": "renewed"}).status_code == 201


def test_hub_session_leaves_a_token_the_test_sent_itself_alone(mock_hub, mockserver):
    mockserver.journal.clear()  # the fixture's own login
    answer = mock_hub.get("sites/", headers={"Authorization": "Bearer not.a.token"})
    assert answer.status_code == 401
    assert [c["path"] for c in mockserver.journal()] == ["/api/sites/"]  # no login on its behalf


def test_torrent_session_survives_a_reset_and_a_clock_move(mock_torrent, mockserver):
    mockserver.reset()
    mockserver.clock.advance(86400 * 30)
    assert mock_torrent.get("message/").status_code == 200
    assert mock_torrent.with_api_key().get("message/").status_code == 200


def test_hub_state_does_not_leak(mock_hub, mockserver):
    assert mockserver.journal(path="/api/sites/") == []
    assert abs(mockserver.clock.now - datetime.now(UTC)) < timedelta(minutes=1)
    assert mock_hub.get("sites/").json()["count"] == SEEDED_SITES
    mock_hub.post("sites/", json={"name": "leaky", "shortcode": "l"})
    mockserver.clock.advance(7200)


test_hub_state_does_not_leak_either = test_hub_state_does_not_leak
"""


@pytest.fixture
def consumer(pytester):
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(test_consumer_torrent=CONSUMER_TORRENT, test_consumer_hub=CONSUMER_HUB)
    return pytester


def test_consumer_crud_paging_and_isolation_on_both_apis(consumer):
    result = consumer.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=14)


def test_consumer_passes_under_xdist_with_one_data_file_per_worker(consumer):
    # Plugins this test does not need cost each of the three processes seconds of imports.
    unrelated = ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio"]
    result = consumer.runpytest_subprocess(*unrelated, "-p", "xdist", "-n", "2", "--mockserver-db", "data/mock.json")
    result.assert_outcomes(passed=14)
    assert sorted(p.name for p in (consumer.path / "data").iterdir()) == ["mock-gw0.json", "mock-gw1.json"]


def test_a_server_error_fails_the_test_with_the_mocks_traceback(pytester):
    pytester.makeini(STRICT_INI)
    pytester.makepyfile("""
        import pytest
        from mockserver.app import state_of

        @pytest.fixture
        def broken(mockserver_app, monkeypatch):
            def boom(request):
                raise RuntimeError("boom in the torrent binding")
            monkeypatch.setattr(state_of(mockserver_app).bindings["torrent"], "handle", boom)

        def test_passes_its_own_asserts(broken, mock_torrent):
            assert mock_torrent.get("message/").status_code == 500

        def test_fails_on_its_own(broken, mock_torrent):
            mock_torrent.get("message/")
            assert False, "the test's own failure"

        def test_next_test_is_unaffected(mock_torrent):
            assert mock_torrent.get("message/").status_code == 200
    """)
    result = pytester.runpytest_inprocess("--mockserver-apis", "torrent")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*test_passes_its_own_asserts*",
        "*the mock failed while serving this test*",
        "*RuntimeError: boom in the torrent binding*",
    ])
    result.stdout.fnmatch_lines(["*the test's own failure*", "*Captured mockserver call*", "*boom*"])


def test_seed_marker_with_records_and_the_seed_records_fixture(pytester):
    pytester.makeini(STRICT_INI)
    pytester.makeconftest("""
        import pytest

        @pytest.fixture
        def mockserver_seed_records(mockserver_seed_records):
            messages = mockserver_seed_records.setdefault("torrent", {}).setdefault("message", [])
            messages.insert(0, {"id": 700, "body": "every test"})
            return mockserver_seed_records
    """)
    pytester.makepyfile("""
        import pytest

        pytestmark = pytest.mark.mockserver_seed(records={"torrent": {"message": {"id": 701, "body": "module"}}})

        @pytest.mark.mockserver_seed({"torrent": {"message": [{"id": 702, "body": "this test"}]}})
        def test_marked(mock_torrent):
            bodies = [mock_torrent.get(f"message/{pk}/").json()["body"] for pk in (700, 701, 702)]
            assert bodies == ["every test", "module", "this test"]

        def test_unmarked(mock_torrent):
            assert mock_torrent.get("message/702/").status_code == 404
            assert mock_torrent.get("message/701/").status_code == 200
    """)
    pytester.runpytest_inprocess("--mockserver-apis", "torrent").assert_outcomes(passed=2)


def test_seed_marker_with_a_directory(pytester):
    pytester.makeini(STRICT_INI)
    first = read_seed("torrent")["message"][0]
    (pytester.path / "seeds" / "torrent").mkdir(parents=True)
    (pytester.path / "seeds" / "torrent" / "message.json").write_text(json.dumps([first]))
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.mockserver_seed("seeds")
        def test_own_seed(mock_torrent):
            assert [m["id"] for m in mock_torrent.get("message/").json()["objects"]] == [{first["id"]}]

        def test_shipped_seed(mock_torrent):
            assert mock_torrent.get("message/").json()["meta"]["total_count"] > 1
    """)
    pytester.runpytest_inprocess("--mockserver-apis", "torrent").assert_outcomes(passed=2)


@pytest.mark.parametrize("where", ["command line", "ini"])
def test_seed_dir_option_and_ini(pytester, where):
    one_message = read_seed("torrent")["message"][:1]
    (pytester.path / "lab-seed" / "torrent").mkdir(parents=True)
    (pytester.path / "lab-seed" / "torrent" / "message.json").write_text(json.dumps(one_message))
    pytester.makeini(STRICT_INI + ("mockserver_seed_dir = lab-seed\n" if where == "ini" else ""))
    pytester.makepyfile("""
        def test_session_seed(mock_torrent):
            assert mock_torrent.get("message/").json()["meta"]["total_count"] == 1
    """)
    options = ["--mockserver-seed-dir", "lab-seed"] if where == "command line" else []
    pytester.runpytest_inprocess("--mockserver-apis", "torrent", *options).assert_outcomes(passed=1)


def test_a_bad_seed_marker_says_what_it_takes(pytester):
    pytester.makeini(STRICT_INI)
    pytester.makepyfile("""
        import pytest

        @pytest.mark.mockserver_seed(42)
        def test_bad(mockserver):
            pass
    """)
    result = pytester.runpytest_inprocess("--mockserver-apis", "torrent")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mockserver_seed: expected a directory or*not 42*"])


def test_apis_option_and_ini(pytester):
    pytester.makeini(STRICT_INI + "mockserver_apis = torrent\n")
    pytester.makepyfile("""
        def test_only_torrent(mockserver):
            assert mockserver.apis == ("torrent",)

        def test_hub_fixture_explains(mock_hub):
            pass
    """)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1)
    assert "mock_hub needs the hub API, but the mock serves ['torrent']" in result.stdout.str()


def test_an_unknown_api_is_a_usage_error(pytester):
    pytester.makeini(STRICT_INI)
    result = pytester.runpytest_inprocess("--mockserver-apis", "torrent,nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mockserver-apis / mockserver_apis takes torrent, hub or both*"])


def test_settings_fixture_can_be_overridden_in_a_conftest(pytester):
    pytester.makeini(STRICT_INI)
    pytester.makeconftest("""
        import pytest
        from mockserver.config import Settings

        @pytest.fixture(scope="session")
        def mockserver_settings():
            return Settings(port=0, apis=("torrent",), torrent_realm="Lab Torrent")
    """)
    pytester.makepyfile("""
        import requests

        def test_realm(mockserver):
            response = requests.get(mockserver.torrent_url + "message/")
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"] == 'Basic Realm="Lab Torrent"'
            response.close()
    """)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_options_appear_in_their_own_help_group(pytester):
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(["mockserver (mocked Ion Torrent Suite and Ngenea Hub APIs):",
                                 "*--mockserver-apis=torrent,hub*", "*--mockserver-seed-dir=DIR*",
                                 "*--mockserver-db=FILE*"])


def test_importing_the_plugin_stays_cheap():
    code = textwrap.dedent("""
        import sys
        import mockserver.pytest_plugin
        heavy = ("flask", "werkzeug", "tinydb", "requests", "jsonschema", "jwt", "faker", "mockserver.server")
        print(sorted(m for m in heavy if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_mock_torrent_without_requests_names_the_extra_to_install(pytester):
    pytester.makeini(STRICT_INI)
    pytester.makeconftest("""
        import sys

        sys.modules["requests"] = None  # as if requests were not installed
    """)
    pytester.makepyfile("""
        def test_uses_the_session(mock_torrent):
            pass
    """)
    result = pytester.runpytest_subprocess("--mockserver-apis", "torrent", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mock_torrent is a requests.Session, and requests is not installed*"
                                 "*mockserver[[]pytest[]]*"])
    result.stdout.no_fnmatch_line("*During handling*")
