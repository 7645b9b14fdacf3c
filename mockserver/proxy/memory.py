"""The rules about what a write stores, judged from traffic alone: the proxy sends no request of its own, so it
remembers what it has seen of each object and judges a write by the next representation of the object it sees
(the write's own answer when it carries the object, and the next read of it).

- ``readonly_fields_ignored`` (T54, H43): a successful write that sends a read-only field a value other than
  the one last seen must not change it: the object must not show the value sent.
- ``defaults_applied`` (T39, H60): a create that leaves out a field with a default shows the default, in the
  next representation of the object that carries the field (the contract's schema of that answer says which:
  a summary such as the Hub's sites list does not, and judges nothing).

Objects are known by the path of their URL (their self link, or the detail URL a request used).
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from ..harness.dialects import Dialect
from ..harness.facts import Field, Resource
from ..harness.stored_checks import default_problems
from .exchange import Exchange

KEPT = 10_000  # objects remembered (least recently seen go first)
WRITES = ("PUT", "PATCH")
RULES = {"tastypie": ("T54", "T39"), "drf": ("H43", "H60")}  # docs/behaviour/torrent.md, hub.md


@dataclass
class _Expected:
    readonly: dict[str, Any] = field(default_factory=dict)  # field → the value a write sent and must not stick
    defaults: list[Field] = field(default_factory=list)  # fields a create left out


class Memory:
    def __init__(self, dialect: Dialect):
        self.dialect = dialect
        self.rules = RULES[dialect.name]  # (read-only fields, defaults) in the API's own rule numbers
        self._seen: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._expected: dict[str, _Expected] = {}
        self._lock = threading.Lock()

    def check(self, kind: str | None, resource: Resource | None, ex: Exchange,
              carried: frozenset[str] | None = None) -> list[tuple[str, str]]:
        """``(check, message)`` for what this exchange shows of earlier writes and what it writes itself;
        ``carried``: the fields the answer's objects carry by its schema (None: not known, every field)."""
        if resource is None or kind is None or not 200 <= ex.status < 300:
            return []
        found: list[tuple[str, str]] = []
        with self._lock:
            if ex.method in WRITES and kind == "detail":
                self._expect_readonly(resource, _path(ex.path), ex.request_json)
            elif ex.method == "POST" and kind == "list" and ex.status == 201:
                created = self._created_path(resource, ex)
                if created:
                    self._expect_defaults(resource, created, ex.request_json)
            for path, obj in self._objects(kind, resource, ex):
                found += self._judge(path, obj, ex.method == "GET", carried)
                self._remember(path, obj)
        return found

    def _objects(self, kind: str, resource: Resource, ex: Exchange) -> list[tuple[str, dict]]:
        body = ex.json
        if ex.method == "DELETE" or not isinstance(body, (dict, list)):
            return []
        if kind == "detail" and isinstance(body, dict):
            return [(_path(ex.path), body)]
        if ex.method == "POST" and isinstance(body, dict) and kind == "list" and ex.status == 201:
            created = self._created_path(resource, ex)
            return [(created, body)] if created else []
        items = body.get("objects", body.get("results")) if isinstance(body, dict) else body
        found = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                link = self._link(resource, item, ex)
                if link:
                    found.append((link, item))
        return found

    def _link(self, resource: Resource, obj: dict, ex: Exchange) -> str | None:
        actual, expected = self.dialect.self_link(resource, obj, ex.upstream_url)
        link = actual if isinstance(actual, str) else expected
        return _path(urlsplit(link).path) if link else None

    def _created_path(self, resource: Resource, ex: Exchange) -> str | None:
        link = self.dialect.created_url(resource, _Headers(ex), ex.json, ex.upstream_url)
        return _path(urlsplit(link).path) if isinstance(link, str) and link else None

    def _expect_readonly(self, resource: Resource, path: str, sent: Any) -> None:
        known = self._seen.get(path)
        if not isinstance(sent, dict) or known is None:
            return  # without an earlier view the proxy cannot tell a change from the value sent back
        changed = {f.name: sent[f.name] for f in resource.readonly_fields()
                   if f.name in sent and f.name in known and known[f.name] != sent[f.name]}
        if changed:
            self._expected.setdefault(path, _Expected()).readonly.update(changed)

    def _expect_defaults(self, resource: Resource, path: str, sent: Any) -> None:
        sent = sent if isinstance(sent, dict) else {}
        fields = [f for f in resource.defaulted_fields() if f.name not in sent]
        if fields:
            self._expected.setdefault(path, _Expected()).defaults = fields

    def _judge(self, path: str, obj: dict, final: bool, carried: frozenset[str] | None) -> list[tuple[str, str]]:
        """A write's own answer may show the object as sent while the server stores something else: what it
        expects holds until the next read of the object (``final``) that carries the field, unless the answer
        already breaks it."""
        expected = self._expected.get(path)
        if expected is None:
            return []
        found = []
        stored = sorted(name for name, value in expected.readonly.items() if name in obj and obj[name] == value)
        if stored:
            found.append(("readonly_fields_ignored", f"{self.rules[0]} read-only fields are ignored: the server "
                                                     f"stored the values a write sent for read-only field(s) "
                                                     f"{stored} of {path}"))
        judged = [f for f in expected.defaults if carried is None or f.name in carried]
        problems = default_problems(judged, obj) if judged else []
        if problems:
            found.append(("defaults_applied", f"{self.rules[1]} defaults are applied: a create that leaves a field "
                                              f"out stores its default; {path}: " + "; ".join(problems)))
        if found:
            del self._expected[path]
        elif final:  # what this read could not show (a summary without the field) waits for a fuller one
            expected.readonly.clear()
            expected.defaults = [f for f in expected.defaults if f not in judged]
            if not expected.defaults:
                del self._expected[path]
        return found

    def _remember(self, path: str, obj: dict) -> None:
        self._seen[path] = obj
        self._seen.move_to_end(path)
        while len(self._seen) > KEPT:
            self._seen.popitem(last=False)


class _Headers:
    """The answer's headers as the harness dialects read them (``.get(name)``)."""

    def __init__(self, ex: Exchange):
        self._ex = ex

    def get(self, name: str, default: Any = None) -> Any:
        value = self._ex.response_header(name)
        return default if value is None else value


def _path(path: str) -> str:
    return unquote(path)
