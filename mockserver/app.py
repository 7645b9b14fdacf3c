"""create_app(settings): contracts → store → seeds → routes → error handlers.

Every vendor API request goes: fault rules (the wait outside the store lock) → with the store lock held and the
clock pinned, the fault's answer or the dialect, inside one ``store.atomic()`` block (one request at a time
sees and changes the store: A12; its changes are all or nothing and, with ``--db``, one durable write) → the
journal (A4), stamped with the request's one reading of the clock. ``/__mock__/`` is
the admin blueprint and skips all three (A11).
Rules: docs/behaviour/admin.md.
"""
from __future__ import annotations

import json
import socket
import time
import traceback

from flask import Flask, Request, Response, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WsgiResponse  # what an HTTPException answers; Flask's is a subclass

from .config import Settings
from .cors import Cors
from .coverage import CLIENT_ENVIRON, FIXTURE
from .dialects import ApiBinding
from .faults import Decision, default_headers
from .journal import NO_BODY, Body, BodyTap
from .products import bindings
from .state import MockState
from .wsgi_headers import RequestHeaders
from .wsgi_send import send

ADMIN_PREFIX = "/__mock__"
DROPPED = "mockserver.dropped"  # environ flag: a fault rule closed this connection
SOCKET = "mockserver.socket"  # environ: the client's socket, put there by the server (server.py)
TURN = "mockserver.turn"  # environ: the lock a served request holds while it runs Python (server.py), if any
UNMATCHED_HEADER = "X-Mockserver-Unmatched"  # on the answer to a request that is no operation of the contract
INTERNAL_ERROR = b'{"error": "internal error in the mock; see the server log"}'


def create_app(settings: Settings | None = None) -> Flask:
    state = MockState(settings or Settings(), bindings)
    app = Flask("mockserver")
    app.config["MAX_CONTENT_LENGTH"] = None  # the dialects answer oversized bodies in their own envelope
    app.extensions["mockserver"] = state
    app.wsgi_app = _VendorDispatch(app.wsgi_app, app, state)  # type: ignore[method-assign]  # Flask's middleware idiom

    if state.settings.admin:
        from .admin import blueprint, guard_pages

        app.register_blueprint(blueprint(state), url_prefix=ADMIN_PREFIX)
        from .dashboard import blueprint as pages

        app.register_blueprint(pages(state.settings.apis), url_prefix=ADMIN_PREFIX)
        guard_pages(app, state.settings)

        @app.get("/")
        def home():  # the start banner's address; people land on the dashboard
            return redirect(ADMIN_PREFIX + "/", 302)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            if state.settings.admin and request.path.startswith(ADMIN_PREFIX + "/"):
                return Response(json.dumps({"error": f"{exc.code} {exc.name}: {request.method} {request.path}"}),
                                exc.code, content_type="application/json")
            return exc
        return internal_error(state, app)

    return app


def state_of(app: Flask) -> MockState:
    return app.extensions["mockserver"]


def serve_vendor(state: MockState, binding: ApiBinding, req: Request, app: Flask) -> WsgiResponse:
    started = time.perf_counter()
    fixture = req.environ.pop(CLIENT_ENVIRON, None) == FIXTURE  # the fixtures' own calls; the dialect never sees it
    # Read once: the dialect, the journal and CORS each go through them, and werkzeug's view of the environ walks
    # every key of it on each pass.
    req.headers = RequestHeaders(req.headers.items())
    operation = state.coverage.match(binding.name, req.method, req.path)
    tap = BodyTap(req.environ["wsgi.input"], req.content_length)
    req.environ["wsgi.input"] = tap  # before anyone reads the body, so the journal sees what the dialect read
    decision = state.faults.decide(req.method, req.path)
    if decision is not None and decision.delay_s > 0:
        _sleep(req.environ.get(TURN), decision.delay_s)
    response: WsgiResponse | None
    # One view of the mock per request: the store lock keeps resets out, the clock is read once (the journal
    # entry is stamped with that same now), and a decision or an entry from before a reset is dropped.
    with state.store.lock, state.clock.pinned() as now:
        epoch = state.journal.epoch
        decision = state.faults.current(decision)
        if decision is not None and decision.drop:
            response = None
        elif decision is not None and decision.status is not None:
            response = fault_response(binding, decision)
        else:
            response = _handle(state, binding, req, app)
            if decision is not None and decision.headers:
                response.headers.update(decision.headers)
    if response is None:
        drop_connection(req.environ)
    elif operation is None:
        response.headers[UNMATCHED_HEADER] = "1"
    status = None if response is None else response.status_code
    state.coverage.count(binding.name, operation, req.method, req.path, status, fixture)
    state.journal.record(
        time=now, api=binding.name, method=req.method, path=req.path,
        query=req.args.items(multi=True), headers=req.headers.items(), body=tap.body(req.content_type or ""),
        status=status, response_body=NO_BODY if response is None else _response_body(response),
        duration_ms=(time.perf_counter() - started) * 1000, fault=decision.rule if decision else None, epoch=epoch,
        operation_id=operation.operation_id if operation is not None else None, unmatched=operation is None)
    return response if response is not None else Response(b"", 500)  # never sent: the connection is gone


def _sleep(turn, seconds: float) -> None:
    """A fault's delay, holding neither the store lock nor the server's turn: other requests go on meanwhile."""
    if turn is None:
        time.sleep(seconds)
        return
    turn.release()
    try:
        time.sleep(seconds)
    finally:
        turn.acquire()


class _TakeBack(Exception):
    """Raised inside a request's atomic block when its answer is an error: the request leaves nothing behind."""

    def __init__(self, response: WsgiResponse):
        super().__init__(response.status)
        self.response = response


def _handle(state: MockState, binding: ApiBinding, req: Request, app: Flask) -> WsgiResponse:
    """The dialect's answer, with every store change of the request in one atomic block: an answer of 400 or
    more takes them all back, anything else commits them (with ``--db``: one durable write)."""
    try:
        with state.store.atomic():
            response = binding.handle(req)
            if response.status_code >= 400:
                raise _TakeBack(response)
            return response
    except _TakeBack as refused:
        return refused.response
    except HTTPException as exc:
        return exc.get_response(req.environ)
    except Exception:
        return internal_error(state, app)


def internal_error(state: MockState, app: Flask) -> Response:
    state.record_server_error(traceback.format_exc())
    app.logger.exception("unexpected failure")
    return Response(INTERNAL_ERROR, 500, content_type="application/json")


def fault_response(binding: ApiBinding, decision: Decision) -> Response:
    status = decision.status
    assert status is not None  # only a decision with a status is answered with a fault
    if decision.has_body:  # JSON as the API writes it (Hub compact, Torrent spaced with sorted keys)
        response = binding.error_response(status, decision.body)
    elif status >= 400:
        response = binding.error_response(status)
    else:
        response = Response(b"", status)
    response.headers.update(default_headers(status, decision.headers))
    return response


def drop_connection(environ: dict, socket_key: str = SOCKET, flag: str = DROPPED) -> None:
    """Close the client's connection for real, so it sees a connection error, not an HTTP answer. ``socket_key``:
    where the server puts the client's socket in the environ; ``flag``: the environ key that marks the drop."""
    sock = environ.get(socket_key)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client went first
    environ[flag] = True


class _VendorDispatch:
    """The WSGI entry point. Vendor API requests go straight to :func:`serve_vendor`: the dialects take the
    request as an argument and use no Flask context, so Flask's routing and context push (a sixth of the
    server's time per request) are skipped. Everything else (the admin API) goes to Flask.

    A dropped request ends in ConnectionAbortedError, which werkzeug's server handles quietly and which an
    in-process test client raises to the test: no response is ever written.
    """

    def __init__(self, flask_wsgi, app: Flask, state: MockState):
        self.flask_wsgi = flask_wsgi
        self.app = app
        self.state = state
        self.bindings = sorted(state.bindings.values(), key=lambda b: len(b.prefix), reverse=True)
        self.cors = Cors(state.settings.cors) if state.settings.cors else None

    def __call__(self, environ, start_response):
        _lenient_query_string(environ)
        # Not kept in the environ (werkzeug's default): that is a reference cycle, left for the garbage collector
        # on every request.
        req = Request(environ, populate_request=False)
        path = req.path
        for binding in self.bindings:
            if path == binding.prefix or path.startswith(binding.prefix + "/"):
                break
        else:
            return self.flask_wsgi(environ, start_response)
        if self.cors is not None:
            preflight = self.cors.preflight(req.method, req.headers)
            if preflight is not None:
                answer = Response(status=204, headers=preflight)
                del answer.headers["Content-Type"]  # no body, so no type
                return answer(environ, start_response)
        try:
            response = serve_vendor(self.state, binding, req, self.app)
        except Exception:
            response = internal_error(self.state, self.app)
        if environ.get(DROPPED):
            raise ConnectionAbortedError("mockserver: connection dropped by a fault rule")
        if self.cors is not None:
            for name, value in self.cors.answer_headers(req.headers):
                if name == "Vary":
                    response.vary.add(value)
                else:
                    response.headers[name] = value
        return send(response, environ, start_response)


def _lenient_query_string(environ: dict) -> None:
    """Raw query bytes that are not UTF-8 become U+FFFD, as Django's QueryDict reads them; werkzeug would raise."""
    raw = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        environ["QUERY_STRING"] = raw.decode("utf-8", "replace").encode("utf-8").decode("latin-1")


def _response_body(response: WsgiResponse) -> Body:
    if response.is_streamed:
        return Body(b"", None, response.content_type or "")
    return Body.capture(response.get_data(), response.content_type or "")
