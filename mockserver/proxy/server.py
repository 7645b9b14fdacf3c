"""ProxyServer: the proxy app on a real port, in a background thread (port 0 picks a free one).

Served by werkzeug's threaded server: every connection gets its own thread, so a request waiting on a slow
upstream (or in a fault delay) never holds up another.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer, WSGIRequestHandler

from ..server import bind_socket
from .app import ProxyState, create_proxy_app, state_of
from .reports import write_reports
from .settings import ProxySettings


class _Quiet(WSGIRequestHandler):
    """No access log line per request: the journal has them, and the console shows violations. ``Server`` and
    ``Date`` are the server's own only where the answer has none: a forwarded answer keeps the upstream's."""

    _sent: set[str]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self._sent = set()

    def send_header(self, keyword: str, value: str) -> None:
        if hasattr(self, "_sent"):  # send_error's headers come after a send_response of its own
            self._sent.add(keyword.lower())
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        sent: set[str] = getattr(self, "_sent", set())
        if "server" not in sent:
            super().send_header("Server", self.version_string())
        if "date" not in sent:
            super().send_header("Date", self.date_time_string())
        super().end_headers()


class ProxyServer:
    """``with ProxyServer(ProxySettings("hub", upstream.url, port=0)) as proxy: requests.get(proxy.url + …)``"""

    def __init__(self, settings: ProxySettings, printer: Callable[[str], None] | None = None):
        self.settings = settings
        self.app = create_proxy_app(settings, printer)
        self.state: ProxyState = state_of(self.app)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ProxyServer:
        listening = bind_socket(self.settings.host, self.settings.port)
        listening.listen(BaseWSGIServer.request_queue_size)
        try:
            self._server = ThreadedWSGIServer(self.settings.host, self.settings.port, self.app, handler=_Quiet,
                                              fd=listening.fileno())
        finally:
            listening.close()  # the server holds its own duplicate of the socket
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mockserver-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> list[Path]:
        """Stop serving and close the upstream pool and the recording; → the reports written (``--report-dir``)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
        self.state.upstream.close()
        if self.state.recorder is not None:
            self.state.recorder.close()
        if self.settings.report_dir is None:
            return []
        return write_reports(self.state, self.settings.report_dir)

    def wait(self) -> None:
        """Block until the server stops; a timed join lets SIGINT/SIGTERM handlers run in the main thread."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    @property
    def violations(self) -> int:
        return len(self.state.tally.violations())

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the proxy is not running; call start() first")
        return self._server.port

    @property
    def url(self) -> str:
        host = self.settings.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def __enter__(self) -> ProxyServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
