"""Shared by the benchmarks: the CLI server in a subprocess, timed HTTP calls, load from N threads, percentiles.

The server is ``python -m mockserver serve --port 0 --quiet`` on 127.0.0.1, exactly as a user starts it. The
client is plain ``http.client`` in threads of this process, each thread keeping its connection open as a
``requests.Session`` does (``MOCKSERVER_BENCH_NEW_CONNECTIONS=1``: a new connection per request instead). On a
small machine the client shares the CPU with the server, so the numbers are what one test process driving the
mock would see, not the server's ceiling.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TORRENT_AUTH = {"Authorization": "Basic " + base64.b64encode(b"ionadmin:ionadmin").decode()}
NEW_CONNECTIONS = os.environ.get("MOCKSERVER_BENCH_NEW_CONNECTIONS") == "1"
_connections = threading.local()  # this thread's kept connection per (host, port)


class Server:
    """The CLI in a subprocess; ``started_s`` is the time from launch to the "listening" line."""

    def __init__(self, *args: str, api: str = "both", code: str | None = None):
        """``code``: a folder holding another revision's ``mockserver`` package, served instead of this one."""
        self._log = tempfile.TemporaryFile()
        launched = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": code} if code else None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--quiet", "--api", api, *args],
            stdout=subprocess.PIPE, stderr=self._log, text=True, env=env, cwd=code)
        first = self.proc.stdout.readline()
        self.started_s = time.perf_counter() - launched
        if "listening on" not in first:
            self.proc.kill()
            self.proc.wait()
            self._log.seek(0)
            log = self._log.read().decode(errors="replace")
            self.stop()
            raise RuntimeError(f"the mock did not start:\n{first}{log[-2000:]}")
        self.url = first.split("listening on", 1)[1].strip()
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port
        banner = [first]
        while not banner[-1].startswith("  seed"):
            banner.append(self.proc.stdout.readline())
        self.apis = [name for name, marker in (("torrent", "Torrent"), ("hub", "Hub")) if marker in "".join(banner)]

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], bytes]:
        return request(self.host, self.port, method, path, body, headers)

    def cpu_s(self) -> float:
        """CPU seconds the server process has used (user + system): steadier than the wall clock on a busy
        machine, and free of the client's share of the CPU."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self._log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(*args: str, code: str | None = None) -> Server:
    """Both APIs (a server that does not start is an error, not a smaller benchmark)."""
    return Server(*args, api="both", code=code)


@contextmanager
def revision(rev: str) -> Iterator[str]:
    """A temporary folder holding the ``mockserver`` package (and seed data) of git revision ``rev``."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(root), "archive", rev, "mockserver", "seed_data"], check=True,
                                 capture_output=True).stdout
        with tempfile.TemporaryFile() as tar:
            tar.write(archive)
            tar.seek(0)
            tarfile.open(fileobj=tar).extractall(folder, filter="data")
        yield folder


def request(host: str, port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
            ) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    sent = dict(headers or {})
    if data is not None:
        sent["Content-Type"] = "application/json"
    for attempt in (1, 2):
        conn = _connection(host, port)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            answer = response.status, dict(response.getheaders()), response.read()
        except (ConnectionError, http.client.HTTPException):
            _forget(host, port)
            if attempt == 2:
                raise
            continue  # the server closed a kept connection (idle timeout): once more on a new one
        if NEW_CONNECTIONS or response.will_close:
            _forget(host, port)
        return answer
    raise AssertionError("unreachable")


def _connection(host: str, port: int) -> http.client.HTTPConnection:
    kept = getattr(_connections, "by_address", None)
    if kept is None:
        kept = _connections.by_address = {}
    if (host, port) not in kept:
        kept[(host, port)] = http.client.HTTPConnection(host, port, timeout=60)
    return kept[(host, port)]


def close_connections() -> None:
    """Close the connections this thread kept."""
    for host, port in list(getattr(_connections, "by_address", {})):
        _forget(host, port)


def _forget(host: str, port: int) -> None:
    conn = getattr(_connections, "by_address", {}).pop((host, port), None)
    if conn is not None:
        with suppress(OSError):
            conn.close()


@dataclass
class Load:
    """Latencies (seconds) of every request of one scenario, and its wall time."""

    latencies: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall_s if self.wall_s else 0.0

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def row(self, label: str) -> str:
        errors = f"  ERRORS {len(self.errors)}: {self.errors[0]}" if self.errors else ""
        return (f"{label:34} {self.rate:8.0f} req/s   p50 {self.ms(50):7.2f} ms   p99 {self.ms(99):7.2f} ms   "
                f"n={len(self.latencies)}{errors}")


def run_load(call: Callable[[int], tuple[int, bytes]], expect: int, concurrency: int, seconds: float) -> Load:
    """``concurrency`` threads call ``call(i)`` until ``seconds`` have passed; a status other than ``expect``
    is an error (kept, not raised, so one scenario cannot hide the others)."""
    load = Load()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker():
        mine: list[float] = []
        try:
            while time.perf_counter() < deadline:
                n = next(counter)
                started = time.perf_counter()
                status, body = call(n)
                mine.append(time.perf_counter() - started)
                if status != expect:
                    with lock:
                        load.errors.append(f"{status} {body[:120]!r}")
        finally:
            close_connections()
            with lock:
                load.latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    load.wall_s = time.perf_counter() - started
    return load


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def hub_token(server: Server) -> dict[str, str]:
    status, _, body = server.call("POST", "/api/auth/token/", {"username": "admin", "password": "admin"})
    if status != 200:
        raise RuntimeError(f"hub login answered {status}: {body[:200]!r}")
    return {"Authorization": "Bearer " + json.loads(body)["access"]}


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def environment() -> str:
    connections = "a new connection per request" if NEW_CONNECTIONS else "one kept connection per client thread"
    return f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {connections}"
