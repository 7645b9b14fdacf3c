"""create_proxy_app(settings): the proxy's WSGI app.

A request under the API's prefix goes: fault rules (wait, answer or drop, before anything is forwarded) → the
upstream → the checks, on the upstream's original answer → links rebased onto the proxy → the journal, the
recording and the console. ``/__mock__/`` is the mock's admin plane (health, journal, faults, routes) plus
``GET /__mock__/violations``; what needs a store (reset, snapshots, clock, records) answers 404.
"""
from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from ..app import ADMIN_PREFIX, drop_connection
from ..clock import isoformat_z
from ..contract import load, resolve
from ..faults import Decision, Faults, default_headers
from ..journal import NO_BODY, Body, Journal
from ..operations import Operations
from .checker import Checker, Tally
from .exchange import Exchange, Violation
from .rebase import Rebase
from .recording import Recorder
from .rules import check_error
from .settings import ProxySettings
from .upstream import Answer, Upstream, UpstreamError, UpstreamTimeout

NOT_IN_PROXY_MODE = ("/reset", "/snapshots", "/clock", "/records", "/scenarios")
DROPPED = "mockserver.proxy.dropped"
APIS = ("torrent", "hub")


class ProxyState:
    """What a running proxy holds; the admin blueprint reads ``settings``, ``journal`` and ``faults``."""

    def __init__(self, settings: ProxySettings, printer: Callable[[str], None]):
        self.proxy = settings
        self.settings = settings.mock_settings()
        self.started = datetime.now(UTC)
        self.journal = Journal(settings.journal_limit)
        self.faults = Faults(settings.seed, latency_ms=settings.latency_ms)
        self.tally = Tally()
        self.printer = printer
        self.checker: Checker
        self.upstream: Upstream
        self.recorder: Recorder | None = None


def create_proxy_app(settings: ProxySettings, printer: Callable[[str], None] | None = None) -> Flask:
    state = ProxyState(settings, printer or _print)
    prefix = Operations(settings.api).prefix
    others = tuple(Operations(api).prefix for api in APIS if api != settings.api)
    state.upstream = Upstream(settings.upstream, prefix, settings.upstream_ca, settings.upstream_timeout, others)
    state.checker = Checker(settings.api, state.upstream.origin)
    if settings.record_dir is not None:
        state.recorder = Recorder(settings.record_dir, settings.api, state.upstream.origin, state.started)
    app = Flask("mockserver.proxy")
    app.config["MAX_CONTENT_LENGTH"] = None
    app.extensions["mockserver.proxy"] = state
    app.wsgi_app = _Dispatch(app.wsgi_app, state, prefix, _error_key(settings.api))  # type: ignore[method-assign]
    if settings.admin:
        from ..admin import blueprint, guard_pages

        app.register_blueprint(blueprint(state), url_prefix=ADMIN_PREFIX)
        app.register_blueprint(_violations(state), url_prefix=ADMIN_PREFIX)
        from ..dashboard import blueprint as pages  # its clock, snapshot and coverage panels hide themselves here

        app.register_blueprint(pages((settings.api,)), url_prefix=ADMIN_PREFIX)
        guard_pages(app, state.settings)

        @app.before_request
        def no_store():
            path = request.path[len(ADMIN_PREFIX):]
            if request.path.startswith(ADMIN_PREFIX + "/") and path.startswith(NOT_IN_PROXY_MODE):
                return _json({"error": f"{ADMIN_PREFIX}{path} does not apply in proxy mode: the proxy keeps no "
                                       "data, clock, snapshots or scenarios of its own (the upstream does)"}, 404)
            return None

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            if request.path.startswith(ADMIN_PREFIX + "/"):
                return _json({"error": f"{exc.code} {exc.name}: {request.method} {request.path}"}, exc.code or 500)
            return exc
        traceback.print_exc()
        return _json({"error": "internal error in the proxy; see its log"}, 500)

    return app


def state_of(app: Flask) -> ProxyState:
    return app.extensions["mockserver.proxy"]


def _violations(state: ProxyState) -> Blueprint:
    bp = Blueprint("mockserver_proxy", __name__)

    @bp.get("/violations")
    def violations():
        return _json([v.as_json() for v in state.tally.violations()])

    return bp


class _Dispatch:
    """The WSGI entry point: requests under the API's prefix are forwarded; the rest goes to Flask (admin)."""

    def __init__(self, flask_wsgi, state: ProxyState, prefix: str, error_key: str):
        self.flask_wsgi = flask_wsgi
        self.state = state
        self.prefix = prefix
        self.error_key = error_key

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            return self.flask_wsgi(environ, start_response)
        try:
            response = self.forward(Request(environ))
        except Exception:
            traceback.print_exc()
            response = self.envelope(500, "internal error in the proxy; see its log")
        if environ.get(DROPPED):
            raise ConnectionAbortedError("mockserver proxy: connection dropped by a fault rule")
        return response(environ, start_response)

    def forward(self, req: Request) -> Response:
        state = self.state
        started, arrived = time.perf_counter(), datetime.now(UTC)
        body = req.get_data(cache=True)
        headers = list(req.headers.items())
        decision = state.faults.decide(req.method, req.path)
        if decision is not None and decision.delay_s > 0:
            time.sleep(decision.delay_s)
        response: Response | None = None
        checked: tuple[Exchange, str, list[Violation]] | None = None
        if decision is not None and decision.drop:
            drop_connection(req.environ, "werkzeug.socket", DROPPED)  # served by werkzeug
        elif decision is not None and decision.status is not None:
            response = self.fault_response(decision)
        else:
            response, checked = self.through_upstream(req, arrived, headers, body)
            if decision is not None and decision.headers:
                response.headers.update(decision.headers)
        operation = state.checker.operations.operation(req.method, req.path)
        entry = state.journal.record(
            time=arrived, api=state.proxy.api, method=req.method, path=req.path,
            query=req.args.items(multi=True), headers=headers, body=Body.capture(body, req.content_type or ""),
            status=None if response is None else response.status_code,
            response_body=NO_BODY if response is None else Body.capture(response.get_data(),
                                                                         response.content_type or ""),
            duration_ms=(time.perf_counter() - started) * 1000, fault=decision.rule if decision else None,
            operation_id=operation.operation_id if operation is not None else None, unmatched=operation is None)
        if checked is not None:
            try:
                self.report(entry, *checked)
            except Exception:  # the answer still goes back as the upstream gave it
                traceback.print_exc()
        return response if response is not None else Response(b"", 500)  # never sent: the connection is gone

    def report(self, entry, ex: Exchange, label: str, found: list[Violation]) -> None:
        """Violations: into the tally, the journal entry, the console and the recording."""
        state = self.state
        violations = state.tally.add(label, found, entry.seq if entry is not None else None, isoformat_z(ex.time))
        if entry is not None:
            entry.violations = [v.as_json() for v in violations]
        for violation in violations:
            state.printer(violation.line())
        if state.recorder is not None:
            state.recorder.write(ex, label, [v.check for v in violations])

    def through_upstream(self, req: Request, arrived: datetime, headers,
                         body: bytes) -> tuple[Response, tuple[Exchange, str, list[Violation]] | None]:
        state = self.state
        query = req.environ.get("QUERY_STRING", "")
        try:
            answer = state.upstream.forward(req.method, req.path, query, headers, body)
        except UpstreamTimeout as exc:
            state.tally.failed_upstream(f"{req.method} {req.path}: {exc}")
            state.printer(f"UPSTREAM {req.method} {req.path}: {exc}")
            return self.envelope(504, f"Gateway Timeout: {exc}"), None
        except UpstreamError as exc:
            state.tally.failed_upstream(f"{req.method} {req.path}: {exc}")
            state.printer(f"UPSTREAM {req.method} {req.path}: {exc}")
            return self.envelope(502, f"Bad Gateway: {exc}"), None
        ex = Exchange(api=state.proxy.api, time=arrived, method=req.method, path=req.path,
                      query=parse_qsl(query, keep_blank_values=True), request_headers=headers, request_body=body,
                      upstream_url=state.upstream.url(req.path, query), status=answer.status,
                      response_headers=answer.headers, response_body=answer.body)
        try:
            label, violations = state.checker.check(ex)
        except Exception as exc:  # never turns the upstream's answer into a 500
            traceback.print_exc()
            label = f"{req.method} {req.path}"
            check, part, message = check_error("contract", exc)
            violations = [Violation(check, label, part, message, "")]
        return self.rebased(req, answer), (ex, label, violations)

    def rebased(self, req: Request, answer: Answer) -> Response:
        rebase = Rebase(self.state.upstream.origin, req.host_url)
        content_type = next((v for k, v in answer.headers if k.lower() == "content-type"), "")
        response = Response(rebase.body(content_type, answer.body), answer.status)
        response.headers.clear()
        for name, value in rebase.headers(answer.headers):
            response.headers.add(name, value)
        if req.method == "HEAD" and answer.length is not None:  # the size of the body a GET would get
            response.headers["Content-Length"] = answer.length
        return response

    def fault_response(self, decision: Decision) -> Response:
        status = decision.status
        assert status is not None  # only a decision with a status is answered with a fault
        if decision.has_body:
            response = _json(decision.body, status)
        elif status >= 400:
            response = self.envelope(status, _phrase(status))
        else:
            response = Response(b"", status)
        response.headers.update(default_headers(status, decision.headers))
        return response

    def envelope(self, status: int, message: str) -> Response:
        """An error in the API's own envelope (the contract's ``Error`` schema: tastypie's ``error``, DRF's
        ``detail``)."""
        return _json({self.error_key: message}, status)


def _error_key(api: str) -> str:
    document = load(api)
    schema = resolve(document, {"$ref": "#/components/schemas/Error"})
    return schema["required"][0]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json")


def _print(line: str) -> None:
    print(line, file=sys.stdout, flush=True)
