"""Rules about where objects live: self links, ``Location`` after a create, and objects gone after a delete.
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from .probes import NOT_APPLICABLE, Exchange, fail


def _listed(ex: Exchange) -> list[dict]:
    body = ex.json
    if ex.kind == "detail":
        return [body] if isinstance(body, dict) else []
    if isinstance(body, dict):
        body = body.get("objects", body.get("results"))
    return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []


def _same_link(actual: str, expected: str | None) -> bool:
    a, e = urlsplit(actual), urlsplit(expected)
    return (a.scheme, a.netloc, unquote(a.path)) == (e.scheme, e.netloc, unquote(e.path))


def self_link_matches(ex: Exchange) -> bool | None:
    name = "self_link_matches"
    if ex.method != "GET" or ex.status != 200 or ex.resource is None or ex.kind is None:
        return NOT_APPLICABLE
    dialect = ex.suite.dialect
    checked, first = None, None
    for obj in _listed(ex):
        actual, expected = dialect.self_link(ex.resource, obj, ex.url)
        if actual is None and expected is None:
            continue
        if not isinstance(actual, str) or not _same_link(actual, expected):
            fail(ex, f"T15/H9 self link: {dialect.self_link_key} is {actual!r}; the object lives at {expected!r}")
        checked, first = checked or actual, first or obj
    if checked is None:
        return NOT_APPLICABLE
    if ex.kind == "detail":
        asked = ex.case.path_parameters.get(ex.resource.lookup)
        got = ex.json.get(ex.resource.lookup)
        if not _same_key(asked, got):
            fail(ex, f"T31/H61 retrieve: asked for {ex.resource.lookup}={asked!r}, got the object with {got!r}")
    elif ex.probe_allowed(name):
        reply = ex.send("GET", checked)
        resolved = reply.json(None) if reply.status == 200 else None
        # the same object: its key, and its self link where the detail shows one (a jobstat's does not, H86)
        key = ex.resource.lookup
        passed = (isinstance(resolved, dict) and first is not None and resolved.get(key) == first.get(key)
                  and resolved.get(dialect.self_link_key, checked) == checked)
        ex.probed(name, passed)
        if not passed:
            fail(ex, f"T15/H9 self link: GET of a listed object's {dialect.self_link_key} does not return that object")
    return None


def _same_key(asked, got) -> bool:
    if str(asked) == str(got):
        return True
    text = str(asked).strip()
    return text.lstrip("+-").isdigit() and isinstance(got, int) and int(text) == got  # "023" is id 23 (T5)


def location_resolves(ex: Exchange) -> bool | None:
    if ex.status != 201 or ex.method not in ("POST", "PUT") or ex.resource is None or not ex.resource.detail_path:
        return NOT_APPLICABLE
    location = ex.headers.get("Location")
    body = ex.json
    declared = "Location" in _declared_headers(ex)
    if location is None:
        if declared:
            fail(ex, "T39/H60 Location: a create answers Location with the new object's URL; it is missing")
        return NOT_APPLICABLE
    if not urlsplit(location).scheme:
        fail(ex, f"T39/H60 Location: must be an absolute URL, not {location!r}")
    dialect = ex.suite.dialect
    if isinstance(body, dict) and body.get(dialect.self_link_key) not in (None, location):
        fail(ex, f"H60 Location: {location!r} differs from the body's url {body.get(dialect.self_link_key)!r}")
    reply = ex.send("GET", location)
    fetched = reply.json(None) if reply.status == 200 else None
    if not isinstance(fetched, dict):
        fail(ex, f"T39/H60 Location: GET {location} answered {reply.status}, not the created object")
    actual, expected = dialect.self_link(ex.resource, fetched, location)
    if actual is not None and urlsplit(actual).path != urlsplit(location).path:
        fail(ex, f"T39/H60 Location: GET {location} returned the object at {actual!r}")
    return None


def _declared_headers(ex: Exchange) -> dict:
    response = ex.suite.facts.operation(ex.method, ex.path).get("responses", {}).get(str(ex.status), {})
    return response.get("headers", {})


def deleted_objects_gone(ex: Exchange) -> bool | None:
    if ex.method != "DELETE" or ex.status != 204 or ex.kind is None:
        return NOT_APPLICABLE
    if ex.kind == "detail":
        url = urlsplit(ex.url)._replace(query="").geturl()
        reply = ex.send("GET", url)
        if reply.status != 404:
            fail(ex, f"T45/H63 delete: GET of the deleted object answers {reply.status}, not 404")
        problem = ex.suite.dialect.error_problem(404, reply.headers, reply.body, ex.path, ex.case.path_parameters)
        if problem:
            fail(ex, f"T32/H64 delete: the 404 of a deleted object: {problem}")
        return None
    reply = ex.send("GET", ex.url)  # tastypie's DELETE on a list deletes what its filters select (T46)
    page = reply.json(None) if reply.status == 200 else None
    total = page.get("meta", {}).get("total_count") if isinstance(page, dict) else None
    if total != 0:
        fail(ex, f"T46 delete list: the same filters still select {total} object(s) after the DELETE")
    return None
