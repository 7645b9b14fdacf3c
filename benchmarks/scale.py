"""List and detail latency at 1k, 10k and 100k rows, and the server's memory (RSS) at each size.

    python benchmarks/scale.py [--sizes 1000,10000,100000] [--seconds 3]

Rows are added through the admin records API (``POST /__mock__/records/<api>/<resource>``, the API's own field
rules, in batches) to the CLI server in a subprocess. Detail lookups hit random ids across the whole table.
"""
from __future__ import annotations

import argparse
import json
import random
import time

from _harness import TORRENT_AUTH, Server, environment, hub_token, run_load, start, verdict

BATCH = 2000
GROW_BUDGET_S = 90.0  # per size: an API whose inserts are slower than this is reported, not waited for
LIST_P99_TARGET_MS = 10.0


class Resource:
    def __init__(self, server: Server, api: str, resource: str, list_path: str, make, auth: dict[str, str]):
        self.server, self.api, self.resource, self.list_path, self.make, self.auth = (
            server, api, resource, list_path, make, auth)
        self.ids: list[int] = [row["id"] for row in self.records()]

    def records(self) -> list[dict]:
        status, _, body = self.server.call("GET", f"/__mock__/records/{self.api}/{self.resource}")
        if status != 200:
            raise RuntimeError(f"GET records answered {status}: {body[:200]!r}")
        return json.loads(body)

    def grow_to(self, size: int, batch_size: int = BATCH) -> float:
        started = time.perf_counter()
        while len(self.ids) < size:
            if time.perf_counter() - started > GROW_BUDGET_S:
                raise RuntimeError(f"still at {len(self.ids)} rows after {GROW_BUDGET_S:g} s; inserts this slow "
                                   f"are the finding")
            batch = [self.make(len(self.ids) + i) for i in range(min(batch_size, size - len(self.ids)))]
            status, _, body = self.server.call("POST", f"/__mock__/records/{self.api}/{self.resource}", batch)
            if status != 201:
                raise RuntimeError(f"POST records answered {status}: {body[:300]!r}")
            self.ids += [row["id"] for row in json.loads(body)]
        return time.perf_counter() - started


def torrent(server: Server) -> Resource:
    return Resource(server, "torrent", "message", "/rundb/api/v1/message/",
                    lambda n: {"body": f"scale row {n}", "level": 20, "tags": "bench"}, TORRENT_AUTH)


def hub(server: Server) -> Resource:
    return Resource(server, "hub", "groups", "/api/groups/", lambda n: {"name": f"scale-{n}"}, hub_token(server))


def getter(server: Server, resource: Resource, rng: random.Random, ids: list[int] | None = None):
    """GET the list, or (given ``ids``) the detail of a random one of them."""
    def call(n: int) -> tuple[int, bytes]:
        path = f"{resource.list_path}{rng.choice(ids)}/" if ids else resource.list_path
        status, _, body = server.call("GET", path, headers=resource.auth)
        return status, body

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=3.0, help="per scenario (default: 3)")
    parser.add_argument("--api", default="both", choices=("torrent", "hub", "both"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(1)
    print(f"scale — {environment()}, {args.seconds:g} s per scenario, concurrency 1 and 8")
    # A short journal, so that RSS measures the rows (a full journal may add up to 64 MiB of bodies).
    with start("--journal-limit", "100") as server:
        print(f"mock at {server.url} (--journal-limit 100), serving {', '.join(server.apis)}; "
              f"RSS at start {server.rss_mb():.0f} MB")
        detail_p50: dict[str, dict[int, float]] = {}
        for api, build in (("torrent", torrent), ("hub", hub)):
            if api not in server.apis or args.api not in (api, "both"):
                continue
            try:
                resource = build(server)
            except Exception as exc:  # a dialect still in progress must not hide the other API's numbers
                print(f"\n{api}: cannot run ({exc})")
                continue
            print(f"\n{api} {resource.resource}")
            for size in sizes:
                try:
                    took = resource.grow_to(size, BATCH if api == "torrent" else 250)
                except RuntimeError as exc:
                    print(f"  cannot add rows: {exc}")
                    break
                if api == "hub":
                    resource.auth = hub_token(server)
                print(f"  {size:>7} rows (added in {took:.1f} s), server RSS {server.rss_mb():.0f} MB")
                listing = getter(server, resource, rng)
                detail = getter(server, resource, rng, list(resource.ids))
                for concurrency in (1, 8):
                    lists = run_load(listing, 200, concurrency, args.seconds)
                    print(lists.row(f"    list   c={concurrency}"))
                    details = run_load(detail, 200, concurrency, args.seconds)
                    print(details.row(f"    detail c={concurrency}"))
                    if concurrency == 1:
                        detail_p50.setdefault(api, {})[size] = details.ms(50)
                    if concurrency == 8 and size == 1000:
                        print(f"    target list p99 < {LIST_P99_TARGET_MS:g} ms at c=8 with 1k rows: "
                              f"{lists.ms(99):.2f} ms {verdict(lists.ms(99) < LIST_P99_TARGET_MS)}")
        print()
        for api, by_size in detail_p50.items():
            if len(by_size) > 1:
                small, large = by_size[min(by_size)], by_size[max(by_size)]
                flat = large < small * 1.5 + 0.2
                print(f"target detail flat from {min(by_size)} to {max(by_size)} rows ({api}, p50 at c=1): "
                      f"{small:.2f} ms -> {large:.2f} ms {verdict(flat)}")
        print(f"server RSS at the end: {server.rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
