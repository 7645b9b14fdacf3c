"""The options of ``mockserver contract``, apart from the runner: the CLI must load (and ``mockserver serve``
run) where the optional ``contract`` dependencies — schemathesis, requests — are not installed."""
from __future__ import annotations

import argparse
import sys

PHASES = ("examples", "coverage", "fuzzing", "stateful")


def add_arguments(parser) -> None:
    parser.add_argument("--api", required=True, choices=("torrent", "hub"), help="which contract to replay")
    parser.add_argument("--base-url", help="a running server (e.g. http://staging:8000); default: the mock in process")
    parser.add_argument("--username", help="user to authenticate as (default on the mock: its superuser)")
    parser.add_argument("--password", help="password (Torrent: HTTP Basic; Hub: JWT login)")
    parser.add_argument("--api-key", help="API key (Torrent: ApiKey with --username; Hub: a client key)")
    parser.add_argument("--token", help="Hub: a bearer token to use as is")
    parser.add_argument("--read-only", action="store_true", help="only GET, HEAD and OPTIONS requests")
    parser.add_argument("--max-examples", type=_positive, default=20, help="cases per operation and phase (20)")
    parser.add_argument("--seed", type=int, default=0, help="generation seed, for reproducible runs (0)")
    parser.add_argument("--phases", help=f"comma-separated subset of {','.join(PHASES)} (default: all)")
    parser.add_argument("--operation", action="append", metavar="OPERATION_ID",
                        help="only this operation (repeatable); default: every operation")
    parser.add_argument("--workers", type=_positive, default=1,
                        help="in process: N worker processes, each with a mock of its own; against --base-url "
                             "(only with --read-only): N of schemathesis' worker threads (1)")
    parser.add_argument("--report-dir", default="contract-reports", help="where to write the reports")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"takes a whole number >= 1, not {value!r}")
    return int(value)


def main(args) -> int:
    try:
        from .runner import main as run
    except ModuleNotFoundError as exc:
        print(f"mockserver contract needs {exc.name}: pip install 'mockserver[contract]'", file=sys.stderr)
        return 2
    return run(args)
