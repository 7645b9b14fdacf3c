"""A TinyDB storage that keeps every acknowledged write on disk.

Reads come from memory (the file is parsed once, at open). Every write goes to a temporary file in the same
directory, is fsynced, atomically renamed over the old file, and the directory is fsynced: after a crash the
file holds either the previous or the new state, never a torn one.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .errors import MockServerError


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._data: dict[str, Any] | None = self._load()

    def _load(self) -> dict[str, Any] | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MockServerError(f"{self.path}: not a mockserver data file ({exc}); move it away or pick another --db")
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise MockServerError(f"{self.path}: not a mockserver data file (expected an object of tables)")
        return data

    def read(self) -> dict[str, Any] | None:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def close(self) -> None:
        pass
