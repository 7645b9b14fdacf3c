"""DRF page-number pagination as the Hub configures it (H31–H35)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ...errors import ApiError

DEFAULT_SIZE = 20
MAX_SIZE = 100
INVALID_PAGE = {"detail": "Invalid page."}


def page_size(raw: str | None) -> int | None:
    """The page size asked for; None when pagination is off (``page_size=0``, H33)."""
    if raw is None or raw.strip() == "":
        return DEFAULT_SIZE
    try:
        size = int(raw)
    except ValueError:
        return DEFAULT_SIZE
    if size == 0:
        return None
    return min(max(size, DEFAULT_SIZE), MAX_SIZE)


def page_number(raw: str | None, pages: int) -> int:
    if raw is None or raw == "":
        return 1
    if raw == "last":
        return pages
    try:
        number = int(raw)
    except ValueError:
        raise ApiError(404, INVALID_PAGE) from None
    if number < 1 or number > pages:
        raise ApiError(404, INVALID_PAGE)
    return number


def window(total: int, query: Any) -> tuple[int | None, int, int]:
    """→ (page size or None, page number, offset) for a list of ``total`` items; 404 for a bad page."""
    size = page_size(query.get("page_size"))
    if size is None:
        return None, 1, 0
    pages = max(1, math.ceil(total / size))
    number = page_number(query.get("page"), pages)
    return size, number, (number - 1) * size


def envelope(items: Sequence[Any], total: int, size: int, number: int, url: str,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    pages = max(1, math.ceil(total / size))
    body = {
        "count": total,
        "next": replace_param(url, "page", number + 1) if number < pages else None,
        "previous": None if number == 1 else (remove_param(url, "page") if number == 2
                                              else replace_param(url, "page", number - 1)),
        "results": list(items),
    }
    body.update(extra or {})
    return body


def paginate(items: list[Any], query: Any, url: str, extra: dict[str, Any] | None = None) -> Any:
    """A whole list → the page asked for in the envelope, or the bare list when pagination is off."""
    size, number, offset = window(len(items), query)
    if size is None:
        return items
    return envelope(items[offset:offset + size], len(items), size, number, url, extra)


def replace_param(url: str, key: str, value: Any) -> str:
    """DRF's ``replace_query_param``: query keys sorted, values form-encoded (H34)."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


def remove_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))
