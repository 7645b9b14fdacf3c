"""Serve options for what was once set only from Python (``mockserver.config.Settings``): the Hub's token
lifetimes and JWT signing key, the request body limit, and the clock at start; and the types that check the
paths of ``--seed-dir`` and ``--db`` before anything starts.

:func:`add_arguments` declares them on the serve parser, so that (as every serve option) each is also a
``MOCKSERVER_*`` variable and a key of the ``--config`` file; :func:`settings` turns the parsed values into
``Settings`` fields. Each ``type`` checks its value and says what it takes, wherever the value came from.
"""
from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .clock import EARLIEST, LATEST, isoformat_z
from .config import Settings
from .options import takes_path

MAX_LIFETIME = 10 * 365 * 86_400  # ten years: far beyond any client's test, and every expiry stays a valid date
MAX_BODY = 1_073_741_824  # waitress' own limit: a larger body is refused before the mock sees it


def _whole(value: str, low: int, high: int, unit: str) -> int:
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(f"takes whole {unit} from {low} to {high}, not {value!r}")
    return int(text)


def seed_number(value: str) -> int:
    """``--seed``: any whole number (Python's random takes negative ones too)."""
    try:
        return int(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes a whole number (the same one makes the same random choices), "
                                         f"not {value!r}") from None


def _lifetime(value: str) -> int:
    return _whole(value, 1, MAX_LIFETIME, "seconds")


def _body_bytes(value: str) -> int:
    return _whole(value, 1, MAX_BODY, "bytes")


@takes_path
def _jwt_key(value: str) -> str:
    """The PEM text of an unencrypted RSA private key file (RS256 signs with it; the public key is served)."""
    fix = ("give a file holding an unencrypted RSA private key in PEM, e.g. made with "
           "`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out hub-jwt.pem`")
    try:
        text = Path(value).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a text file"
        raise argparse.ArgumentTypeError(f"cannot read {value!r} ({reason}); {fix}") from None
    try:
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except (ValueError, TypeError) as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not an unencrypted PEM private key ({exc}); {fix}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise argparse.ArgumentTypeError(f"{value!r} holds a {type(key).__name__}, and RS256 needs an RSA key; {fix}")
    return text


@takes_path
def seed_directory(value: str) -> Path:
    """``--seed-dir``: an existing directory (its ``torrent/`` and ``hub/`` are checked when the mock loads them)."""
    path = Path(value)
    if not path.is_dir():
        what = "is a file" if path.exists() else "does not exist"
        raise argparse.ArgumentTypeError(f"{value!r} {what}; give a seed directory (one with torrent/ and hub/ "
                                         "subdirectories, as `mockserver seed` writes), or leave it out for the "
                                         "shipped seed")
    return path


@takes_path
def data_file(value: str) -> Path:
    """``--db``: a file in an existing directory (the file itself is made at the first write)."""
    path = Path(value)
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r}: the directory {str(path.parent)!r} does not exist; create it, "
                                         "or give a file in a directory that exists")
    return path


def _instant(value: str) -> datetime:
    """An ISO 8601 date and time (UTC when it names no zone), within the clock's bounds (A6)."""
    bounds = f"from {isoformat_z(EARLIEST)} to before {isoformat_z(LATEST)}"
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes an ISO 8601 date and time such as 2025-01-01T09:00:00Z, "
                                         f"{bounds}, not {value!r}") from None
    instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    if not EARLIEST <= instant < LATEST:
        raise argparse.ArgumentTypeError(f"takes a date and time {bounds}, not {value!r}")
    return instant.astimezone(UTC)


def add_arguments(serve: argparse.ArgumentParser) -> None:
    defaults = Settings()
    serve.add_argument("--hub-access-token-seconds", type=_lifetime, default=defaults.access_token_seconds,
                       metavar="S", help="Hub: lifetime of an access token from POST /api/auth/token/ "
                                         f"(default: {defaults.access_token_seconds})")
    serve.add_argument("--hub-refresh-token-seconds", type=_lifetime, default=defaults.refresh_token_seconds,
                       metavar="S",
                       help=f"Hub: lifetime of a refresh token (default: {defaults.refresh_token_seconds})")
    serve.add_argument("--hub-jwt-key", type=_jwt_key, default=None, metavar="FILE",
                       help="Hub: sign JWTs with this RSA private key (PEM), for clients that check the "
                            "signature with a public key they were given (default: a key made at start)")
    serve.add_argument("--max-body-bytes", type=_body_bytes, default=defaults.max_body_bytes, metavar="N",
                       help=f"larger request bodies are answered 413 (default: {defaults.max_body_bytes})")
    serve.add_argument("--clock-start", type=_instant, default=None, metavar="DATETIME",
                       help="the mock's clock starts at this ISO 8601 instant and runs on, and a reset returns "
                            "it there (default: the real time)")
    serve.add_argument("--clock-frozen", action="store_true",
                       help="the clock starts (and resets) frozen, at --clock-start or the real time; "
                            "POST /__mock__/clock moves it")


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Settings`` fields of these options."""
    return {"access_token_seconds": args.hub_access_token_seconds,
            "refresh_token_seconds": args.hub_refresh_token_seconds,
            "hub_jwt_private_key": args.hub_jwt_key, "max_body_bytes": args.max_body_bytes,
            "clock_start": args.clock_start, "clock_frozen": args.clock_frozen}
