"""Command line: ``mockserver [serve] …``, ``mockserver check``, ``mockserver routes``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import API_NAMES, Settings
from .errors import MockServerError


def _apis(value: str) -> tuple[str, ...]:
    if value == "both":
        return API_NAMES
    if value not in API_NAMES:
        raise argparse.ArgumentTypeError(f"--api takes torrent, hub or both, not {value!r}")
    return (value,)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", type=_apis, default=API_NAMES, dest="apis", metavar="torrent|hub|both",
                        help="which APIs to serve (default: both)")
    parser.add_argument("--seed-dir", type=Path, default=None, help="seed data directory (default: the shipped seed)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description="Mock Ion Torrent Suite and Ngenea Hub APIs.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the mock over HTTP (the default command)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--db", type=Path, default=None, help="persist to this JSON file (default: memory only)")
    serve.add_argument("--no-admin", action="store_true", help="do not serve the /__mock__/ controls")
    serve.add_argument("--seed", type=int, default=0, help="seed for every random choice the mock makes")
    _common(serve)
    check = sub.add_parser("check", help="load contracts and seed data; exit 1 on any mismatch")
    _common(check)
    routes = sub.add_parser("routes", help="print every served operation")
    _common(routes)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "serve")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            from .check import run_check

            return run_check(args.apis, args.seed_dir)
        if args.command == "routes":
            from .admin import route_table

            for row in route_table(args.apis):
                print(f"{row['api']:8} {row['method']:7} {row['path']}  {row['operation_id']}")
            return 0
        return serve(args)
    except MockServerError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2


def serve(args: argparse.Namespace) -> int:
    from .server import MockServer

    settings = Settings(host=args.host, port=args.port, apis=args.apis, db=args.db, admin=not args.no_admin,
                        seed=args.seed, seed_dir=args.seed_dir)
    server = MockServer(settings).start()
    print(banner(server), flush=True)
    try:
        server._thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def banner(server) -> str:
    s = server.settings
    lines = [f"mockserver listening on {server.url}"]
    if "torrent" in s.apis:
        lines.append(f"  Torrent Suite API  {server.url}/rundb/api/v1/")
        for user in s.torrent_users:
            lines.append(f"    user {user.username} / password {user.password} / api key {user.api_key}")
    if "hub" in s.apis:
        lines.append(f"  Ngenea Hub API     {server.url}/api/   (POST /api/auth/token/ for a JWT)")
        for user in s.hub_users:
            lines.append(f"    user {user.username} / password {user.password}")
    lines.append(f"  admin              {server.url}/__mock__/" if s.admin else "  admin              off")
    lines.append(f"  data               {s.db if s.db else 'in memory'}")
    return "\n".join(lines)
