"""A second mock as the upstream of a proxy, both over real HTTP; the harness' broken variants wrap the upstream."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests

from mockserver.config import Settings
from mockserver.proxy.server import ProxyServer
from mockserver.proxy.settings import ProxySettings
from mockserver.server import MockServer

TORRENT = "/rundb/api/v1"
HUB = "/api"
PLUGIN_KEY = ("7", "plugin-key-of-result-7")
ADMIN_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"  # ionadmin's api key (config.DEFAULT_TORRENT_USERS)


@dataclass
class Pair:
    upstream: MockServer
    proxy: ProxyServer
    printed: list[str] = field(default_factory=list)

    @property
    def violations(self):
        return self.proxy.state.tally.violations()

    def checks(self) -> set[str]:
        return {v.check for v in self.violations}


@contextmanager
def proxied(api: str, *middlewares, settings: Settings | None = None, **proxy_settings) -> Iterator[Pair]:
    """An upstream mock (wrapped by ``middlewares``) and a proxy in front of it, both on free ports."""
    upstream = MockServer(settings or Settings(port=0, apis=(api,), torrent_plugin_keys=dict([PLUGIN_KEY])))
    for middleware in middlewares:
        upstream.app.wsgi_app = middleware(upstream.app.wsgi_app)
    with upstream:
        printed: list[str] = []
        proxy = ProxyServer(ProxySettings(api, proxy_settings.pop("upstream", upstream.url), port=0,
                                          **proxy_settings), printer=printed.append)
        with proxy:
            yield Pair(upstream, proxy, printed)


def basic(user: str = "ionadmin", password: str = "ionadmin") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def hub_token(base_url: str, user: str = "admin") -> str:
    reply = requests.post(base_url + HUB + "/auth/token/", json={"username": user, "password": user}, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()["access"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
