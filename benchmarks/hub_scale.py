"""Hub list, detail and create latency as a table grows, and the time the admin records API takes to grow it.

    python benchmarks/hub_scale.py [--resources groups,sites] [--sizes 1000,10000] [--seconds 3] [--creates 300]

One server per resource (``--api hub``). Rows are added through ``POST /__mock__/records/hub/<resource>`` in
batches; the time to reach each size is reported. At each size: the first page of the list, the last page,
the detail of a random row, and ``--creates`` POSTs through the API (which add rows: they count towards the
next size). Targets: detail flat from the smallest to the largest size, list p50 < 5 ms at 1k rows (c=1).
"""
from __future__ import annotations

import argparse
import json
import random
import time

from _harness import Load, Server, environment, hub_token, run_load, verdict

BATCH = 250
LIST_P50_TARGET_MS = 5.0

MAKERS = {
    "groups": lambda n: {"name": f"scale-{n}"},
    "sites": lambda n: {"name": f"scale-{n}", "shortcode": f"s{n}", "label": f"Scale {n}"},
}


def grow(server: Server, resource: str, ids: list[int], size: int, budget_s: float) -> float:
    started = time.perf_counter()
    while len(ids) < size:
        if time.perf_counter() - started > budget_s:
            raise RuntimeError(f"still at {len(ids)} rows after {budget_s:g} s")
        batch = [MAKERS[resource](len(ids) + i) for i in range(min(BATCH, size - len(ids)))]
        status, _, body = server.call("POST", f"/__mock__/records/hub/{resource}", batch)
        if status != 201:
            raise RuntimeError(f"POST records answered {status}: {body[:300]!r}")
        ids += [row["id"] for row in json.loads(body)]
    return time.perf_counter() - started


def creates(server: Server, resource: str, auth: dict[str, str], count: int, first: int) -> tuple[Load, list[int]]:
    load, made = Load(), []
    started = time.perf_counter()
    for n in range(first, first + count):
        began = time.perf_counter()
        status, _, body = server.call("POST", f"/api/{resource}/", MAKERS[resource](n), auth)
        load.latencies.append(time.perf_counter() - began)
        if status != 201:
            load.errors.append(f"{status} {body[:120]!r}")
        else:
            made.append(json.loads(body)["id"])
    load.wall_s = time.perf_counter() - started
    return load, made


def run(resource: str, sizes: list[int], seconds: float, levels: list[int], count: int, budget: float) -> dict:
    rng = random.Random(1)
    found: dict = {"detail": {}, "list": {}, "grow": {}}
    with Server("--journal-limit", "100", api="hub") as server:
        status, _, body = server.call("GET", f"/__mock__/records/hub/{resource}")
        ids = [row["id"] for row in json.loads(body)]
        print(f"\nhub {resource} (mock at {server.url}, {len(ids)} seed rows)")
        for size in sizes:
            try:
                took = grow(server, resource, ids, size, budget)
            except RuntimeError as exc:
                print(f"  cannot add rows: {exc}")
                break
            found["grow"][size] = took
            auth = hub_token(server)
            print(f"  {len(ids):>6} rows (records API: added in {took:.1f} s), server RSS {server.rss_mb():.0f} MB")
            known = list(ids)
            scenarios = {
                "list first page": lambda n: f"/api/{resource}/",
                "list last page": lambda n: f"/api/{resource}/?page=last",
                "detail": lambda n, known=known: f"/api/{resource}/{rng.choice(known)}/",
            }
            for label, path in scenarios.items():
                for concurrency in levels:
                    def call(n: int, path=path, auth=auth) -> tuple[int, bytes]:
                        answer = server.call("GET", path(n), headers=auth)
                        return answer[0], answer[2]

                    load = run_load(call, 200, concurrency, seconds)
                    print(load.row(f"    {label:16} c={concurrency}"))
                    if concurrency == 1:
                        found["detail" if label == "detail" else "list"].setdefault(size, load.ms(50))
            load, made = creates(server, resource, auth, count, 10**6 + len(ids))
            ids += made
            print(load.row(f"    {'create':16} c=1"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", default="groups,sites")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seconds", type=float, default=3.0, help="per read scenario (default: 3)")
    parser.add_argument("--concurrency", default="1", help="comma-separated, for reads (default: 1)")
    parser.add_argument("--creates", type=int, default=300, help="POSTs per size (default: 300)")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds allowed to grow to each size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    levels = [int(c) for c in args.concurrency.split(",")]
    print(f"hub scale — {environment()}, {args.seconds:g} s per read scenario, {args.creates} creates per size")
    results = {r: run(r, sizes, args.seconds, levels, args.creates, args.budget) for r in args.resources.split(",")}
    print()
    for resource, found in results.items():
        print(f"{resource}: records API to " + ", ".join(f"{size} rows {took:.1f} s" for size, took in
                                                           found["grow"].items()))
        detail = found["detail"]
        if len(detail) > 1:
            small, large = detail[min(detail)], detail[max(detail)]
            print(f"  target detail flat from {min(detail)} to {max(detail)} rows (p50, c=1): "
                  f"{small:.2f} ms -> {large:.2f} ms {verdict(large < small * 1.5 + 0.2)}")
        if 1000 in found["list"]:
            p50 = found["list"][1000]
            print(f"  target list p50 < {LIST_P50_TARGET_MS:g} ms at 1000 rows (c=1): {p50:.2f} ms "
                  f"{verdict(p50 < LIST_P50_TARGET_MS)}")


if __name__ == "__main__":
    main()
