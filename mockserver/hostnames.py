"""The names and addresses other machines reach this one by, for a mock bound to every interface (0.0.0.0, ::):
the admin API accepts them as a ``Host``, the ``--tls`` certificate carries them, the banner shows them.

Read from the machine itself without asking a DNS server: its host name, the addresses that name resolves to
(``/etc/hosts`` first), and the address of its default route (a UDP socket "connected" to a documentation
address: no packet is sent).
"""
from __future__ import annotations

import ipaddress
import socket
from functools import cache

_NOWHERE = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737): routed like the rest of the world, never reached


def every_interface(host: str) -> bool:
    """Whether ``host`` binds every interface (0.0.0.0, ::): an address to listen on, not one to connect to."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


@cache
def host_name() -> str:
    return socket.gethostname().lower().rstrip(".")


@cache
def machine_names() -> tuple[str, ...]:
    """This machine's host name, then its addresses other than loopback (as text, IPv4 first)."""
    addresses: list[str] = []
    try:
        for info in socket.getaddrinfo(host_name(), None, type=socket.SOCK_STREAM):
            addresses.append(str(info[4][0]))
    except OSError:
        pass  # a name that does not resolve: its addresses are not known
    addresses.append(_default_route_address() or "")
    reachable: set[str] = set()
    for address in addresses:
        try:
            parsed = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            continue
        if not (parsed.is_loopback or parsed.is_unspecified or parsed.is_link_local):
            reachable.add(str(parsed))
    return (*([host_name()] if host_name() else []), *sorted(reachable, key=lambda a: (":" in a, a)))


def _default_route_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_NOWHERE)
            return str(probe.getsockname()[0])
    except OSError:
        return None  # no route out: nothing but loopback
