"""Start-up time of the CLI server and the time a reset takes (in process and over HTTP, memory and ``--db``).

    python benchmarks/lifecycle.py [--starts 5] [--resets 200]

Start-up: from launching ``python -m mockserver`` to the "listening" line, and to the first answered request.
Reset: ``MockState.reset()`` timed in process (the operation itself), then ``POST /__mock__/reset`` timed by
the client (the operation plus one HTTP round trip), on the seed and after 10,000 extra rows.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _harness import Server, environment, median, percentile, verdict

START_TARGET_S = 1.0
RESET_TARGET_MS = 5.0


def startup(apis: str, runs: int) -> None:
    to_banner, to_answer = [], []
    for _ in range(runs):
        launched = time.perf_counter()
        with Server(api=apis) as server:
            to_banner.append(server.started_s)
            status, _, _ = server.call("GET", "/__mock__/health")
            to_answer.append(time.perf_counter() - launched)
            assert status == 200
    print(f"  --api {apis:8} listening after {median(to_banner) * 1000:6.0f} ms (median of {runs}, max "
          f"{max(to_banner) * 1000:.0f}), first answer after {median(to_answer) * 1000:6.0f} ms   target < "
          f"{START_TARGET_S:g} s: {verdict(max(to_answer) < START_TARGET_S)}")


def in_process_resets(runs: int, db: Path | None, apis: tuple[str, ...]) -> None:
    from mockserver.app import create_app, state_of
    from mockserver.config import Settings

    state = state_of(create_app(Settings(apis=apis, db=db)))
    label = "--db file" if db else "in memory"
    times = _time_resets(state, runs)
    print(f"  state.reset() {label:10} seed only:          p50 {percentile(times, 50):6.2f} ms   "
          f"p99 {percentile(times, 99):6.2f} ms   target < {RESET_TARGET_MS:g} ms: "
          f"{verdict(percentile(times, 99) < RESET_TARGET_MS)}")
    if db is None:
        table = "torrent/message" if "torrent" in apis else sorted(state.store.tables)[0]
        times = []
        for _ in range(min(runs, 20)):
            with state.store.atomic():
                for pk in range(1_000_000, 1_010_000):
                    state.store.insert(table, pk, {"id": pk, "body": "extra"})
            times += _time_resets(state, 1)
        print(f"  state.reset() {label:10} after 10,000 rows:  p50 {percentile(times, 50):6.2f} ms   "
              f"p99 {percentile(times, 99):6.2f} ms")


def _time_resets(state, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        state.reset()
        times.append((time.perf_counter() - started) * 1000)
    return times


def http_resets(runs: int, apis: str) -> None:
    with Server(api=apis) as server:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            status, _, _ = server.call("POST", "/__mock__/reset")
            times.append((time.perf_counter() - started) * 1000)
            assert status == 204
        health = []
        for _ in range(runs):
            started = time.perf_counter()
            server.call("GET", "/__mock__/health")
            health.append((time.perf_counter() - started) * 1000)
    print(f"  POST /__mock__/reset over HTTP:              p50 {percentile(times, 50):6.2f} ms   "
          f"p99 {percentile(times, 99):6.2f} ms   (GET /__mock__/health, the round trip alone: p50 "
          f"{percentile(health, 50):.2f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--resets", type=int, default=200)
    args = parser.parse_args()
    print(f"lifecycle — {environment()}")
    print("start-up")
    apis = "both"
    try:
        startup("both", args.starts)
    except RuntimeError as exc:
        print(f"  --api both does not start ({str(exc).splitlines()[-1]})")
        apis = "torrent"
    startup("torrent", args.starts)
    api_tuple = ("torrent", "hub") if apis == "both" else ("torrent",)
    print(f"reset ({apis})")
    in_process_resets(args.resets, None, api_tuple)
    with tempfile.TemporaryDirectory() as tmp:
        in_process_resets(max(args.resets // 4, 10), Path(tmp) / "db.json", api_tuple)
    http_resets(args.resets, apis)


if __name__ == "__main__":
    main()
