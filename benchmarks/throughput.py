"""Requests/s and p50/p99 latency for list, detail and create on both APIs at concurrency 1, 8 and 32.

    python benchmarks/throughput.py [--seconds 3] [--concurrency 1,8,32] [--against REV]

Against the CLI server in a subprocess, on the seed data (each scenario starts from a reset). Each row also shows
the server's CPU per request (user + system time of its process), which a busy machine disturbs far less than the
wall clock. ``--against REV`` serves the code of that git revision too, side by side in the same run: each
scenario runs on both servers in turn, and the last column is this tree's CPU per request over the other's (below
1: cheaper here). Any answer with an unexpected status makes the run exit 1.
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid
from contextlib import ExitStack

from _harness import TORRENT_AUTH, Load, Server, environment, hub_token, revision, run_load, start, verdict

LIST_P99_TARGET_MS = 10.0


def torrent_scenarios(server: Server) -> dict[str, tuple]:
    first = json.loads(server.call("GET", "/rundb/api/v1/message/?limit=1", headers=TORRENT_AUTH)[2])
    pk = first["objects"][0]["id"]
    return {
        "list   GET message/": ("GET", lambda n: "/rundb/api/v1/message/", None, 200),
        "detail GET message/<id>/": ("GET", lambda n: f"/rundb/api/v1/message/{pk}/", None, 200),
        "create POST message/": ("POST", lambda n: "/rundb/api/v1/message/", lambda n: {"body": f"bench {n}"}, 201),
    }


def hub_scenarios(server: Server) -> dict[str, tuple]:
    listed = json.loads(server.call("GET", "/api/groups/", headers=hub_token(server))[2])
    pk = listed["results"][0]["id"]
    run = uuid.uuid4().hex[:8]
    return {
        "list   GET groups/": ("GET", lambda n: "/api/groups/", None, 200),
        "detail GET groups/<id>/": ("GET", lambda n: f"/api/groups/{pk}/", None, 200),
        "create POST groups/": ("POST", lambda n: "/api/groups/", lambda n: {"name": f"bench-{run}-{n}"}, 201),
    }


SCENARIOS = {"torrent": torrent_scenarios, "hub": hub_scenarios}


def measure(server: Server, api: str, scenario: tuple, concurrency: int, seconds: float) -> tuple[Load, float]:
    """One scenario from a fresh reset → (its load, the server's CPU milliseconds per request)."""
    method, path, body, expect = scenario
    server.call("POST", "/__mock__/reset")
    auth = hub_token(server) if api == "hub" else TORRENT_AUTH  # a reset ends every issued Hub token

    def call(n: int) -> tuple[int, bytes]:
        status, _, data = server.call(method, path(n), body(n) if body else None, auth)
        return status, data

    cpu_before = server.cpu_s()
    load = run_load(call, expect, concurrency, seconds)
    cpu_ms = (server.cpu_s() - cpu_before) * 1000 / max(1, len(load.latencies))
    return load, cpu_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per scenario and server (default: 3)")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated (default: 1,8,32)")
    parser.add_argument("--against", metavar="REV", help="also serve this git revision's code, side by side")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    print(f"throughput — {environment()}, {args.seconds:g} s per scenario")
    errors = 0
    list_p99_at_8: dict[str, float] = {}
    ratios: list[float] = []
    with ExitStack() as stack:
        servers = {"this tree": stack.enter_context(start())}
        if args.against:
            servers[args.against] = stack.enter_context(start(code=stack.enter_context(revision(args.against))))
        for name, server in servers.items():
            print(f"{name}: mock at {server.url}")
        for api, build in SCENARIOS.items():
            print(f"\n{api}")
            scenarios = {name: build(server) for name, server in servers.items()}
            for label in scenarios["this tree"]:
                for concurrency in levels:
                    cpu: dict[str, float] = {}
                    for name, server in servers.items():
                        load, cpu[name] = measure(server, api, scenarios[name][label], concurrency, args.seconds)
                        errors += len(load.errors)
                        shown = f"  {label} c={concurrency}" + (f" [{name}]" if args.against else "")
                        print(f"{load.row(shown)}   CPU {cpu[name]:6.3f} ms/req", flush=True)
                        if name == "this tree" and label.startswith("list") and concurrency == 8:
                            list_p99_at_8[api] = load.ms(99)
                    if args.against:
                        ratios.append(cpu["this tree"] / cpu[args.against])
                        print(f"  {'':34} CPU per request, this tree / {args.against}: {ratios[-1]:.2f}")
        for server in servers.values():
            server.call("POST", "/__mock__/reset")
    print()
    for api, p99 in list_p99_at_8.items():
        print(f"target list p99 < {LIST_P99_TARGET_MS:g} ms at c=8 (seed rows, {api}): {p99:.2f} ms "
              f"{verdict(p99 < LIST_P99_TARGET_MS)}")
    if ratios:
        worst = max(ratios)
        print(f"CPU per request against {args.against}: worst ratio {worst:.2f}, "
              f"median {sorted(ratios)[len(ratios) // 2]:.2f} (≤ 1.05: no slower {verdict(worst <= 1.05)})")
    if errors:
        print(f"{errors} answer(s) had an unexpected status: these numbers do not count", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
