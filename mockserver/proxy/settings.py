"""ProxySettings: everything ``mockserver proxy`` is configured with."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..journal import DEFAULT_LIMIT

DEFAULT_TIMEOUT = 30.0  # seconds to wait for the upstream (--upstream-timeout)


@dataclass(frozen=True)
class ProxySettings:
    api: str  # "torrent" | "hub"
    upstream: str  # the upstream's host root or API root
    host: str = "127.0.0.1"
    port: int = 8000
    record_dir: Path | None = None
    report_dir: Path | None = None
    upstream_ca: Path | None = None  # PEM file of the CA to trust for an https upstream; None: the system store
    upstream_timeout: float = DEFAULT_TIMEOUT
    admin: bool = True
    seed: int = 0  # seeds fault probabilities
    latency_ms: float = 0
    journal_limit: int = DEFAULT_LIMIT
    fail_on_upstream_errors: bool = False  # a request the upstream did not answer (502/504) fails the run

    def mock_settings(self) -> Settings:
        """The settings the admin plane reads (served API, journal size, fault seed and latency)."""
        return Settings(host=self.host, port=self.port, apis=(self.api,), admin=self.admin, seed=self.seed,
                        latency_ms=self.latency_ms, journal_limit=self.journal_limit)
