"""A TinyDB storage that keeps every acknowledged write on disk.

Reads come from memory (the file is parsed once, at open). Every write goes to a temporary file in the same
directory, is fsynced, atomically renamed over the old file, and the directory is fsynced: after a crash the
file holds either the previous or the new state, never a torn one. Temporary files left by a crash are removed
at the next open. A file that is not a mockserver data file is refused at open with a message, not a traceback.
One mock at a time uses a file: a second one would lose the first one's writes (each keeps its own copy in
memory and rewrites the whole file), so it is refused at open while the first holds the lock on
``.<file>.lock`` beside it (removed at a clean stop; after a crash the system has released it).

Two hooks for the crash tests: ``writes`` counts the writes that reached the file, and with the environment
variable :data:`HOLD_ENV` naming a file, a write that finds that file pauses between writing its temporary
file and renaming it (announcing itself in ``<file>.held``) until the file is removed, so a test can kill the
process at exactly that moment.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Any, cast

from tinydb.storages import Storage

from .errors import MockServerError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one mock per file is then the user's to keep
    fcntl = None  # type: ignore[assignment]

HOLD_ENV = "MOCKSERVER_HOLD_WRITES"  # test hook: see the module docstring
HOLD_POLL_S = 0.005


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._check_place()
        self._lock = self._take_lock()  # before anything else: the temporaries may be another mock's
        try:
            self._remove_stale_temporaries()
            self._data: dict[str, Any] | None = self._load()
        except BaseException:
            self.close()  # a file refused at open is not kept locked
            raise
        self.writes = 0
        hold = os.environ.get(HOLD_ENV)
        self._hold = Path(hold) if hold else None

    def _check_place(self) -> None:
        if self.path.is_dir():
            raise MockServerError(f"{self.path} is a directory; --db takes a file name")
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MockServerError(f"cannot create the directory for --db {self.path}: {exc.strerror}") from None
        if not os.access(directory, os.W_OK | os.X_OK):
            raise MockServerError(f"cannot write in {directory} (needed for --db {self.path.name}): permission denied")

    def _lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    def _take_lock(self) -> int | None:
        if fcntl is None:
            return None
        while True:
            fd = os.open(self._lock_path(), os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "another process"
                os.close(fd)
                raise MockServerError(
                    f"{self.path} is in use by another mockserver (pid {holder}); two mocks on one --db file "
                    f"would lose each other's writes: stop it, or pick another --db") from None
            try:
                if os.fstat(fd).st_ino == os.stat(self._lock_path()).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)  # the holder removed it as we locked it: lock the file that is there now
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        return fd

    def _temporaries(self) -> list[Path]:
        return list(self.path.parent.glob(f".{self.path.name}.*.tmp"))

    def _remove_stale_temporaries(self) -> None:
        for stale in self._temporaries():
            stale.unlink(missing_ok=True)

    def _load(self) -> dict[str, Any] | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        hint = "move it away or pick another --db"
        try:
            data = json.loads(self.path.read_bytes())
        except OSError as exc:
            raise MockServerError(f"{self.path}: cannot read it ({exc.strerror})") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MockServerError(f"{self.path}: not a mockserver data file ({exc}); {hint}") from None
        problem = _shape_problem(data)
        if problem:
            raise MockServerError(f"{self.path}: not a mockserver data file ({problem}); {hint}")
        return cast(dict[str, Any], data)  # _shape_problem found none: an object of tables

    def read(self) -> dict[str, Any] | None:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        # One-shot dumps uses the C encoder (json.dump streams through the slow Python one); ASCII escapes keep
        # any string the JSON parser accepted (even a lone surrogate) encodable.
        encoded = json.dumps(data, separators=(",", ":")).encode("ascii")
        directory = self.path.parent
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(encoded)
                handle.flush()
                os.fsync(handle.fileno())
            if self._hold is not None:
                _wait_while_held(self._hold, tmp)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_directory(directory)
        self._data = data
        self.writes += 1

    def close(self) -> None:
        if self._lock is not None:
            with suppress(OSError):
                self._lock_path().unlink()  # while still held: no one locks the old file after this
            with suppress(OSError):
                os.close(self._lock)  # releases the lock
            self._lock = None


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable: without this a crash may bring the old file back."""
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _wait_while_held(hold: Path, tmp: str) -> None:
    """While ``hold`` exists: say so in ``<hold>.held`` (naming the temporary file) and wait."""
    if not hold.exists():
        return
    held = hold.with_name(hold.name + ".held")
    announcing = hold.with_name(hold.name + ".held.new")
    announcing.write_text(tmp)
    os.replace(announcing, held)  # whole, so a test never reads half a name
    while hold.exists():
        time.sleep(HOLD_POLL_S)
    held.unlink(missing_ok=True)


def _shape_problem(data: Any) -> str | None:
    """What makes ``data`` something other than ``{"<api>/<resource>": {"<int id>": {row}}}``, or None."""
    if not isinstance(data, dict):
        return "expected an object of tables"
    for name, table in data.items():
        if "/" not in name:
            return f"expected an object of tables named <api>/<resource>, found {name!r}"
        if not isinstance(table, dict):
            return f"expected an object of tables; {name!r} is not an object"
        for key, row in table.items():
            if not key.lstrip("-").isdigit() or not isinstance(row, dict):
                return f"table {name!r} holds {key!r}, not a row under a numeric id"
    return None
