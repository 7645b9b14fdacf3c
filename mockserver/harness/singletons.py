"""A remote server's singletons (Hub's global configuration and settings) come out of a run as they went in.

The mock in process is reset before every case; a remote server is not, so a fuzzed ``PATCH /api/configurations/``
would stay (a negative ``search_result_ttl`` expires every later search at once) and spoil the run's later cases,
and a customer's staging server. :class:`Protector` reads each singleton the run may write before the run, notes
every 2xx write to it (a schemathesis case, a link-walk step or a check's follow-up request), restores the saved
values before the next case and once more at the end of the run, and keeps every restore that failed for the run
output and the reports. Which endpoints are singletons, and their shape, is the dialect's (``Dialect.singletons``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

READ_METHODS = ("GET", "HEAD", "OPTIONS")
OBJECT, KEYED = "object", "keyed"  # one JSON object of fields; a list of {"key", "value"} rows (PATCH {"values"})


def state_of(shape: str, body: Any) -> dict | None:
    """What is compared and restored: the object's fields, or key → value."""
    if shape == OBJECT:
        return dict(body) if isinstance(body, dict) else None
    if isinstance(body, dict):
        body = body.get("results")
    if not isinstance(body, list) or not all(isinstance(row, dict) and "key" in row for row in body):
        return None
    return {row["key"]: row.get("value") for row in body}


def restore_body(shape: str, saved: dict, current: dict) -> dict:
    """A PATCH that takes ``current`` back to ``saved``: the fields that differ; for keyed settings also a null
    value for each key the run added (a null removes a key)."""
    if shape == OBJECT:
        return {name: value for name, value in saved.items() if current.get(name, object()) != value}
    values = [{"key": key, "value": value} for key, value in saved.items() if current.get(key, object()) != value]
    values += [{"key": key, "value": None} for key in current if key not in saved]
    return {"values": values}


@dataclass
class Protected:
    path: str  # on the server, with the API's base path
    shape: str
    saved: dict | None = None
    dirty: bool = False
    restores: int = 0


@dataclass
class Protector:
    target: Any  # a Target
    singletons: list[Protected]
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, what went wrong)
    notes: list[str] = field(default_factory=list)  # singletons that could not be saved (nothing written yet)
    announce: Callable[[str], None] | None = None  # the run's output

    def save(self) -> None:
        for item in self.singletons:
            reply = self.target.send("GET", item.path)
            item.saved = state_of(item.shape, reply.json(None)) if reply.status == 200 else None
            if item.saved is None:
                self._note(f"could not read {item.path} before the run (GET answered {reply.status}); a write to "
                           f"it cannot be undone")

    def note(self, method: str, url: str, status: int) -> None:
        """A request the run sent: a 2xx write to a protected singleton makes it dirty."""
        if method.upper() in READ_METHODS or not 200 <= status < 300:
            return
        path = urlsplit(url).path
        for item in self.singletons:
            if path == item.path:
                item.dirty = True

    @property
    def dirty(self) -> bool:
        return any(item.dirty for item in self.singletons)

    def restore(self, everything: bool = False) -> None:
        """Put back the saved values of every dirty singleton (of every one, when ``everything``)."""
        for item in self.singletons:
            if item.dirty or everything:
                self._restore(item)

    def _restore(self, item: Protected) -> None:
        was_dirty, item.dirty = item.dirty, False
        if item.saved is None:
            if was_dirty:
                self._fail(item, "the run changed it and it cannot be restored: it could not be read before the run")
            return
        try:
            current = self._read(item)
            if current == item.saved:
                return
            body = restore_body(item.shape, item.saved, current)
            reply = self.target.send("PATCH", item.path, json=body)
            item.dirty = False  # the restore's own PATCH is not a write of the run
            item.restores += 1
            if not 200 <= reply.status < 300:
                self._fail(item, f"PATCH {item.path} answered {reply.summary()}")
                return
            after = self._read(item)
            if after != item.saved:
                changed = sorted(set(after) ^ set(item.saved) | {k for k in after if after[k] != item.saved.get(k)})
                self._fail(item, f"still differs from before the run after the restore: {', '.join(map(str, changed))}"
                                 f" (now {_short({k: after.get(k) for k in changed})})")
        except Exception as exc:  # a dropped connection: reported, never swallowed
            self._fail(item, f"{type(exc).__name__}: {exc}")

    def _read(self, item: Protected) -> dict:
        reply = self.target.send("GET", item.path)
        state = state_of(item.shape, reply.json(None)) if reply.status == 200 else None
        if state is None:
            raise RuntimeError(f"GET {item.path} answered {reply.summary()}")
        return state

    def _fail(self, item: Protected, message: str) -> None:
        self.failures.append((item.path, message))
        if self.announce:
            self.announce(f"   RESTORE FAILED {item.path}: {message}")

    def _note(self, message: str) -> None:
        self.notes.append(message)
        if self.announce:
            self.announce(f"   warning: {message}")

    def summary(self) -> str:
        parts = [f"`{item.path}` restored {item.restores} time(s)" for item in self.singletons]
        failed = f"; **{len(self.failures)} restore(s) failed** (see Errors)" if self.failures else ""
        return ", ".join(parts) + failed


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
