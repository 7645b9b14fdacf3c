"""Requests/s and p50/p99 latency for list, detail and create on both APIs at concurrency 1, 8 and 32.

    python benchmarks/throughput.py [--seconds 3] [--concurrency 1,8,32]

Against the CLI server in a subprocess, on the seed data (each scenario starts from a reset).
"""
from __future__ import annotations

import argparse
import json
import uuid

from _harness import TORRENT_AUTH, Server, environment, hub_token, run_load, start, verdict

LIST_P99_TARGET_MS = 10.0


def torrent_scenarios(server: Server) -> dict[str, tuple]:
    first = json.loads(server.call("GET", "/rundb/api/v1/message/?limit=1", headers=TORRENT_AUTH)[2])
    pk = first["objects"][0]["id"]
    return {
        "list   GET message/": ("GET", lambda n: "/rundb/api/v1/message/", None, 200),
        "detail GET message/<id>/": ("GET", lambda n: f"/rundb/api/v1/message/{pk}/", None, 200),
        "create POST message/": ("POST", lambda n: "/rundb/api/v1/message/", lambda n: {"body": f"bench {n}"}, 201),
    }, TORRENT_AUTH


def hub_scenarios(server: Server) -> dict[str, tuple]:
    auth = hub_token(server)
    listed = json.loads(server.call("GET", "/api/groups/", headers=auth)[2])
    pk = listed["results"][0]["id"]
    run = uuid.uuid4().hex[:8]
    return {
        "list   GET groups/": ("GET", lambda n: "/api/groups/", None, 200),
        "detail GET groups/<id>/": ("GET", lambda n: f"/api/groups/{pk}/", None, 200),
        "create POST groups/": ("POST", lambda n: "/api/groups/", lambda n: {"name": f"bench-{run}-{n}"}, 201),
    }, auth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per scenario (default: 3)")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated (default: 1,8,32)")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    print(f"throughput — {environment()}, {args.seconds:g} s per scenario")
    with start() as server:
        print(f"mock at {server.url}, serving {', '.join(server.apis)}")
        list_p99_at_8: dict[str, float] = {}
        for api, build in (("torrent", torrent_scenarios), ("hub", hub_scenarios)):
            if api not in server.apis:
                print(f"\n{api}: not served by this build")
                continue
            try:
                scenarios, auth = build(server)
            except Exception as exc:  # a dialect still in progress must not hide the other API's numbers
                print(f"\n{api}: cannot run ({exc})")
                continue
            print(f"\n{api}")
            for label, (method, path, body, expect) in scenarios.items():
                for concurrency in levels:
                    server.call("POST", "/__mock__/reset")
                    if api == "hub":
                        auth = hub_token(server)  # a reset ends every issued token

                    def call(n, method=method, path=path, body=body, auth=auth):
                        status, _, data = server.call(method, path(n), body(n) if body else None, auth)
                        return status, data

                    load = run_load(call, expect, concurrency, args.seconds)
                    print(load.row(f"  {label} c={concurrency}"))
                    if label.startswith("list") and concurrency == 8:
                        list_p99_at_8[api] = load.ms(99)
        server.call("POST", "/__mock__/reset")
    print()
    for api, p99 in list_p99_at_8.items():
        print(f"target list p99 < {LIST_P99_TARGET_MS:g} ms at c=8 (seed rows, {api}): {p99:.2f} ms "
              f"{verdict(p99 < LIST_P99_TARGET_MS)}")


if __name__ == "__main__":
    main()
