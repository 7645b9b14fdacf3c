"""``mockserver contract --workers N``: wall time of one full contract run per worker count, in one sitting.

    python benchmarks/contract_workers.py [--api hub] [--workers 2,1] [-- extra contract options]

Each run is the CLI in a subprocess against the mock in process (``--workers N``: N worker processes, each with
a mock of its own), exactly as a user runs it. The script prints each run's wall time, the CPU time it used (the
CLI and its worker processes, user + system), the load average before it, and its result line; then the speed-up
of each count over the first count of 1, measured and CPU-normalised.

On a shared machine the wall times depend on what else runs. The CPU-normalised figure is what a quiet machine
with a core per worker would give at best: one worker's run takes its CPU time; N workers' run takes 1/N of
theirs (the ideal share-out, no serial part). Its ratio is N × CPU(1) / CPU(N): it shows the CPU that running in
parallel adds (worker start-up, per-operation schema analysis), not how well the work is spread; the measured
wall-time ratio on a quiet machine is the figure that counts.

Measured (2026-12-07, 2-core machine shared with other jobs, load average 9–11; full Hub run, seed 0, 20
examples): see docs/contract-harness.md#parallel-workers.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(api: str, workers: int, extra: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the CLI and its worker processes, result line)."""
    with tempfile.TemporaryDirectory() as reports:
        cpu = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mockserver", "contract", "--api", api, "--workers",
                               str(workers), "--report-dir", reports, *extra], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu  # the workers are waited for by the CLI, so their CPU is counted too
    result = next((line for line in done.stdout.splitlines() if line.startswith(("passed", "FAILED"))),
                  f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return seconds, cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="hub", choices=("torrent", "hub"))
    parser.add_argument("--workers", default="2,1", help="comma-separated worker counts, run in this order")
    parser.add_argument("extra", nargs="*", help="more `mockserver contract` options (after --)")
    args = parser.parse_args()
    times: dict[int, tuple[float, float]] = {}
    for count in (int(n) for n in args.workers.split(",")):
        load = os.getloadavg()[0]
        seconds, cpu, result = run(args.api, count, args.extra)
        times.setdefault(count, (seconds, cpu))
        print(f"--workers {count}: {seconds:7.1f} s wall, {cpu:7.1f} s CPU (load {load:.1f} before)  {result}",
              flush=True)
    if 1 in times:
        wall_1, cpu_1 = times[1]
        for count, (seconds, cpu) in times.items():
            if count != 1:
                print(f"--workers {count} vs 1: {wall_1 / seconds:.2f}x faster in wall time; CPU-normalised "
                      f"(a quiet machine, a core per worker, ideal share-out): {count * cpu_1 / cpu:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
