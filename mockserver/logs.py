"""Log lines of a served mock (``mockserver serve``): the access log and everything else, as text or JSON.

Text is coloured (the status of an access line) only when the stream is a terminal, so a log redirected to a
file or collected by CI holds no escape codes. JSON is one object per line: ``time``, ``level``, ``logger``,
``message``, and for an access line ``client``, ``method``, ``path``, ``query``, ``protocol``, ``status`` (a
number, or ``"dropped"`` when a fault rule dropped the connection), ``duration_ms``.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from typing import TextIO

FORMATS = ("text", "json")
ACCESS = "mockserver.access"
ACCESS_FIELDS = ("client", "method", "path", "query", "protocol", "status", "duration_ms")
_COLOURS = {2: "32", 3: "36", 4: "33", 5: "31"}  # green, cyan, yellow, red by the status's first digit


# the last second formatted (strftime costs more than the rest of a line): its text and the UTC offset
_second: tuple[int, str, str] = (-1, "", "")


def _timestamp(record: logging.LogRecord) -> str:
    """Local time with its UTC offset, ISO 8601: ``2026-12-08T01:23:45.678+01:00``."""
    global _second
    whole = int(record.created)
    if _second[0] != whole:
        local = time.localtime(whole)
        offset = time.strftime("%z", local)
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", local), f"{offset[:3]}:{offset[3:]}")
    return f"{_second[1]}.{int(record.msecs):03d}{_second[2]}"


class TextFormatter(logging.Formatter):
    def __init__(self, colour: bool):
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        status = getattr(record, "status", None)
        if self.colour and isinstance(status, int) and status // 100 in _COLOURS:
            text = str(status)
            message = message.replace(f" {text} ", f" \x1b[{_COLOURS[status // 100]}m{text}\x1b[0m ", 1)
        line = f"{_timestamp(record)} {record.levelname:7} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": _timestamp(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """Send every log line (the mock's, Flask's, waitress's) to ``stream`` (stderr) in ``log_format``."""
    if log_format not in FORMATS:
        raise ValueError(f"log format is one of {FORMATS}, not {log_format!r}")
    stream = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream)
    colour = log_format == "text" and _is_terminal(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter(colour))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "mockserver", False)]:
        root.removeHandler(old)
    handler.mockserver = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def access(client: str, method: str, path: str, query: str, protocol: str, status: int | str,
           duration_ms: float) -> None:
    """One access log line (a no-op unless a handler takes INFO from ``mockserver.access``)."""
    logger = _ACCESS_LOGGER
    if logger.isEnabledFor(logging.INFO):
        target = f"{path}?{query}" if query else path
        # The record made directly: logger.info() would look for its caller in the stack on every request.
        record = logger.makeRecord(ACCESS, logging.INFO, __file__, 0, '%s "%s %s %s" %s %.1f ms',
                                   (client, method, target, protocol, status, duration_ms), None,
                                   extra={"client": client, "method": method, "path": path, "query": query,
                                          "protocol": protocol, "status": status,
                                          "duration_ms": round(duration_ms, 2)})
        logger.handle(record)


_ACCESS_LOGGER = logging.getLogger(ACCESS)
