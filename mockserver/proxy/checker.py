"""Every exchange against the contract: which operation it is, then the conformance checks and the harness' rules
on the upstream's original answer. :class:`Tally` keeps what was checked and what was found, for
``GET /__mock__/violations`` and the reports written when the proxy stops."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace

from ..contract import load
from ..harness.dialects import dialect_for
from ..harness.facts import ApiFacts
from ..operations import Operations
from .conformance import Conformance
from .exchange import Exchange, Violation
from .rules import Rules, check_error

UNDOCUMENTED = "operation_documented"


class Checker:
    def __init__(self, api: str, upstream_origin: str):
        document = load(api)
        facts = ApiFacts(api, document)
        dialect = dialect_for(api, facts)
        self.operations = Operations(api)
        self.conformance = Conformance(api, document, dialect)
        self.rules = Rules(facts, dialect, upstream_origin)

    def check(self, ex: Exchange) -> tuple[str, list[Violation]]:
        """``(operation label, violations)``; a request that matches no operation is itself a violation."""
        match = self.operations.match(ex.method, ex.path)
        op = match.operation
        if op is None:
            label = f"{ex.method} {ex.path}"
            return label, [Violation(UNDOCUMENTED, label, "request line", match.problem or "no operation",
                                     ex.curl())]
        try:
            findings = self.conformance.check(op, match.path_params, ex)
        except Exception as exc:  # the client still gets the upstream's answer; the error is reported
            findings = [check_error("conformance", exc)]
        findings += self.rules.check(op, match.path_params, ex)
        curl = ex.curl()
        return op.label, [Violation(check, op.label, part, message, curl) for check, part, message in findings]


class Tally:
    """What the proxy checked (exchanges per operation) and found (violations, in order), safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.exchanges: Counter[str] = Counter()
        self._violations: list[Violation] = []
        self.upstream_failures = 0
        self.unanswered: list[str] = []  # "<method> <path>: <why>" of each request answered 502/504

    def add(self, label: str, violations: list[Violation], seq: int | None, time: str) -> list[Violation]:
        """Count one exchange of ``label``; → its violations stamped with the journal entry and time."""
        stamped = [replace(v, seq=seq, time=time) for v in violations]
        with self._lock:
            self.exchanges[label] += 1
            self._violations += stamped
        return stamped

    def failed_upstream(self, request: str) -> None:
        with self._lock:
            self.upstream_failures += 1
            self.unanswered.append(request)

    def unanswered_requests(self) -> list[str]:
        with self._lock:
            return list(self.unanswered)

    def violations(self) -> list[Violation]:
        with self._lock:
            return list(self._violations)

    def clear(self) -> None:
        with self._lock:
            self.exchanges.clear()
            self._violations.clear()
            self.upstream_failures = 0
            self.unanswered.clear()
