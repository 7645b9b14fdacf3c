"""Hub query parameters typed as their text is read (H32, H35, H38, H82-H88), so that a tool reading the contract
agrees with the server on every value it sends.

A query value is text. The Hub reads one value of a parameter (django-filter's reading: an empty value filters
nothing; an integer is Python's ``int()`` of the text; a boolean word it does not know filters nothing; a list
parameter takes comma-separated items) and answers 400 (404 for ``page``) for text it cannot read. So every
parameter is a ``string``, with the pattern of the texts the server reads (its documented type stays in the
description): a tool then sends integers, lists and dates as the server takes them, and every text outside the
pattern is refused. Patterns follow Python's ``re`` (``\\d`` any decimal digit, as ``int()`` takes them) and end
with ``(?![\\s\\S])`` (a ``$`` would allow a final newline the server refuses).
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import re

END = r"(?![\s\S])"
# The whitespace int() strips around its digits: str.isspace() but the separators \x1c-\x1f.
INT_SPACE = r"[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
INTEGER = r"[+-]?\d(?:_?\d)*"
STRIPPED = r"\s*"  # str.strip() around a list item: every str.isspace() character (Python's \s)

# Operation arguments that are no filters (hub_lists ARGUMENTS and the actions' params): (method, path, name) →
# (rule, the texts the server reads). Names of other resources are read as they are (a missing one is a 400/404
# of its own).
CATEGORIES = ("processed", "failures", "skipped", "aborted", "inprogress")  # H85: GET /jobs/{id}/files/
SORT_KEYS = ("name", "path", "site", "size", "mtime")  # H73: GET /search/{id}/ sort
ARGUMENT_PATTERNS = {
    ("GET", "/analytics/", "download"): ("H72", f"^(?:csv)?{END}"),
    ("GET", "/jobs/{id}/files/", "category"): ("H85", f"^(?:{'|'.join(CATEGORIES)})?{END}"),
    ("GET", "/search/{id}/", "sort"): ("H73", "^{item}(?:,{item})*$".format(
        item=rf"{STRIPPED}(?:-*(?:{'|'.join(SORT_KEYS)}))?{STRIPPED}")),  # stripped items: see list_text
}
# Arguments the operation cannot do without ("This field is required." when absent or empty).
REQUIRED_ARGUMENTS = frozenset({("GET", "/analytics/", "site"), ("GET", "/analytics/", "path"),
                                ("GET", "/file/", "site"), ("GET", "/file/", "path")})

PERIOD = rf"^(?:null|\d+[mhdw]\n?)?{END}"  # H82: created=<n><m|h|d|w> (re.match with a "$": a final newline too)


def integer_text() -> str:
    return f"^(?:{INT_SPACE}*{INTEGER}{INT_SPACE}*)?{END}"


def list_text(item: str) -> str:
    """Comma-separated items, each stripped: a final newline is stripped too, so "$" ends it (a lookahead here
    makes generating texts many times slower)."""
    one = f"{STRIPPED}(?:{item})?{STRIPPED}"
    return f"^{one}(?:,{one})*$"


def _choices(values: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(v) for v in values)


def filter_schema(spec: dict) -> dict:
    """The wire schema of a filter param (an ``x-resources`` filter: its type, lookup and choices)."""
    kind, choices = spec["type"], spec.get("choices")
    many = kind.startswith("list-of-")
    item = kind.removeprefix("list-of-")
    if spec["lookup"] == "period":
        return {"type": "string", "pattern": PERIOD}
    if item == "date-time":
        # DRF's datetime parsing; an empty value filters nothing.
        return {"type": "string", "anyOf": [{"format": "date-time"}, {"maxLength": 0}]}
    if choices:
        text = _choices(choices)
    elif item == "integer":
        text = INTEGER
    else:
        return {"type": "string"}  # any text: a string matched as given, or a boolean word (others filter nothing)
    if many:
        return {"type": "string", "pattern": list_text(text)}
    if item == "integer":
        return {"type": "string", "pattern": integer_text()}
    return {"type": "string", "pattern": f"^(?:{text})?{END}"}


def argument_schema(method: str, path: str, name: str, documented: dict) -> dict:
    """The wire schema of an operation argument documented as ``documented``."""
    if (method, path, name) in ARGUMENT_PATTERNS:
        return {"type": "string", "pattern": ARGUMENT_PATTERNS[(method, path, name)][1]}
    if (method, path, name) in REQUIRED_ARGUMENTS:
        return {"type": "string", "minLength": 1}
    if documented.get("type") == "integer":
        return {"type": "string", "pattern": integer_text()}
    return {"type": "string"}


def _documented(schema: dict) -> str:
    if schema.get("type") == "array":
        return f"a list of {_documented(schema.get('items', {}))}s (repeated, or comma-separated)"
    if "anyOf" in schema:
        return " or ".join(_documented(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " or ".join(f'"{v}"' for v in schema["enum"])
    return schema.get("format") or schema.get("type", "text")


def _paginated(op: dict) -> bool:
    """Whether the operation answers a page (H31: the envelope, or the bare array of page_size=0)."""
    success: dict = next((r for code, r in op["responses"].items() if code.startswith("2")), {})
    return "oneOf" in success.get("content", {}).get("application/json", {}).get("schema", {})


def retype(paths: dict, resources: dict) -> None:
    """Give every query parameter of every operation its wire schema (in place); its documented type goes into
    its description."""
    for path, item in paths.items():
        for method, op in item.items():
            filters = resources.get(op.get("x-resource"), {}).get("filters") or {}
            for param in op.get("parameters", []):
                if param["in"] != "query":
                    continue
                name, documented = param["name"], param["schema"]
                if name == "page":
                    # Any text: a page that is not a number or "last" is a 404 "Invalid page." (H35) while the
                    # answer is paginated, and unread when it is not (page_size=0, H32; a list that is no page).
                    schema = {"type": "string"}
                elif name == "page_size":
                    schema = {"type": "string"}  # H32: any text; not a number → 20
                elif name in filters:
                    schema = filter_schema(filters[name])
                else:
                    schema = argument_schema(method.upper(), path, name, documented)
                    param["required"] = (method.upper(), path, name) in REQUIRED_ARGUMENTS
                param["schema"] = schema
                param.pop("style", None)
                param.pop("explode", None)
                note = f"Documented as {_documented(documented)}."
                text = param.get("description", "").rstrip(". ")
                param["description"] = f"{text}. {note}" if text else note
