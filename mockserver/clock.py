"""The mock's controllable clock: every timestamp, expiry and simulated progress reads :meth:`Clock.now`.

Real time by default. ``freeze()`` stops it, ``advance(s)`` moves it forward (frozen or not), ``set(t)`` jumps
to an instant and freezes, ``unfreeze()`` runs on from the current value, ``reset()`` returns to real time.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

UTC = UTC


def _real_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    def __init__(self, source: Callable[[], datetime] = _real_now):
        self._source = source
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._source() + self._offset

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
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            delta = timedelta(seconds=seconds)
            if self._frozen_at is not None:
                self._frozen_at += delta
                return self._frozen_at
            self._offset += delta
            return self._source() + self._offset

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
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
