"""Datetimes: the stored form, tastypie 0.11.1's rendering quirk (T13), body input (T14) and filter values (T26).

Stored form: UTC with all six microsecond digits, ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``. The width is fixed, so
stored strings compare and sort as the instants they name.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

# Body input (T14): date, T or space, HH:MM[:SS[.ffffff]], optional Z or ±HH:MM.
_INPUT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?\Z",
                    re.ASCII)
# Filter values (T25, T26): Django 1.6's parse_datetime and parse_date, looser than body input: one-digit parts,
# up to 12 fraction digits (6 read), "+HHMM", and "$" lets a final newline through.
_FILTER = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d{0,6})?)?"
                     r"(Z|[+-]\d{2}:?\d{2})?$", re.ASCII)
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
# Seeds and our own output: the rendered form, fraction optional.
_RENDERED = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?\+00:00\Z", re.ASCII)

# Django 1.6 DateTimeField messages, as a filter on a datetime field reports them (T26).
DJANGO_INVALID = "'{}' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."
DJANGO_INVALID_DATETIME = ("'{}' value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) "
                           "but it is an invalid date/time.")
DJANGO_INVALID_DATE = "'{}' value has the correct format (YYYY-MM-DD) but it is an invalid date."


def to_stored(instant: datetime) -> str:
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    t = instant.astimezone(UTC)
    return (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
            f".{t.microsecond:06d}+00:00")


def from_stored(text: str) -> datetime:
    return datetime.fromisoformat(text)


def render(stored: str | None) -> str | None:
    """T13: milliseconds written in the microsecond slot; no fraction at all when they are zero."""
    if stored is None:
        return None
    t = from_stored(stored)
    base = f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    millis = t.microsecond // 1000
    return f"{base}.{millis:06d}+00:00" if millis else f"{base}+00:00"


def from_rendered(text: str) -> str:
    """A rendered datetime (seed data) → the stored form that renders to exactly the same text."""
    m = _RENDERED.match(text)
    if not m:
        raise ValueError(f"not a rendered tastypie datetime: {text!r}")
    fraction = int(m.group(7) or 0)
    micro = fraction * 1000 if fraction < 1000 else fraction
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    return to_stored(datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC))


def _build(m: re.Match[str]) -> datetime:
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    second = int(m.group(6) or 0)
    micro = int((m.group(7) or "0").ljust(6, "0"))
    zone = m.group(8)
    tz = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:])))
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def parse_input(text: str) -> str | None:
    """A body value (T14) → stored form; None when it is not a valid datetime string. Naive values are UTC."""
    m = _INPUT.match(text)
    if not m:
        return None
    try:
        return to_stored(_build(m))
    except (ValueError, OverflowError):  # month 13, 25:00, an offset of 24 hours, beyond year 9999 in UTC …
        return None


def parse_filter(text: str) -> str:
    """A filter value: what Django's DateTimeField reads, a bare date as midnight, naive as UTC (T14).
    ValueError carries Django's message."""
    m = _FILTER.match(text)
    if m:
        try:
            return to_stored(_build(m))
        except (ValueError, OverflowError):
            raise ValueError(DJANGO_INVALID_DATETIME.format(text)) from None
    m = _DATE.match(text)
    if m:
        try:
            return to_stored(datetime.combine(date(*(int(g) for g in m.groups())), datetime.min.time()))
        except ValueError:
            raise ValueError(DJANGO_INVALID_DATE.format(text)) from None
    raise ValueError(DJANGO_INVALID.format(text))
