"""Small contract runs for the harness tests, and WSGI middlewares that break the mock on purpose.

Each middleware makes the mock misbehave in one documented way, the way a faulty server would, without touching
the dialects: it rewrites requests or responses on their way through. A test runs a few operations of a
contract against the broken mock and asserts that the named check reports the defect.
"""
from __future__ import annotations

import io
import json
from collections import defaultdict

from schemathesis.engine import from_schema
from werkzeug.wrappers import Request, Response

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.harness.credentials import default_credentials
from mockserver.harness.progress import Progress
from mockserver.harness.results import Results
from mockserver.harness.runner import walk_links
from mockserver.harness.suite import Options, build
from mockserver.harness.target import InProcessTarget


def mock_app(api: str, *middlewares):
    app = create_app(Settings(apis=(api,)))
    for middleware in middlewares:
        app.wsgi_app = middleware(app.wsgi_app)
    return app


def run_contract(app, api: str, operation_ids: tuple[str, ...], phases=("fuzzing",), mode: str = "positive",
                 max_examples: int = 5) -> Results:
    """A small run as ``mockserver contract`` makes it: the engine's phases, then (with "stateful") the link walk."""
    suite = build(api, InProcessTarget(app), default_credentials(api),
                  Options(max_examples=max_examples, phases=phases, operation_ids=operation_ids, seed=1,
                          generation_mode=mode, stateful_examples=10))
    results = Results(suite)
    for event in from_schema(suite.schema).execute():
        results.handle(event)
    if "stateful" in phases:
        walk_links(suite, results, Progress(io.StringIO(), results, suite.options.stateful_examples))
    return results


def failing(results: Results) -> dict[str, set[str]]:
    """Operation label → the names of the checks that failed on it."""
    found = defaultdict(set)
    for label, checks in results.operations.items():
        for name, tally in checks.items():
            if tally.failed:
                found[label].add(name)
    return dict(found)


def failure_messages(results: Results, check: str) -> list[str]:
    return [f.message for checks in results.operations.values() for name, t in checks.items() if name == check
            for f in t.failures]


class Rewrite:
    """Base: buffer the response, let ``change`` rewrite status, headers and body."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()  # read now, so that the app still sees it
        environ["wsgi.input"] = _Input(body)
        response = Response.from_app(self.app, environ)
        self.change(request, body, response)
        return response(environ, start_response)

    def change(self, request: Request, body: bytes, response: Response) -> None:
        raise NotImplementedError


class _Input:
    def __init__(self, data: bytes):
        import io

        self._stream = io.BytesIO(data)

    def read(self, *args):
        return self._stream.read(*args)

    def readline(self, *args):
        return self._stream.readline(*args)


def _json(response: Response):
    try:
        return json.loads(response.get_data())
    except ValueError:
        return None


def _set_json(response: Response, value) -> None:
    response.set_data(json.dumps(value))


class ReadOnlyStored(Rewrite):
    """A server that stores what a write sends for read-only fields: later reads show the sent values."""

    def __init__(self, app, fields=("resource_uri",)):
        super().__init__(app)
        self.fields = fields
        self.stored: dict[str, dict] = {}

    def change(self, request, body, response):
        if request.method in ("PUT", "PATCH") and response.status_code < 300:
            sent = json.loads(body or b"{}")
            if isinstance(sent, dict):
                self.stored.setdefault(request.path, {}).update({k: sent[k] for k in self.fields if k in sent})
        elif request.method == "GET" and request.path in self.stored and response.status_code == 200:
            _set_json(response, {**_json(response), **self.stored[request.path]})


class TotalCountOffByOne(Rewrite):
    """A list envelope whose total_count does not count the objects (tastypie)."""

    def change(self, request, body, response):
        value = _json(response)
        if request.method == "GET" and isinstance(value, dict) and "meta" in value:
            value["meta"]["total_count"] += 1
            _set_json(response, value)


class CountOffBy25(Rewrite):
    """A list envelope whose count does not count the results (DRF)."""

    def change(self, request, body, response):
        value = _json(response)
        if request.method == "GET" and isinstance(value, dict) and "count" in value:
            value["count"] += 25
            _set_json(response, value)


class UniqueNotChecked(Rewrite):
    """A server that lets a create with a taken unique value through (answers 201 instead of the 400)."""

    def change(self, request, body, response):
        value = _json(response)
        if request.method == "POST" and response.status_code == 400 and "already exists" in json.dumps(value):
            response.status_code = 201
            response.set_data(b"")
            response.headers["Location"] = request.host_url.rstrip("/") + request.path + "1/"


class CrashesOnBadInput(Rewrite):
    """A server that fails with 500 where it should refuse the input with 400."""

    def change(self, request, body, response):
        if response.status_code == 400:
            response.status_code = 500


class IgnoresCredentials:
    """A server that does not enforce authentication: a request it would refuse with 401 is served as if it
    carried the last credentials it accepted."""

    def __init__(self, app):
        self.app = app
        self.accepted = None

    def __call__(self, environ, start_response):
        body = Request(environ).get_data()
        environ["wsgi.input"] = _Input(body)
        response = Response.from_app(self.app, dict(environ))
        if response.status_code != 401 and environ.get("HTTP_AUTHORIZATION"):
            self.accepted = environ["HTTP_AUTHORIZATION"]
        elif response.status_code == 401 and self.accepted:
            environ["HTTP_AUTHORIZATION"] = self.accepted
            environ["wsgi.input"] = _Input(body)
            response = Response.from_app(self.app, environ)
        return response(environ, start_response)


class WrongErrorEnvelope(Rewrite):
    """400s in a foreign envelope: {"message": …} instead of the API's own."""

    def change(self, request, body, response):
        if response.status_code == 400:
            _set_json(response, {"message": "bad request"})


class NullAccepted(Rewrite):
    """A server that takes null for every field: the 400 for null becomes a success."""

    def change(self, request, body, response):
        if request.method in ("PATCH", "PUT") and response.status_code == 400 and b"null" in response.get_data():
            response.status_code = 202
            response.set_data(b"")


class DeleteIgnored(Rewrite):
    """A server that answers 204 to DELETE but keeps the object."""

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "DELETE":
            return Response(b"", 204)(environ, start_response)
        return self.app(environ, start_response)


class WrongSelfLink(Rewrite):
    """Objects whose resource_uri points somewhere else."""

    def change(self, request, body, response):
        value = _json(response)
        if request.method == "GET" and isinstance(value, dict):
            for obj in value.get("objects", [value]):
                if isinstance(obj, dict) and "resource_uri" in obj:
                    obj["resource_uri"] = obj["resource_uri"].replace("/v1/", "/v2/")
            _set_json(response, value)


class LocationElsewhere(Rewrite):
    """A create whose Location points at another object."""

    def change(self, request, body, response):
        if response.status_code == 201 and "Location" in response.headers:
            response.headers["Location"] = response.headers["Location"].rstrip("/").rsplit("/", 1)[0] + "/999999/"


class DefaultsDropped(Rewrite):
    """A server that does not apply a field's default: reads show a blank instead."""

    def __init__(self, app, field="status"):
        super().__init__(app)
        self.field = field

    def change(self, request, body, response):
        value = _json(response)
        if request.method == "GET" and isinstance(value, dict) and value.get(self.field) == "unread":
            value[self.field] = ""
            _set_json(response, value)
