"""Proxy mode: forward a client's traffic to a real server, check every exchange against the contract, and
record it (``mockserver proxy``; ``mockserver seed --from-recording`` turns a recording into seed data).

Modules, each with one job:

- ``upstream``     forwarding a request to the upstream server (urllib3), and its failures
- ``rebase``       links that point at the upstream, pointed at the proxy
- ``operations``   which operation of the contract a request is
- ``exchange``     one request and the upstream's answer; a violation
- ``conformance``  the exchange against its operation's parameters, body, status, content type, headers, schema
- ``rules``        the harness' rules that need no further request, run on one exchange
- ``memory``       the write rules judged from traffic: read-only fields and defaults
- ``checker``      all of the above for one exchange, and the tally of what was found
- ``recording``    ``--record``: exchanges as JSON lines, secrets masked
- ``seed``         a recording → a seed directory that ``--seed-dir`` loads
- ``reports``      JUnit and Markdown when the proxy stops
- ``settings``, ``app``, ``server``, ``main``  the configuration, the WSGI app, the server thread, the commands
"""
from __future__ import annotations

__all__ = ["ProxyServer", "ProxySettings"]


def __getattr__(name: str):
    if name == "ProxyServer":
        from .server import ProxyServer

        return ProxyServer
    if name == "ProxySettings":
        from .settings import ProxySettings

        return ProxySettings
    raise AttributeError(name)
