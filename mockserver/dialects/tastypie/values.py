"""One body value → its stored form, per field kind (T14, T58–T60, T63), or a FieldError with the message.

Bodies are parsed with ``parse_float=Decimal`` so that a product's object fields can keep a number's exact text
(Torrent's ``PluginResultJob.config``: T64); the kinds here see such numbers as Python floats would read them.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from . import datetimes

# What Python 2 int() accepts from unicode text (any script's digits and spaces), up to the digits Python 3's
# int() converts (longer text is no integer: never a 500).
INTEGER_TEXT = re.compile(r"\s*[+-]?\d{1,4300}\s*\Z")
# The widest integer column behind the API (64-bit): a value beyond it is refused, never stored (T58, T73).
INTEGER_RANGE = (-2**63, 2**63 - 1)


class FieldError(ValueError):
    """A field rule refused a value; the message is tastypie's (or the chosen one)."""


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


def coerce(field, value: Any) -> Any:
    """A non-null body value → stored form; FieldError naming the field and the value."""
    if field.codec is not None:
        return field.codec.coerce(field.name, value)
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
        raise FieldError(f"Integer provided to '{name}' field doesn't appear to be a valid integer: {show(value)}")
    if not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:
        shown = f"'{value}'" if isinstance(value, str) else str(value)
        raise FieldError(f"Integer provided to '{name}' field is out of range: {shown}")
    return int(number)


def _string(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, Decimal):
        return _py2_str(float(value))
    raise FieldError(f"String provided to '{name}' field doesn't appear to be a valid string: {show(value)}")


def _py2_str(number: float) -> str:
    """Python 2's unicode(float), which Django's smart_text stores: 12 significant digits, a ".0" kept."""
    text = f"{number:.12g}"
    return text if any(c in text for c in ".en") else text + ".0"  # e: exponent; n: inf, nan


def _datetime(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(f"Datetime provided to '{name}' field must be a string: {show(value)}")
    stored = datetimes.parse_input(value)
    if stored is None:
        raise FieldError(f"Datetime provided to '{name}' field doesn't appear to be a valid datetime string: "
                         f"{show(value)}")
    return stored


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError(f"Boolean provided to '{name}' field doesn't appear to be a valid boolean: {show(value)}")


def _read_only(name: str, value: Any) -> Any:
    raise FieldError(f"The '{name}' field is read-only.")


_COERCERS = {"integer": _integer, "integer_text": _integer, "string": _string, "datetime": _datetime,
             "boolean": _boolean, "float": _read_only}


# -- request bodies ----------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")


def loads_body(text: str) -> Any:
    """A request body (or JSON text inside one): NaN/Infinity refused, fractional numbers kept as Decimal."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
