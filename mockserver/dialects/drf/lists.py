"""Lists: DRF page-number pagination as the Hub configures it (H31–H35), and query filters as django-filter
reads them (H38): only the operation's documented parameters filter, each typed by the contract, each meaning
"the stored field equals the value" unless ``models.FILTERS`` says otherwise."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ...clock import isoformat_z
from ...engine import LOOKUPS, order_rows
from ...errors import ApiError
from .fields import Invalid, parse_datetime
from .models import FILTERS
from .render import stored_refs
from .spec import table
from .world import Row, World

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


def paginate(items: list[Any] | Listing, query: Any, url: str, extra: dict[str, Any] | None = None) -> Any:
    """A list → the page asked for in the envelope, or the bare list when pagination is off."""
    if isinstance(items, Listing):
        total, size, number, shown = items.page(query)
    else:
        total = len(items)
        size, number, offset = window(total, query)
        shown = items if size is None else items[offset:offset + size]
    if size is None:
        return shown
    return envelope(shown, total, size, number, url, extra)


class Listing:
    """A resource's list, read lazily: the stored rows are filtered, counted and ordered under the store's lock,
    and only the rows shown are copied and rendered, so a page costs one cheap pass over the table plus the
    page itself. ``order``: (field, descending) keys, ending with the id, so that ties keep their id order."""

    def __init__(self, world: World, resource: str, where: Callable[[Row], bool] | None,
                 order: list[tuple[str, bool]], render: Callable[[Row], Any]):
        self.world, self.resource, self.where, self.order, self.render = world, resource, where, order, render

    def page(self, query: Any) -> tuple[int, int | None, int, list[Any]]:
        """→ (count, page size or None when pagination is off, page number, the page's items); 404 for a page
        that does not exist."""
        seen: dict[str, Any] = {}

        def cut(rows: list[Row]) -> list[Row]:
            rows = order_rows(rows, self.order)
            seen["count"] = len(rows)
            seen["size"], seen["number"], offset = window(len(rows), query)  # the page depends on the count
            return rows if seen["size"] is None else rows[offset:offset + seen["size"]]

        _, rows = self.world.state.store.select(table(self.resource), self.where, cut)
        return seen["count"], seen["size"], seen["number"], [self.render(row) for row in rows]

    def __iter__(self) -> Iterator[Any]:
        """Every row, rendered (a list the contract does not page)."""
        order = self.order
        _, rows = self.world.state.store.select(table(self.resource), self.where, lambda rows: order_rows(rows, order))
        return iter([self.render(row) for row in rows])


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


PAGING = ("page", "page_size")
BOOLEAN_WORDS = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}


def row_filter(world: World, resource: str, params: dict[str, dict[str, Any]], query: Any
               ) -> Callable[[Row], bool] | None:
    """A predicate for the documented filters present in ``query``; 400 for a badly typed value."""
    conditions: list[Callable[[Row], bool]] = []
    special = FILTERS.get(resource, {})
    for name, schema in params.items():
        if name in PAGING or name not in query:
            continue
        values = _values(name, schema, query)
        if values is None:
            continue
        field, lookup = special.get(name, (name, "exact"))
        conditions.append(_condition(world, resource, field, lookup, values, schema.get("type") == "array"))
    if not conditions:
        return None
    return lambda row: all(check(row) for check in conditions)


def _values(name: str, schema: dict[str, Any], query: Any) -> list[Any] | None:
    kind = schema.get("type")
    if kind == "array":
        raw = [part for value in query.getlist(name) for part in value.split(",") if part != ""]
        kind = schema.get("items", {}).get("type", "string")
    else:
        raw = [query.get(name)]
        if raw == [""]:
            return None  # django-filter skips empty values
    if kind == "integer":
        try:
            return [int(value) for value in raw]
        except ValueError:
            raise ApiError(400, {name: ["Enter a whole number."]}) from None
    if kind == "boolean":
        known = [BOOLEAN_WORDS[v] for v in raw if v in BOOLEAN_WORDS]
        return known or None  # anything else: no filtering
    if schema.get("format") == "date-time":  # an instant, compared as the rows store it (UTC, Z)
        try:
            return [isoformat_z(parse_datetime(value)) for value in raw]
        except Invalid:
            raise ApiError(400, {name: ["Enter a valid date/time."]}) from None
    return raw


def _condition(world: World, resource: str, field: str, lookup: str, values: list[Any], many: bool
               ) -> Callable[[Row], bool]:
    def value_of(row: Row, name: str) -> Any:
        head, _, attribute = name.partition(".")
        if not attribute:
            return row.get(head)
        ref = stored_refs(resource).get(head, (None, None))[1]
        target = world.get(ref.target, row.get(head)) if ref else None
        return target.get(attribute) if target else None

    if lookup == "has":
        return lambda row: any(v in (row.get(field) or []) for v in values)
    if lookup == "any_icontains":
        names = field.split(",")
        return lambda row: any(LOOKUPS["icontains"](value_of(row, n), values[0]) for n in names)
    if many:
        return lambda row: value_of(row, field) in values
    check = LOOKUPS[lookup]
    return lambda row: check(value_of(row, field), values[0])
