"""``mockserver proxy``: serve until SIGINT/SIGTERM, then write the reports; exit 1 when any exchange broke the
contract (or, with ``--fail-on-upstream-errors``, when the upstream did not answer a request).
(``mockserver seed --from-recording`` is a build tool: :mod:`mockserver.seedgen.recording`.)"""
from __future__ import annotations

import argparse
import signal
from pathlib import Path

from ..errors import MockServerError

EXIT_CLEAN, EXIT_VIOLATIONS = 0, 1


def add_proxy_arguments(parser: argparse.ArgumentParser) -> None:
    from ..journal import DEFAULT_LIMIT
    from .settings import DEFAULT_TIMEOUT

    parser.add_argument("--api", required=True, choices=("torrent", "hub"), help="the API the upstream serves")
    parser.add_argument("--upstream", required=True, metavar="URL",
                        help="the real server: its root (https://staging.example) or the API root")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--record", type=Path, default=None, metavar="DIR",
                        help="write every exchange (secrets masked) to DIR as JSON lines")
    parser.add_argument("--report-dir", type=Path, default=None, metavar="DIR",
                        help="write proxy-<api>.md and proxy-<api>.xml (JUnit) here when the proxy stops")
    parser.add_argument("--upstream-ca", type=Path, default=None, metavar="FILE",
                        help="PEM CA file to trust for an https upstream (default: the system's trust store)")
    parser.add_argument("--upstream-timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds to wait for the upstream before answering 504 (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--fail-on-upstream-errors", action="store_true",
                        help="exit 1 when the upstream did not answer a request (a 502 or 504), with a JUnit "
                             "failure per such request (default: they are counted, not failures)")
    parser.add_argument("--no-admin", action="store_true", help="do not serve the /__mock__/ controls")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault rule probabilities (default: 0)")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="added to every forwarded request, on top of fault rules (default: 0)")
    parser.add_argument("--journal-limit", type=int, default=DEFAULT_LIMIT,
                        help=f"keep only the newest N journal entries (default: {DEFAULT_LIMIT})")


def run_proxy(args: argparse.Namespace) -> int:
    try:
        from .server import ProxyServer
        from .settings import ProxySettings
    except ImportError as exc:  # urllib3 and requests come with the proxy extra
        raise MockServerError(f"mockserver proxy needs {exc.name}: pip install 'mockserver[proxy]'") from None
    settings = ProxySettings(api=args.api, upstream=args.upstream, host=args.host, port=args.port,
                             record_dir=args.record, report_dir=args.report_dir, upstream_ca=args.upstream_ca,
                             upstream_timeout=args.upstream_timeout, admin=not args.no_admin, seed=args.seed,
                             latency_ms=args.latency_ms, journal_limit=args.journal_limit,
                             fail_on_upstream_errors=args.fail_on_upstream_errors)
    proxy = ProxyServer(settings).start()
    print(banner(proxy), flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C: reports are written
    try:
        proxy.wait()
    except KeyboardInterrupt:
        pass
    finally:
        written = proxy.stop()
    found = proxy.violations
    failures = proxy.state.tally.upstream_failures  # not violations: nothing came back to check
    print(f"mockserver proxy: {sum(proxy.state.tally.exchanges.values())} exchange(s) checked, "
          f"{found} violation(s)" + (f", {failures} request(s) the upstream did not answer (502/504)"
                                     if failures else ""), flush=True)
    for path in written:
        print(f"  report: {path}", flush=True)
    return EXIT_VIOLATIONS if found or (failures and settings.fail_on_upstream_errors) else EXIT_CLEAN


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def banner(proxy) -> str:
    s, state = proxy.settings, proxy.state
    prefix = state.checker.operations.prefix
    lines = [f"mockserver proxy listening on {proxy.url}",
             f"  {s.api} API  {proxy.url}{prefix}/  →  {state.upstream.origin}{prefix}/",
             f"  admin    {proxy.url}/__mock__/  (violations: /__mock__/violations)" if s.admin else "  admin    off"]
    if state.recorder is not None:
        lines.append(f"  record   {state.recorder.path}")
    if s.report_dir is not None:
        lines.append(f"  reports  {s.report_dir} (written on exit)")
    return "\n".join(lines)
