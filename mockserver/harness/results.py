"""What a run found, per operation and check, gathered from the schemathesis engine's events."""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from schemathesis.engine import events

from .suite import Suite
from .target import IN_PROCESS_URL

MAX_FAILURES_KEPT = 3  # distinct failures kept per operation and check


@dataclass
class FailureRecord:
    check: str
    message: str
    curl: list[str]  # the requests that reproduce it, oldest first
    phase: str


@dataclass
class CheckTally:
    passed: int = 0
    failed: int = 0
    failures: list[FailureRecord] = field(default_factory=list)


# schemathesis raises this when --operation/--read-only leave no link to follow: a narrow run, not an error.
NO_LINKS_SELECTED = "All link definitions required for stateful testing are excluded by filters"

# Why schemathesis skipped a phase, in the words of this command.
SKIP_REASONS = {
    "disabled": "not selected (--phases)",
    "not_supported": "not supported by this contract",
    "not_applicable": "no links between the selected operations",
    "nothing_to_test": "nothing to test",
    "failure_limit_reached": "failure limit reached",
    "server_unavailable": "the server stopped answering",
    "no_checks_ran": "no check applied",
}


# How a phase ran in several processes: the worst outcome of those that ran it; skipped only when every one did.
STATUS_RANK = ("error", "failure", "interrupted", "success")


def merged_status(statuses: list[str]) -> str:
    ran = [status for status in statuses if not status.startswith("skipped")]
    if not ran:
        return statuses[0]
    return min(ran, key=lambda status: STATUS_RANK.index(status) if status in STATUS_RANK else len(STATUS_RANK))


def skip_reason(phase) -> str:
    reason = phase.skip_reason
    return SKIP_REASONS.get(reason.value, reason.value.replace("_", " ")) if reason is not None else "no case to send"


@dataclass
class Results:
    suite: Suite
    started: float = field(default_factory=time.monotonic)
    operations: dict[str, dict[str, CheckTally]] = field(default_factory=lambda: defaultdict(dict))
    cases: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[tuple[str, str]] = field(default_factory=list)
    transitions: set[str] = field(default_factory=set)
    phases: list[tuple[str, str, float]] = field(default_factory=list)
    finished: float | None = None
    succeeded: dict[tuple[str, int], list] = field(default_factory=lambda: defaultdict(list))  # for the link walk
    skipped_links: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def handle(self, event) -> None:
        if isinstance(event, events.ScenarioFinished):
            self._scenario(event)
        elif isinstance(event, events.NonFatalError):
            message = str(event.info.message).strip()
            if NO_LINKS_SELECTED in message:
                self.notes.append(f"{event.label}: skipped, the selected operations have no links between them")
            else:
                self.errors.append((event.label, message))
        elif isinstance(event, events.PhaseFinished) and event.status.value == "skip":
            self.phases.append((event.phase.name.value, f"skipped: {skip_reason(event.phase)}",
                                time.monotonic() - self.started))
        elif isinstance(event, events.PhaseFinished):
            self.phases.append((event.phase.name.value, event.status.value, time.monotonic() - self.started))
        elif isinstance(event, events.EngineFinished):
            self.finished = time.monotonic()

    def _scenario(self, event) -> None:
        recorder = event.recorder
        for case_id, node in recorder.cases.items():
            label = node.value.operation.label
            interaction = recorder.interactions.get(case_id)
            if interaction is not None:
                self.cases[label] += 1
                if interaction.response is not None and 200 <= interaction.response.status_code < 300:
                    kept = self.succeeded[(label, interaction.response.status_code)]
                    if len(kept) < 3:
                        kept.append(node.value)
            if node.transition is not None and node.is_transition_applied:
                self.transitions.add(node.transition.id)
        for case_id, checks in recorder.checks.items():
            node = recorder.cases.get(case_id)
            if node is None:
                continue
            tallies = self.operations[node.value.operation.label]
            for check in checks:
                tally = tallies.setdefault(check.name, CheckTally())
                if check.status.value == "failure" and check.failure_info is not None:
                    tally.failed += 1
                    self._keep(tally, check, event.phase.value)
                elif check.status.value == "success":
                    tally.passed += 1

    def _keep(self, tally: CheckTally, check, phase: str) -> None:
        info = check.failure_info
        message = info.failure.message.strip() or info.failure.title
        if any(kept.message == message for kept in tally.failures) or len(tally.failures) >= MAX_FAILURES_KEPT:
            return
        steps = [step.curl for step in info.steps] or [info.code_sample]
        shown = self.suite.target.shown_origin
        tally.failures.append(FailureRecord(check.name, message, [s.replace(IN_PROCESS_URL, shown) for s in steps],
                                            phase))

    def record_step(self, step) -> None:
        """One link of the walk (see :mod:`.walk`): the target's checks count like any other case's."""
        if step.error:
            self.errors.append((step.link.label, step.error))
            return
        if step.skipped:
            self.skipped_links.append((step.link.label, step.skipped))
            return
        self.transitions.add(step.link.label)
        target = step.cases[-1]
        self.cases[target.operation.label] += 1
        tallies = self.operations[target.operation.label]
        shown = self.suite.target.shown_origin
        curl = [c.as_curl_command(headers=dict(r.request.headers)).replace(IN_PROCESS_URL, shown)
                for c, r in zip(step.cases, step.responses)]
        for name, failure in step.results:
            tally = tallies.setdefault(name, CheckTally())
            if failure is None:
                tally.passed += 1
                continue
            tally.failed += 1
            message = failure.message.strip() or failure.title
            if len(tally.failures) < MAX_FAILURES_KEPT and all(f.message != message for f in tally.failures):
                tally.failures.append(FailureRecord(name, message, curl, "links"))

    # --- across processes (``--workers``, see :mod:`.workers`) ----------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """What one worker process found, as plain data (its link-walk sources stay behind)."""
        return {"operations": {label: {name: {"passed": t.passed, "failed": t.failed,
                                              "failures": [asdict(f) for f in t.failures]}
                                       for name, t in checks.items()} for label, checks in self.operations.items()},
                "cases": dict(self.cases), "errors": self.errors, "transitions": sorted(self.transitions),
                "phases": [[name, status] for name, status, _ in self.phases],
                "skipped_links": self.skipped_links, "notes": self.notes}

    def merge(self, found: dict[str, Any]) -> list[tuple[str, str]]:
        """Add a worker's :meth:`to_json` to this run's; returns its phases as (name, status) for the caller
        to merge (:func:`merged_phases`). Failures kept per check stay the first few distinct ones."""
        for label, checks in found["operations"].items():
            tallies = self.operations[label]
            for name, data in checks.items():
                tally = tallies.setdefault(name, CheckTally())
                tally.passed += data["passed"]
                tally.failed += data["failed"]
                for failure in data["failures"]:
                    if len(tally.failures) < MAX_FAILURES_KEPT and all(f.message != failure["message"]
                                                                       for f in tally.failures):
                        tally.failures.append(FailureRecord(**failure))
        for label, count in found["cases"].items():
            self.cases[label] += count
        self.errors += [(label, message) for label, message in found["errors"]]
        self.transitions |= set(found["transitions"])
        self.skipped_links += [(label, reason) for label, reason in found["skipped_links"]]
        self.notes += [note for note in found["notes"] if note not in self.notes]
        return [(name, status) for name, status in found["phases"]]

    # --- summaries ---------------------------------------------------------------------------------------------

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(t.failed for checks in self.operations.values() for t in checks.values())

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def all_operations(self) -> list[str]:
        labels = []
        for result in self.suite.schema.get_all_operations():
            operation = result.ok()
            if operation is not None:
                labels.append(operation.label)
        return labels

    def all_transitions(self) -> list[str]:
        """Every link the contract declares between the selected operations."""
        from .links import contract_link_labels

        return contract_link_labels(self.suite.api, set(self.all_operations()))
