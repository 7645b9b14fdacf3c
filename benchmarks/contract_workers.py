"""``mockserver contract --workers N``: wall time of one full contract run per worker count, in one sitting.

    python benchmarks/contract_workers.py [--api hub] [--workers 2,1] [-- extra contract options]

Each run is the CLI in a subprocess against the mock in process (each worker with a mock of its own), exactly as
a user runs it; the script prints each run's wall time and result line, and the speed-up over the first count
of 1. Only the examples, coverage and fuzzing phases run in parallel (schemathesis runs its state machine in
one thread), so the speed-up of a full run is below the worker count.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time


def run(api: str, workers: int, extra: list[str]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as reports:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mockserver", "contract", "--api", api, "--workers",
                               str(workers), "--report-dir", reports, *extra], capture_output=True, text=True)
        seconds = time.perf_counter() - started
    result = next((line for line in done.stdout.splitlines() if line.startswith(("passed", "FAILED"))),
                  f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return seconds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="hub", choices=("torrent", "hub"))
    parser.add_argument("--workers", default="2,1", help="comma-separated worker counts, run in this order")
    parser.add_argument("extra", nargs="*", help="more `mockserver contract` options (after --)")
    args = parser.parse_args()
    times: dict[int, float] = {}
    for count in (int(n) for n in args.workers.split(",")):
        seconds, result = run(args.api, count, args.extra)
        times[count] = seconds
        print(f"--workers {count}: {seconds:7.1f} s  {result}", flush=True)
    if 1 in times:
        for count, seconds in times.items():
            if count != 1:
                print(f"--workers {count} vs 1: {times[1] / seconds:.2f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
