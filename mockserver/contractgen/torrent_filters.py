"""The Torrent resources' query filters in the shared vocabulary: ``filters: {param: {field, lookup, type}}``.

tastypie declares filtering per field (``ALL_WITH_RELATIONS`` here: every Django lookup) and reads params as
``<field>__<lookup>``. Each allowed lookup becomes one param of its own, so the engine looks params up without
knowing tastypie's syntax and the contract test can try every one; the dialect only refuses the names outside
the table (T24-T26). ``search`` is left out (Django 1.6 refuses it on these columns), and the date parts exist
on datetime fields only. An explicit lookup list in a ``filtering`` entry would list just those params.

The type is what the dialect parses the text to (T25): ``integer`` for integer columns (rendered as text or
not), ``date-time`` for datetimes, ``string`` for everything else, including JSON and float columns, whose
values Django 1.6 compares as given. The resource's own params (``extra_filters``) name a lookup of their own.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from ..engine.fields import json_type
from .torrent_parse import Reference
from .torrent_schema import schema_name
from .torrent_spec import ResourceFacts

VALUE_LOOKUPS = ("exact", "gt", "gte", "lt", "lte")
TEXT_LOOKUPS = ("iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith")
DATE_PARTS = ("year", "month", "day", "week_day", "hour", "minute", "second")
# Django 1.6's order of query terms, which the params follow.
LOOKUP_ORDER = ("exact", "iexact", "contains", "icontains", "gt", "gte", "lt", "lte", "in", "startswith",
                "istartswith", "endswith", "iendswith", "range", *DATE_PARTS, "isnull", "regex", "iregex")

# The resources' own filter params: param → (field, lookup, type). fileset_state is the Torrent product's lookup
# (T68); any_iregex is the engine's.
EXTRA: dict[str, dict[str, tuple[str, str, str]]] = {
    "compositedatamanagement": {
        "search_name": ("expName,resultsName", "any_iregex", "pattern"),
        **{f"{p}_filter": (f"filesets.{p}", "fileset_state", "list-of-string")
           for p in ("sigproc", "basecall", "output", "misc")},
    },
}


def value_type(read: dict, write: dict | None) -> str:
    """A field's filter value type from its read and write schemas (as the dialect's field kinds read them)."""
    kind = read.get("type")
    if kind == "integer" or (kind == "string" and write is not None and json_type(write) == "integer"):
        return "integer"
    if kind == "string" and read.get("format") == "date-time":
        return "date-time"
    if kind == "boolean":
        return "boolean"
    return "string"


def lookup_type(lookup: str, base: str) -> str | None:
    """The type a ``<field>__<lookup>`` param parses to; None when the lookup does not apply to the field."""
    if lookup in VALUE_LOOKUPS:
        return base
    if lookup in ("in", "range"):
        return f"list-of-{base}"
    if lookup in TEXT_LOOKUPS:
        return "string"
    if lookup in DATE_PARTS:
        return "integer" if base == "date-time" else None
    if lookup == "isnull":
        return "boolean"
    return "pattern"  # regex, iregex


def filters(ref: Reference, facts: ResourceFacts, schemas: dict[str, dict]) -> dict[str, dict[str, str]]:
    read = schemas[schema_name(ref.resource)]["properties"]
    write = schemas[f"{schema_name(ref.resource)}Write"].get("properties", {})
    fields = {row.name for row in ref.rows}
    found: dict[str, dict[str, str]] = {}
    for name in facts.filtering:
        if name not in fields or name not in read:
            continue  # declared, but no field: tastypie ignores such params (T24)
        base = value_type(read[name], write.get(name))
        for lookup in LOOKUP_ORDER:
            kind = lookup_type(lookup, base)
            if kind is None:
                continue
            entry = {"field": name, "lookup": lookup, "type": kind}
            if lookup == "exact":
                found[name] = entry
            found[f"{name}__{lookup}"] = entry
    extra = EXTRA.get(ref.resource, {})
    if sorted(extra) != sorted(facts.extra_filters):
        raise ValueError(f"{ref.resource}: extra filters {sorted(facts.extra_filters)}, meanings for {sorted(extra)}")
    for param, (name, lookup, kind) in extra.items():
        found[param] = {"field": name, "lookup": lookup, "type": kind}
    return found


# -- each filter param's value as an OpenAPI schema (what the dialect accepts, T25, T26) --------------------------

END = r"(?![\s\S])"  # the end of the text in every regex dialect ("$" lets a final newline through in Python's)
NONE_WORDS = "nil|none|None"  # tastypie reads these as None: the exact lookup's null, any other lookup's 400
INTEGER = r"\s*[+-]?\d{1,4300}\s*"  # what Python's int() reads (the dialect's INTEGER_TEXT)


def _pattern(body: str, description: str) -> dict:
    return {"type": "string", "pattern": f"^(?:{body}){END}", "description": description}


def param_schema(lookup: str, kind: str) -> dict:
    """The value a ``<field>__<lookup>`` (or the resource's own) param may take; anything else is a 400.
    tastypie turns true/false/none words into Python values before Django reads them, so an integer filter
    takes ``true`` (1), and only the exact lookup takes a none word (null)."""
    exact = lookup == "exact"
    if lookup == "isnull":
        return {"type": "string", "description": "Any value: empty or a false word is IS NOT NULL."}
    if kind == "integer":
        words = "true|True|false|False" + (f"|{NONE_WORDS}" if exact else "")
        return _pattern(f"{INTEGER}|{words}", "An integer, or true/false (1/0)" + (", or None" if exact else "")
                        + ".")
    if kind == "boolean":
        return {"type": "string", "enum": ["true", "True", "false", "False", *(NONE_WORDS.split("|") if exact
                                                                             else [])]}
    if kind == "date-time":
        return {"type": "string", "format": "date-time",
                "description": "A datetime (or date), as Django reads it; naive values are UTC."}
    if lookup in ("in", "range"):
        return _list(lookup, kind)
    if kind == "list-of-string":  # the resource's own list params: the last value, split at commas
        return {"type": "string", "description": "Comma-separated values."}
    if kind == "pattern":
        schema = {"type": "string", "format": "regex", "description": "A regular expression."}
        if lookup not in QUERY_TERMS:
            return schema  # the resource's own param: read as given, empty filters nothing
        return {**schema, "pattern": f"^(?!(?:{NONE_WORDS}){END})"}
    if exact:
        return {"type": "string"}
    return _pattern(f"(?!(?:{NONE_WORDS}){END})[\\s\\S]*", "Any text but a none word.")


QUERY_TERMS = frozenset(LOOKUP_ORDER)

# A subset of the datetimes Django reads, so that every value the pattern allows is one.
STAMP = r"[12]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?"
ITEMS = {"list-of-integer": (INTEGER, "integers"), "list-of-date-time": (STAMP, "datetimes (or dates)"),
         "list-of-string": ("[^,]*", "values")}


def _list(lookup: str, kind: str) -> dict:
    """An ``in``/``range`` value: tastypie reads every repeat of the param (getlist) and splits each at commas,
    so the param is a list; ``range`` needs exactly two values in all, in one item or two."""
    item, words = ITEMS[kind]
    if lookup == "range":
        one = _pattern(f"{item},{item}", f"Two comma-separated {words}.")
        return {"type": "array", "minItems": 1, "maxItems": 2,
                "description": f"Two {words}: `a,b`, or the param twice.", "anyOf": [
                    {"minItems": 1, "maxItems": 1, "items": one},
                    {"minItems": 2, "maxItems": 2, "items": _pattern(item, f"One of the {words}.")},
                ]}
    if kind == "list-of-string":
        return {"type": "array", "minItems": 1, "items": {"type": "string"},
                "description": "Comma-separated values; repeats add values."}
    return {"type": "array", "minItems": 1, "items": _pattern(f"{item}(?:,{item})*", f"Comma-separated {words}."),
            "description": f"Comma-separated {words}; repeats add values."}
