"""Who may drive ``/__mock__/``: not a web page the user happens to visit, not a stranger on the network.

- ``Host`` must name an address the mock serves: an IP address (a DNS-rebinding page always arrives under its
  own host name), ``localhost``, this machine's host name, the bound host, or a name given with
  ``--allowed-host`` (containers, CI service names); otherwise 403.
- ``Origin``, when a browser sends one, must be the mock's own; otherwise 403 (a cross-site page needs no CORS
  preflight to send a form or ``text/plain`` POST).
- A write carries no body or a ``Content-Type: application/json`` one; anything else is 415.
- Bound to an address other than loopback, every admin request needs ``Authorization: Bearer <token>``
  (``--admin-token``, or one generated at start and printed in the banner); otherwise 401.

The vendor APIs answer any ``Host`` and ``Origin``, as the real servers do.
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from .hostnames import host_name

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def needs_token(host: str) -> bool:
    """Bound beyond loopback, the admin plane takes a token."""
    return not is_loopback(host)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _hostname(host_header: str) -> str:
    """``example:8000`` → ``example``; ``[::1]:8000`` → ``::1``."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _served(name: str, bound: str, allowed: tuple[str, ...]) -> bool:
    name = name.lower().rstrip(".")
    if name in ("localhost", bound.lower(), host_name()) or name in (a.lower() for a in allowed):
        return True
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def _is_json(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def host_refusal(host_header: str, settings) -> Refusal | None:
    """A ``Host`` the mock does not serve (a DNS rebinding page, say) is refused: for the admin API and for the
    pages that drive it alike."""
    if host_header:
        name = _hostname(host_header)
        if not _served(name, settings.host, settings.allowed_hosts):
            return Refusal(403, f"Host {host_header!r} is not an address this mock serves; to allow it, start the "
                                f"mock with --allowed-host {name} (Settings.allowed_hosts)")
    return None


def refusal(method: str, scheme: str, host_header: str, headers, body_length: int, settings) -> Refusal | None:
    """Why this admin request is refused, or None. ``headers`` is a case-insensitive mapping."""
    refused = host_refusal(host_header, settings)
    if refused is not None:
        return refused
    origin = headers.get("Origin")
    if origin is not None and origin.lower() != f"{scheme}://{host_header}".lower():
        return Refusal(403, f"requests from {origin!r} may not drive the mock; the admin API takes requests from "
                            "its own origin or from clients that send no Origin")
    if needs_token(settings.host):
        expected = f"Bearer {settings.admin_token}" if settings.admin_token else None
        given = headers.get("Authorization", "")
        if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
            return Refusal(401, "the mock listens beyond loopback, so its admin API needs 'Authorization: Bearer "
                                "<token>' with the token the banner printed (--admin-token to choose it)",
                           (("WWW-Authenticate", 'Bearer realm="mockserver admin"'),))
    if method not in SAFE_METHODS:
        content_type = headers.get("Content-Type")
        if (content_type is not None or body_length) and not _is_json(content_type or ""):
            return Refusal(415, f"an admin write carries no body or a JSON one (Content-Type: application/json), "
                                f"not {content_type or 'a body without a Content-Type'!r}")
    return None
