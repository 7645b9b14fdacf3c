"""Fault rules and latency (docs/behaviour/admin.md A7, A8): which vendor requests wait, fail or lose their connection.

Rules are tried in the order they were added; the first one that matches the method and path glob and wins
its probability draw acts on the request. Each rule draws from its own generator, seeded from ``--seed`` and
the rule's position since the last reset, so a rule's decisions do not depend on other rules or other traffic:
the same test against the same seed sees the same faults. ``times`` counts the requests a rule acted on;
an expired rule stays listed (with ``times`` 0) so its ``hits`` can still be read.

Rule ids are never reused, not even after a reset, so a journal entry's ``fault`` names one rule only. A
decision carries the epoch of the rules it came from; clearing the rules starts a new epoch, and
:meth:`Faults.current` drops a decision of an earlier one (its rule is gone): a request that was waiting in
its delay while the mock was reset goes on as if no rule had matched.

Sans-IO: this module decides; the app sleeps, answers or drops the connection.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

KEYS = ("method", "path", "status", "body", "headers", "delay_ms", "times", "probability", "drop")
MAX_DELAY_MS = 600_000
RETRY_AFTER_STATUSES = (429, 503)
DEFAULT_RETRY_AFTER = "1"


class FaultSpecError(ValueError):
    """A fault rule that cannot be added; the message names the key and the value."""


@dataclass
class FaultRule:
    id: str
    method: str = "*"
    path: str = "*"
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_ms: int | tuple[int, int] = 0
    times: int | None = None  # requests left before the rule expires; None: never expires
    probability: float = 1.0
    drop: bool = False
    hits: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatchcase(path, self.path)

    @property
    def active(self) -> bool:
        return self.times is None or self.times > 0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "method": self.method, "path": self.path, "status": self.status, "body": self.body,
                "headers": dict(self.headers),
                "delay_ms": list(self.delay_ms) if isinstance(self.delay_ms, tuple) else self.delay_ms,
                "times": self.times, "probability": self.probability, "drop": self.drop, "hits": self.hits,
                "active": self.active}


@dataclass(frozen=True)
class Decision:
    """What to do with one request: wait ``delay_s``, then drop, answer ``status``, or go on."""

    delay_s: float
    rule: str | None = None
    status: int | None = None
    body: Any = None
    has_body: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    epoch: int = 0  # of the rules the decision came from


class Faults:
    def __init__(self, seed: int = 0, latency_ms: float = 0):
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._added = 0  # rules added since the last clear: seeds each rule's generator
        self._ids = 0  # rules ever added: ids are never reused
        self._epoch = 0
        self.seed = seed
        self.latency_ms = latency_ms  # standing latency for every vendor request (--latency-ms); survives reset

    def add(self, spec: Any) -> dict[str, Any]:
        """Add a rule; → its A7 JSON."""
        fields = parse_spec(spec)
        with self._lock:
            self._added += 1
            self._ids += 1
            rule = FaultRule(id=f"f{self._ids}", **fields)
            rule.rng = random.Random(f"{self.seed}:{self._added}")
            self._rules.append(rule)
            return rule.as_json()

    def as_json(self) -> list[dict[str, Any]]:
        """Every rule's A8 JSON, read together (``times`` and ``hits`` of one moment)."""
        with self._lock:
            return [rule.as_json() for rule in self._rules]

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            kept = [r for r in self._rules if r.id != rule_id]
            found = len(kept) != len(self._rules)
            self._rules = kept
            return found

    def clear(self) -> None:
        """Remove every rule and restart the draws' numbering, so a reset run repeats the same draws (A2)."""
        with self._lock:
            self._rules = []
            self._added = 0
            self._epoch += 1

    def cannot_wait(self) -> bool:
        """No request can be delayed or dropped now (no rule, no standing latency). Read without the lock: the
        server asks before every request, and a rule added meanwhile is seen at the next."""
        return not self._rules and not self.latency_ms

    def may_act(self, method: str, path: str) -> bool:
        """Whether a vendor request could be delayed, dropped or answered by a rule (or --latency-ms): what the
        server asks before answering it in its event loop. Probabilities are not drawn: a rule that may act
        counts. Read without the lock, as :meth:`cannot_wait`."""
        if self.latency_ms:
            return True
        return any(rule.active and rule.matches(method, path) for rule in list(self._rules))

    def current(self, decision: Decision | None) -> Decision | None:
        """``decision``, unless its rule was cleared since it was made (→ None: the request goes on)."""
        if decision is None or decision.rule is None:
            return decision
        with self._lock:
            return decision if decision.epoch == self._epoch else None

    def decide(self, method: str, path: str) -> Decision | None:
        base = self.latency_ms / 1000
        with self._lock:
            rule = self._first_acting(method, path)
            if rule is None:
                return Decision(base) if base else None
            rule.hits += 1
            if rule.times is not None:
                rule.times -= 1
            delay = rule.delay_ms
            delay_ms = rule.rng.uniform(*delay) if isinstance(delay, tuple) else delay
            return Decision(base + delay_ms / 1000, rule.id, rule.status, rule.body, rule.status is not None
                            and rule.body is not None, dict(rule.headers), rule.drop, self._epoch)

    def _first_acting(self, method: str, path: str) -> FaultRule | None:
        for rule in self._rules:
            if rule.active and rule.matches(method, path):
                # Draw only when the rule matches, so a rule's decisions depend only on the requests it matched.
                if rule.probability >= 1 or rule.rng.random() < rule.probability:
                    return rule
        return None


def default_headers(status: int, given: dict[str, str]) -> dict[str, str]:
    """A 429 or 503 tells the client when to retry, unless the rule says otherwise."""
    headers = dict(given)
    if status in RETRY_AFTER_STATUSES and not any(k.lower() == "retry-after" for k in headers):
        headers["Retry-After"] = DEFAULT_RETRY_AFTER
    return headers


def parse_spec(spec: Any) -> dict[str, Any]:
    """A7 body → FaultRule fields; FaultSpecError names the first bad key."""
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault rule is a JSON object, e.g. {\"path\": \"/api/jobs/*\", \"status\": 503}")
    unknown = sorted(set(spec) - set(KEYS))
    if unknown:
        raise FaultSpecError(f"unknown key(s) {unknown}; a fault rule takes {list(KEYS)}")
    out: dict[str, Any] = {}
    method = spec.get("method", "*")
    if not isinstance(method, str) or not method.strip():
        raise FaultSpecError(f'"method" must be an HTTP method or "*", not {method!r}')
    out["method"] = method.strip().upper()
    path = spec.get("path", "*")
    if not isinstance(path, str) or not path.startswith(("/", "*")):
        raise FaultSpecError(f'"path" must be a glob starting with "/" (or "*" for every path), not {path!r}')
    out["path"] = path
    status = spec.get("status")
    if status is not None and (not _is_int(status) or not 100 <= status <= 599):
        raise FaultSpecError(f'"status" must be an HTTP status code 100..599, not {status!r}')
    out["status"] = status
    if "body" in spec and spec["body"] is not None and status is None:
        raise FaultSpecError('"body" needs a "status" to answer with')
    out["body"] = spec.get("body")
    headers = spec.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in headers.items()):
        raise FaultSpecError(f'"headers" must be an object of strings, not {headers!r}')
    out["headers"] = dict(headers)
    out["delay_ms"] = _delay(spec.get("delay_ms", 0))
    times = spec.get("times")
    if times is not None and (not _is_int(times) or times < 1):
        raise FaultSpecError(f'"times" must be an integer >= 1 or null, not {times!r}')
    out["times"] = times
    probability = spec.get("probability", 1.0)
    if not _is_number(probability) or not 0 <= probability <= 1:
        raise FaultSpecError(f'"probability" must be a number from 0 to 1, not {probability!r}')
    out["probability"] = float(probability)
    drop = spec.get("drop", False)
    if not isinstance(drop, bool):
        raise FaultSpecError(f'"drop" must be true or false, not {drop!r}')
    if drop and status is not None:
        raise FaultSpecError('a rule either drops the connection or answers a "status", not both')
    out["drop"] = drop
    return out


def _delay(value: Any) -> int | tuple[int, int]:
    if _is_number(value) and 0 <= value <= MAX_DELAY_MS:
        return value
    if (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)
            and 0 <= value[0] <= value[1] <= MAX_DELAY_MS):
        return (value[0], value[1])
    raise FaultSpecError(f'"delay_ms" must be milliseconds 0..{MAX_DELAY_MS} or [min, max], not {value!r}')


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
