"""DRF page-number pagination (H31–H35) for envelopes nested inside an object (a directory's ``children``),
which the dialect does not paginate because the route itself answers an object."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..errors import ApiError

DEFAULT_SIZE, MAX_SIZE = 20, 100


def page_size(query: Any) -> int:
    """H32: absent, empty, non-numeric, negative or under 20 → 20; over 100 → 100; 0 disables paging."""
    raw = query.get("page_size") if query is not None else None
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_SIZE
    if size == 0:
        return 0
    return DEFAULT_SIZE if size < DEFAULT_SIZE else min(size, MAX_SIZE)


def paginate(items: list[Any], query: Any, url: str) -> dict[str, Any] | list[Any]:
    """The envelope for one page of ``items``; ``url`` is the request URL without its query."""
    size = page_size(query)
    if size == 0:
        return list(items)  # H33
    pages = max(1, -(-len(items) // size))
    raw = query.get("page") if query is not None else None
    if raw in (None, ""):
        number = 1
    elif raw == "last":
        number = pages
    else:
        try:
            number = int(raw)
        except ValueError:
            number = 0
    if not 1 <= number <= pages:
        raise ApiError(404, {"detail": "Invalid page."})
    return {
        "count": len(items),
        "next": _link(query, url, number + 1) if number < pages else None,
        "previous": _link(query, url, number - 1) if number > 1 else None,
        "results": items[(number - 1) * size : number * size],
    }


def _link(query: Any, url: str, number: int) -> str:
    """H34: the request's params as sent with ``page`` replaced (dropped for page 1), keys sorted."""
    pairs = [(k, v) for k, v in (query.items(multi=True) if query is not None else []) if k != "page"]
    if number > 1:
        pairs.append(("page", str(number)))
    pairs.sort(key=lambda kv: kv[0])
    return f"{url}?{urlencode(pairs)}" if pairs else url
