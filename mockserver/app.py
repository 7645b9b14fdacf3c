"""create_app(settings): contracts → store → seeds → routes → error handlers."""
from __future__ import annotations

import traceback

from flask import Flask, Response, request

from .config import Settings
from .state import MockState


def create_app(settings: Settings | None = None) -> Flask:
    state = MockState(settings or Settings())
    app = Flask("mockserver")
    app.config["MAX_CONTENT_LENGTH"] = None  # the dialects answer oversized bodies in their own envelope
    app.extensions["mockserver"] = state
    bindings = sorted(state.bindings.values(), key=lambda b: len(b.prefix), reverse=True)

    @app.before_request
    def dispatch_vendor_api():
        path = request.path
        for binding in bindings:
            if path == binding.prefix or path.startswith(binding.prefix + "/"):
                # One request at a time sees and changes the store: every vendor request is atomic (A12).
                with state.store.lock:
                    return binding.handle(request)
        return None

    if state.settings.admin:
        from .admin import blueprint

        app.register_blueprint(blueprint(state), url_prefix="/__mock__")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return exc
        state.record_server_error(traceback.format_exc())
        app.logger.exception("unexpected failure")
        return Response('{"error": "internal error in the mock; see the server log"}', 500,
                        content_type="application/json")

    return app


def state_of(app: Flask) -> MockState:
    return app.extensions["mockserver"]
