"""Rules about what a write stores: read-only fields, null, unique fields, defaults.

Each rule runs after a write the suite made succeeded, on the object that write created or changed (so on a
real server the probes touch only the harness's own objects), and reads the object back to see what the server
stored. The field lists come from the contract (``readOnly``, ``nullable``, ``x-unique`` with its message where
the contract gives one, ``default``).
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .facts import Field
from .probes import NOT_APPLICABLE, Exchange, fail

SENTINELS = {"string": "contract-readonly-probe", "integer": 987654321, "number": 98765.5,
             "array": ["contract-readonly-probe"], "object": {"contract": "readonly-probe"}}
NOT_PATCHABLE = (403, 404, 405)  # the object refuses changes altogether (an immutable space, a finished job)


def written_url(ex: Exchange) -> str | None:
    """The URL of the object a successful create or update wrote."""
    if not 200 <= ex.status < 300 or ex.resource is None or not ex.resource.detail_path:
        return None
    if ex.kind == "list" and ex.method == "POST":
        return ex.suite.dialect.created_url(ex.resource, ex.headers, ex.json, ex.url)
    if ex.kind == "detail" and ex.method in ("PUT", "PATCH"):
        if isinstance(ex.json, dict):
            actual, expected = ex.suite.dialect.self_link(ex.resource, ex.json, ex.url)
            if actual or expected:
                return actual or expected
        return ex.headers.get("Location") or urlsplit(ex.url)._replace(query="").geturl()
    return None


def created_url(ex: Exchange) -> str | None:
    if ex.status != 201 or ex.method not in ("POST", "PUT"):
        return None
    return written_url(ex)


def _update_method(ex: Exchange) -> str | None:
    if ex.resource is None:
        return None
    methods = ex.suite.facts.document["paths"].get(ex.resource.detail_path, {})
    return "PATCH" if "patch" in methods else "PUT" if "put" in methods else None


def _read(ex: Exchange, url: str) -> dict | None:
    reply = ex.send("GET", url)
    value = reply.json(None) if reply.status == 200 else None
    return value if isinstance(value, dict) else None


def readonly_fields_ignored(ex: Exchange) -> bool | None:
    name = "readonly_fields_ignored"
    url, resource, method = written_url(ex), ex.resource, _update_method(ex)
    if url is None or resource is None or not ex.is_write or method is None or not ex.probe_allowed(name):
        return NOT_APPLICABLE
    fields = resource.readonly_fields()
    before = _read(ex, url) if fields else None
    if before is None:
        return NOT_APPLICABLE
    probe = {f.name: _sentinel(f, before[f.name]) for f in fields if f.name in before}
    probe = {key: value for key, value in probe.items() if value != before[key]}
    if not probe:
        return NOT_APPLICABLE
    reply = ex.send(method, url, json=probe)
    if reply.status in NOT_PATCHABLE:
        return NOT_APPLICABLE
    passed = 200 <= reply.status < 300
    after = _read(ex, url) if passed else None
    stored = sorted(key for key, value in probe.items() if after is not None and after.get(key) == value)
    passed = passed and after is not None and not stored
    ex.probed(name, passed)
    if reply.status >= 300:
        fail(ex, f"T54/H43 read-only fields are ignored: a write of only read-only keys {sorted(probe)} must "
                 f"succeed and change nothing, but it answered {reply.status}")
    if after is None:
        fail(ex, f"T54/H43 read-only fields are ignored: after writing read-only keys {sorted(probe)} the object "
                 f"is no longer at {urlsplit(url).path}")
    if stored:
        fail(ex, f"T54/H43 read-only fields are ignored: the server stored the values sent for read-only "
                 f"field(s) {stored}")
    return None


def null_rejected(ex: Exchange) -> bool | None:
    name = "null_rejected"
    url, resource, method = written_url(ex), ex.resource, _update_method(ex)
    if url is None or resource is None or not ex.is_write or method is None or not ex.probe_allowed(name):
        return NOT_APPLICABLE
    fields = resource.non_nullable_fields()
    if not fields:
        return NOT_APPLICABLE
    accepted, unnamed = [], []
    for f in fields:
        reply = ex.send(method, url, json={f.name: None})
        if reply.status in NOT_PATCHABLE:
            return NOT_APPLICABLE
        if reply.status < 400 or reply.status >= 500:
            accepted.append(f"{f.name} ({reply.status})")
        elif not _names_field(reply.json(None), f.name):
            unnamed.append(f.name)
    ex.probed(name, not accepted and not unnamed)
    if accepted:
        fail(ex, f"T56/H46 null is rejected on non-nullable fields: null was not refused with a 400 for "
                 f"{', '.join(accepted)}")
    if unnamed:
        fail(ex, f"T56/H46 null is rejected on non-nullable fields: the 400 for null does not name the field "
                 f"{', '.join(unnamed)}")
    return None


def unique_fields_enforced(ex: Exchange) -> bool | None:
    name = "unique_fields_enforced"
    url, resource = created_url(ex), ex.resource
    if url is None or resource is None or ex.kind != "list" or not resource.unique or not ex.probe_allowed(name):
        return NOT_APPLICABLE
    created = _read(ex, url)
    if created is None:
        return NOT_APPLICABLE
    body = dict(ex.request_json or {})
    duplicated = {}
    for field_name in resource.unique:
        if created.get(field_name) is not None:
            body[field_name] = created[field_name]
            duplicated[field_name] = created[field_name]
    if not duplicated:
        return NOT_APPLICABLE
    reply = ex.send("POST", ex.url, json=body)
    problems = []
    if 200 <= reply.status < 300:
        problems.append(f"a second object with {duplicated} was created ({reply.status})")
    elif reply.status != 400:
        problems.append(f"the duplicate answered {reply.status}, not 400")
    else:
        payload = reply.json(None)
        for field_name, message in resource.unique.items():
            if field_name in duplicated and not _names_field(payload, field_name, message):
                problems.append(f"the 400 does not report {field_name!r}" + (f" as {message!r}" if message else ""))
    ex.probed(name, not problems)
    if problems:
        fail(ex, "T57/H57 unique fields reject duplicates: " + "; ".join(problems))
    return None


def defaults_applied(ex: Exchange) -> bool | None:
    url, resource = created_url(ex), ex.resource
    if url is None or resource is None or resource.create is None:
        return NOT_APPLICABLE
    sent = ex.request_json if isinstance(ex.request_json, dict) else {}
    fields = [f for f in resource.defaulted_fields() if f.name not in sent]
    stored = _read(ex, url) if fields else None
    if stored is None:
        return NOT_APPLICABLE
    problems = default_problems(fields, stored)
    if problems:
        fail(ex, DEFAULTS_RULE + "; ".join(problems))
    return None


DEFAULTS_RULE = "T39 defaults are applied: a create that leaves a field out stores its default; "


def default_problems(fields: list[Field], stored: dict) -> list[str]:
    """What an object created without ``fields`` shows instead of their defaults (empty: every default holds)."""
    wrong = [f"{f.name}={stored.get(f.name)!r} (default {f.schema['default']!r})" for f in fields
             if f.name in stored and not _same(stored[f.name], f.schema["default"])]
    missing = [f.name for f in fields if f.name not in stored]
    return wrong + [f"{name} missing" for name in missing]


def _sentinel(f: Field, current: Any) -> Any:
    if isinstance(current, bool) or f.type == "boolean":
        return not current if isinstance(current, bool) else True
    return SENTINELS.get(f.type or "string", SENTINELS["string"])


def _same(stored: Any, default: Any) -> bool:
    # tastypie renders some integer columns as strings (T63: progress 0 → "0")
    return stored == default or (isinstance(stored, str) and default is not None and stored == str(default))


def _names_field(payload: Any, field_name: str, message: str | None = None) -> bool:
    """Whether an error body points at the field: DRF keys errors by field; tastypie quotes it in its message."""
    if isinstance(payload, dict) and field_name in payload:
        value = payload[field_name]
        return message is None or value == [message] or (isinstance(value, list) and message in value)
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        text = payload["error"]
        if message is not None:
            return message in text
        return f"'{field_name}'" in text or f" {field_name} " in text  # "The 'level' field …", "… with id '23' …"
    return False
