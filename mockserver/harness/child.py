"""One worker process of ``mockserver contract --workers N`` in process (the parent is :mod:`.workers`).

It reads its job, one JSON line, on stdin: the API, the credentials, the run's options, whether it runs the
stateful phase and the link walk, and the app to test (``module:callable``, called with the mock's
``Settings``). It builds a suite of its own against a mock of its own, runs the stateful phase and the link walk
first when it has them, then asks the parent for operations one at a time (``{"event": "ready"}``; the parent
answers an operation id, or an empty line when none is left) and runs the examples, coverage and fuzzing phases
on each. Everything it reports is a JSON line on stdout: progress (``operation``, ``scenario``, ``links``,
``link``, ``print``) and, after each operation and after the stateful phase, what it found (``results``, see
:meth:`.results.Results.to_json`). Anything a library prints goes to stderr.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from dataclasses import replace
from typing import Any, TextIO

from .credentials import Credentials
from .options import PHASES
from .progress import error_line, operation_line
from .results import Results
from .suite import Options, Suite, build
from .target import InProcessTarget

PER_OPERATION = tuple(phase for phase in PHASES if phase != "stateful")


class Events:
    """The JSON lines to the parent; also what the link walk prints through (see :func:`.runner.walk_links`)."""

    def __init__(self, out: TextIO):
        self.out = out
        self.scenarios = 0  # of the stateful phase

    def emit(self, event: str, **fields: Any) -> None:
        self.out.write(json.dumps({"event": event, **fields}) + "\n")
        self.out.flush()

    def handle(self, event, results: Results) -> None:
        from schemathesis.engine import events

        if isinstance(event, events.ScenarioFinished) and event.phase.value == "stateful":
            self.scenarios += 1
            self.emit("scenario", links=len(results.transitions))
        elif isinstance(event, events.ScenarioFinished) and event.recorder.label:
            self.emit("operation", phase=event.phase.value, line=operation_line(event))
        elif isinstance(event, events.NonFatalError):
            self.print(error_line(event))

    # what walk_links calls on a Progress
    def print(self, line: str) -> None:
        self.emit("print", line=line)

    def start(self, phase: str, total: int, unit: str) -> None:
        self.emit("links", total=total)

    def step(self) -> None:
        self.emit("link")

    def finish(self) -> None:
        pass


class _ProcessCache(dict):
    """One of Hypothesis' caches, for every thread of this process (``cache`` is its per-thread dict's name)."""

    @property
    def cache(self) -> _ProcessCache:
        return self


# Hypothesis' caches of pure results (strategies built, constraint sets, constants, lambda descriptions): each is
# per thread, and schemathesis starts fresh threads for every phase of every run, so a worker that runs each
# operation on its own would rebuild them all for every operation (a fifth to a half more CPU). A worker runs one
# operation at a time, so one cache per process is safe; what is drawn does not change.
HYPOTHESIS_CACHES = {
    "hypothesis.strategies._internal.utils": ("_STRATEGY_CACHE",),
    "hypothesis.internal.conjecture.providers": ("CONSTANTS_CACHE",),
    "hypothesis.internal.conjecture.data": ("POOLED_CONSTRAINTS_CACHE",),
    "hypothesis.internal.lambda_sources": ("LAMBDA_DIGEST_DESCRIPTION_CACHE", "AST_LAMBDAS_CACHE"),
}


def share_hypothesis_caches() -> None:
    for module_name, names in HYPOTHESIS_CACHES.items():
        module = importlib.import_module(module_name)
        for name in names:
            if hasattr(module, name):  # a Hypothesis without one only runs slower
                setattr(module, name, _ProcessCache())


def app_factory(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def run_schema(suite: Suite, schema, events: Events) -> Results:
    from schemathesis.engine import from_schema

    results = Results(suite)
    for event in from_schema(schema).execute():
        results.handle(event)
        events.handle(event, results)
    return results


def main() -> int:
    events = Events(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)  # stray prints of libraries must not mix with the events
    job = json.loads(sys.stdin.readline())
    share_hypothesis_caches()
    from ..config import Settings
    from .runner import walk_links

    make_app = app_factory(job["app"])
    api = job["api"]
    credentials = Credentials(**job["credentials"])
    options = Options(**{**job["options"], "phases": tuple(job["options"]["phases"]),
                         "operation_ids": tuple(job["options"]["operation_ids"]), "workers": 1})

    def suite_for(phases: tuple[str, ...], **changes) -> Suite:
        target = InProcessTarget(make_app(Settings(apis=(api,))))
        return build(api, target, credentials, replace(options, phases=phases, **changes))

    if job["stateful"]:
        suite = suite_for(("stateful",))
        results = run_schema(suite, suite.schema, events)
        events.print(f"── stateful: {events.scenarios} scenarios, {len(results.transitions)}/"
                     f"{len(results.all_transitions())} links followed")
        walk_links(suite, results, events)  # type: ignore[arg-type]  # prints like a Progress
        events.emit("results", results=results.to_json())
    # The parent hands out only selected operations: this suite selects by id alone (one include call).
    per_operation: Suite | None = None
    while True:
        events.emit("ready")
        operation_id = sys.stdin.readline().strip()
        if not operation_id:
            return 0
        if per_operation is None:  # the parent hands out selected operations only: select by id alone
            per_operation = suite_for(tuple(p for p in options.phases if p in PER_OPERATION), read_only=False,
                                      operation_ids=())
        schema = per_operation.schema.include(operation_id=[operation_id])
        results = run_schema(per_operation, schema, events)
        events.emit("results", results=results.to_json())


if __name__ == "__main__":
    raise SystemExit(main())
