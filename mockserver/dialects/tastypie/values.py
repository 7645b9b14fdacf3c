"""One body value → its stored form as tastypie reads it, per field kind (T14, T58–T60, T63), or the engine's
neutral FieldError; and those errors in tastypie's words.

Bodies are parsed with ``parse_float=Decimal`` so that a product's object fields can keep a number's exact text
(Torrent's ``PluginResultJob.config``: T64); the kinds here see such numbers as Python floats would read them.
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from ...engine import fields
from ...engine.fields import INVALID, MAX_LENGTH, NULL, READ_ONLY, REQUIRED, UNIQUE
from . import datetimes

# What Python 2 int() accepts from unicode text (any script's digits and spaces), up to the digits Python 3's
# int() converts (longer text is no integer: never a 500).
INTEGER_TEXT = re.compile(r"\s*[+-]?\d{1,4300}\s*\Z")
# The widest integer column behind the API (64-bit): a value beyond it is refused, never stored (T58, T73).
INTEGER_RANGE = (-2**63, 2**63 - 1)
# A lone UTF-16 surrogate, as a JSON "\ud800" escape decodes: no UTF-8 text (a database column) can hold it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# Refusals of tastypie's own reading beyond the engine's codes; WORDED: a product's own refusal, in its words.
OUT_OF_RANGE = "range"
SURROGATE = "surrogate"
NOT_TEXT = "not_text"
WORDED = "worded"


class FieldError(fields.FieldError):
    """The engine's neutral field error, raised by tastypie's (or a product's) reading of a value; shown in
    tastypie's words."""

    def __str__(self) -> str:
        return message(self)


def plain(value: Any) -> Any:
    """Decimals → floats, all the way down (how the real server's json parser would have read them)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def show(value: Any) -> str:
    """A refused value in a message: strings in quotes, anything else as Python's str()."""
    return f"'{value}'" if isinstance(value, str) else str(plain(value))


def coerce(field: fields.FieldRule, value: Any) -> Any:
    """A non-null body value → stored form, as tastypie's field classes (or the product's object field) read it;
    a neutral FieldError naming the field and the value (the engine's ``Coercer``)."""
    codec = getattr(field, "codec", None)  # the spec's Field: kind "object" has the product's codec
    if codec is not None:
        return codec.coerce(field.name, value)
    return _COERCERS[field.kind](field.name, value)


def _integer(name: str, value: Any) -> int:
    number: int | Decimal | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = value  # compared before int(): 1e999999999 would take minutes to expand
    elif isinstance(value, str) and INTEGER_TEXT.match(value):
        number = int(value)
    if number is None:
        raise _invalid(name, "integer", value)
    if not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:
        raise FieldError(name, OUT_OF_RANGE, {"value": value})
    return int(number)


def _string(name: str, value: Any) -> str:
    if isinstance(value, str):
        lone = LONE_SURROGATE.search(value)
        if lone:  # PostgreSQL refuses the text (invalid UTF-8), so tastypie's save would fail: a 400 (T60, T73)
            raise FieldError(name, SURROGATE, {"code": ord(lone.group())})
        return value
    if isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, Decimal):
        return _py2_str(float(value))
    raise _invalid(name, "string", value)


def _py2_str(number: float) -> str:
    """Python 2's unicode(float), which Django's smart_text stores: 12 significant digits, a ".0" kept."""
    text = f"{number:.12g}"
    return text if any(c in text for c in ".en") else text + ".0"  # e: exponent; n: inf, nan


def _datetime(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(name, NOT_TEXT, {"kind": "datetime", "value": value})
    stored = datetimes.parse_input(value)
    if stored is None:
        raise _invalid(name, "datetime", value)
    return stored


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _invalid(name, "boolean", value)


def _read_only(name: str, value: Any) -> Any:
    raise FieldError(name, READ_ONLY)


_COERCERS = {"integer": _integer, "integer_text": _integer, "string": _string, "datetime": _datetime,
             "boolean": _boolean, "float": _read_only}


def _invalid(name: str, kind: str, value: Any) -> FieldError:
    return FieldError(name, INVALID, {"kind": kind, "value": value})


# -- the messages tastypie words them in --------------------------------------------------------------------------

_INVALID = {
    "integer": "Integer provided to '{name}' field doesn't appear to be a valid integer: {value}",
    "string": "String provided to '{name}' field doesn't appear to be a valid string: {value}",
    "datetime": "Datetime provided to '{name}' field doesn't appear to be a valid datetime string: {value}",
    "boolean": "Boolean provided to '{name}' field doesn't appear to be a valid boolean: {value}",
}


def message(error: fields.FieldError, resource: str = "") -> str:
    """A neutral field error in tastypie's words (T55–T63)."""
    name, params = error.field, error.params
    if error.code == WORDED:
        worded: str = params["message"]
        return worded
    if error.code == INVALID:
        return _INVALID[params["kind"]].format(name=name, value=show(params["value"]))
    if error.code == NOT_TEXT:
        return f"Datetime provided to '{name}' field must be a string: {show(params['value'])}"
    if error.code == OUT_OF_RANGE:
        value = params["value"]
        shown = f"'{value}'" if isinstance(value, str) else str(value)
        return f"Integer provided to '{name}' field is out of range: {shown}"
    if error.code == SURROGATE:
        return (f"String provided to '{name}' field holds a lone surrogate (U+{params['code']:04X}), which the "
                "database cannot store.")
    if error.code == READ_ONLY:
        return f"The '{name}' field is read-only."
    if error.code == NULL:
        return f"The '{name}' field doesn't allow a null value."
    if error.code == MAX_LENGTH:
        return f"The '{name}' field accepts at most {params['limit']} characters; {params['length']} given."
    if error.code == REQUIRED:
        return f"The '{name}' field has no data and doesn't allow a default or null value."
    if error.code == UNIQUE:
        return f"A {resource} with id '{params['value']}' already exists."
    raise AssertionError(f"no tastypie message for {error!r}")


# -- request bodies ----------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def loads_body(text: str) -> Any:
    """A request body (or JSON text inside one): NaN/Infinity refused, fractional numbers kept as Decimal."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
