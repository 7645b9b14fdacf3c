"""Pagination invariants of both list envelopes, checked on every list a suite reads.

tastypie (T16–T19): ``meta.limit``/``offset`` are the request's (limit default 20, 0 or over 1000 → 1000), the
page holds ``min(limit, total_count - offset)`` objects, ``next``/``previous`` exist exactly when there is such
a page and carry every other query parameter, and following ``next`` then ``previous`` comes back to the page.

DRF (H31–H35): ``page_size`` is clamped to 20–100, a page holds ``min(size, count - (page-1)·size)`` results,
``next``/``previous`` exist exactly when there is such a page, following them round-trips, and a page past the
last answers 404 ``{"detail": "Invalid page."}``.
Rules: docs/behaviour/torrent.md, docs/behaviour/hub.md.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urlsplit

from .probes import NOT_APPLICABLE, Exchange, fail

INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")  # what tastypie (Python 2 int()) takes as a number
INVALID_PAGE = {"detail": "Invalid page."}
NAME = "pagination_invariants"


def pagination_invariants(ex: Exchange) -> bool | None:
    if ex.method != "GET":
        return NOT_APPLICABLE
    if ex.suite.dialect.name == "tastypie":
        return _tastypie(ex)
    return _drf(ex)


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _param(params: list[tuple[str, str]], name: str) -> str | None:
    """A query parameter as Django reads it: the last of repeated ones."""
    return next((value for key, value in reversed(params) if key == name), None)


def _others(params: list[tuple[str, str]], *names: str) -> Counter:
    return Counter((key, value) for key, value in params if key not in names)


# --- tastypie ---------------------------------------------------------------------------------------------------

def _tastypie(ex: Exchange) -> bool | None:
    body = ex.json
    if ex.status != 200 or not isinstance(body, dict) or set(body) != {"meta", "objects"}:
        return NOT_APPLICABLE
    meta, objects = body["meta"], body["objects"]
    params = ex.query
    limit_text, offset_text = _param(params, "limit"), _param(params, "offset")
    if limit_text is not None and not INTEGER.match(limit_text) or offset_text is not None and not INTEGER.match(
            offset_text):
        fail(ex, f"T18 limit/offset: limit={limit_text!r} offset={offset_text!r} must answer 400, not 200")
    limit = 20 if limit_text is None else int(limit_text)
    limit = 1000 if limit == 0 or limit > 1000 else limit
    offset = int(offset_text or 0)
    total = meta.get("total_count")
    problems = []
    if meta.get("limit") != limit:
        problems.append(f"T17: meta.limit is {meta.get('limit')}, the request asks for {limit}")
    if meta.get("offset") != offset:
        problems.append(f"T16: meta.offset is {meta.get('offset')}, the request asks for {offset}")
    if isinstance(total, int) and len(objects) != max(0, min(limit, total - offset)):
        problems.append(f"T16: {len(objects)} objects at offset {offset} of total_count {total} with limit {limit}")
    if isinstance(total, int):
        problems += _tastypie_link(meta.get("next"), offset + limit < total, offset + limit, limit, params, "next")
        problems += _tastypie_link(meta.get("previous"), offset - limit >= 0, offset - limit, limit, params,
                                   "previous")
    if problems:
        fail(ex, "T16–T19 pagination: " + "; ".join(problems))
    if meta.get("next") and ex.probe_allowed(NAME):
        _tastypie_round_trip(ex, meta, objects)
    return None


def _tastypie_link(link, expected: bool, offset: int, limit: int, params, name: str) -> list[str]:
    if not expected:
        return [] if link is None else [f"T19: meta.{name} must be null here, not {link!r}"]
    if not isinstance(link, str):
        return [f"T19: meta.{name} is missing (expected offset {offset})"]
    linked = _params(link)
    problems = []
    if (_param(linked, "offset"), _param(linked, "limit")) != (str(offset), str(limit)):
        problems.append(f"T19: meta.{name} points at offset={_param(linked, 'offset')} limit="
                        f"{_param(linked, 'limit')}, not offset={offset} limit={limit}")
    if _others(linked, "offset", "limit") != _others(params, "offset", "limit"):
        problems.append(f"T19: meta.{name} does not carry the request's other parameters: {link!r}")
    return problems


def _tastypie_round_trip(ex: Exchange, meta: dict, objects: list) -> None:
    following = ex.send("GET", meta["next"])
    page = following.json(None) if following.status == 200 else None
    if not isinstance(page, dict) or "meta" not in page:
        ex.probed(NAME, False)
        fail(ex, f"T19: following meta.next answered {following.status}")
    back = page["meta"].get("previous")
    returned = ex.send("GET", back).json(None) if isinstance(back, str) else None
    passed = (page["meta"].get("total_count") == meta.get("total_count")
              and isinstance(returned, dict) and returned.get("objects") == objects)
    ex.probed(NAME, passed)
    if not passed:
        fail(ex, "T19: following meta.next and then its meta.previous does not come back to the same page")


# --- DRF --------------------------------------------------------------------------------------------------------

def _drf(ex: Exchange) -> bool | None:
    body = ex.json
    params = ex.query
    if ex.status == 404 and body == INVALID_PAGE:
        return _drf_invalid_page(ex, params)
    if ex.status != 200 or not isinstance(body, dict) or not {"count", "next", "previous", "results"} <= set(body):
        if ex.status == 200 and isinstance(body, dict) and _param(params, "page_size") == "0" and "results" in body:
            fail(ex, "H33 page_size=0 answers a bare array of every result, not the envelope")
        return NOT_APPLICABLE
    size = _page_size(_param(params, "page_size"))
    count = body["count"]
    if not isinstance(count, int) or count < 0:
        fail(ex, f"H31: count must be a whole number >= 0, not {count!r}")
    last = max(1, math.ceil(count / size))
    page_text = _param(params, "page")
    if page_text and page_text != "last" and (not INTEGER.match(page_text) or int(page_text) < 1):
        fail(ex, f'H35: page={page_text!r} must answer 404 {{"detail": "Invalid page."}}, not 200')
    page = last if page_text == "last" else 1 if not page_text else int(page_text)
    if page > last:
        fail(ex, f'H35: page {page} is past the last page ({last}); it must answer 404 {{"detail": "Invalid page."}}')
    problems = []
    expected = max(0, min(size, count - (page - 1) * size))
    if len(body["results"]) != expected:
        problems.append(f"H31/H32: page {page} of count {count} with page size {size} holds "
                        f"{len(body['results'])} results, not {expected}")
    problems += _drf_link(body["next"], page < last, page + 1, params, "next")
    problems += _drf_link(body["previous"], page > 1, page - 1, params, "previous")
    if problems:
        fail(ex, "H31–H35 pagination: " + "; ".join(problems))
    if ex.probe_allowed(NAME):
        _drf_round_trip(ex, body, params, last)
    return None


def _page_size(text: str | None) -> int:
    value = int(text) if text is not None and INTEGER.match(text) else 0
    return 20 if value < 20 else min(value, 100)


def _drf_link(link, expected: bool, page: int, params, name: str) -> list[str]:
    if not expected:
        return [] if link is None else [f"H34: {name} must be null here, not {link!r}"]
    if not isinstance(link, str) or not urlsplit(link).scheme:
        return [f"H34: {name} must be an absolute URL to page {page}, not {link!r}"]
    linked = _params(link)
    problems = []
    wanted = None if page == 1 and name == "previous" else str(page)
    if _param(linked, "page") != wanted:
        problems.append(f"H34: {name} points at page={_param(linked, 'page')}, not {wanted}")
    if _others(linked, "page") != _others(params, "page"):
        problems.append(f"H34: {name} does not keep the request's other parameters: {link!r}")
    keys = [key for key, _ in linked]
    if keys != sorted(keys):
        problems.append(f"H34: {name} has its query keys unsorted: {link!r}")
    return problems


def _drf_round_trip(ex: Exchange, body: dict, params, last: int) -> None:
    problems = []
    if body["next"]:
        following = ex.send("GET", body["next"]).json(None)
        back = following.get("previous") if isinstance(following, dict) else None
        returned = ex.send("GET", back).json(None) if isinstance(back, str) else None
        if not isinstance(returned, dict) or returned.get("results") != body["results"]:
            problems.append("H34: following next and then its previous does not come back to the same page")
    beyond = [(key, value) for key, value in params if key != "page"] + [("page", str(last + 1))]
    reply = ex.send("GET", urlsplit(ex.url)._replace(query=urlencode(beyond)).geturl())
    if reply.status != 404 or reply.json(None) != INVALID_PAGE:
        problems.append(f'H35: page {last + 1} (past the last) must answer 404 {{"detail": "Invalid page."}}')
    ex.probed(NAME, not problems)
    if problems:
        fail(ex, "; ".join(problems))


def _drf_invalid_page(ex: Exchange, params) -> bool | None:
    text = _param(params, "page")
    if text is None or text == "" or text == "last":
        fail(ex, f'H35: page={text!r} is a valid page; it must not answer 404 "Invalid page."')
    if not INTEGER.match(text) or int(text) < 1:
        return None
    first = [(key, value) for key, value in params if key != "page"]
    reply = ex.send("GET", urlsplit(ex.url)._replace(query=urlencode(first)).geturl())
    page_one = reply.json(None) if reply.status == 200 else None
    count = page_one.get("count") if isinstance(page_one, dict) else None
    if isinstance(count, int) and int(text) <= max(1, math.ceil(count / _page_size(_param(params, "page_size")))):
        fail(ex, f'H35: page {text} exists (count {count}); it must not answer 404 "Invalid page."')
    return None
