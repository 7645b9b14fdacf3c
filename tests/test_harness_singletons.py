"""On a server the harness cannot reset, the global configuration and settings come out of a run as they went in:
restored after every case that wrote to them and at the end, and a restore that fails is reported, not hidden."""
from schemathesis.engine import from_schema

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.harness import credentials as auth
from mockserver.harness.report import render_markdown
from mockserver.harness.results import Results
from mockserver.harness.suite import Options, build
from mockserver.harness.target import InProcessTarget

SINGLETONS = ("/api/configurations/", "/api/settings/")


class NeverReset(InProcessTarget):
    """The mock in process, treated like a remote server: nothing resets it between cases."""

    resets = False

    def reset(self) -> None:
        pass


def remote_like(operation_ids=("configurations_partial_update", "settings_partial_update"), **options):
    target = NeverReset(create_app(Settings(apis=("hub",))))
    suite = build("hub", target, auth.default_credentials("hub"),
                  Options(operation_ids=operation_ids, phases=("examples", "coverage", "fuzzing"), **options))
    return suite, target


def state(target):
    return [target.send("GET", path).json() for path in SINGLETONS]


def test_a_run_leaves_the_configuration_and_settings_as_it_found_them():
    suite, target = remote_like(max_examples=30)
    before = state(target)
    results = Results(suite)
    for event in from_schema(suite.schema).execute():
        results.handle(event)
    assert suite.protector.singletons[0].restores > 0  # the fuzzing did change the configuration
    suite.protector.restore(everything=True)
    assert suite.protector.failures == []
    assert state(target) == before
    assert "`/api/configurations/` restored" in render_markdown(results, "t")


def test_a_write_is_undone_before_the_next_case():
    suite, target = remote_like()
    before = state(target)
    assert target.send("PATCH", "/api/configurations/", json={"search_result_ttl": -58}).status == 200
    assert target.send("PATCH", "/api/settings/", json={"values": [{"key": "ngenea:log_level", "value": "DEBUG"},
                                                                   {"key": "harness:new", "value": "1"}]}).status == 202
    assert state(target) != before
    suite.reset()  # what happens before every case
    assert state(target) == before


def test_a_failed_restore_is_reported():
    suite, target = remote_like()
    send = target.send

    def refusing(method, url, **kwargs):
        if method == "PATCH" and kwargs.get("json") == {"search_result_ttl": 7}:
            return send("PATCH", url, json={"search_result_ttl": "not a number"})  # the restore is refused
        return send(method, url, **kwargs)

    assert send("PATCH", "/api/configurations/", json={"search_result_ttl": -58}).status == 200
    target.send = refusing
    suite.reset()
    [(path, message)] = suite.protector.failures
    assert path == "/api/configurations/" and "400" in message
    results = Results(suite)
    results.errors += [(f"restore {p}", m) for p, m in suite.protector.failures]
    report = render_markdown(results, "t")
    assert "restore(s) failed" in report and "### restore /api/configurations/" in report


def test_read_only_runs_and_the_mock_in_process_protect_nothing():
    assert remote_like(operation_ids=(), read_only=True)[0].protector is None
    suite = build("hub", InProcessTarget(create_app(Settings(apis=("hub",)))), auth.default_credentials("hub"))
    assert suite.protector is None
