"""limit/offset (T17, T18) and the list ``meta`` with its ``next``/``previous`` links (T16, T19, T20)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from .request import Query
from .values import INTEGER_TEXT

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000


class PagingError(ValueError):
    pass


def window(query: Query) -> tuple[int, int]:
    """→ (limit, offset), limit checked first, as tastypie's Paginator.page() does."""
    raw = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw is not None:
        if not INTEGER_TEXT.match(raw):
            raise PagingError(f"Invalid limit '{raw}' provided. Please provide a positive integer.")
        limit = int(raw)
        if limit < 0:  # the message shows the parsed number, as '%s' % int(limit) does
            raise PagingError(f"Invalid limit '{limit}' provided. Please provide a positive integer >= 0.")
    if limit == 0 or limit > MAX_LIMIT:
        limit = MAX_LIMIT
    raw = query.get("offset")
    offset = 0
    if raw is not None:
        if not INTEGER_TEXT.match(raw):
            raise PagingError(f"Invalid offset '{raw}' provided. Please provide an integer.")
        offset = int(raw)
        if offset < 0:
            raise PagingError(f"Invalid offset '{offset}' provided. Please provide a positive integer >= 0.")
    return limit, offset


def meta(path: str, query: Query, limit: int, offset: int, total: int) -> dict[str, Any]:
    return {
        "limit": limit,
        "next": None if offset + limit >= total else link(path, query, offset + limit, limit),
        "offset": offset,
        "previous": None if offset - limit < 0 else link(path, query, offset - limit, limit),
        "total_count": total,
    }


def link(path: str, query: Query, offset: int, limit: int) -> str:
    """Path-only; offset, limit, then every other param in request order, repeats kept (T19, T20)."""
    params = [("offset", str(offset)), ("limit", str(limit))]
    params += [(k, v) for k, v in query.pairs if k not in ("offset", "limit")]
    return path + "?" + "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params)


def _quote(text: str) -> str:
    # Python 2's urllib.urlencode: quote_plus with nothing safe beyond letters, digits and "_.-" ("~" included).
    return quote_plus(text, safe="").replace("~", "%7E")
