"""Command line: ``mockserver [serve] …``, ``check``, ``routes``, ``contract``, ``proxy`` and ``seed``.

Each subcommand is one ``_add_<name>(subparsers)`` function that declares its options and sets ``run`` to the
function that carries it out; adding a command means adding one such function and one line in
:func:`build_parser`. A :class:`MockServerError` from any command is printed (no traceback) and exits 2.

The command line is argparse: every option's ``type`` validates its value, and :mod:`mockserver.options` feeds
the environment (``MOCKSERVER_PORT``) and the ``--config`` TOML file (``port = 8001``) through the same types, so
an option added to the serve parser is configurable from all three places with nothing else to change.
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

from . import __version__
from .admin_guard import needs_token
from .config import API_NAMES, DEFAULT_JOURNAL_LIMIT, Settings
from .errors import MockServerError
from .logs import FORMATS

EXIT_USAGE = 2
LAYERS_HELP = """\
Every option can also be set in the environment, MOCKSERVER_ and its name in capitals (--port: MOCKSERVER_PORT,
--no-admin: MOCKSERVER_NO_ADMIN=1; a repeatable option takes comma-separated values), or in the TOML file of
--config (port = 8001, allowed-host = ["mock"], and [[torrent.users]] / [[hub.users]] tables). The command line
wins over the environment, the environment over the file."""


def _apis(value: str) -> tuple[str, ...]:
    if value == "both":
        return API_NAMES
    if value not in API_NAMES:
        raise argparse.ArgumentTypeError(f"--api takes torrent, hub or both, not {value!r}")
    return (value,)


def _milliseconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 600_000:
        raise argparse.ArgumentTypeError(f"takes milliseconds from 0 to 600000, not {value!r}")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 86_400:
        raise argparse.ArgumentTypeError(f"takes seconds from 0 to 86400, not {value!r}")
    return number


def _timeout(value: str) -> float:
    number = _seconds(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"takes seconds above 0, not {value!r}")
    return number


def _port(value: str) -> int:
    if not value.strip().isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"takes a port from 0 to 65535 (0 picks a free one), not {value!r}")
    return int(value)


def _host(value: str) -> str:
    """A host the machine can resolve: an IP address, or a name (resolved once here, so a typo is a usage error)."""
    try:
        socket.getaddrinfo(value, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise argparse.ArgumentTypeError(
            f"{value!r} does not resolve ({reason}); give an address of this machine (127.0.0.1, ::1, 0.0.0.0 "
            "for every interface) or a name that resolves to one") from None
    return value


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"takes a whole number >= 1, not {value!r}")
    return int(value)


def _plugin_key(value: str) -> tuple[str, str]:
    pk, sep, key = value.partition(":")
    if not (sep and pk.isdigit() and key.strip()):
        raise argparse.ArgumentTypeError(f"takes PK:KEY, a plugin result's id (a whole number) "
                                         f"and its key, not {value!r}")
    return pk, key


def _token(value: str) -> str:
    if not value.strip() or any(c.isspace() for c in value):
        raise argparse.ArgumentTypeError(f"takes a token without spaces (a client sends `Authorization: Bearer "
                                         f"<token>`), not {value!r}; leave the option out to have one generated")
    return value


def _host_name(value: str) -> str:
    """A name a Host header can carry: letters, digits, dots and hyphens (a container or CI service name)."""
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?", value):
        raise argparse.ArgumentTypeError(f"takes a host name (letters, digits, dots and hyphens, e.g. mock or "
                                         f"ci-runner), not {value!r}")
    return value


def _origin(value: str) -> str:
    """``*`` or a browser origin: scheme, host and optional port, nothing after (browsers send no path)."""
    if value != "*" and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?", value):
        raise argparse.ArgumentTypeError(f"takes * or an origin as browsers send it (scheme://host[:port], e.g. "
                                         f"http://localhost:3000), not {value!r}")
    return value.rstrip("/")


def add_api_options(parser: argparse.ArgumentParser) -> None:
    from .settings_options import seed_directory

    parser.add_argument("--api", type=_apis, default=API_NAMES, dest="apis", metavar="torrent|hub|both",
                        help="which APIs to serve (default: both)")
    parser.add_argument("--seed-dir", type=seed_directory, default=None, metavar="DIR",
                        help="seed data directory (default: the shipped seed)")


def add_settings_options(serve: argparse.ArgumentParser) -> None:
    from .settings_options import add_arguments

    add_arguments(serve)


def _add_serve(sub) -> None:
    from .settings_options import data_file, seed_number

    defaults = Settings()
    serve = sub.add_parser("serve", help="serve the mock over HTTP (the default command)", epilog=LAYERS_HELP,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--config", type=Path, default=None, metavar="FILE",
                       help="read serve options, users and client keys from this TOML file (or MOCKSERVER_CONFIG; "
                            "docs/configuration.md)")
    serve.add_argument("--host", type=_host, default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--db", type=data_file, default=None, metavar="FILE",
                       help="keep the data in this JSON file: every acknowledged write is on disk (default: memory)")
    serve.add_argument("--no-admin", action="store_true", help="do not serve the /__mock__/ controls")
    serve.add_argument("--allowed-host", action="append", type=_host_name, default=[], metavar="NAME",
                       dest="allowed_hosts",
                       help="a Host name the /__mock__/ controls answer besides IP addresses, localhost and --host "
                            "(a container or CI service name; repeatable)")
    serve.add_argument("--admin-token", type=_token, default=None, metavar="TOKEN",
                       help="Bearer token the /__mock__/ controls need when --host is not loopback "
                            "(default: one generated at start and printed)")
    serve.add_argument("--seed", type=seed_number, default=0,
                       help="seed for every random choice the mock makes, e.g. fault probabilities (default: 0)")
    serve.add_argument("--latency-ms", type=_milliseconds, default=0,
                       help="added to every vendor API request, on top of fault rules (default: 0)")
    serve.add_argument("--journal-limit", type=_positive, default=DEFAULT_JOURNAL_LIMIT,
                       help=f"keep only the newest N journal entries (default: {DEFAULT_JOURNAL_LIMIT})")
    serve.add_argument("--job-start-delay", type=_seconds, default=defaults.hub_job_start_delay, metavar="S",
                       help="Hub: seconds before a new job's (or settings task's) first task starts "
                            f"(default: {defaults.hub_job_start_delay:g})")
    serve.add_argument("--task-duration", type=_seconds, default=defaults.hub_task_duration, metavar="S",
                       help=f"Hub: seconds each task runs (default: {defaults.hub_task_duration:g})")
    serve.add_argument("--threads", type=_positive, default=defaults.threads,
                       help=f"worker threads answering requests (default: {defaults.threads}); "
                            "open connections are not limited by it")
    serve.add_argument("--request-timeout", type=_timeout, default=defaults.request_timeout, metavar="S",
                       help="seconds a request may take to arrive whole (headers and body) before it is answered "
                            f"408 (default: {defaults.request_timeout:g})")
    serve.add_argument("--keepalive-timeout", type=_timeout, default=defaults.keepalive_timeout, metavar="S",
                       help="seconds an idle kept-alive connection stays open "
                            f"(default: {defaults.keepalive_timeout:g})")
    serve.add_argument("--shutdown-timeout", type=_seconds, default=defaults.shutdown_timeout, metavar="S",
                       help="on SIGINT/SIGTERM, seconds to let requests already received finish "
                            f"(default: {defaults.shutdown_timeout:g})")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a certificate made at start for the bound host, localhost, "
                            "127.0.0.1, ::1, each --allowed-host and (bound to 0.0.0.0) this machine's name and "
                            "addresses; the CA that signs it is written where the banner says, for clients to trust")
    serve.add_argument("--tls-cert", type=Path, default=None, metavar="FILE",
                       help="serve HTTPS with this certificate (PEM, chain after it), with --tls-key")
    serve.add_argument("--tls-key", type=Path, default=None, metavar="FILE", help="the private key of --tls-cert (PEM)")
    serve.add_argument("--tls-ca", type=Path, default=None, metavar="FILE",
                       help="with --tls: write the CA certificate here (default: a new temporary directory)")
    serve.add_argument("--cors", action="append", type=_origin, default=[], metavar="ORIGIN|*",
                       help="let browser pages from ORIGIN (e.g. http://localhost:3000; * for any) call the vendor "
                            "APIs: CORS headers and preflights answered without credentials (repeatable; "
                            "default: off). The /__mock__/ controls never answer other origins")
    serve.add_argument("--torrent-plugin-key", type=_plugin_key, action="append", default=None, metavar="PK:KEY",
                       dest="torrent_plugin_keys",
                       help="Torrent: a plugin result's key (PluginKey PK:KEY, or ?pluginresult=PK&api_key=KEY; "
                            "repeatable; default: the seeded plugin result "
                            f"{':'.join(defaults.torrent_plugin_keys[0])})")
    serve.add_argument("--torrent-version", choices=_torrent_versions(), default=None,
                       help="Torrent: answer as this Torrent Suite version: its Basic realm and the lists' "
                            "default order (default: 5.10, the seed data's era)")
    serve.add_argument("--torrent-localhost-login", action="store_true",
                       help="Torrent: a request from 127.0.0.1 or ::1 without valid Basic credentials acts as "
                            "ionadmin, as Torrent Suite's localhost middleware does (default: off)")
    serve.add_argument("--quiet", action="store_true", help="no access log line per request")
    serve.add_argument("--log-format", choices=FORMATS, default="text",
                       help="log lines as text (coloured only on a terminal) or one JSON object each (default: text)")
    add_settings_options(serve)
    add_api_options(serve)
    serve.set_defaults(run=run_serve)


def _torrent_versions() -> list[str]:
    from .torrent import versions

    return sorted(versions())


def _add_check(sub) -> None:
    check = sub.add_parser("check", help="load contracts and seed data; exit 1 on any mismatch")
    add_api_options(check)
    check.set_defaults(run=run_check)


def _add_routes(sub) -> None:
    routes = sub.add_parser("routes", help="print every served operation")
    add_api_options(routes)
    routes.set_defaults(run=run_routes)


def _add_contract(sub) -> None:
    from .harness.options import add_arguments

    contract = sub.add_parser("contract", help="replay an API's contract against the mock (or --base-url); "
                                               "exit 1 when a check fails")
    add_arguments(contract)
    contract.set_defaults(run=run_contract)


def _add_proxy(sub) -> None:
    from .proxy.main import add_proxy_arguments

    proxy = sub.add_parser("proxy", help="forward to a real server, check every exchange against the contract "
                                         "(and --record it); exit 1 when any broke it")
    add_proxy_arguments(proxy)
    proxy.set_defaults(run=run_proxy)


def _add_seed(sub) -> None:
    from .seedgen.recording import add_arguments

    seed = sub.add_parser("seed", help="turn a proxy recording into a seed directory for --seed-dir")
    add_arguments(seed)
    seed.set_defaults(run=run_seed)


class _Parser(argparse.ArgumentParser):
    """The top-level parser: its help ends with the serve command's options, the command run when none is named."""

    def format_help(self) -> str:
        serve = serve_parser(self)
        return super().format_help() + "\nThe serve command (the default):\n\n" + serve.format_help()


def serve_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction):
            return action.choices["serve"]
    raise LookupError("no serve command")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mockserver", description="Mock Ion Torrent Suite and Ngenea Hub APIs. Without a "
                                                    "command, or with only options, it serves them (below).")
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=argparse.ArgumentParser)
    _add_serve(sub)
    _add_check(sub)
    _add_routes(sub)
    _add_contract(sub)
    _add_proxy(sub)
    _add_seed(sub)
    return parser


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "serve")
    args = parser.parse_args(argv)
    if args.command == "serve":
        layer_serve_options(serve_parser(parser), args, argv[1:], os.environ if environ is None else environ)
    try:
        return args.run(args)
    except MockServerError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return EXIT_USAGE


def run_check(args: argparse.Namespace) -> int:
    from .check import run_check as check

    return check(args.apis, args.seed_dir)


def run_contract(args: argparse.Namespace) -> int:
    from .harness.options import main as contract

    return contract(args)


def run_proxy(args: argparse.Namespace) -> int:
    from .proxy.main import run_proxy as proxy

    return proxy(args)


def run_seed(args: argparse.Namespace) -> int:
    from .seedgen.recording import build_seed

    return build_seed(args.from_recording, args.out, args.base)


def run_routes(args: argparse.Namespace) -> int:
    from .admin import route_table

    try:
        for row in route_table(args.apis):
            print(f"{row['api']:8} {row['method']:7} {row['path']}  {row['operation_id']}")
        sys.stdout.flush()
    except BrokenPipeError:  # `mockserver routes | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def layer_serve_options(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str],
                        environ: Mapping[str, str]) -> None:
    """Fill ``args`` with what the command line left out: the environment's value, else the file's, else the
    default. A bad value exits 2 with a message naming the variable or key and what it takes."""
    from .config_file import read
    from .options import OptionError, from_environment, given_on_command_line, unknown_variables

    for warning in unknown_variables(parser, environ):
        print(f"mockserver: warning: {warning}", file=sys.stderr)
    given = given_on_command_line(parser, argv)
    try:
        from_env = from_environment(parser, environ)
        config = args.config if "config" in given else from_env.get("config")
        from_file, file_settings = read(parser, config) if config else ({}, {})
    except OptionError as exc:
        parser.error(str(exc))
    for dest, value in {**from_file, **from_env}.items():
        if dest not in given:
            setattr(args, dest, value)
    args.file_settings = file_settings


def serve_settings(args: argparse.Namespace) -> Settings:
    from .settings_options import settings

    return Settings(**settings(args),
                    host=args.host, port=args.port, apis=args.apis, db=args.db, admin=not args.no_admin,
                    seed=args.seed, seed_dir=args.seed_dir, latency_ms=args.latency_ms,
                    journal_limit=args.journal_limit, hub_job_start_delay=args.job_start_delay,
                    hub_task_duration=args.task_duration, threads=args.threads,
                    request_timeout=args.request_timeout, keepalive_timeout=args.keepalive_timeout,
                    shutdown_timeout=args.shutdown_timeout, allowed_hosts=tuple(args.allowed_hosts),
                    admin_token=args.admin_token, tls=args.tls, tls_cert=args.tls_cert, tls_key=args.tls_key,
                    tls_ca=args.tls_ca, cors=tuple(args.cors), torrent_version=args.torrent_version,
                    torrent_localhost_login=args.torrent_localhost_login,
                    **_with_plugin_keys(args, getattr(args, "file_settings", {})))


def _with_plugin_keys(args: argparse.Namespace, file_settings: dict) -> dict:
    """The config file's settings, with --torrent-plugin-key's pairs (when given) in place of the file's."""
    if getattr(args, "torrent_plugin_keys", None) is None:
        return file_settings
    seen: dict[str, str] = {}
    for pk, key in args.torrent_plugin_keys:
        if pk in seen and seen[pk] != key:
            raise MockServerError(f"--torrent-plugin-key gives plugin result {pk} two keys ({seen[pk]} and {key}); "
                                  "a plugin result has one key")
        seen[pk] = key
    return {**file_settings, "torrent_plugin_keys": tuple(seen.items())}


def _freeze_survivors(phase: str, info: dict) -> None:
    """After each full collection, what survived it leaves the collector's sight too, so the next one walks only
    what came since: the stored rows and the journal grow with every write, and walking them all paused requests
    for 40 ms at a few thousand creates (the p99 of creates). The mock's data holds no reference cycles, so
    what it drops later is still freed (by reference counting)."""
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def run_serve(args: argparse.Namespace) -> int:
    from .logs import configure
    from .server import MockServer

    configure(args.log_format)
    server = MockServer(serve_settings(args), access_log=not args.quiet).start()
    # What the start made (contracts, seeds, Flask) lives as long as the process: out of the collector's sight,
    # a full collection walks only what requests made. Walking it all paused requests for 30 ms and more (the p99).
    gc.collect()
    gc.freeze()
    gc.callbacks.append(_freeze_survivors)
    # Before the banner: a client (or supervisor) may act on it at once, and a SIGTERM before this line would kill
    # the process without the drain.
    signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly on `kill` as on Ctrl-C
    try:
        _show(banner(server))
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM does not cut the drain short
        try:
            if server.busy():
                logging.getLogger("mockserver").info(
                    "stopping: answering the requests already received (up to %g s; Ctrl-C again stops at once)",
                    server.settings.shutdown_timeout)
            server.stop()  # answers the requests already received first (--shutdown-timeout)
        except KeyboardInterrupt:  # a second Ctrl-C: no more waiting
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # nor a third one cutting this short
            server.stop(timeout=0)  # what the interrupted stop had left (connections, the data file's lock)
            logging.getLogger("mockserver").warning("stopped at once: requests still being answered were cut off")
            return 130
    return 0


def _show(text: str) -> None:
    """The banner on stdout; a reader that went (``| head -1``) does not stop the mock."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more is written to the pipe


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def banner(server) -> str:
    from .clock import isoformat_z
    from .hostnames import every_interface, machine_names

    s = server.settings
    lines = [f"mockserver listening on {server.url}"]
    if every_interface(s.host):
        scheme = server.url.split(":", 1)[0]
        elsewhere = ", ".join(f"{scheme}://[{name}]:{server.port}" if ":" in name else f"{scheme}://{name}:{server.port}"
                              for name in machine_names())
        lines[0] += (f"   (bound to every interface, {s.host}: from other machines "
                     f"{elsewhere or f'this one by its name or address, port {server.port}'})")
    if "torrent" in s.apis:
        lines.append(f"  Torrent Suite API  {server.url}/rundb/api/v1/   (HTTP Basic, or ApiKey <user>:<key>)")
        for user in s.torrent_users:
            lines.append(f"    user {user.username} / password {user.password} / api key {user.api_key}")
        for pk, key in s.torrent_plugin_keys:
            lines.append(f"    plugin result {pk} / key {key}   (PluginKey {pk}:{key}, or "
                         f"?pluginresult={pk}&api_key={key})")
        if s.torrent_version:
            lines.append(f"    answers as Torrent Suite {s.torrent_version}")
        if s.torrent_localhost_login:
            lines.append("    localhost login: a request from this machine without credentials is ionadmin")
    if "hub" in s.apis:
        lines.append(f"  Ngenea Hub API     {server.url}/api/   (POST /api/auth/token/ for a JWT)")
        for user in s.hub_users:
            lines.append(f"    user {user.username} / password {user.password}")
        for key in s.hub_client_keys:
            lines.append(f"    client key {key.name} of {key.user}: Authorization: Api-Key {key.api_key}")
    if not s.admin:
        lines.append("  admin              off")
    elif needs_token(s.host):
        lines.append(f"  admin              {server.url}/__mock__/   (Authorization: Bearer {s.admin_token})")
        lines.append(f"  WARNING            listening on {s.host}: anyone who can reach it can use the vendor APIs; "
                     "the admin API needs the token above")
    else:
        lines.append(f"  admin              {server.url}/__mock__/")
    tls = getattr(server, "tls", None)
    if tls is not None and tls.made:
        lines.append(f"  HTTPS              certificate made at start for {', '.join(tls.names)}; trust its CA: "
                     f"{tls.ca_file}")
        lines.append(f"                     (curl --cacert {tls.ca_file}, requests verify=, REQUESTS_CA_BUNDLE)")
    elif tls is not None:
        lines.append(f"  HTTPS              certificate {s.tls_cert}")
    if s.cors:
        lines.append(f"  CORS               vendor APIs answer browser pages from {', '.join(s.cors)}")
    lines.append(f"  data               {s.db if s.db else 'in memory'}")
    lines.append(f"  serving            {s.threads} worker threads, request timeout {s.request_timeout:g} s, "
                 f"idle connections closed after {s.keepalive_timeout:g} s")
    if s.clock_start or s.clock_frozen:
        start = isoformat_z(s.clock_start) if s.clock_start else "the real time"
        lines.append(f"  clock              starts at {start}" + (", frozen" if s.clock_frozen else "")
                     + " (and a reset returns it there)")
    latency = s.latency_ms
    lines.append(f"  seed               {s.seed}" + (f"   latency {latency:g} ms per request" if latency else ""))
    return "\n".join(lines)
