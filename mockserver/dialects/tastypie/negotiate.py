"""Response format selection (T29) and its errors (T30): ``format``, ``callback`` and ``Accept``.

The Accept matching is python-mimeparse 0.1.4's ``best_match`` (what tastypie 0.11.1 calls), quirks included:
fitness ranks before quality, and ``q=0`` counts as ``q=1``.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import re
import unicodedata

from .render import JSON, JSONP
from .request import Query

FORMATS = {"json": JSON, "jsonp": JSONP}
CANDIDATES = (JSONP, JSON)  # the later one wins ties: JSON
INVALID_ACCEPT = "Invalid Accept header"
INVALID_CALLBACK = "JSONP callback name is invalid."


class FormatError(ValueError):
    pass


def choose(query: Query, accept: str | None) -> str:
    """The format of a response body; FormatError for a malformed Accept header."""
    wanted = query.get("format")
    if wanted in FORMATS:
        return FORMATS[wanted]
    if "callback" in query:
        return JSONP
    if accept is not None and accept != "*/*":
        try:
            best = _best_match(CANDIDATES, accept)
        except (ValueError, IndexError):
            raise FormatError(INVALID_ACCEPT) from None
        if best:
            return best
    return JSON


def for_error(query: Query, accept: str | None) -> str:
    """Error bodies: JSON when a callback param is present or the negotiation fails (tastypie error_response)."""
    if "callback" in query:
        return JSON
    try:
        return choose(query, accept)
    except FormatError:
        return JSON


def callback(query: Query) -> str:
    name = query.get("callback", "callback")
    if not valid_callback(name):
        raise FormatError(INVALID_CALLBACK)
    return name


# -- python-mimeparse 0.1.4 ---------------------------------------------------------------------------------------


def _parse_media_range(text: str) -> tuple[str, str, dict[str, str]]:
    parts = text.split(";")
    params: dict[str, str] = {}
    for p in parts[1:]:
        key, value = (s.strip() for s in p.split("=", 1))  # no "=": ValueError
        params[key] = value
    full = parts[0].strip()
    if full == "*":
        full = "*/*"
    kind, subtype = full.split("/")  # no "/" or two: ValueError
    q = params.get("q")
    if not q or not _float(q) or _float(q) > 1 or _float(q) < 0:
        params["q"] = "1"
    return kind.strip(), subtype.strip(), params


def _float(text: str) -> float:
    """Python 2's float(): no "_" digit separators (Python 3 reads "1_0" as 10)."""
    if "_" in text:
        raise ValueError(text)
    return float(text)


def _fitness_and_quality(mime: str, ranges: list[tuple[str, str, dict[str, str]]]) -> tuple[int, float]:
    target_type, target_sub, target_params = _parse_media_range(mime)
    best_fitness, best_q = -1, "0"
    for kind, subtype, params in ranges:
        if kind in (target_type, "*") or target_type == "*":
            if subtype in (target_sub, "*") or target_sub == "*":
                fitness = (100 if kind == target_type else 0) + (10 if subtype == target_sub else 0)
                fitness += sum(1 for k, v in target_params.items() if k != "q" and params.get(k) == v)
                if fitness > best_fitness:
                    best_fitness, best_q = fitness, params["q"]
    return best_fitness, _float(best_q)


def _best_match(supported: tuple[str, ...], header: str) -> str:
    ranges = [_parse_media_range(r) for r in header.split(",") if r.strip()]
    weighted = sorted((_fitness_and_quality(mime, ranges), pos, mime) for pos, mime in enumerate(supported))
    return weighted[-1][2] if weighted[-1][0][1] else ""


# -- tastypie.utils.validate_jsonp -------------------------------------------------------------------------------

# Its own list (ES3's future reserved words, without let and yield), not today's JavaScript keywords.
_RESERVED = frozenset(
    "abstract boolean break byte case catch char class const continue debugger default delete do double else enum "
    "export extends false final finally float for function goto if implements import in instanceof int interface "
    "long native new null package private protected public return short static super switch synchronized this "
    "throw throws transient true try typeof var void volatile while with".split())
_START = frozenset(("Lu", "Ll", "Lt", "Lm", "Lo", "Nl"))
_PART = _START | {"Mn", "Mc", "Nd", "Pc"}
_INDEX = re.compile(r"\[[0-9]+\]\Z")
_ESCAPE = "\\\\u"  # its escape=r'\\u': two backslashes, so "\u0041" with one is no escape (and invalid)


def _identifier(name: str) -> bool:
    if not name:
        return False
    if _ESCAPE in name:  # each escape stands for the character it names
        head, *segments = name.split(_ESCAPE)
        decoded = [head]
        for segment in segments:
            if len(segment) < 4 or not re.fullmatch(r"[0-9a-fA-F]{4}", segment[:4]):
                return False
            decoded.append(chr(int(segment[:4], 16)) + segment[4:])
        name = "".join(decoded)
    if not name or name in _RESERVED or not name.isascii():  # ASCII only: T30's difference
        return False
    if not (name[0] in "$_" or unicodedata.category(name[0]) in _START):
        return False
    return all(c in "$_" or unicodedata.category(c) in _PART for c in name[1:])


def valid_callback(value: str) -> bool:
    for part in value.split("."):
        while "[" in part:
            if not _INDEX.search(part):
                return False
            part = _INDEX.sub("", part)
        if not _identifier(part):
            return False
    return True
