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
from typing import Any, TextIO

FORMATS = ("text", "json")
ACCESS = "mockserver.access"
ACCESS_FIELDS = ("client", "method", "path", "query", "protocol", "status", "duration_ms")
_COLOURS = {2: "32", 3: "36", 4: "33", 5: "31"}  # green, cyan, yellow, red by the status's first digit


# the last second formatted (strftime costs more than the rest of a line): its text and the UTC offset
_second: tuple[int, str, str] = (-1, "", "")


def _timestamp(created: float) -> str:
    """Local time with its UTC offset, ISO 8601: ``2026-12-08T01:23:45.678+01:00``."""
    global _second
    whole = int(created)
    if _second[0] != whole:
        local = time.localtime(whole)
        offset = time.strftime("%z", local)
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", local), f"{offset[:3]}:{offset[3:]}")
    return f"{_second[1]}.{int((created - whole) * 1000):03d}{_second[2]}"  # milliseconds as LogRecord.msecs


class TextFormatter(logging.Formatter):
    def __init__(self, colour: bool):
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        line = self.line(record.created, record.levelname, record.name, record.getMessage(),
                         {name: getattr(record, name) for name in ACCESS_FIELDS if hasattr(record, name)})
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line

    def line(self, created: float, level: str, logger: str, message: str, fields: dict[str, Any]) -> str:
        status = fields.get("status")
        if self.colour and isinstance(status, int) and status // 100 in _COLOURS:
            text = str(status)
            message = message.replace(f" {text} ", f" \x1b[{_COLOURS[status // 100]}m{text}\x1b[0m ", 1)
        return f"{_timestamp(created)} {level:7} {message}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = self.entry(record.created, record.levelname, record.name, record.getMessage(),
                           {name: getattr(record, name) for name in ACCESS_FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

    def line(self, created: float, level: str, logger: str, message: str, fields: dict[str, Any]) -> str:
        return json.dumps(self.entry(created, level, logger, message, fields), ensure_ascii=False)

    @staticmethod
    def entry(created: float, level: str, logger: str, message: str, fields: dict[str, Any]) -> dict[str, Any]:
        return {"time": _timestamp(created), "level": level, "logger": logger, "message": message, **fields}


def configure(log_format: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """Send every log line (the mock's, Flask's, waitress's) to ``stream`` (stderr) in ``log_format``."""
    if log_format not in FORMATS:
        raise ValueError(f"log format is one of {FORMATS}, not {log_format!r}")
    stream = stream if stream is not None else sys.stderr
    handler = LineHandler(stream)
    colour = log_format == "text" and _is_terminal(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter(colour))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, LineHandler)]:
        root.removeHandler(old)
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
    if not logger.isEnabledFor(logging.INFO):
        return
    target = f"{path}?{query}" if query else path
    message = f'{client} "{method} {target} {protocol}" {status} {duration_ms:.1f} ms'
    fields = {"client": client, "method": method, "path": path, "query": query, "protocol": protocol,
              "status": status, "duration_ms": round(duration_ms, 2)}
    handler = _sole_handler()
    if handler is not None:
        # Straight to the stream of the one handler that would take the record: the same line without logging's
        # record, and flushed once per batch of requests (flush_access): a tenth of a small request's time.
        handler.write_line(time.time(), "INFO", ACCESS, message, fields)
        return
    # The record made directly: logger.info() would look for its caller in the stack on every request.
    logger.handle(logger.makeRecord(ACCESS, logging.INFO, __file__, 0, "%s", (message,), None, extra=fields))


def flush_access() -> None:
    """Flush the access lines written since the last call (the server calls it after each batch it answered)."""
    global _unflushed
    handler, _unflushed = _unflushed, None
    if handler is not None:
        handler.flush()


class LineHandler(logging.StreamHandler):
    """configure()'s handler: a StreamHandler that also takes access lines without a record."""

    formatter: TextFormatter | JsonFormatter

    def write_line(self, created: float, level: str, logger: str, message: str, fields: dict[str, Any]) -> None:
        global _unflushed
        line = self.formatter.line(created, level, logger, message, fields)
        with self.lock:  # type: ignore[union-attr]  # made by Handler.__init__
            try:
                self.stream.write(line + self.terminator)
            except Exception:
                self.handleError(_ACCESS_LOGGER.makeRecord(logger, logging.INFO, __file__, 0, message, (), None))
                return
        _unflushed = self  # after the write: a flush that sees this sees the line


def _sole_handler() -> LineHandler | None:
    """configure()'s handler when it is the only one an access record would reach, and nothing filters it."""
    if _ACCESS_LOGGER.filters:
        return None
    logger: logging.Logger | None = _ACCESS_LOGGER
    while logger is not None and logger is not _ROOT:
        if logger.handlers or not logger.propagate:
            return None
        logger = logger.parent
    handlers = _ROOT.handlers
    if len(handlers) != 1:
        return None
    handler = handlers[0]
    if not isinstance(handler, LineHandler) or handler.filters or handler.level > logging.INFO:
        return None
    return handler


_ACCESS_LOGGER = logging.getLogger(ACCESS)
_ROOT = logging.getLogger()
_unflushed: LineHandler | None = None  # the handler access lines went to since the last flush_access()
