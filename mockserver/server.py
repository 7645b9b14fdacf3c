"""MockServer: the Flask app on a real port, in a background thread (port 0 picks a free one)."""
from __future__ import annotations

import queue
import socket
import threading

from werkzeug.serving import BaseWSGIServer

from .app import create_app, state_of
from .config import Settings
from .errors import MockServerError
from .keepalive import KeepAliveRequestHandler


class QuietRequestHandler(KeepAliveRequestHandler):
    """No access log line per request (the journal has them); errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _Workers:
    """Daemon threads that serve one connection at a time and then wait for the next. A new thread starts only
    when none is free, so concurrency stays unbounded (a request waiting in a fault delay never holds up
    another), while steady load reuses threads instead of starting one per connection. A thread left idle for
    ``idle_seconds`` ends."""

    def __init__(self, serve, name: str, idle_seconds: float = 30.0):
        self._serve = serve
        self._name = name
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._free = threading.Semaphore(0)  # waiting threads not yet promised a job
        self._idle_seconds = idle_seconds

    def submit(self, *job) -> None:
        if not self._free.acquire(blocking=False):
            threading.Thread(target=self._work, name=self._name, daemon=True).start()
        self._jobs.put(job)

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self._idle_seconds)
            except queue.Empty:
                if self._free.acquire(blocking=False):
                    return  # one waiting thread fewer: this one
                continue  # a job was promised to a waiting thread: stay for it
            self._serve(*job)
            self._free.release()


class PooledWSGIServer(BaseWSGIServer):
    """werkzeug's threaded server, with reused threads (see :class:`_Workers`); closing it also closes the
    connections that are open (kept alive between requests), so a stopped mock answers nobody."""

    multithread = True

    def __init__(self, *args, **kwargs):
        self._open: set[socket.socket] = set()  # before super(), which may already call server_close()
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)
        self._workers = _Workers(self._serve_connection, name=f"mockserver:{self.port}")

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        self._workers.submit(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            try:
                connection.shutdown(socket.SHUT_RDWR)  # its thread sees the end and closes it
            except OSError:
                pass

    def _serve_connection(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


class MockServer:
    """``with MockServer(Settings(port=0)) as mock: requests.get(mock.url + "/__mock__/health")``"""

    def __init__(self, settings: Settings | None = None, access_log: bool = False):
        self.settings = settings or Settings(port=0)
        self.access_log = access_log
        self.app = create_app(self.settings)
        self.state = state_of(self.app)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> MockServer:
        handler = KeepAliveRequestHandler if self.access_log else QuietRequestHandler
        listening = _listen(self.settings.host, self.settings.port)
        try:
            self._server = PooledWSGIServer(self.settings.host, self.settings.port, self.app, handler=handler,
                                            fd=listening.fileno())
        finally:
            listening.close()  # the server holds its own duplicate of the socket
        # A short poll interval makes stop() quick (serve_forever checks for shutdown between polls).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mockserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
        self.state.store.close()

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        if self._thread is not None:
            self._thread.join()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running; call start() first")
        return self._server.port

    @property
    def url(self) -> str:
        host = self.settings.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def reset(self) -> None:
        self.state.reset()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    """Bind here rather than in werkzeug, which prints and calls sys.exit() when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BaseWSGIServer.request_queue_size)
    except OSError as exc:
        sock.close()
        raise MockServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                              "pick another --port (0 picks a free one)") from None
    return sock
