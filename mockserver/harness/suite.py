"""One API's contract as a configured schemathesis schema, bound to a target.

:func:`build` is shared by ``mockserver contract`` (the schemathesis engine) and the pytest suites in
``contracts/`` (``parametrize`` and the state machine). It chooses the checks, applies ``--read-only``, puts the
credentials on every case (:class:`~.credentials.HarnessAuth`) and, for the mock in process, resets the store before
every case and at the start of every stateful scenario, so that each case starts from the seed.
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.core.failures import CustomFailure
from schemathesis.specs.openapi.schemas import OpenApiSchema
from schemathesis.transport.wsgi import WSGITransport

from ..contract import OPENAPI_DIR
from . import credentials as auth
from .dialects import Dialect, dialect_for
from .facts import ApiFacts
from .options import PHASES
from .singletons import Protected, Protector
from .target import Target

READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Built-in checks that hold for these APIs. Left out: negative/positive_data_acceptance (both vendors coerce
# scalars and answer 400 for rules a schema cannot express, e.g. a taken id — the rule checks below cover those
# rules by name), ignored_auth (authentication_enforced covers it with the documented 401s).
BUILT_IN_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance", "use_after_free",
                   "ensure_resource_availability")
# Hub users and client keys that exist before a run are never changed by it: changing them could lock the harness
# out (deactivate or delete the user it logs in as, revoke its key) or spoil a real server's accounts. Writes aimed
# at them go to a user or key that does not exist.
GUARDED = {"/users/": ("username", "contract-harness-guard"), "/auth/clientkeys/": ("id", "999999999")}

_SUITES: dict[int, Suite] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Options:
    read_only: bool = False
    max_examples: int = 20
    seed: int | None = 0
    phases: tuple[str, ...] = PHASES
    operation_ids: tuple[str, ...] = ()  # only these operations (small, fast runs); all when empty
    stateful_steps: int = 6
    stateful_examples: int = 200  # scenarios: enough to follow every link of a contract
    request_timeout: float = 30.0
    probe_budget: int = 2  # follow-up probes per check and operation (a failing probe always runs again)
    generation_mode: str = "all"  # "positive", "negative" or "all" (schemathesis' generation modes)
    workers: int = 1  # in process: worker processes (workers.py); against a server: schemathesis' threads


@dataclass
class Suite:
    api: str
    facts: ApiFacts
    dialect: Dialect
    target: Target
    options: Options
    schema: Any = None
    probes: dict[tuple[str, str], list[bool]] = field(default_factory=dict)  # (check, operation) → outcomes
    walking: bool = False  # the link walk chains requests and resets the mock itself
    guarded: dict[str, set[str]] = field(default_factory=dict)  # list path → keys that existed before the run
    protector: Protector | None = None  # remote targets: the singletons the run may write, restored after writes

    def reset(self) -> None:
        """Before a case (a scenario, a link): the mock back to its seed; on a remote server, the singletons the
        last case wrote back to their values from before the run."""
        self.target.reset()
        if self.protector is not None and self.protector.dirty:
            self.protector.restore()

    def before_call(self, case) -> None:
        if not self.walking and not _is_stateful(case):
            self.reset()
        self._guard(case)
        if self.target.authenticator is not None:
            self.target.authenticator.refresh(case.headers)

    def _guard(self, case) -> None:
        if case.method.upper() in ("GET", "HEAD", "OPTIONS"):
            return
        for list_path, (name, stand_in) in GUARDED.items():
            if case.operation.path.startswith(list_path + "{") and self.is_guarded(list_path, case.path_parameters
                                                                                   .get(name)):
                case.path_parameters[name] = stand_in
        credentials = self.target.authenticator.credentials if self.target.authenticator else None
        if case.operation.path == "/users/change_password/" and isinstance(case.body, dict) and credentials:
            if case.body.get("old_password") == credentials.password:
                case.body["new_password"] = credentials.password  # a change to the same password changes nothing

    def is_guarded(self, list_path: str, value) -> bool:
        return value is not None and str(value) in self.guarded.get(list_path, set())

    def guard_existing(self) -> None:
        """Remember the guarded objects that exist now (following the list's pages)."""
        if self.api != "hub":
            return
        for list_path, (name, _) in GUARDED.items():
            keys, url = set(), self.facts.base_path + list_path + "?page_size=100"
            while url:
                reply = self.target.send("GET", url)
                body = reply.json(None) if reply.status == 200 else None
                items = body.get("results", []) if isinstance(body, dict) else body if isinstance(body, list) else []
                keys |= {str(item[name]) for item in items if isinstance(item, dict) and name in item}
                url = body.get("next") if isinstance(body, dict) else None
            self.guarded[list_path] = keys

    def protect_singletons(self) -> None:
        """On a remote target, save the singletons this run may write (see :mod:`.singletons`)."""
        if self.target.resets or not self.dialect.singletons:
            return
        written = {op.path for op in _operations(self.schema) if op.method.upper() not in READ_METHODS}
        items = [Protected(self.facts.base_path + path, shape) for path, shape in self.dialect.singletons.items()
                 if path in written]
        if not items:
            return
        self.protector = Protector(self.target, items)
        self.protector.save()
        self.target.on_reply = lambda reply: self.protector.note(reply.method, reply.url, reply.status)

    def note_call(self, case, status: int) -> None:
        if self.protector is not None:
            self.protector.note(case.method, self.facts.base_path + case.operation.path, status)

    def should_probe(self, check: str, operation: str) -> bool:
        """Follow-up requests cost time (and, on a real server, writes): a few per check and operation. A probe
        that failed always runs again, so that schemathesis sees the same outcome when it replays the case."""
        outcomes = self.probes.get((check, operation), [])
        return not all(outcomes) or len(outcomes) < self.options.probe_budget

    def record_probe(self, check: str, operation: str, passed: bool) -> None:
        self.probes.setdefault((check, operation), []).append(passed)


class _TolerantWSGITransport:
    """schemathesis' own probes pass socket-only settings (``max_redirects``) to the WSGI transport, which
    hands them to werkzeug; drop them, as the transport already does when it is given a session."""

    def __init__(self, transport):
        self._transport = transport

    def send(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return self._transport.send(case, session=session, **kwargs)

    def __getattr__(self, name):
        return getattr(self._transport, name)


class HarnessSchema(OpenApiSchema):
    @property
    def transport(self):
        transport = super().transport
        return _TolerantWSGITransport(transport) if isinstance(transport, WSGITransport) else transport

    def build_state_machine(self, **kwargs):
        machine = super().build_state_machine(**kwargs)
        suite = _SUITES.get(id(self.raw_schema))
        if suite is None or (not suite.target.resets and suite.protector is None):
            return machine

        resetting: Suite = suite

        class ResettingMachine(machine):  # type: ignore[valid-type, misc]  # the class schemathesis just built
            def __init__(self) -> None:
                resetting.reset()  # every scenario starts from the seed, like every single case
                super().__init__()

        ResettingMachine.__name__ = machine.__name__
        return ResettingMachine


def _serialise_ast_parsing() -> None:
    """Hypothesis describes strategies' lambdas and functions by parsing their source with ``ast.parse``; on
    CPython 3.11, parsing in two threads at once can fail with ``SystemError: AST constructor recursion depth
    mismatch`` (the interpreter's AST state is shared between threads). With several workers the coverage phase
    does exactly that, so ``ast.parse`` takes a lock (descriptions are cached: it is taken a few hundred times)."""
    import ast

    parse = ast.parse
    if getattr(parse, "serialised", False):
        return
    lock = threading.Lock()

    def serialised(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    serialised.serialised = True  # type: ignore[attr-defined]
    ast.parse = serialised


def build(api: str, target: Target, credentials: auth.Credentials, options: Options = Options(),
          api_base_url: str | None = None) -> Suite:
    """A suite for ``api`` against ``target``. ``api_base_url`` is the API root on a remote target."""
    from ..contract import load

    if options.workers > 1:
        _serialise_ast_parsing()
    document = load(api)
    facts = ApiFacts(api, document)
    auth.attach(api, target, credentials)
    suite = Suite(api=api, facts=facts, dialect=dialect_for(api, facts), target=target, options=options)
    config = schemathesis.Config.from_dict(_config(options, api_base_url))
    schema = schemathesis.openapi.from_path(OPENAPI_DIR / f"{api}.json", config=config)
    schema.__class__ = HarnessSchema
    if hasattr(target, "wsgi"):
        schema.app = target.wsgi
    schema = _selected(schema, options)
    schema.auth(refresh_interval=None)(auth.HarnessAuth)
    schema.hook(filter_failure)
    suite.schema = schema
    suite.guard_existing()
    suite.protect_singletons()
    with _LOCK:
        _SUITES[id(schema.raw_schema)] = suite
    return suite


def suite_of(case) -> Suite:
    return _SUITES[id(case.operation.schema.raw_schema)]


def find_suite(case) -> Suite | None:
    return _SUITES.get(id(case.operation.schema.raw_schema))


def _config(options: Options, api_base_url: str | None) -> dict[str, Any]:
    from .checks import CHECK_NAMES

    checks: dict[str, Any] = {"enabled": False}
    for name in BUILT_IN_CHECKS + CHECK_NAMES:
        checks[name] = {"enabled": True}
    config: dict[str, Any] = {
        # No example database: runs are reproduced from --seed, and nothing is written where the harness runs.
        "generation": {"max-examples": options.max_examples, "database": "none", "mode": options.generation_mode},
        "continue-on-failure": True,
        "request-timeout": options.request_timeout,
        "workers": options.workers,
        "checks": checks,
        "phases": {name: {"enabled": name in options.phases} for name in PHASES},
        "suppress-health-check": ["all"],
        # No run cache either: schemathesis would replay what earlier runs found (runs would depend on the runs
        # before them), and worker processes (--workers) would write it at once.
        "cache": {"enabled": False},
    }
    # Only the contract's own links: inferred ones would spread the scenarios over guesses.
    config["phases"]["stateful"].update({"max-steps": options.stateful_steps, "inference": {"algorithms": []},
                                         "generation": {"max-examples": options.stateful_examples,
                                                        "database": "none", "mode": "positive"}})
    if options.seed is not None:
        config["seed"] = options.seed
    if api_base_url:
        config["base-url"] = api_base_url
    return config


def filter_failure(context, failure, case, response) -> bool:
    """Answers the contract gets right but schemathesis' own checks would count against it:

    - a 5xx the operation documents (tastypie's 501 for a POST to a detail URL, T38) is an answer, not a crash;
    - a path value outside the route's pattern gets the framework's HTML 404 (T4, H1, H3), though the contract's
      404 responses list JSON only (the rule check ``error_envelope`` judges those 404s).
    """
    suite = find_suite(case)
    if suite is None or isinstance(failure, CustomFailure):
        return True
    status = response.status_code
    if status >= 500:
        return str(status) not in suite.facts.declared_statuses(case.method, case.operation.path)
    content_type = response.headers.get("content-type", [""])[0]
    return not (status == 404 and content_type.startswith("text/html")
                and suite.dialect.unroutable(case.operation.path, case.path_parameters))


def _selected(schema, options: Options):
    """Narrow the schema to ``--read-only`` methods and ``--operation`` ids. One ``include`` call: schemathesis
    joins the criteria of one call with AND but successive calls with OR, which would widen the run."""
    criteria: dict[str, list[str]] = {}
    if options.read_only:
        criteria["method"] = list(READ_METHODS)
    if options.operation_ids:
        criteria["operation_id"] = list(options.operation_ids)
    return schema.include(**criteria) if criteria else schema


def _operations(schema) -> list:
    return [op for op in (result.ok() for result in schema.get_all_operations()) if op is not None]


def _is_stateful(case) -> bool:
    meta = case.meta
    return meta is not None and meta.phase.name.value == "stateful"


@schemathesis.hook
def before_call(context, case, kwargs) -> None:
    suite = find_suite(case)
    if suite is not None:
        suite.before_call(case)


@schemathesis.hook
def after_call(context, case, response) -> None:
    suite = find_suite(case)
    if suite is not None:
        suite.note_call(case, response.status_code)
