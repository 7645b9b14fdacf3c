"""The mock's own controls under ``/__mock__/`` (docs/behaviour/admin.md): plain JSON, errors as ``{"error": …}``."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request

from . import __version__, admin_guard, records
from .clock import isoformat_z
from .contract import load, operations
from .dashboard import openapi as served
from .dashboard import timeline
from .errors import ScenarioError
from .faults import FaultSpecError
from .journal import parse_status_filter
from .state import UnknownSnapshot

JOURNAL_FILTERS = ("method", "path", "api", "status", "since")


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json")


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": message}, status)


def guard_pages(app, settings, blueprints: tuple[str, ...] = ("mockserver_dashboard",)) -> None:
    """The dashboard's and the API docs' pages (and ``/``, which leads there) refuse a ``Host`` the mock does not
    serve, as the admin API does; they need no token (the dashboard asks for it, the API calls carry it)."""

    @app.before_request
    def host_guard():
        if request.blueprint in blueprints or request.path == "/":
            refused = admin_guard.host_refusal(_host_header(), settings)
            if refused is not None:
                return _error(refused.message, refused.status)
        return None


def _host_header() -> str:
    """The ``Host`` as sent: none (an HTTP/1.0 client) is not the server's stand-in name for it."""
    return request.headers.get("Host", "")


def _body() -> tuple[Any, Response | None]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None, None
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, _error(f"request body is not JSON: {exc}")


def blueprint(state) -> Blueprint:
    bp = Blueprint("mockserver_admin", __name__)

    @bp.before_request
    def guard():  # admin_guard.py: Host, Origin, token, JSON-only writes
        refused = admin_guard.refusal(request.method, request.scheme, _host_header(), request.headers,
                                      request.content_length or 0, state.settings)
        if refused is not None:
            response = _error(refused.message, refused.status)
            response.headers.extend(refused.headers)
            return response
        return None

    @bp.get("/health")
    def health():  # A1
        return _json({"status": "ok", "apis": list(state.settings.apis), "version": __version__})

    @bp.post("/reset")
    def reset():  # A2
        body, error = _body()
        if error:
            return error
        if body is not None and not isinstance(body, dict):
            return _error("reset takes no body or an object {\"snapshot\": \"<name>\"}")
        name = (body or {}).get("snapshot")
        try:
            state.reset(snapshot=name)
        except UnknownSnapshot as exc:
            return _error(f"unknown snapshot {exc.name!r}; known: {exc.known}", 404)
        return Response(status=204)

    @bp.get("/snapshots")
    def snapshots():  # A3
        return _json(state.snapshot_names())

    @bp.put("/snapshots/<name>")
    def save_snapshot(name: str):
        existed = state.save_snapshot(name)
        return _json({"name": name}, 200 if existed else 201)

    @bp.delete("/snapshots/<name>")
    def delete_snapshot(name: str):
        if not state.drop_snapshot(name):
            return _error(f"unknown snapshot {name!r}", 404)
        return Response(status=204)

    def clock_body() -> Response:
        return _json({"now": isoformat_z(state.clock.now()), "frozen": state.clock.frozen})

    @bp.get("/clock")
    def clock():  # A5
        return clock_body()

    @bp.post("/clock")
    def control_clock():  # A6
        body, error = _body()
        if error:
            return error
        if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ("freeze", "advance", "set"):
            return _error('send exactly one of {"freeze": bool}, {"advance": seconds}, {"set": "<ISO-8601>"}')
        (key, value), = body.items()
        if key == "freeze":
            if not isinstance(value, bool):
                return _error('"freeze" must be true or false')
            state.clock.freeze() if value else state.clock.unfreeze()
        elif key == "advance":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                return _error('"advance" must be a number of seconds >= 0')
            try:
                state.clock.advance(value)
            except ValueError as exc:
                return _error(f'"advance": {exc}')
        else:
            try:
                instant = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                instant = None
            if instant is None:
                return _error(f'"set" must be an ISO-8601 date-time string, not {value!r}')
            try:
                state.clock.set(instant)
            except ValueError as exc:
                return _error(f'"set": {exc}')
        return clock_body()

    @bp.get("/routes")
    def routes():  # A10
        return _json(route_table(state.settings.apis))

    @bp.get("/journal")
    def journal():  # A4
        unknown = sorted(set(request.args) - set(JOURNAL_FILTERS))
        if unknown:
            return _error(f"unknown journal filter(s) {unknown}; use {list(JOURNAL_FILTERS)}")
        filters: dict[str, Any] = {k: request.args[k] for k in ("method", "path", "api") if k in request.args}
        if "status" in request.args:
            try:
                filters["status"] = parse_status_filter(request.args["status"])
            except ValueError as exc:
                return _error(str(exc))
        if "since" in request.args:
            since = request.args["since"]
            if not since.isdigit():
                return _error(f"since must be a journal sequence number (seq), not {since!r}")
            filters["since"] = int(since)
        return _json([entry.as_json() for entry in state.journal.entries(**filters)])

    @bp.delete("/journal")
    def clear_journal():
        state.journal.clear()
        return Response(status=204)

    @bp.route("/coverage", methods=["GET", "DELETE"])
    def coverage():  # consumer coverage (coverage.py): survives resets, cleared only here
        counted = getattr(state, "coverage", None)
        if counted is None:
            return _error("consumer coverage is counted by the mock, not in proxy mode", 404)
        if request.method == "DELETE":
            counted.clear()
            return Response(status=204)
        return _json(counted.as_json())

    @bp.post("/faults")
    def add_fault():  # A7
        body, error = _body()
        if error:
            return error
        try:
            rule = state.faults.add(body)
        except FaultSpecError as exc:
            return _error(str(exc))
        return _json(rule, 201)

    @bp.get("/faults")
    def faults():  # A8
        return _json(state.faults.as_json())

    @bp.get("/faults/<rule_id>")
    def fault(rule_id: str):
        found = next((rule for rule in state.faults.as_json() if rule["id"] == rule_id), None)
        if found is None:
            return _error(f"unknown fault rule {rule_id!r}; GET /__mock__/faults lists them", 404)
        return _json(found)

    @bp.delete("/faults/<rule_id>")
    def remove_fault(rule_id: str):
        if not state.faults.remove(rule_id):
            return _error(f"unknown fault rule {rule_id!r}", 404)
        return Response(status=204)

    @bp.delete("/faults")
    def remove_faults():
        state.faults.clear()
        return Response(status=204)

    def scenario_book():  # the served product that has failure scenarios (the Hub)
        return next((b.scenarios for b in state.bindings.values() if getattr(b, "scenarios", None) is not None),
                    None)

    @bp.route("/scenarios", methods=["GET", "POST", "DELETE"])
    @bp.route("/scenarios/<scenario_id>", methods=["GET", "DELETE"])
    def scenarios(scenario_id: str | None = None):
        book = scenario_book()
        if book is None:
            return _error("failure scenarios are the Hub's: serve the hub API (--api hub)", 404)
        if request.method == "GET" and scenario_id is None:
            return _json(book.list())
        if request.method == "GET":
            found = next((s for s in book.list() if str(s["id"]) == scenario_id), None)
            if found is None:
                return _error(f"unknown scenario {scenario_id!r}; GET /__mock__/scenarios lists them", 404)
            return _json(found)
        if request.method == "DELETE":
            if scenario_id is None:
                book.clear()
            elif not scenario_id.isdigit() or not book.remove(int(scenario_id)):
                return _error(f"unknown scenario {scenario_id!r}; GET /__mock__/scenarios lists them", 404)
            return Response(status=204)
        body, error = _body()
        if error:
            return error
        try:
            return _json(book.add(body), 201)
        except ScenarioError as exc:
            return _error(str(exc))

    @bp.post("/records/<api>/<resource>")
    def insert_records(api: str, resource: str):  # A9
        body, error = _body()
        if error:
            return error
        try:
            return _json(records.insert(state, api, resource, body), 201)
        except records.RecordsError as exc:
            return _error(exc.message, exc.status)

    @bp.get("/records/<api>/<resource>")
    def stored_records(api: str, resource: str):
        try:
            return _json(records.rows(state, api, resource))
        except records.RecordsError as exc:
            return _error(exc.message, exc.status)

    @bp.get("/openapi/<api>.<fmt>")
    def openapi_document(api: str, fmt: str):  # the contracts, pointed at this mock (dashboard/openapi.py)
        if fmt not in served.FORMATS:
            return _error(f"no document /__mock__/openapi/{api}.{fmt}; use .json or .yaml", 404)
        try:
            text = served.served_text(api, request.host_url, state.settings, fmt)
        except served.UnknownDocument as exc:
            return _error(str(exc), 404)
        return Response(text, content_type=served.FORMATS[fmt])

    @bp.get("/docs/<api>/try-it")
    def try_it(api: str):  # the credentials the API docs page tries operations out with
        try:
            return _json(served.try_it(api, state.settings))
        except served.UnknownDocument as exc:
            return _error(str(exc), 404)

    @bp.get("/timeline")
    def hub_timeline():  # the Hub's jobs and tasks on the clock, for the dashboard
        try:
            return _json(timeline.timeline(state))
        except timeline.NoTimeline as exc:
            return _error(str(exc), 404)

    return bp


def route_table(apis) -> list[dict[str, str]]:
    table = []
    for api in apis:
        for op in operations(load(api)):
            table.append({"api": api, **op})
    return table
