"""Which HTTP server can serve the mock: each candidate's ceiling, and whether it keeps what the mock needs.

    python benchmarks/server_choice.py [--seconds 5] [--python PY_WITH_GRANIAN]

Each candidate serves the same tiny WSGI app (a fixed JSON answer of a Torrent detail's size, 644 bytes, and an
echo of the request body) from a subprocess on 127.0.0.1, and ``wrk`` (one thread, 8 connections) measures its
ceiling: what no app can exceed on it. Then two probes of what the mock needs (issue: a slow client never holds
a worker, a body that never arrives is answered 408):

- *isolation*: nine clients (one more than the eight worker threads each candidate gets) send a request's
  headers and 10 of the 1,000 body bytes it announced, then stop; is another client's request answered within
  2 s meanwhile?
- *408*: is the half-sent request answered ``408`` within the request timeout (5 s here, where the server
  lets it be set)?

Candidates: waitress as the mock configures it (``mockserver.server.MockServer`` around the same app), bare
waitress, werkzeug's threaded server, cheroot, and granian (WSGI; ``--python`` names an interpreter that has it,
as it is no dependency of the mock). A candidate that is not installed is reported so. A run with a failed
``wrk`` says so and exits 1.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKERS = 8  # each candidate's worker threads; the isolation probe holds one more connection than that
BODY = b'{"id": 9, "name": "' + b"x" * 610 + b'"}'  # 644 bytes: GET filemonitor/9/ of the perf harness
APP = f'''
BODY = {BODY!r}

def app(environ, start_response):
    data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) if environ["REQUEST_METHOD"] == "POST" \\
        else BODY
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
'''
SERVERS = {
    "mockserver (waitress)": "from mockserver.server import MockServer; from mockserver.config import Settings\n"
                             "import threading, ceiling_app\n"
                             "s = MockServer(Settings(port={port}, request_timeout=5.0))\n"
                             "s.app = ceiling_app.app\n"
                             "s.start(); threading.Event().wait()",
    "waitress": "import waitress, ceiling_app; waitress.serve(ceiling_app.app, port={port}, threads=8, "
                "channel_timeout=5, _quiet=True)",
    "werkzeug (threaded)": "from werkzeug.serving import run_simple; import ceiling_app\n"
                           "run_simple('127.0.0.1', {port}, ceiling_app.app, threaded=True)",
    "cheroot": "from cheroot.wsgi import Server; import ceiling_app\n"
               "Server(('127.0.0.1', {port}), ceiling_app.app, numthreads=8, timeout=5).start()",
    "granian (WSGI)": "from granian import Granian\n"
                      "Granian('ceiling_app:app', interface='wsgi', address='127.0.0.1', port={port}, workers=1,"
                      " blocking_threads=8, websockets=False).serve()",
}
MODULES = {"mockserver (waitress)": "waitress", "waitress": "waitress", "werkzeug (threaded)": "werkzeug",
           "cheroot": "cheroot", "granian (WSGI)": "granian"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def ceiling(port: int, seconds: int) -> tuple[float, str]:
    url = f"http://127.0.0.1:{port}/"
    subprocess.run(["wrk", "-t1", "-c8", "-d1", url], capture_output=True, timeout=30)
    out = subprocess.run(["wrk", "-t1", "-c8", f"-d{seconds}", "--latency", url], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None or "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk failed or saw errors:\n{out}")
    p99 = re.search(r"99%\s+(\S+)", out)
    return float(rate.group(1)), p99.group(1) if p99 else "?"


def probes(port: int) -> tuple[str, str]:
    halves = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(WORKERS + 1)]
    for half in halves:
        half.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
    time.sleep(0.3)
    other = socket.create_connection(("127.0.0.1", port), timeout=2)
    try:
        other.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        isolation = "yes" if other.recv(64).startswith(b"HTTP/1.1 200") else "no"
    except OSError:
        isolation = "no (timed out)"
    finally:
        other.close()
    half = halves[0]
    half.settimeout(8)
    try:
        first = half.recv(64)
        timeout = "yes" if b" 408 " in first else f"no ({first[:30]!r})" if first else "no (closed, no answer)"
    except OSError:
        timeout = "no (nothing in 8 s)"
    finally:
        for each in halves:
            each.close()
    return isolation, timeout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--python", default=sys.executable, help="interpreter for granian (default: this one)")
    args = parser.parse_args()
    failed = False
    rows = []
    with tempfile.TemporaryDirectory() as work:
        Path(work, "ceiling_app.py").write_text(APP)
        for name, code in SERVERS.items():
            python = args.python if name.startswith("granian") else sys.executable
            has = subprocess.run([python, "-c", f"import {MODULES[name]}"], capture_output=True).returncode == 0
            if not has:
                rows.append((name, "not installed", "", "", ""))
                continue
            port = free_port()
            proc = subprocess.Popen([python, "-c", code.format(port=port)], cwd=work, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True,  # its workers die with it
                                    env={**os.environ, "PYTHONPATH": f"{work}:{HERE.parent}"})
            try:
                if not wait_up(port):
                    rows.append((name, "did not start", "", "", ""))
                    failed = True
                    continue
                try:
                    rate, p99 = ceiling(port, args.seconds)
                except RuntimeError as exc:
                    print(f"{name}: {exc}", file=sys.stderr)
                    rows.append((name, "wrk failed", "", "", ""))
                    failed = True
                    continue
                isolation, timeout = probes(port)
                rows.append((name, f"{rate:,.0f}", p99, isolation, timeout))
            finally:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    print("| server | req/s, c=8 (fixed 644 B) | p99 | another client answered while 9 bodies are half-sent "
          "| a half-sent body answered 408 |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
