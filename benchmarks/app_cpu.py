"""The app's own CPU per request, without a server: the WSGI app called directly, for the side-by-side harness's
six workloads (1,000 filemonitor rows, as there).

    python benchmarks/app_cpu.py [--requests 600] [--rounds 5] [--profile WORKLOAD]

What the served mock spends per request beyond this is the server's (waitress, the sockets). Each workload runs
``--rounds`` rounds of ``--requests`` requests after a warm-up; the least CPU a round took per request is printed
(other tenants of the machine only ever add to it), with the median round beside it. ``--profile`` prints
cProfile's top functions for one workload. Any answer other than the expected status stops the run with exit 1.
"""
from __future__ import annotations

import argparse
import base64
import cProfile
import io
import itertools
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from mockserver.app import create_app
from mockserver.config import Settings

PERF_DATA = Path(__file__).resolve().parents[2] / "shared" / "perf" / "data"
TORRENT = "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()
FILEMONITOR = {"name": "bench.bam", "url": "http://example/bench.bam", "status": "Queued"}


class Failed(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default=None, metavar="WORKLOAD")
    args = parser.parse_args()
    app = create_app(Settings())

    def call(method: str, path: str, body: Any = None, auth: str = TORRENT, query: str = "",
             expect: int = 200) -> bytes:
        data = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False, "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_AUTHORIZATION": auth, "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/json" if body is not None else ""}
        status: list[str] = []

        def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(line)
            return lambda data: None  # the write() callable of PEP 3333, which the app never uses

        answer = b"".join(app(environ, start_response))
        if not status[0].startswith(str(expect)):
            raise Failed(f"{method} {path}: {status[0]} (expected {expect}): {answer[:300]!r}")
        return answer

    hub = "Bearer " + json.loads(call("POST", "/api/auth/token/", {"username": "admin", "password": "admin"},
                                      auth=""))["access"]
    filemonitor = _body("filemonitor-post.json", FILEMONITOR)
    site = _body("hub-site-post.json", {"name": "bench-{{seq}}", "shortcode": "bn", "label": "Benchmark site"})
    for _ in range(1000 - 8):  # the harness tops the table up to 1,000 rows
        call("POST", "/rundb/api/v1/filemonitor/", filemonitor, expect=201)
    seq = itertools.count()
    workloads = {
        "torrent list": lambda: call("GET", "/rundb/api/v1/filemonitor/", query="limit=20"),
        "torrent detail": lambda: call("GET", "/rundb/api/v1/filemonitor/9/"),
        "torrent create": lambda: call("POST", "/rundb/api/v1/filemonitor/", filemonitor, expect=201),
        "hub list": lambda: call("GET", "/api/sites/", auth=hub),
        "hub detail": lambda: call("GET", "/api/sites/1/", auth=hub),
        "hub create": lambda: call("POST", "/api/sites/", {**site, "name": f"bench-{next(seq)}"}, auth=hub,
                                   expect=201),
    }
    try:
        if args.profile:
            return _profile(workloads[args.profile], args.requests)
        print(f"{'workload':16} {'best µs':>8} {'median µs':>10}")
        for name, workload in workloads.items():
            for _ in range(200):
                workload()
            rounds = []
            for _ in range(args.rounds):
                started = time.process_time()
                for _ in range(args.requests):
                    workload()
                rounds.append((time.process_time() - started) / args.requests * 1e6)
            print(f"{name:16} {min(rounds):8.0f} {statistics.median(rounds):10.0f}")
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


def _body(file: str, fallback: dict[str, Any]) -> dict[str, Any]:
    """The harness's own body when ``../shared/perf`` is there, else the same shape."""
    path = PERF_DATA / file
    return json.loads(path.read_text()) if path.is_file() else fallback


def _profile(workload, requests: int) -> int:
    for _ in range(200):
        workload()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        workload()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
