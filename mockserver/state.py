"""MockState: everything one running mock holds — settings, store, clock and the API bindings.

Snapshots are read and changed under their own lock, and a reset looks its snapshot up under it, so a reset
racing a snapshot's removal answers 204 or 404, never a KeyError.
Rules: docs/behaviour/admin.md.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .clock import Clock
from .config import Settings
from .coverage import Coverage
from .faults import Faults
from .journal import Journal
from .seeds import read_seed
from .store import Store

if TYPE_CHECKING:
    from .dialects import ApiBinding


class UnknownSnapshot(LookupError):
    def __init__(self, name: str, known: list[str]):
        super().__init__(name)
        self.name = name
        self.known = known


class MockState:
    def __init__(self, settings: Settings, bindings: Callable[[MockState], dict[str, ApiBinding]]):
        """``bindings`` builds the served APIs' bindings; the serving layer passes
        :func:`mockserver.products.bindings`."""
        self.settings = settings
        self.clock = Clock()
        self._start_clock()
        self.store = Store(settings.db)
        self.snapshots: dict[str, dict] = {}  # name → tables; only under _snapshots_lock
        self._snapshots_lock = threading.Lock()
        self.journal = Journal(settings.journal_limit)
        self.faults = Faults(settings.seed, latency_ms=settings.latency_ms)
        self.server_errors: list[str] = []  # tracebacks of unexpected failures, for the pytest plugin
        self._errors_lock = threading.Lock()
        self.bindings: dict[str, ApiBinding] = bindings(self)
        self.coverage = Coverage(self.bindings)  # per served API; not reset: it adds up over a test session
        self.seed_tables = self._read_seed()
        # A persistent file that already holds data wins over the seed (reset still returns to the seed).
        self.store.load_seed(self.seed_tables, reset=not self.store.has_data())

    def may_wait(self, method: str, path: str) -> bool:
        """Whether answering this request could wait (a fault rule's delay, --latency-ms) or be a fault at all:
        only vendor API requests can be, and only those a rule may act on. The server answers the others in its
        event loop even while fault rules stand. A path that is not plain ASCII counts as one that may wait (the
        server's reading of its bytes and the app's could differ)."""
        if not path.isascii():
            return True
        vendor = any(path == b.prefix or path.startswith(b.prefix + "/") for b in self.bindings.values())
        return vendor and self.faults.may_act(method, path)

    def _read_seed(self) -> dict[str, list[dict]]:
        tables: dict[str, list[dict]] = {}
        for api, binding in self.bindings.items():
            tables.update(binding.seed_tables(read_seed(api, self.settings.seed_dir)))
        return tables

    def reset(self, snapshot: str | None = None) -> None:
        """Back to the seed (or a saved snapshot): store, clock, journal, fault rules, per-API state (A2).
        UnknownSnapshot when there is no such snapshot (nothing changes then)."""
        with self.store.atomic():  # one durable write, and no request sees half of it
            data = None
            if snapshot is not None:
                with self._snapshots_lock:
                    data = self.snapshots.get(snapshot)
                    if data is None:
                        raise UnknownSnapshot(snapshot, sorted(self.snapshots))
            self.store.reset(data)  # copies: the snapshot stays as it was saved
            self.clock.reset()
            self._start_clock()
            self.journal.clear()  # a new epoch: requests begun before the reset are not journaled
            self.faults.clear()  # a new epoch: their fault decisions are dropped
            for binding in self.bindings.values():
                binding.reset()

    def _start_clock(self) -> None:
        """The clock as configured (--clock-start, --clock-frozen): at start and after every reset."""
        start, frozen = self.settings.clock_start, self.settings.clock_frozen
        if start is not None:
            self.clock.set(start)  # set() freezes: the clock runs on from there unless it is to stay frozen
            if not frozen:
                self.clock.unfreeze()
        elif frozen:
            self.clock.freeze()

    def save_snapshot(self, name: str) -> bool:
        """Save the store under ``name``; → whether a snapshot of that name was replaced."""
        tables = self.store.dump()
        with self._snapshots_lock:
            existed = name in self.snapshots
            self.snapshots[name] = tables
            return existed

    def drop_snapshot(self, name: str) -> bool:
        with self._snapshots_lock:
            return self.snapshots.pop(name, None) is not None

    def drop_snapshots(self) -> None:
        with self._snapshots_lock:
            self.snapshots.clear()

    def snapshot_names(self) -> list[str]:
        with self._snapshots_lock:
            return sorted(self.snapshots)

    def record_server_error(self, text: str) -> None:
        with self._errors_lock:
            self.server_errors.append(text)
