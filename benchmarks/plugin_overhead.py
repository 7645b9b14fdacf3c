"""What the pytest plugin costs: session start-up and per-test overhead (reset + fixture setup/teardown).

    python benchmarks/plugin_overhead.py [--tests 200] [--apis both] [--repeat 3]

Each scenario is a generated test file of N empty tests that request one fixture, run by pytest in a fresh
process; a small conftest records each test's setup and teardown durations. Per-test overhead is the median
over tests 2..N minus the same for tests that request no fixture; session start-up is the first test's setup
minus a typical one, minus pytest's own first-test warm-up, best of a few sessions. The reset alone is then
timed in process, three ways.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECORDER = """
import json, os

DURATIONS = {}


def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        DURATIONS.setdefault(report.nodeid, {})[report.when] = report.duration
        if report.failed:
            DURATIONS[report.nodeid]["failed"] = report.longreprtext[-2000:]


def pytest_sessionfinish(session):
    with open(os.environ["PLUGIN_BENCH_OUT"], "w") as handle:
        json.dump(list(DURATIONS.values()), handle)
"""

SCENARIOS = {  # name → the fixture the tests request (None: no fixture, the baseline)
    "no fixture": None,
    "mockserver_app": "mockserver_app",
    "mockserver": "mockserver",
    "mock_torrent": "mock_torrent",
    "mock_hub": "mock_hub",
}


def run_scenario(workdir: Path, fixture: str | None, count: int, apis: str) -> list[dict]:
    argument = fixture or ""
    body = "".join(f"def test_{i}({argument}):\n    pass\n\n\n" for i in range(count))
    test_file = workdir / "test_bench.py"
    test_file.write_text(body)
    out = workdir / "durations.json"
    env = dict(os.environ, PLUGIN_BENCH_OUT=str(out))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--mockserver-apis", apis,
               str(test_file)]
    subprocess.run(command, cwd=workdir, env=env, capture_output=True, check=False)
    return json.loads(out.read_text())


def per_test_ms(rows: list[dict]) -> list[float]:
    return [(r.get("setup", 0.0) + r.get("teardown", 0.0)) * 1000 for r in rows]


def report_fixtures(count: int, apis: tuple[str, ...], repeat: int) -> None:
    print(f"pytest, {count} empty tests per scenario, best start-up of {repeat} sessions, "
          f"--mockserver-apis {','.join(apis)}")
    print(f"{'fixture':16} {'per test (median)':>18} {'p95':>9} {'overhead':>10} {'session start-up':>17}")
    baseline = warm_up = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "conftest.py").write_text(RECORDER)
        (workdir / "tox.ini").write_text("[pytest]\n")
        for name, fixture in SCENARIOS.items():
            if fixture in ("mock_torrent", "mock_hub") and fixture[5:] not in apis:
                continue
            sessions = [run_scenario(workdir, fixture, count, ",".join(apis)) for _ in range(repeat)]
            failed = [r["failed"] for rows in sessions for r in rows if "failed" in r]
            if failed or any(len(rows) < count for rows in sessions):
                print(f"{name:16} failed: {failed[0].splitlines()[-1] if failed else 'no results'}")
                continue
            times = [per_test_ms(rows) for rows in sessions]
            later = [t for session in times for t in session[1:]]
            typical = statistics.median(later)
            p95 = statistics.quantiles(later, n=20)[-1]
            # The first test of every session pays pytest's own warm-up; the baseline measures it.
            first = min(session[0] for session in times) - typical
            if fixture is None:
                baseline, warm_up = typical, first
            print(f"{name:16} {typical:15.3f} ms {p95:6.3f} ms {typical - baseline:7.3f} ms "
                  f"{first - warm_up:14.1f} ms")


def report_reset(apis: tuple[str, ...], rounds: int = 300) -> None:
    started = time.perf_counter()
    from mockserver.admin_client import AppTransport, MockHandle
    from mockserver.config import Settings
    from mockserver.server import MockServer

    server = MockServer(Settings(port=0, apis=apis)).start()
    print(f"\nimports + MockServer(Settings(apis={apis})).start(), in a fresh process: "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")
    print(f"reset, mean of {rounds}:")
    ways = {
        "state.reset() (no admin request)": server.reset,
        "handle.reset() in process (the plugin's way)": MockHandle(server.url, AppTransport(server.app)).reset,
        "handle.reset() over HTTP": MockHandle.connect(server.url).reset,
    }
    for label, reset in ways.items():
        reset()
        started = time.perf_counter()
        for _ in range(rounds):
            reset()
        print(f"  {label:46} {(time.perf_counter() - started) / rounds * 1000:.3f} ms")
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=200, help="tests per scenario (default 200)")
    parser.add_argument("--apis", default="both", help="torrent, hub or both (default both)")
    parser.add_argument("--repeat", type=int, default=3, help="sessions per scenario (default 3)")
    args = parser.parse_args()
    apis = ("torrent", "hub") if args.apis == "both" else tuple(args.apis.split(","))
    report_fixtures(args.tests, apis, args.repeat)
    report_reset(apis)


if __name__ == "__main__":
    main()
