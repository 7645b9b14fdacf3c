"""``GET /api/spaces/`` with 200 spaces, in process (Flask's test client, no sockets): each space renders its
``sites[].usage`` from the sites' file systems (H106), so this measures what a rendered row costs.

    python benchmarks/hub_spaces.py [--spaces 200] [--seconds 2] [--against REV]

``--against REV`` measures the code of that git revision too (exported with ``git archive`` into a temporary
folder and run in a subprocess), so one run prints before and after. Target: the first page (p50) < 5 ms.
CPU is the time this thread spent per request: on a busy machine it is steadier than the wall clock.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from _harness import revision

TARGET_MS = 5.0
PATHS = {"first page": "/api/spaces/", "every space": "/api/spaces/?page_size=0", "one space": "/api/spaces/1/"}


def client(spaces: int):
    """The Hub app with ``spaces`` spaces in all (runtime mountpoints on one or both sites), a job that has
    finished and one still running, and a bearer token."""
    from mockserver.app import create_app
    from mockserver.config import Settings

    http = create_app(Settings(apis=("hub",), seed=0)).test_client()
    assert http.post("/__mock__/clock", json={"set": "2025-07-03T12:38:44Z"}).status_code == 200
    token = http.post("/api/auth/token/", json={"username": "admin", "password": "admin"}).json["access"]
    auth = {"Authorization": f"Bearer {token}"}
    have = http.get("/api/spaces/?page_size=0", headers=auth).json
    more = [{"id": pk, "name": f"bench-{pk}", "size": pk * 1000, "mountpoint": f"/mmfs1/proj/{pk % 7}/bench-{pk}",
             "sites": [{"name": "site1", "label": "x"}] + ([{"name": "site2", "label": "y"}] if pk % 2 else [])}
            for pk in range(1000, 1000 + spaces - len(have))]
    answer = http.post("/__mock__/records/hub/spaces", json=more)
    assert answer.status_code == 201, answer.data[:300]
    for paths in (["/mmfs1/data/space01/output.mov"], ["/mmfs1/data/space01"]):
        body = {"site": "site1", "workflow": "migrate", "paths": paths}
        assert http.post("/api/file/workflow/", json=body, headers=auth).status_code == 201
        assert http.post("/__mock__/clock", json={"advance": 2}).status_code == 200
    return http, auth


def measure(spaces: int, seconds: float) -> dict[str, dict[str, float]]:
    http, auth = client(spaces)
    found = {}
    for label, path in PATHS.items():
        assert http.get(path, headers=auth).status_code == 200  # warm: imports, caches of the seeded trees
        took: list[float] = []
        cpu: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(took) < 5:
            started, started_cpu = time.perf_counter(), time.thread_time()
            answer = http.get(path, headers=auth)
            cpu.append(time.thread_time() - started_cpu)
            took.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.data[:300]
        found[label] = {"p50": statistics.median(took) * 1000, "min": min(took) * 1000,
                        "cpu": statistics.median(cpu) * 1000, "n": len(took)}
    return found


def measure_revision(rev: str, spaces: int, seconds: float) -> dict[str, dict[str, float]]:
    """The same measurement on the code of ``rev``, in a subprocess importing that code."""
    with revision(rev) as folder:
        env = {**os.environ, "PYTHONPATH": folder}
        out = subprocess.run([sys.executable, __file__, "--spaces", str(spaces), "--seconds", str(seconds),
                              "--json"], check=True, capture_output=True, text=True, env=env, cwd=folder).stdout
    return json.loads(out.splitlines()[-1])


def show(title: str, found: dict[str, dict[str, float]]) -> None:
    print(title)
    for label, row in found.items():
        print(f"  GET {PATHS[label]:28} p50 {row['p50']:8.2f} ms   min {row['min']:8.2f} ms   "
              f"CPU p50 {row['cpu']:8.2f} ms   n={row['n']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0, help="per path (default: 2)")
    parser.add_argument("--against", metavar="REV", help="also measure this git revision (before)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.spaces, args.seconds)))
        return
    print(f"hub spaces — python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.spaces} spaces, in process")
    if args.against:
        show(f"before ({args.against}):", measure_revision(args.against, args.spaces, args.seconds))
    after = measure(args.spaces, args.seconds)
    show("after (this tree):" if args.against else "this tree:", after)
    for kind in ("p50", "cpu"):
        value = after["first page"][kind]
        print(f"target first page {'wall' if kind == 'p50' else 'CPU'} p50 < {TARGET_MS:g} ms: {value:.2f} ms "
              f"{'MET' if value < TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
