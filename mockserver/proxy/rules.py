"""The harness' rules that need no further request, run on one exchange: ``error_envelope``,
``pagination_invariants``, ``self_link_matches`` (from :mod:`mockserver.harness`), and the write rules the
proxy judges from what it has seen (:mod:`.memory`).

The harness' rules take a :class:`~mockserver.harness.probes.Exchange`; here its suite never allows a probe,
so a rule judges the answer alone and sends nothing (a rule that tried would be a bug: the target refuses).
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from requests.structures import CaseInsensitiveDict

from ..contract import resolve
from ..harness import access, identity, paging
from ..harness.dialects import Dialect
from ..harness.facts import ApiFacts
from ..harness.probes import Exchange as HarnessExchange
from ..operations import Operation
from .exchange import Exchange
from .memory import Memory

SINGLE_EXCHANGE_RULES = (
    ("error_envelope", "response body", access.error_envelope),
    ("pagination_invariants", "response body (list envelope)", paging.pagination_invariants),
    ("self_link_matches", "response body (self link)", identity.self_link_matches),
)
Finding = tuple[str, str, str]  # (check, part, message)


class NeedsARequest(Exception):
    """A rule that can only judge this exchange with a request of its own (whether a page answered "Invalid
    page." exists): the proxy sends none, so the rule does not apply here."""


class _NoFollowUps:
    """The harness target of a proxy check: it shows the upstream in messages and sends nothing."""

    def __init__(self, origin: str):
        self.shown_origin = origin

    def send(self, *args: Any, **kwargs: Any):
        raise NeedsARequest("a proxy check judges the exchange it saw and sends no request of its own")


class _PassiveSuite:
    """What a harness rule reads of its suite: the contract's facts, the dialect, and no probes."""

    def __init__(self, facts: ApiFacts, dialect: Dialect, origin: str):
        self.facts = facts
        self.dialect = dialect
        self.target = _NoFollowUps(origin)

    def should_probe(self, check: str, operation: str) -> bool:
        return False

    def record_probe(self, check: str, operation: str, passed: bool) -> None:
        pass


class Rules:
    def __init__(self, facts: ApiFacts, dialect: Dialect, upstream_origin: str):
        self.facts = facts
        self.suite = _PassiveSuite(facts, dialect, upstream_origin)
        self.memory = Memory(dialect)
        self._carried: dict[tuple[str, int, str], frozenset[str] | None] = {}

    def check(self, op: Operation, path_params: dict[str, str], ex: Exchange) -> list[Finding]:
        kind, resource = self.facts.locate(op.template)
        judged = HarnessExchange(
            suite=self.suite,  # type: ignore[arg-type]  # duck-typed: what the rules read of a Suite, no probes
            case=SimpleNamespace(path_parameters=dict(path_params), body=ex.request_json),
            method=ex.method, path=op.template, url=ex.upstream_url, status=ex.status,
            headers=CaseInsensitiveDict(_joined(ex.response_headers)), body=ex.response_body, kind=kind,
            resource=resource, prepared=None)
        found: list[Finding] = []
        for name, part, rule in SINGLE_EXCHANGE_RULES:
            try:
                rule(judged)
            except AssertionError as failure:
                found.append((name, part, str(failure)))
            except NeedsARequest:
                pass
            except Exception as exc:  # a rule that breaks on an answer it did not foresee judges nothing
                found.append(check_error(name, exc))
        try:
            carried = self.carried(op, ex.status, ex.content_type)
            found += [(name, "response body (stored object)", message)
                      for name, message in self.memory.check(kind, resource, ex, carried)]
        except Exception as exc:
            found.append(check_error("readonly_fields_ignored/defaults_applied", exc))
        return found


    def carried(self, op: Operation, status: int, media: str) -> frozenset[str] | None:
        """The fields the objects of this answer carry, by the contract's schema of it (a list's items); None
        when the schema does not say."""
        key = (op.label, status, media)
        if key not in self._carried:
            document = self.facts.document
            declared = resolve(document, op.spec.get("responses", {}).get(str(status))) or {}
            schema = (declared.get("content", {}).get(media) or {}).get("schema")
            self._carried[key] = _object_fields(document, schema, 0) or None
        return self._carried[key]


def _object_fields(document: dict[str, Any], schema: Any, depth: int) -> frozenset[str]:
    """The property names of the objects a schema describes: a list envelope's (tastypie ``objects``, DRF
    ``results``) or a bare array's items, else its own properties, over ``allOf``/``oneOf``/``anyOf``."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > 8:
        return frozenset()
    properties = schema.get("properties", {})
    inner = next((properties[name] for name in ("objects", "results") if name in properties), None)
    if inner is not None:
        return _object_fields(document, resolve(document, inner).get("items"), depth + 1)
    if "items" in schema:
        return _object_fields(document, schema["items"], depth + 1)
    names = frozenset(properties)
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key, []):
            names |= _object_fields(document, branch, depth + 1)
    return names


def check_error(name: str, exc: Exception) -> Finding:
    """A check that raised instead of judging: reported as an error of the proxy's check, not of the upstream."""
    return (name, "check error", f"the check could not judge this exchange (an error in mockserver's check, "
                                 f"not a verdict on the upstream): {type(exc).__name__}: {exc}")


def _joined(headers: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers:
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged
