"""Secrets out of what the mock keeps: every value the contract marks ``x-secret`` is shown as ``****`` in the
journal (A4, docs/behaviour/admin.md) and in the proxy's recordings, which both mask through :func:`secrets_of`.

What the contract marks (``mockserver/contractgen/secrets.py``): security schemes (their header, such as
``Authorization``, or query parameter, such as Torrent's ``api_key``, on every request of the API), parameters,
and body fields of an operation's request and answer schemas. A request's secret body fields are those of
every operation at its path (whatever its method), masked wherever they are nested in the body. ``Authorization``
keeps its scheme and who is calling (:func:`mask_authorization`); cookies are masked whatever the contract says
(HTTP's own credentials, which an upstream behind the proxy may set).
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode

from .contract import HTTP_METHODS, load, resolve

MASK = "****"
SECRET = "x-secret"
COOKIES = frozenset({"cookie", "set-cookie"})


@dataclass(frozen=True)
class Secrets:
    """What one API's contract marks secret, and the masks for a request's parts."""

    headers: frozenset[str]  # lower-case names
    query: frozenset[str]
    # Paths of operations with secret body fields (a regex per path template) → those fields' names, over every
    # method of the path: a method the path does not document is refused, but its body is recorded all the same.
    paths: tuple[tuple[re.Pattern[str], frozenset[str]], ...]
    any_path: re.Pattern[str] | None  # matches where one of ``paths`` does: most requests skip them in one go
    # Query parameters masked: the secret ones, and every secret body field's name (a password sent in the query
    # by mistake is a password all the same), whatever the path.
    query_masked: frozenset[str] = frozenset()

    def header(self, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered == "authorization" and lowered in self.headers:
            return mask_authorization(value)
        return MASK if lowered in self.headers or lowered in COOKIES else value

    def headers_of(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.header(name, value)) for name, value in pairs]

    def query_of(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, MASK if name in self.query_masked and value else value) for name, value in pairs]

    def urls(self, data: bytes) -> bytes:
        """``data`` with the secret query parameters of every URL in it masked: tastypie's ``meta.next`` and
        ``previous`` repeat the request's query, ``api_key`` included. Masked in the text, so that the rest of
        the body stays byte for byte as it was."""
        if not self.query or not data or not any(name.encode() + b"=" in data for name in self.query):
            return data
        masked = _query_pattern(self.query).sub(rb"\1" + MASK.encode(), data)
        return data if masked == data else masked

    def fields_of(self, path: str) -> frozenset[str]:
        """The secret body fields of the operations at ``path`` (without its trailing slash too: the 301 the
        Hub answers still records the body)."""
        if self.any_path is None or not self.any_path.match(path):
            return frozenset()
        return frozenset().union(*(names for pattern, names in self.paths if pattern.match(path)))

    def body(self, data: bytes, content_type: str, names: frozenset[str], *, complete: bool = True,
             answer: bool = False) -> bytes:
        """Body bytes with the values of ``names`` masked: JSON (re-encoded only when something was masked),
        a form, or (a truncated or malformed body) text in which each ``"name": value`` is masked; and the
        secret query parameters of the URLs in it (:meth:`urls`)."""
        data = self.urls(data)
        if not names or not data:
            return data
        if "x-www-form-urlencoded" in content_type:
            pairs = parse_qsl(data.decode("utf-8", "replace"), keep_blank_values=True)
            if any(k in names and v for k, v in pairs):
                return urlencode([(k, MASK if k in names and v else v) for k, v in pairs]).encode()
            return data
        if complete:
            try:
                parsed = json.loads(data)
                masked = mask_json(parsed, names, answer=answer)
                return data if masked == parsed else json.dumps(masked, ensure_ascii=False).encode()
            except (ValueError, RecursionError):  # not JSON, or nested too deep to walk: masked as text
                pass
        text = data.decode("utf-8", "replace")
        shown = _mask_text(text, names)
        if "multipart/" in content_type:
            shown = _multipart_pattern(names).sub(rf"\1{MASK}", shown)
        return data if shown == text else shown.encode()


def mask_json(value: Any, names: frozenset[str], *, answer: bool = False) -> Any:
    """``value`` with every field in ``names`` masked, at any depth. A null or empty value hides nothing and
    stays; in an answer, a list of texts under the name is DRF's field errors (messages, never the value)."""
    if isinstance(value, dict):
        return {key: MASK if key in names and _holds_secret(item, answer) else mask_json(item, names, answer=answer)
                for key, item in value.items()}
    if isinstance(value, list):
        return [mask_json(item, names, answer=answer) for item in value]
    return value


def _holds_secret(value: Any, answer: bool) -> bool:
    if value is None or value == "":
        return False
    return not (answer and isinstance(value, list) and all(isinstance(item, str) for item in value))


@cache
def _query_pattern(names: frozenset[str]) -> re.Pattern[bytes]:
    """``name=value`` for any of ``names`` as a parameter of a URL's query (after ``?`` or ``&``); the value
    ends where the URL or the JSON string does."""
    alternatives = b"|".join(re.escape(name.encode()) for name in sorted(names))
    return re.compile(rb"((?<=[?&])(?:" + alternatives + rb")=)[^&#\s\"'<>\\]+")


def query_string_masked(query: str, names: frozenset[str]) -> str:
    """A raw query string (``a=1&api_key=…``) with the values of ``names`` masked, each name read as the server
    reads it (``api%5Fkey`` is ``api_key``): what the access log shows."""
    if not names or "=" not in query:
        return query
    parts = query.split("&")
    for i, part in enumerate(parts):
        name, equals, value = part.partition("=")
        if equals and value and unquote_plus(name) in names:
            parts[i] = f"{name}={MASK}"
    return "&".join(parts)


@cache
def _text_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """``"name": value`` for any of ``names``; a string value may be cut off by the end of the text."""
    return re.compile(r'("(?:' + "|".join(map(re.escape, sorted(names))) + r')"\s*:\s*)'
                      r'("(?:[^"\\]|\\.)*(?:"|$)|[^\s,{}\[\]"]+)')


@cache
def _multipart_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """A multipart part named one of ``names``: its headers, then its value up to the next boundary line."""
    alternatives = "|".join(map(re.escape, sorted(names)))
    return re.compile(r'(Content-Disposition:[^\r\n]*\bname="(?:' + alternatives + r')"[^\r\n]*\r?\n'
                      r'(?:[^\r\n]+\r?\n)*\r?\n)(?:(?!\r?\n--)[\s\S])*', re.IGNORECASE)


def _mask_text(text: str, names: frozenset[str]) -> str:
    def masked(found: re.Match[str]) -> str:
        return found.group(1) + (found.group(2) if found.group(2) in ('""', "null") else f'"{MASK}"')

    return _text_pattern(names).sub(masked, text)


def mask_authorization(value: str) -> str:
    """Keep the scheme and who is calling; hide the secret (password, key, token)."""
    scheme, sep, credentials = value.strip().partition(" ")
    if not sep:
        return MASK
    credentials = credentials.strip()
    lowered = scheme.lower()
    if lowered == "basic":
        try:
            user, colon, _ = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return f"{scheme} {MASK}"
        return f"{scheme} {user}:{MASK}" if colon else f"{scheme} {MASK}"
    if lowered == "apikey" and ":" in credentials:  # tastypie: ApiKey <user>:<key>
        return f"{scheme} {credentials.partition(':')[0]}:{MASK}"
    if lowered == "api-key" and "." in credentials:  # Hub client key: <prefix>.<secret>; the prefix is public
        return f"{scheme} {credentials.partition('.')[0]}.{MASK}"
    return f"{scheme} {MASK}"


@cache
def secrets_of(api: str) -> Secrets:
    """The secrets ``api``'s contract marks, read once per process."""
    document = load(api)
    headers: set[str] = set()
    query: set[str] = set()
    for scheme in document.get("components", {}).get("securitySchemes", {}).values():
        if scheme.get(SECRET):
            where = "header" if scheme.get("type") == "http" else scheme.get("in")
            _add(headers, query, where, "Authorization" if scheme.get("type") == "http" else scheme.get("name", ""))
    base = document.get("servers", [{"url": "/"}])[0]["url"].rstrip("/")
    fields: dict[str, set[str]] = {}
    for template, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            for parameter in [*item.get("parameters", []), *item[method].get("parameters", [])]:
                parameter = resolve(document, parameter)
                if parameter.get(SECRET):
                    _add(headers, query, parameter.get("in"), parameter["name"])
            names = _secret_names(document, item[method])
            if names:
                fields.setdefault(template, set()).update(names)
    patterns = {template: _pattern(base + template) for template in fields}
    paths = tuple((re.compile(patterns[template]), frozenset(names)) for template, names in fields.items())
    any_path = re.compile("|".join(f"(?:{p})" for p in patterns.values())) if patterns else None
    every_field = frozenset().union(*fields.values())
    return Secrets(frozenset(name.lower() for name in headers), frozenset(query), paths, any_path,
                   frozenset(query) | every_field)


def _add(headers: set[str], query: set[str], where: str | None, name: str) -> None:
    if where == "cookie":
        headers.add("cookie")
    elif where == "header":
        headers.add(name)
    elif where == "query":
        query.add(name)


def _pattern(template: str) -> str:
    """A path template → a regex of its paths: a parameter is one segment; the trailing slash may be missing."""
    parts = re.split(r"\{[^}]+\}", template.removesuffix("/"))
    return "[^/]+".join(map(re.escape, parts)) + "/?$"


def _secret_names(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    contents = [operation.get("requestBody", {}).get("content", {})]
    contents += [resolve(document, response).get("content", {})
                 for response in operation.get("responses", {}).values()]
    names: set[str] = set()
    for content in contents:
        for media in content.values():
            _collect(document, media.get("schema"), names, set())
    return names


def _collect(document: dict[str, Any], schema: Any, names: set[str], visited: set[int]) -> None:
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or id(schema) in visited:
        return
    visited.add(id(schema))
    for name, prop in schema.get("properties", {}).items():
        if resolve(document, prop).get(SECRET):
            names.add(name)
        _collect(document, prop, names, visited)
    for nested in [schema.get("items"), *schema.get("oneOf", []), *schema.get("anyOf", []),
                   *schema.get("allOf", [])]:
        _collect(document, nested, names, visited)
