"""A werkzeug request handler that keeps HTTP/1.1 connections open between requests.

werkzeug's development handler answers ``Connection: close`` to every request, so each call costs a new TCP
connection, a handler thread hand-off and a drain of the socket; for a client that reuses connections (a
``requests.Session``, slumber, httpx) that is about half of the server's time per request. This handler:

- answers in one write (status line, headers and the whole body: a mock's answers are small);
- reads exactly the request body that the application left unread, so the next request starts in the right
  place (a chunked request body, or an unread remainder over :data:`MAX_DRAIN`, closes the connection instead);
- closes when the client asks (``Connection: close``, HTTP/1.0 without keep-alive), after an error, and after
  :attr:`timeout` seconds without a request; a fault rule's dropped connection still ends it at once.
"""
from __future__ import annotations

import io
import sys
import time

from werkzeug.serving import WSGIRequestHandler

MAX_DRAIN = 16 * 1024 * 1024
NO_BODY_STATUSES = (204, 304)


class RequestBody(io.RawIOBase):
    """The request body: at most ``length`` bytes of the connection; :meth:`drain` skips what is left."""

    def __init__(self, stream, length: int):
        self._stream = stream
        self.left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        data = self._stream.read(min(len(buffer), self.left))
        self.left -= len(data)
        buffer[: len(data)] = data
        if not data:
            self.left = 0  # the client went away mid-body
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        limit = self.left if size is None or size < 0 else min(size, self.left)
        line = self._stream.readline(limit) if limit > 0 else b""
        self.left -= len(line)
        return line

    def drain(self) -> bool:
        """Skip the unread rest; False when it is too large to skip (then the connection must close)."""
        if self.left > MAX_DRAIN:
            return False
        while self.left > 0 and self.read(min(self.left, 65536)):
            pass
        return True


class KeepAliveRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a connection may sit idle (or a read or write may stall) before it is closed

    _date: tuple[int, str] = (0, "")

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, formatted once a second rather than once a request."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        now = int(time.time())
        second, text = KeepAliveRequestHandler._date
        if second != now:
            text = super().date_time_string(now)
            KeepAliveRequestHandler._date = (now, text)
        return text

    def log_error(self, format: str, *args) -> None:
        if not format.startswith("Request timed out"):  # an idle connection closing is not an error
            super().log_error(format, *args)

    def run_wsgi(self) -> None:
        # "Expect: 100-continue" is already answered by http.server's parse_request.
        environ = self.make_environ()
        body = None
        if not environ.get("wsgi.input_terminated"):  # a chunked body is read to its end, then we close
            body = RequestBody(self.rfile, _length(environ.get("CONTENT_LENGTH")))
            environ["wsgi.input"] = body
        else:
            self.close_connection = True
        started: list = []

        def start_response(status, headers, exc_info=None):
            if exc_info and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return lambda data: None  # the legacy write() callable: unused by Flask

        try:
            result = self.server.app(environ, start_response)
            try:
                payload = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except ConnectionError:
            raise  # a dropped connection (fault rule) or a client that went away: werkzeug ends it quietly
        except Exception:
            self.close_connection = True
            self.server.log("error", "Error on request:\n%s", _traceback())
            started[:] = ["500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain; charset=utf-8")]]
            payload = b"internal error in the mock; see the server log"
        if body is not None and not body.drain():
            self.close_connection = True
        self._send(environ["REQUEST_METHOD"], *started, payload)

    def _send(self, method: str, status: str, headers: list[tuple[str, str]], payload: bytes) -> None:
        code = int(status.split(None, 1)[0])
        lines = [f"{self.protocol_version} {status}", f"Server: {self.version_string()}",
                 f"Date: {self.date_time_string()}"]
        names = set()
        for name, value in headers:
            lines.append(f"{name}: {value}")
            names.add(name.lower())
        if "content-length" not in names and code not in NO_BODY_STATUSES and code >= 200:
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        sent = b"" if method == "HEAD" or code in NO_BODY_STATUSES else payload
        self.wfile.write(head + sent)
        self.log_request(code, len(sent))


def _length(value: str | None) -> int:
    try:
        return max(int(value), 0) if value else 0
    except ValueError:
        return 0


def _traceback() -> str:
    import traceback

    return "".join(traceback.format_exception(*sys.exc_info()))
