"""Hub request bodies as DRF reads them (H46-H50, H53): what a client may send, beyond the field's own type.

- A field required on create may be neither null nor blank (H46, H47): its text must hold a character
  ``str.strip()`` keeps (``pattern``), in a POST and in a PATCH alike; so must every item of a list of texts.
- Any other scalar may be null (H46: accepted, and stored as null). A list may not (DRF refuses a null list).
- A string field takes numbers too, stored as their text (H47, DRF's ``CharField``).
- An integer field takes integral floats and numeric text (H48) and holds what a 32-bit column holds (DRF's model
  serializers: ``Ensure this value is less than or equal to 2147483647.``).
- A number takes numeric text (H49); a boolean DRF's true and false spellings (H50).

The alternatives are an ``anyOf`` whose first member is the field's own type (the type the mock reads it as,
``engine.fields.json_type``); the field's rules (length, pattern, range) stay at the top, where JSON Schema applies
each to the values of its type only.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import re
from typing import Any

INT32 = {"minimum": -2 ** 31, "maximum": 2 ** 31 - 1}
INT64 = {"minimum": -2 ** 63, "maximum": 2 ** 63 - 1}
# str.isspace() characters, spelled out so that ECMA and Python regexes agree (DRF's CharField strips them).
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{SPACE}]"
# int() strips these (not \x1c-\x1f); DRF drops a final ".0…" and whitespace first. Nine digits at most: every such
# text is in range (longer ones may be, but a pattern cannot say which).
INT_SPACE = r"[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
INTEGER_TEXT = rf"^{INT_SPACE}*[+-]?\d(?:_?\d){{0,8}}{INT_SPACE}*(?:\.0*\s*)?$"
# The same, for a field that must be at least 0 (no sign but "+") or at least 1 (a first digit that is not 0).
INTEGER_TEXT_FROM = {
    0: rf"^{INT_SPACE}*\+?\d(?:_?\d){{0,8}}{INT_SPACE}*(?:\.0*\s*)?$",
    1: rf"^{INT_SPACE}*\+?0*[1-9](?:_?\d){{0,8}}{INT_SPACE}*(?:\.0*\s*)?$",
}
DIGITS = r"\d(?:_?\d)*"
# float() of the text, finite (an overflow is inf, which DRF refuses): at most 15 digits before the point and a
# two-digit exponent, so every such text is finite (longer ones may be, but a pattern cannot say which).
NUMBER_TEXT = (rf"^{INT_SPACE}*[+-]?(?:\d(?:_?\d){{0,14}}(?:\.(?:{DIGITS})?)?|\.{DIGITS})(?:[eE][+-]?\d(?:_?\d)?)?"
               rf"{INT_SPACE}*$")
BOOLEAN_WORDS = ["1", "true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON",
                 "0", "false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF"]
LONGEST_NUMBER_TEXT = 24  # len(str(-1.7976931348623157e308))
# DRF's CharField refuses NUL characters in any text (H47). (It refuses lone surrogates too, which only a JSON
# escape can carry; a pattern naming them is one tools drop, so the contract leaves them to H47.)
PROHIBITED = {"not": {"type": "string", "pattern": r"\x00"}}


def wire(schema: dict[str, Any], strict: set[str], big: frozenset[str] = frozenset(), at: str = "") -> dict[str, Any]:
    """A request object schema (in place) with what DRF accepts; ``strict``: the top-level fields required on
    create (nested objects: their own required fields); ``big``: the dotted paths of 64-bit integers."""
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("readOnly"):
            schema["properties"][name] = _field(prop, name in strict, big, f"{at}{name}")
    return schema


def _field(prop: dict[str, Any], strict: bool, big: frozenset[str], path: str) -> dict[str, Any]:
    kind = prop.get("type")
    if kind == "object" and "properties" in prop:
        inner = wire(prop, set(prop.get("required", ())), big, f"{path}.")
        return inner if strict else {**inner, "nullable": True}
    if kind == "array":
        items = prop.get("items", {})
        if items.get("type") == "object" and "properties" in items:
            wire(items, set(items.get("required", ())), big, f"{path}.")
        elif items:
            prop["items"] = _field(items, True, big, path)  # list items may be neither null nor blank
        return prop
    if kind not in ("string", "integer", "number", "boolean") or "enum" in prop:
        return prop  # free JSON, a choice: as written
    lenient = _lenient(prop, INT64 if path in big else INT32)
    if kind == "string" and strict and not prop.get("pattern"):
        lenient["pattern"] = NOT_BLANK
    if kind == "string":
        lenient = {**lenient, **PROHIBITED}
    if not strict:
        lenient["nullable"] = True
    return lenient


def prohibit_characters(schema: dict[str, Any]) -> dict[str, Any]:
    """Every text field of a body the spec defines (in place): no NUL character, no lone surrogate (H47)."""
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "string" and not prop.get("readOnly") and "enum" not in prop:
            schema["properties"][name] = {**prop, **PROHIBITED}
        elif prop.get("type") == "object":
            prohibit_characters(prop)
        elif prop.get("type") == "array" and prop.get("items", {}).get("type") == "object":
            prohibit_characters(prop["items"])
    return schema


def writable(schema: dict[str, Any]) -> dict[str, Any]:
    """A request object schema without its read-only fields (in place), at every depth. DRF ignores a read-only
    field a client sends; a schema listing it as ``readOnly`` tells tools (schemathesis among them) that sending it
    is an error the server must refuse, which it does not."""
    props = schema.get("properties")
    if not isinstance(props, dict):
        return schema
    read_only = {name for name, prop in props.items() if prop.get("readOnly")}
    schema["properties"] = {name: prop for name, prop in props.items() if name not in read_only}
    if "required" in schema:
        schema["required"] = [name for name in schema["required"] if name not in read_only]
        if not schema["required"]:
            del schema["required"]
    for prop in schema["properties"].values():
        for inner in (prop, prop.get("items")):
            if isinstance(inner, dict) and inner.get("type") == "object":
                writable(inner)
    return schema


def _lenient(prop: dict[str, Any], bounds: dict[str, int]) -> dict[str, Any]:
    kind = prop["type"]
    rest = {k: v for k, v in prop.items() if k != "type"}
    if kind == "string":
        if prop.get("format"):
            return prop  # a format no number's text meets (an email, an address, a regex is kept as typed)
        if prop.get("maxLength", LONGEST_NUMBER_TEXT) < LONGEST_NUMBER_TEXT:
            raise ValueError(f"a string field shorter than a number's text: {prop}")
        numbers = _numbers_matching(prop.get("pattern"))
        return {"anyOf": [{"type": "string"}, *numbers], **rest} if numbers else prop
    if kind == "integer":
        own = {k: v for k, v in rest.items() if k in ("minimum", "maximum")}
        bounds = {**bounds, **own}
        return {"anyOf": [{"type": "integer"}, {"type": "number", "multipleOf": 1},
                          {"type": "string", "pattern": _integer_text(own)}], **rest, **bounds}
    if kind == "number":
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_TEXT}], **rest}
    return {"anyOf": [{"type": "boolean"}, {"enum": [*BOOLEAN_WORDS, 0, 1]}], **rest}


def _integer_text(bounds: dict[str, int]) -> str:
    """The pattern of the texts DRF reads as an integer within the field's own bounds (``minimum``/``maximum``
    hold for numbers only, so a text's range must be in its pattern)."""
    if not bounds:
        return INTEGER_TEXT
    if set(bounds) == {"minimum"} and bounds["minimum"] in INTEGER_TEXT_FROM:
        return INTEGER_TEXT_FROM[bounds["minimum"]]
    raise ValueError(f"no text pattern for an integer field bounded by {bounds}")


def _numbers_matching(pattern: str | None) -> list[dict[str, Any]]:
    """The number types whose every text meets the field's pattern (all of them when it has none)."""
    if pattern is None:
        return [{"type": "number"}]
    if all(re.search(pattern, text) for text in ("-1.5e-07", "1e+300", "0.5", "-12")):
        return [{"type": "number"}]
    if all(re.search(pattern, text) for text in ("-12", "0", "2147483647")):
        return [{"type": "integer"}]
    return []
