"""MockServer: the app served by waitress on a real port, from a background thread (port 0 picks a free one).

waitress reads every request (headers and body) on one event-loop thread, so a slow or idle client never holds a
thread. The loop answers complete requests itself when they cannot be made to wait (no fault rule or standing
latency may act on them); it hands the others to a fixed pool of ``Settings.threads`` workers. On top of it:

- a request must arrive whole within ``Settings.request_timeout`` seconds of its first byte, or it is answered
  ``408`` and the connection closed (a client dribbling header bytes cannot keep a connection forever either);
- a kept-alive connection idle for ``Settings.keepalive_timeout`` seconds is closed;
- a fault rule's dropped connection is shut down for real (the app reads the socket from the environ);
- :meth:`MockServer.stop` stops accepting, lets the requests already received finish and their answers go out
  (up to ``Settings.shutdown_timeout`` seconds), then closes every connection.
"""
from __future__ import annotations

import contextlib
import errno
import json
import logging
import shutil
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import Error
from waitress.wasyncore import _DISCONNECTED, poll2

from . import logs
from .admin_guard import needs_token, new_token
from .app import DROPPED, SOCKET, TURN, create_app, state_of
from .config import Settings
from .errors import MockServerError, NotRunning
from .hostnames import every_interface
from .masking import query_string_masked, secrets_of
from .tls import TLSConnection, server_tls

BACKLOG = 1024
CONNECTION_LIMIT = 1000  # open connections cost the event loop a little memory each, no thread
HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
                        "transfer-encoding", "upgrade"))
CLOSE = "mockserver.close"  # environ flag: the answer asked for Connection: close
_LOG = logging.getLogger(__name__)


class RequestTimeout(Error):
    code = 408
    reason = "Request Timeout"

    def to_response(self, ident=None):
        body = json.dumps({"error": f"408 Request Timeout: {self.body}"}).encode()
        return f"{self.code} {self.reason}", [("Content-Type", "application/json")], body


class _AccessLogged:
    """A task (waitress's for the app, or its own answer to a refused request) that writes its access log line
    once it has answered."""

    def execute(self: Any):
        started = time.perf_counter()
        try:
            super().execute()  # type: ignore[misc]  # the task class it is mixed into
        finally:
            if self.channel.server.mock_access_log:
                environ = getattr(self, "environ", None) or {}  # an ErrorTask has none: the parsed request tells
                status = "dropped" if environ.get(DROPPED) else int(self.status.split(" ", 1)[0])
                method = environ.get("REQUEST_METHOD") or getattr(self.request, "command", None) or "-"
                path = environ.get("PATH_INFO") or getattr(self.request, "path", None) or "-"  # "-": not read yet
                query = environ.get("QUERY_STRING") or getattr(self.request, "query", None) or ""
                query = query_string_masked(query, self.channel.server.mock_secret_query)  # as the journal
                logs.access(self.channel.addr[0] if self.channel.addr else "-", method, path, query,
                            f"HTTP/{self.version}", status, (time.perf_counter() - started) * 1000)
                if threading.get_ident() != self.channel.server.task_dispatcher.loop_thread:
                    logs.flush_access()  # a worker's line goes out now; the loop's, after its batch


class _Task(_AccessLogged, WSGITask):
    """Puts the connection's socket in the environ (for the drop fault), keeps a connection open after a 204 or
    304, and writes the access log line."""

    def get_environment(self):
        environ = super().get_environment()
        environ[SOCKET] = self.channel.socket
        return environ

    _bodiless = False  # while the head of a 204/304 answer is built

    def build_response_header(self):
        if self.environ and self.environ.get(CLOSE):
            self.set_close_on_finish()
        # waitress closes after any answer without Content-Length; a 204 or 304 has no body to delimit (RFC 9112
        # 6.3), so the connection goes on.
        self._bodiless = not self.has_body and self.version == "1.1"
        try:
            return super().build_response_header()
        finally:
            self._bodiless = False

    def write(self, data):
        """The head and a whole body in one send (waitress sends them apart: two system calls and two packets
        for every answer)."""
        if self.wrote_header or not data or not self.complete:  # type: ignore[has-type]
            return super().write(data)
        head = self.build_response_header()
        self.wrote_header = True
        if self.has_body and not self.chunked_response and self.content_length == len(data):
            self.content_bytes_written += len(data)
            self.channel.write_soon(head + data)
            return None
        self.channel.write_soon(head)
        return super().write(data)

    def set_close_on_finish(self):
        asked = self.request.headers.get("CONNECTION", "").lower() == "close" or (
            self.environ is not None and self.environ.get(CLOSE))
        if not self._bodiless or asked:
            super().set_close_on_finish()


class _ErrorTask(_AccessLogged, ErrorTask):
    """waitress's answer to a request it refused itself (a 408, a malformed request), in the access log too."""


class _Channel(HTTPChannel):
    task_class = _Task
    error_task_class = _ErrorTask
    request_started = 0.0  # monotonic time of the first byte of the request being read
    tls: TLSConnection | None = None  # with HTTPS: the session the socket's bytes go through
    _writing = False  # in handle_write: a close waits until the encrypted bytes are out

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        if server.tls_context is not None:
            self.tls = TLSConnection(server.tls_context, self.socket)

    def _flush_outbufs_below_high_watermark(self):
        if threading.get_ident() == self.server.task_dispatcher.loop_thread:
            return  # answering in the loop's thread: waiting for the loop to send would wait forever; the buffer grows
        super()._flush_outbufs_below_high_watermark()

    def received(self, data):
        if self.request is None and data:
            self.request_started = time.monotonic()
        return super().received(data)

    # -- HTTPS: waitress reads and writes plain bytes; these four put the TLS session in between --

    def handle_read(self):
        if self.tls is None:
            return super().handle_read()
        try:
            raw = self.recv(self.adj.recv_bytes)
        except OSError:
            self.handle_close()
            return
        if not raw:
            self.connected = False  # the client went (as waitress does)
            return
        try:
            data = self.tls.receive(raw)
        except (ssl.SSLError, EOFError, OSError) as exc:
            if isinstance(exc, ssl.SSLError) and exc.reason == "HTTP_REQUEST":
                _answer_plain_http(self.socket)
            self.handle_close()
            return
        if data:
            self.last_activity = time.time()
            self.received(data)

    def send(self, data, do_close=True):
        if self.tls is None:
            return super().send(data, do_close)
        try:
            return self.tls.send(data)
        except OSError as why:
            if why.errno in _DISCONNECTED:
                if do_close:
                    self.handle_close()
                return 0
            raise

    def writable(self):
        tls_pending = bool(self.tls is not None and self.tls.pending)
        if (self.requests and not (self.will_close or self.close_when_flushed)
                and self.total_outbufs_len <= self.adj.outbuf_high_watermark):
            # A worker is answering and sends its own bytes (waitress's send_bytes is 1: write_soon sends at once);
            # what the socket did not take waits for the task's end, which wakes the loop. Polling for it
            # meanwhile made the loop spin (the socket is writable, the buffer locked by the worker) and take
            # the GIL from the worker in 5 ms slices: a third of the CPU per request and the p99 at c=8.
            return tls_pending
        return super().writable() or tls_pending

    def handle_write(self):
        if self.tls is None:
            return super().handle_write()
        try:
            if not self.tls.flush():
                return  # the socket is still full; poll says when it takes more
        except OSError:
            self.handle_close()
            return
        self._writing = True
        try:
            super().handle_write()
        finally:
            self._writing = False

    def handle_close(self):
        if self._writing and self.connected and self.tls is not None and self.tls.pending:
            self.will_close = True  # the end of the answer is encrypted but not sent: close once it is
            return
        super().handle_close()


def _answer_plain_http(sock: socket.socket) -> None:
    """A plain HTTP request on the HTTPS port: say so in a plain answer rather than just hang up."""
    body = b'{"error": "400 Bad Request: this mock serves HTTPS; use an https:// URL"}'
    head = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    try:
        sock.send(head + body)
    except OSError:
        pass  # the client went first


class _Dispatcher(ThreadedTaskDispatcher):
    """waitress's bounded pool of workers, of which one at a time runs a request (holds the turn).

    Python runs one thread at a time anyway (the GIL). With every worker taking a request as it came, each
    request woke a sleeping thread and the workers took the GIL from each other in 5 ms slices: 70 % more CPU
    per request than one worker, and the p99 at concurrency 8 multiplied. Here the worker holding the turn goes on
    with the queued requests itself and no other is woken. A request that waits (a fault's delay) gives the turn
    up meanwhile (:meth:`release`), so another worker answers the queue, and gets it back before anyone
    else when its wait ends (:meth:`acquire`). Slow sockets hold no worker: waitress's event loop reads and
    writes for them."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.turn_taken = False
        self.resuming = 0  # workers whose wait is over, waiting for the turn
        self.resume_cv = threading.Condition(self.lock)
        # Idle workers, the last to go idle on top: it is the one woken (its stack and caches are warm; waking
        # them in turn cost as much as running them all at once).
        self.idle: list[threading.Condition] = []
        self.waking = False
        self.loop_thread: int | None = None  # the event loop's thread, once it runs
        self.quick: Callable[[], bool] = lambda: False  # True while no request can be made to wait (see answer_here)
        self.never_waits: Callable[[Any], bool] = lambda task: False  # this queued task cannot be made to wait
        self.wake_loop: Callable[[], None] = lambda: None  # from another thread: the loop polls again at once

    def start_new_thread(self, target, thread_no):
        threading.Thread(target=target, name=self.name, args=(thread_no,), daemon=True).start()

    def handler_thread(self, thread_no):
        wake = threading.Condition(self.lock)
        while True:
            with self.lock:
                # Asleep while the loop answers itself (quick): a worker only takes what may have to wait.
                while (not self.queue or self.turn_taken or self.resuming or self.quick()) and self.stop_count == 0:
                    self.active_count -= 1
                    self.idle.append(wake)
                    wake.wait()
                    self.waking = False
                    self.active_count += 1
                if self.stop_count > 0:
                    self.active_count -= 1
                    self.stop_count -= 1
                    self.threads.discard(thread_no)
                    self.thread_exit_cv.notify()
                    break
                self.turn_taken = True
                task = self.queue.popleft()
            while task is not None:
                try:
                    task.service()
                except BaseException:
                    self.logger.exception("Exception when servicing %r", task)
                with self.lock:
                    task = self._next_or_pass_on()

    def _next_or_pass_on(self):
        """After a request (lock held): the next queued one, keeping the turn; else the turn goes to a worker whose
        wait is over, or to nobody."""
        if self.queue and not self.resuming and self.stop_count == 0 and not self.quick():
            return self.queue.popleft()
        self._pass_turn()
        return None

    def _pass_turn(self) -> None:
        """(Lock held.) The turn goes to a worker whose wait is over, else to whoever answers the queue: the loop
        while nothing can wait, a worker otherwise."""
        self.turn_taken = False
        if self.resuming:
            self.resume_cv.notify()
        elif self.queue and any(self._loop_may_take(task) for task in self.queue):
            self.wake_loop()  # it answers its share, then hands the turn on for the rest
        elif self.queue:
            self._wake_one()

    def _wake_one(self) -> None:
        if self.idle and not self.waking:
            self.waking = True  # one at a time: the next request will be its, or the turn holder's
            self.idle.pop().notify()

    def set_thread_count(self, count):
        super().set_thread_count(count)
        with self.lock:
            if self.stop_count:
                for wake in self.idle:
                    wake.notify()
                self.idle.clear()

    def add_task(self, task):
        with self.lock:
            self.queue.append(task)
            if not self.turn_taken and not (threading.get_ident() == self.loop_thread and self._loop_may_take(task)):
                self._wake_one()

    def _turn_free_with_work(self) -> bool:
        return bool(self.queue) and not (self.turn_taken or self.resuming or self.stop_count)

    def _loop_may_take(self, task) -> bool:
        return self.quick() or self.never_waits(task)

    def loop_can_answer(self) -> bool:
        return self._turn_free_with_work() and any(self._loop_may_take(task) for task in self.queue)

    def answer_here(self) -> None:
        """In the event loop's thread, after each poll: answer the requests it queued, itself.

        Handing a request to a worker cost more than answering it (two thread switches, the GIL changing hands,
        a wake-up through the trigger pipe: about 250 µs of CPU per request against the app's 80–230). The loop
        answers only requests that cannot be made to wait, since one that sleeps in the loop's thread would stop
        every other connection: all of them while there is no fault rule and no standing latency (``quick``);
        otherwise those no rule may act on (``never_waits``: the admin API, the pages, other vendor requests), so
        the admin API answers even while every worker sleeps in a fault's delay. The rest go to the workers."""
        with self.lock:
            if not self._turn_free_with_work():
                return
            tasks = [task for task in self.queue if self._loop_may_take(task)]
            if not tasks:
                self._wake_one()
                return
            self.turn_taken = True
            taken = {id(task) for task in tasks}
            rest = [task for task in self.queue if id(task) not in taken]
            self.queue.clear()
            self.queue.extend(rest)
        try:
            # A request may add a rule: each is checked again just before it is answered.
            while tasks and self._loop_may_take(tasks[0]):
                task = tasks.pop(0)
                try:
                    task.service()
                except BaseException:
                    self.logger.exception("Exception when servicing %r", task)
        finally:
            with self.lock:
                self.queue.extendleft(reversed(tasks))  # a request made the rest possibly slow: workers take them
                self._pass_turn()

    def release(self) -> None:
        """The running request gives the turn up while it waits."""
        with self.lock:
            self._pass_turn()

    def acquire(self) -> None:
        """The request whose wait is over takes the turn back, before any queued request."""
        with self.lock:
            self.resuming += 1
            while self.turn_taken:
                self.resume_cv.wait()
            self.resuming -= 1
            self.turn_taken = True

    def shutdown(self, cancel_pending=True, timeout=5):
        """waitress's: every worker is told to stop and waited for up to ``timeout`` s, the queue is cancelled.
        A worker still asleep in a fault's delay then is left (its connection is closed) and said so."""
        self.set_thread_count(0)
        expires = time.monotonic() + timeout
        with self.lock:
            while self.threads and time.monotonic() < expires:
                self.thread_exit_cv.wait(min(0.05, max(0.0, expires - time.monotonic())))
            if self.threads:
                _LOG.warning("stopped with %d request(s) still waiting in a fault's delay; their connections are "
                             "closed", len(self.threads))
            if cancel_pending:
                while self.queue:
                    self.queue.popleft().cancel()
        return True

    def busy(self) -> bool:
        with self.lock:
            return bool(self.queue) or self.active_count > 0 or self.turn_taken


class _Server(TcpWSGIServer):
    channel_class = _Channel
    mock_access_log = False
    mock_secret_query: frozenset[str] = frozenset()  # query parameters the access log masks (the journal's)
    tls_context: ssl.SSLContext | None = None
    request_timeout = 30.0
    keepalive_timeout = 30.0

    def run(self):
        """waitress's loop, and after each poll the requests it read are answered here when they can be (see
        :meth:`_Dispatcher.answer_here`)."""
        dispatcher = self.task_dispatcher
        dispatcher.loop_thread = threading.get_ident()
        timeout = self.adj.asyncore_loop_timeout
        try:
            while self._map:
                poll2(0 if dispatcher.loop_can_answer() else timeout, self._map)
                dispatcher.answer_here()
                logs.flush_access()  # the access lines of the batch just answered: one write for them all
        except (SystemExit, KeyboardInterrupt):
            dispatcher.shutdown()

    def pull_trigger(self):
        if threading.get_ident() != self.task_dispatcher.loop_thread:  # the loop polls again before it sleeps
            super().pull_trigger()

    def maintenance(self, now):
        """Every tick of the event loop's clock: time out requests that are late and connections left idle."""
        clock = time.monotonic()
        idle_since = now - self.keepalive_timeout
        for channel in list(self.active_channels.values()):
            if channel.requests:  # the mock is answering on this connection, so a client sending more is not late
                channel.request_started = clock
            elif channel.request is not None:
                if channel.request_started < clock - self.request_timeout:
                    _answer_timeout(channel, self.request_timeout)
            elif channel.last_activity < idle_since:
                channel.will_close = True

    def idle(self) -> bool:
        """No request waits or runs and every answer has been sent."""
        return not self.task_dispatcher.busy() and not any(
            channel.requests or channel.total_outbufs_len or (channel.tls and channel.tls.pending)
            for channel in list(self.active_channels.values()))


def _answer_timeout(channel: _Channel, seconds: float) -> None:
    """Hand the half-read request to a worker as a 408 (waitress's error path: the answer closes the connection);
    while it waits the channel reads nothing more (one queued request is its look-ahead limit)."""
    with channel.requests_lock:
        request, channel.request = channel.request, None
        request.error = RequestTimeout(f"the request did not arrive whole within {seconds:g} s")
        if not request.headers_finished:
            request.version = "1.1"  # the client's version is not known yet: answer in the server's (not 1.0)
        request.completed = True
        channel.requests.append(request)
        if len(channel.requests) == 1:
            channel.server.add_task(channel)


def _never_waits(channel: _Channel, state) -> bool:
    """Whether the request a queued connection is to answer next cannot be made to wait: one waitress refused
    itself (a 408, a malformed request: the app never sees it), or one no fault rule may act on."""
    requests = channel.requests
    if not requests:
        return False  # nothing to answer: whoever takes it finds so
    request = requests[0]
    return bool(request.error) or not state.may_wait(request.command or "", request.path or "")


def _served_app(app, turn: _Dispatcher):
    """A dropped connection ends in ConnectionAbortedError (see app.py); waitress treats ClientDisconnected as
    a client that went away (logged at info level, connection closed). Hop-by-hop headers a fault rule adds
    are not the app's to send (PEP 3333): ``Connection: close`` closes after the answer, the rest are left out.
    ``turn``: what a request that waits gives up meanwhile (see :class:`_Dispatcher`)."""

    def wsgi(environ, start_response):
        def start(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
            if len(kept) != len(headers) and any(name.lower() == "connection" and value.lower() == "close"
                                                 for name, value in headers):
                environ[CLOSE] = True
            return start_response(status, kept, exc_info)

        environ[TURN] = turn
        try:
            return app(environ, start)
        except ConnectionAbortedError:
            if environ.get(DROPPED):
                raise ClientDisconnected("connection dropped by a fault rule") from None
            raise

    return wsgi


class MockServer:
    """``with MockServer(Settings(port=0)) as mock: requests.get(mock.url + "/__mock__/health")``"""

    def __init__(self, settings: Settings | None = None, access_log: bool = False):
        settings = settings or Settings(port=0)
        if settings.admin and settings.admin_token is None and needs_token(settings.host):
            settings = settings.with_(admin_token=new_token())  # printed in the banner; the handle sends it
        self.settings = settings
        self.tls = server_tls(settings)  # before anything listens: a bad certificate is one clear error
        self.access_log = access_log
        self.app = create_app(self.settings)
        self.state = state_of(self.app)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> MockServer:
        s = self.settings
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # requests waiting for a worker are no news
        listening = bind_socket(s.host, s.port)
        port = listening.getsockname()[1]
        adj = Adjustments(sockets=[listening], threads=s.threads, backlog=BACKLOG, connection_limit=CONNECTION_LIMIT,
                          asyncore_use_poll=True, ident="mockserver",
                          url_scheme="https" if self.tls else "http")
        # Set after parsing: waitress reads these as whole seconds, the tests use fractions.
        tick = max(0.01, min(1.0, s.request_timeout / 4, s.keepalive_timeout / 4))
        adj.cleanup_interval = adj.asyncore_loop_timeout = tick
        dispatcher = _Dispatcher(f"mockserver:{port}")
        dispatcher.quick = self.state.faults.cannot_wait
        dispatcher.never_waits = lambda channel: _never_waits(channel, self.state)
        server = _Server(_served_app(self.app, dispatcher), map={}, _sock=listening, dispatcher=dispatcher,
                         adj=adj, bind_socket=False, sockinfo=(listening.family, listening.type, 0,
                                                               listening.getsockname()))
        dispatcher.wake_loop = lambda: _wake(server)
        server.task_dispatcher.set_thread_count(s.threads)
        server.mock_access_log = self.access_log
        server.mock_secret_query = frozenset().union(*(secrets_of(api).query_masked for api in self.state.bindings))
        server.tls_context = self.tls.context if self.tls else None
        server.request_timeout, server.keepalive_timeout = s.request_timeout, s.keepalive_timeout
        self._server = server
        self._thread = threading.Thread(target=server.run, name="mockserver", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop accepting, answer the requests already received for up to ``timeout`` seconds (the settings'
        ``shutdown_timeout`` by default), then close every connection. Stopping twice is harmless."""
        server, self._server = self._server, None
        if server is not None:
            self._drain(server, self.settings.shutdown_timeout if timeout is None else timeout)
        self.state.store.close()
        if self.tls is not None and self.tls.scratch is not None:
            shutil.rmtree(self.tls.scratch, ignore_errors=True)  # the CA file --tls wrote: no use after the stop

    def _drain(self, server: _Server, timeout: float) -> None:
        """Stop accepting, let what was received be answered, then close every connection and the loop."""
        _in_loop(server, lambda: _stop_accepting(server))
        deadline = time.monotonic() + timeout
        while not server.idle() and time.monotonic() < deadline:
            time.sleep(0.01)
        _in_loop(server, lambda: _close_connections(server))
        # Idle workers leave at once; one still in a fault's delay is not waited for past the deadline (its
        # connection is closed: nothing it writes goes out).
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=max(0.05, deadline - time.monotonic()))
        # The trigger goes last: a worker pulls it after each request, and a closed pipe's number may be reused.
        _in_loop(server, server.trigger.close)  # the loop ends when nothing is left to watch
        if self._thread is not None:
            deadline = time.monotonic() + 5
            self._thread.join(timeout=0.5)
            while self._thread.is_alive() and time.monotonic() < deadline:
                _close_connections(server)  # one the loop accepted while the others were being closed
                self._thread.join(timeout=0.1)

    def busy(self) -> bool:
        """A request is being answered, waits for an answer, or its answer is still being sent."""
        return self._server is not None and not self._server.idle()

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(0.5)  # a timed join lets signal handlers run in the main thread

    @property
    def port(self) -> int:
        if self._server is None:
            raise NotRunning("the server is not running: call start() first, or use it as a context manager")
        return int(self._server.effective_port)  # waitress keeps the port as the text it bound

    @property
    def url(self) -> str:
        """Where a client on this machine reaches the mock: bound to every interface (0.0.0.0, ::), through
        loopback (an address no client connects to, and no name the ``--tls`` certificate carries)."""
        host, scheme = connectable(self.settings.host), "https" if self.tls else "http"
        return f"{scheme}://[{host}]:{self.port}" if ":" in host else f"{scheme}://{host}:{self.port}"

    @property
    def ca_file(self):
        """The CA certificate that verifies this server's certificate (HTTPS only; None if not known)."""
        return self.tls.ca_file if self.tls else None

    def reset(self) -> None:
        self.state.reset()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _in_loop(server: _Server, thunk) -> None:
    """Run ``thunk`` in the event loop's thread; when the loop has already closed its trigger (it ended, e.g. after
    a failing handler closed everything), run it here: a stop must finish, not raise EBADF at the user."""
    try:
        server.trigger.pull_trigger(thunk)
    except OSError:
        with contextlib.suppress(OSError):
            thunk()


def _wake(server: _Server) -> None:
    with contextlib.suppress(OSError):  # the trigger is closed: the loop is ending, nothing to answer
        server.pull_trigger()


def _stop_accepting(server: _Server) -> None:
    server.accepting = False
    server.del_channel()
    server.socket.close()


def _close_connections(server: _Server) -> None:
    """In the event loop's thread: close every client connection."""
    for channel in list(server.active_channels.values()):
        try:
            channel.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client went first
        channel.handle_close()


def connectable(host: str) -> str:
    """The bound host, or for every interface its loopback address."""
    if every_interface(host):
        return "::1" if ":" in host else "127.0.0.1"
    return host


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind here, so a taken port is one clear error rather than a traceback from the server library."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        fix = ("pick another --port (0 picks a free one)" if exc.errno in (errno.EADDRINUSE, errno.EACCES) else
               "give a --host that is an address of this machine (127.0.0.1, 0.0.0.0 for every interface)")
        raise MockServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; {fix}") from None
    return sock
