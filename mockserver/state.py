"""MockState: everything one running mock holds — settings, store, clock and the API bindings."""
from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .clock import Clock
from .config import Settings
from .faults import Faults
from .journal import Journal
from .seeds import read_seed
from .store import Store

if TYPE_CHECKING:
    from .dialects import ApiBinding


class MockState:
    def __init__(self, settings: Settings, bindings: Callable[[MockState], dict[str, ApiBinding]]):
        """``bindings`` builds the served APIs' bindings; the serving layer passes
        :func:`mockserver.products.bindings`."""
        self.settings = settings
        self.clock = Clock()
        self.store = Store(settings.db)
        self.random = random.Random(settings.seed)
        self.snapshots: dict[str, dict] = {}
        self.journal = Journal(settings.journal_limit)
        self.faults = Faults(settings.seed, latency_ms=settings.latency_ms)
        self.server_errors: list[str] = []  # tracebacks of unexpected failures, for the pytest plugin
        self._errors_lock = threading.Lock()
        self.bindings: dict[str, ApiBinding] = bindings(self)
        self.seed_tables = self._read_seed()
        # A persistent file that already holds data wins over the seed (reset still returns to the seed).
        self.store.load_seed(self.seed_tables, reset=not self.store.has_data())

    def _read_seed(self) -> dict[str, list[dict]]:
        tables: dict[str, list[dict]] = {}
        for api, binding in self.bindings.items():
            tables.update(binding.seed_tables(read_seed(api, self.settings.seed_dir)))
        return tables

    def reset(self, snapshot: str | None = None) -> None:
        """Back to the seed (or a saved snapshot): store, clock, journal, fault rules, per-API state (A2)."""
        with self.store.atomic():  # one durable write, and no request sees half of it
            self.store.reset(self.snapshots[snapshot] if snapshot else None)
            self.clock.reset()
            self.journal.clear()
            self.faults.clear()
            for binding in self.bindings.values():
                binding.reset()

    def save_snapshot(self, name: str) -> None:
        self.snapshots[name] = self.store.dump()

    def record_server_error(self, text: str) -> None:
        with self._errors_lock:
            self.server_errors.append(text)
