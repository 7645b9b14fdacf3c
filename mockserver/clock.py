"""The mock's controllable clock: every timestamp, expiry and simulated progress reads :meth:`Clock.now`.

Real time by default. ``freeze()`` stops it, ``advance(s)`` moves it forward (frozen or not), ``set(t)`` jumps
to an instant and freezes, ``unfreeze()`` runs on from the current value, ``reset()`` returns to real time.

``pinned()`` reads the clock once for a request: inside it, on that thread (a context variable), ``now()``
answers that one reading, so the clock cannot move between two readings of one request (a token's ``iat`` and
a row's timestamp, a job's phase and its journal entry), whatever the admin API or real time do meanwhile.
"""
from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

# Far enough from datetime's limits that every "now + lifetime" the APIs compute (token expiry, job times) fits.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

_PINNED: ContextVar[tuple[Clock, datetime] | None] = ContextVar("mockserver_pinned_now", default=None)


def _real_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    def __init__(self, source: Callable[[], datetime] = _real_now):
        self._source = source
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        pinned = _PINNED.get()
        if pinned is not None and pinned[0] is self:
            return pinned[1]
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._source() + self._offset

    @contextmanager
    def pinned(self) -> Iterator[datetime]:
        """Read the clock once; until the block ends, ``now()`` on this thread answers that reading."""
        instant = self.now()
        token = _PINNED.set((self, instant))
        try:
            yield instant
        finally:
            _PINNED.reset(token)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self) -> datetime:
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._source() + self._offset
            return self._frozen_at

    def unfreeze(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - self._source()
                self._frozen_at = None
            return self._source() + self._offset

    def advance(self, seconds: float) -> datetime:
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("the clock only moves forward, by a finite number of seconds")
        with self._lock:
            now = self._frozen_at if self._frozen_at is not None else self._source() + self._offset
            if seconds > (LATEST - now).total_seconds():
                raise ValueError(f"the clock stays before {isoformat_z(LATEST)}: advance by at most "
                                 f"{int((LATEST - now).total_seconds())} seconds")
            delta = timedelta(seconds=seconds)
            if self._frozen_at is not None:
                self._frozen_at += delta
                return self._frozen_at
            self._offset += delta
            return self._source() + self._offset

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        if not EARLIEST <= instant < LATEST:
            raise ValueError(f"the clock stays between {isoformat_z(EARLIEST)} and {isoformat_z(LATEST)}")
        with self._lock:
            self._frozen_at = instant.astimezone(UTC)
            return self._frozen_at

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
            self._frozen_at = None


def isoformat_z(instant: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, microseconds only when non-zero."""
    text = instant.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"
