"""The two frameworks' conventions, as the checks judge them: error envelopes, 401s and self links.

A check asks its suite's dialect ("is this 4xx in the documented envelope?", "where does this object say it
lives?"), so the checks stay the same for both APIs. Rule numbers refer to the behaviour specs (T… tastypie,
H… Hub).
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from .facts import ApiFacts, Resource

JSONP = re.compile(r"^[\w$.\[\]]+\((.*)\)$", re.S)
ROUTER_DEFAULT = re.compile(r"[^/.]+")  # DRF's lookup_value_regex


def json_body(content_type: str, body: bytes) -> Any:
    """The JSON in a response (unwrapping JSONP); ``None`` when there is none."""
    try:
        text = body.decode("utf-8")
        if content_type == "text/javascript":
            match = JSONP.match(text.strip())
            text = match.group(1) if match else ""
        return json.loads(text) if text.strip() else None
    except (UnicodeDecodeError, ValueError):
        return None


class Dialect:
    name: str
    self_link_key: str
    auth_rule: str
    # Server-wide singletons (path under the API base → shape, see .singletons): a remote run restores them after
    # it writes to them, as nothing resets a remote server between cases.
    singletons: dict[str, str] = {}

    def __init__(self, facts: ApiFacts):
        self.facts = facts

    def error_problem(self, status: int, headers, body: bytes, path: str, path_params: dict) -> str | None:
        raise NotImplementedError

    def unroutable(self, path: str, path_params: dict) -> bool:
        """Whether these path values make the URL match no route (the framework's HTML 404, T4 / H1)."""
        return any(not str(value) or "/" in str(value) for value in path_params.values())

    def unauthenticated_problem(self, status: int, headers, body: bytes, *, credentials_sent: bool) -> str | None:
        raise NotImplementedError

    def answered_before_auth(self, status: int, content_type: str, body: bytes, query: dict) -> bool:
        """Outcomes the API decides before it looks at credentials (so a replay without them says nothing)."""
        raise NotImplementedError

    def self_link(self, resource: Resource, obj: dict, request_url: str) -> tuple[str | None, str | None]:
        """``(actual, expected)`` self link of an object; ``(None, None)`` when the object carries none."""
        raise NotImplementedError

    def created_url(self, resource: Resource, headers, body: Any, request_url: str) -> str | None:
        raise NotImplementedError


class Tastypie(Dialect):
    name = "tastypie"
    self_link_key = "resource_uri"
    auth_rule = "T6"

    def error_problem(self, status, headers, body, path, path_params):
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        if status == 401:
            return None if not body else "T6/T11: a 401 has an empty body"
        if status == 404:
            if not body:
                return None
            parsed = json_body(content_type, body)
            if isinstance(parsed, dict) and set(parsed) == {"error_message"}:
                return None  # T5: the canned 404 for a non-numeric id
            if content_type == "text/html" and self.unroutable(path, path_params):
                return None  # T4: the value made the path match no route
            return 'T32/T5: a 404 is empty or the canned {"error_message": …}'
        if status == 405:
            allow = headers.get("Allow")
            return None if allow and body.decode("utf-8", "replace") == allow else "T36: a 405 lists Allow in its body"
        if status == 400 and not body and path == self.facts.base_path + "/rundb/api/v1/":
            return None  # T2: the top-level listing answers a bad callback or Accept with an empty 400
        parsed = json_body(content_type, body)
        if isinstance(parsed, dict) and set(parsed) == {"error"} and isinstance(parsed["error"], str):
            return None
        return 'T71: a 4xx is {"error": "<message>"}'

    def unauthenticated_problem(self, status, headers, body, *, credentials_sent):
        if status != 401:
            return f"T6: expected 401, got {status}"
        if body:
            return "T6: the 401 must have an empty body"
        if not headers.get("WWW-Authenticate", "").startswith("Basic Realm="):
            return 'T6: the 401 must carry WWW-Authenticate: Basic Realm="…"'
        return None

    def answered_before_auth(self, status, content_type, body, query):
        # T70: 301, unknown route (an HTML page; the empty 404 of a missing id comes after authentication), 405, 413
        return status in (301, 405, 413) or (status == 404 and content_type == "text/html" and bool(body))

    def self_link(self, resource, obj, request_url):
        if "resource_uri" not in obj or "id" not in obj:
            return None, None
        return obj["resource_uri"], f"{resource.list_path}{obj['id']}/"

    def created_url(self, resource, headers, body, request_url):
        return headers.get("Location")


class Drf(Dialect):
    name = "drf"
    self_link_key = "url"
    auth_rule = "H22"
    singletons = {"/configurations/": "object", "/settings/": "keyed"}  # the global configuration and settings

    def error_problem(self, status, headers, body, path, path_params):
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        if status == 404 and content_type == "text/html":
            if self.unroutable(path, path_params):
                return None  # H1/H3: the value made the path match no route
            return "H64: a 404 of a routed URL is JSON {\"detail\": …}"
        parsed = json_body(content_type, body)
        if status == 401 and "WWW-Authenticate" not in headers:
            return 'H19/H22: a 401 carries WWW-Authenticate: Bearer realm="api"'
        if status == 405 and "Allow" not in headers:
            return "H27: a 405 carries Allow"
        if isinstance(parsed, dict) and isinstance(parsed.get("detail"), str):
            return None
        if status == 400 and _field_errors(parsed):
            return None
        return 'H58: a 4xx is {"detail": "<message>"} or, for a 400, field errors {"<field>": ["<message>"]}'

    def unauthenticated_problem(self, status, headers, body, *, credentials_sent):
        if status != 401:
            return f"H22: expected 401, got {status}"
        if not headers.get("WWW-Authenticate", "").startswith("Bearer"):
            return 'H22: the 401 must carry WWW-Authenticate: Bearer realm="api"'
        parsed = json_body(headers.get("Content-Type", "").split(";")[0].strip(), body)
        if not isinstance(parsed, dict) or not isinstance(parsed.get("detail"), str):
            return 'H22: the 401 body is {"detail": …}'
        expected = "Authentication credentials were not provided."
        if not credentials_sent and parsed["detail"] != expected:
            return f"H22: without credentials the detail is {expected!r}, not {parsed['detail']!r}"
        return None

    def answered_before_auth(self, status, content_type, body, query):
        return (status in (301, 406, 413) or (status == 404 and content_type == "text/html")
                or query.get("format") not in (None, "json", "api"))

    def self_link(self, resource, obj, request_url):
        if "url" not in obj or not resource.detail_path or obj.get(resource.lookup) is None:
            return None, None
        request = urlsplit(request_url)
        values = dict(zip(resource.parents, _path_values(resource.list_path, unquote(request.path),
                                                            self.facts.base_path)))
        values[resource.lookup] = obj[resource.lookup]
        path = self.facts.base_path + resource.detail_path.format(**values)
        return obj["url"], f"{request.scheme}://{request.netloc}{path}"

    def created_url(self, resource, headers, body, request_url):
        if isinstance(body, dict):
            actual, expected = self.self_link(resource, body, request_url)
            return actual or expected
        return headers.get("Location")

    def unroutable(self, path, path_params):
        # H3: the contract's pattern for the parameter, else the DRF router's default
        return any(not (self.facts.path_pattern(path, name) or ROUTER_DEFAULT).fullmatch(str(value))
                   for name, value in path_params.items())


def _field_errors(parsed: Any) -> bool:
    """DRF field errors: ``{"field": ["msg"]}``, nested objects, lists aligned with an input list."""
    if not isinstance(parsed, dict) or not parsed:
        return False
    return all(_error_value(value) for value in parsed.values())


def _error_value(value: Any) -> bool:
    """A field's errors: a list of messages (or, for arrays of objects, of per-item error objects), or a nested
    object of field errors; never a bare message."""
    if isinstance(value, dict):
        return all(_error_value(v) for v in value.values())
    if isinstance(value, list):
        return all(isinstance(v, str) or (isinstance(v, dict) and _error_value(v)) for v in value)
    return False


def _path_values(template: str, path: str, base_path: str) -> list[str]:
    """The values a concrete path gives the parameters of a path template (in order)."""
    pieces = re.split(r"\{[^}]+\}", base_path + template)
    match = re.match("([^/]+)".join(re.escape(piece) for piece in pieces), path)
    return list(match.groups()) if match else []


def dialect_for(api: str, facts: ApiFacts) -> Dialect:
    return Tastypie(facts) if api == "torrent" else Drf(facts)
