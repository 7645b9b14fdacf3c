"""Settings: everything a running mock is configured with, in one dataclass.
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .journal import DEFAULT_LIMIT as DEFAULT_JOURNAL_LIMIT

API_NAMES = ("torrent", "hub")
DEFAULT_THREADS = 8


@dataclass(frozen=True)
class TorrentUser:
    username: str
    password: str
    api_key: str
    superuser: bool
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class HubUser:
    """A Hub user's password; a user the seed lacks is added with these fields (None: as POST /api/users/ would
    set it), and a seeded one gets those given."""
    username: str
    password: str
    is_staff: bool | None = None
    is_superuser: bool | None = None
    groups: tuple[str, ...] | None = None  # group names of the seed (or created before the user)
    email: str | None = None


@dataclass(frozen=True)
class HubClientKey:
    """A Hub client key there from the start: ``<prefix 8>.<secret 32>``, owned by ``user`` (a username)."""
    name: str
    api_key: str
    user: str


DEFAULT_TORRENT_USERS = (
    TorrentUser("ionadmin", "ionadmin", "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", superuser=True),
    TorrentUser("ionuser", "ionuser", "76543210f9e8d7c6b5a4938271605f4e3d2c1b0a", superuser=False,
                groups=("ionusers",)),
)
DEFAULT_HUB_USERS = (HubUser("admin", "admin"), HubUser("alice", "alice"))
# Torrent Suite gives every plugin run a key; the seed's running plugin job (PluginResultJob 24, grid engine job
# 97714) has this one, so that a plugin's own status client (ion-plugin-status) works out of the box.
DEFAULT_TORRENT_PLUGIN_KEYS = (("24", "5eed0f1e2d3c4b5a69788796a5b4c3d2e1f00124"),)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    apis: tuple[str, ...] = API_NAMES
    db: Path | None = None  # a JSON file for persistence; None keeps everything in memory
    seed_dir: Path | None = None  # None: the seed data shipped with the package
    admin: bool = True  # serve /__mock__/
    seed: int = 0  # seeds every random choice the mock makes (fault probabilities, generated data)
    torrent_realm: str | None = None  # Basic's realm; None: the Torrent version's (D1)
    torrent_version: str | None = None  # the Torrent Suite version answered as (--torrent-version); None: 5.10
    torrent_localhost_login: bool = False  # a loopback request without credentials is ionadmin (T10)
    torrent_users: tuple[TorrentUser, ...] = DEFAULT_TORRENT_USERS
    hub_users: tuple[HubUser, ...] = DEFAULT_HUB_USERS
    max_body_bytes: int = 1048576
    access_token_seconds: int = 3600  # Hub JWT lifetimes (--hub-access-token-seconds, --hub-refresh-token-seconds)
    refresh_token_seconds: int = 86400
    hub_client_keys: tuple[HubClientKey, ...] = ()  # client keys there from the start (and after every reset)
    clock_start: datetime | None = None  # the mock's clock starts (and resets) here, running on (--clock-start)
    clock_frozen: bool = False  # the clock starts (and resets) frozen, at clock_start or the real time
    latency_ms: float = 0  # added to every vendor API request, on top of fault rules (--latency-ms)
    journal_limit: int = DEFAULT_JOURNAL_LIMIT  # the journal keeps only the newest N entries (--journal-limit)
    # Torrent PluginKey credentials (T9) as (pluginresult pk, key) pairs; a {pk: key} dict becomes its pairs
    torrent_plugin_keys: tuple[tuple[str, str], ...] = DEFAULT_TORRENT_PLUGIN_KEYS
    hub_jwt_private_key: str | None = None  # PEM of the Hub's RS256 signing key; None: one generated per process
    hub_job_start_delay: float = 1.0  # seconds from a Hub job's (or settings task's) creation to its start (H77)
    hub_task_duration: float = 1.0  # seconds each Hub task runs (H77)
    threads: int = DEFAULT_THREADS  # worker threads answering requests (--threads); connections are not capped by it
    request_timeout: float = 30.0  # seconds for a request to arrive whole from its first byte, else 408
    keepalive_timeout: float = 30.0  # seconds an idle kept-alive connection stays open
    shutdown_timeout: float = 10.0  # seconds a stopping server waits for the requests it has received
    allowed_hosts: tuple[str, ...] = ()  # more Host names the admin API answers (--allowed-host)
    admin_token: str | None = None  # Bearer token of the admin API; needed (generated if None) beyond loopback
    tls: bool = False  # serve HTTPS with a certificate made at start (--tls)
    tls_cert: Path | None = None  # serve HTTPS with this certificate (PEM; --tls-cert) and tls_key
    tls_key: Path | None = None  # the private key of tls_cert (PEM; --tls-key)
    tls_ca: Path | None = None  # --tls: where the CA certificate is written (default: a temp file); with
    # tls_cert: the CA that signed it, handed to the pytest fixture's clients (default: the system's)
    cors: tuple[str, ...] = ()  # origins browser clients of the vendor APIs may call from; "*" for any (--cors)

    def __post_init__(self) -> None:
        if isinstance(self.torrent_plugin_keys, Mapping):  # frozen and hashable: keep the pairs, not the dict
            object.__setattr__(self, "torrent_plugin_keys", tuple(self.torrent_plugin_keys.items()))

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)
