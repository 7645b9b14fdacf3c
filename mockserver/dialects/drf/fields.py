"""Request bodies checked against an operation's schema with DRF's field messages (H45–H55).

The field rules (null, blank, choices, lengths, ranges, patterns) are the engine's (``engine.fields``), worded
here; reading a value as a type is DRF's own (its boolean texts, its integer casts, its datetime formats).
Pure: store lookups (references, unique) come in through :class:`Checks`. Errors are collected for every
field at once, keyed in the schema's field order; nested objects give nested dicts, arrays of scalars dicts
keyed by index, arrays of objects lists aligned with the input (DRF 3.15–3.17).
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ...clock import isoformat_z
from ...engine.fields import (
    BLANK,
    CHOICE,
    MAX_LENGTH,
    MAX_VALUE,
    MIN_VALUE,
    NULL,
    PATTERN,
    REQUIRED,
    FieldError,
    FieldRule,
    check_blank,
    check_choice,
    json_type,
    limits,
    rule_of,
)

TRUE = {True, "1", "true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON"}
FALSE = {False, "0", "false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF"}
MAX_NUMBER_STRING = 1000
DATETIME_FORMAT = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
SURROGATE = re.compile("[\ud800-\udfff]")  # a lone one: JSON's \u escapes allow them, UTF-8 does not
# Django's EmailValidator: a dot-atom or quoted local part; a dotted domain, "localhost", an address literal
# or an IDN domain that does so once in punycode.
EMAIL_USER = re.compile(r"(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z"
                        r'|^"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"\Z)',
                        re.IGNORECASE)
EMAIL_DOMAIN = re.compile(r"((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))\Z", re.IGNORECASE)
EMAIL_LITERAL = re.compile(r"\[([A-F0-9:.]+)\]\Z", re.IGNORECASE)


class Invalid(Exception):
    """A field's (or an object's) errors, in DRF's shape."""

    def __init__(self, detail: Any):
        super().__init__(detail)
        self.detail = detail


@dataclass
class Checks:
    """What validation needs from outside: references resolve, extra per-field checks (unique)."""

    strict: set[str] = field(default_factory=set)  # top-level fields that may be neither null nor blank
    is_reference: Callable[[str], bool] = lambda path: False
    resolve: Callable[[str, Any], Any] = lambda path, value: value
    after: Callable[[str, Any], Any] = lambda path, value: value  # may raise Invalid


def clean_object(schema: dict[str, Any], data: Any, checks: Checks, path: str = "") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Invalid({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]})
    required = set(schema.get("required", []))
    strict = checks.strict if not path else required
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        if sub.get("readOnly"):
            continue  # read-only keys are ignored on input (H43)
        full = f"{path}.{name}" if path else name
        if name not in data:
            if name in required:
                errors[name] = [MESSAGES[REQUIRED]]
            continue
        try:
            cleaned[name] = clean_value(sub, data[name], checks, full, name in strict or name in required)
        except Invalid as exc:
            errors[name] = exc.detail
    if errors:
        raise Invalid(errors)
    return cleaned


def clean_value(schema: dict[str, Any], value: Any, checks: Checks, path: str, strict: bool) -> Any:
    rule = rule_of(path, schema, blank=not strict)
    if value is None:
        if strict or json_type(schema) == "array":  # DRF refuses a null list, required or not (H46)
            raise Invalid([MESSAGES[NULL]])
        return None
    if checks.is_reference(path):
        return checks.resolve(path, value)
    kind = json_type(schema)  # a field that also takes DRF's lenient forms (anyOf) reads as its own type
    if "enum" in schema:
        cleaned = _check(check_choice, rule, value)
    elif kind == "string" and schema.get("format") == "date-time":  # a DateTimeField: no blank, no number
        cleaned = isoformat_z(parse_datetime(value if isinstance(value, str) else ""))
    elif kind == "string":
        cleaned = _string(rule, value)
    elif kind == "integer":
        cleaned = _integer(value)
    elif kind == "number":
        cleaned = _number(value)
    elif kind == "boolean":
        cleaned = _boolean(value)
    elif kind == "array":
        cleaned = _array(schema, value, checks, path)
    elif kind == "object" and "properties" in schema:
        cleaned = clean_object(schema, value, checks, path)
    else:
        cleaned = value  # free JSON (H54)
    _limits(rule, cleaned)
    return checks.after(path, cleaned)


def message(error: FieldError) -> str:
    """A neutral field error in DRF's words."""
    if error.code == PATTERN:
        return error.params.get("message") or "Enter a valid value."
    if error.code == CHOICE:
        return f'"{error.params["value"]}" is not a valid choice.'
    return MESSAGES[error.code].format(**error.params)


MESSAGES = {
    NULL: "This field may not be null.",
    BLANK: "This field may not be blank.",
    REQUIRED: "This field is required.",
    MAX_LENGTH: "Ensure this field has no more than {limit} characters.",
    MIN_VALUE: "Ensure this value is greater than or equal to {limit}.",
    MAX_VALUE: "Ensure this value is less than or equal to {limit}.",
}


def _check(rule_check: Callable[..., Any], *args: Any) -> Any:
    try:
        return rule_check(*args)
    except FieldError as exc:
        raise Invalid([message(exc)]) from None


def _string(rule: FieldRule, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid(["Not a valid string."])
    text = str(value).strip()
    _check(check_blank, rule, text)
    return _format(rule.format, text) if text else text


def _integer(value: Any) -> int:
    if isinstance(value, str) and len(value) > MAX_NUMBER_STRING:
        raise Invalid(["String value too large."])
    if isinstance(value, bool):
        raise Invalid(["A valid integer is required."])
    try:
        return int(re.sub(r"\.0*\s*$", "", str(value)))
    except (TypeError, ValueError):
        raise Invalid(["A valid integer is required."]) from None


def _number(value: Any) -> float | int:
    if isinstance(value, str) and len(value) > MAX_NUMBER_STRING:
        raise Invalid(["String value too large."])
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid(["A valid number is required."])
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except ValueError:
        raise Invalid(["A valid number is required."]) from None
    if math.isnan(number) or math.isinf(number):
        raise Invalid(["A valid number is required."])
    return number


def _boolean(value: Any) -> bool:
    try:
        if value in TRUE:
            return True
        if value in FALSE:
            return False
    except TypeError:  # unhashable: a list or an object
        pass
    raise Invalid(["Must be a valid boolean."])


def _array(schema: dict[str, Any], value: Any, checks: Checks, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid([f'Expected a list of items but got type "{type(value).__name__}".'])
    items = schema.get("items", {})
    if items.get("type") == "object" and "properties" in items:
        cleaned: list[Any] = []
        errors: list[dict[str, Any]] = []
        for item in value:
            try:
                cleaned.append(clean_object(items, item, checks, path))
                errors.append({})
            except Invalid as exc:
                errors.append(exc.detail)
        if any(errors):
            raise Invalid(errors)
        return cleaned
    out, problems = [], {}
    for index, item in enumerate(value):
        try:
            out.append(clean_value(items, item, checks, f"{path}[]", True))
        except Invalid as exc:
            problems[str(index)] = exc.detail
    if problems:
        raise Invalid(problems)
    return out


def _limits(rule: FieldRule, value: Any) -> None:
    """The contract's length, range and pattern rules (or the dialect's additions to them), then CharField's own
    validators; like DRF, every failing validator is reported, the model's (pattern) first."""
    messages = [message(error) for error in limits(rule, value)]
    if isinstance(value, str):
        if "\x00" in value:
            messages.append("Null characters are not allowed.")
        surrogate = SURROGATE.search(value)
        if surrogate:
            messages.append(f"Surrogate characters are not allowed: U+{ord(surrogate.group()):X}.")
    if messages:
        raise Invalid(messages)


def _format(name: str | None, text: str) -> str:
    if name == "email" and not _email(text):
        raise Invalid(["Enter a valid email address."])
    if name == "ipv4":
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            raise Invalid(["Enter a valid IPv4 address."]) from None
    if name == "regex":
        try:
            re.compile(text)
        except re.error:
            raise Invalid(["Invalid regular expression."]) from None
    return text


def _email(text: str) -> bool:
    if "@" not in text or len(text) > 320:
        return False
    user, domain = text.rsplit("@", 1)
    if not EMAIL_USER.match(user):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = domain
    return domain == "localhost" or any(_domain(d) for d in {domain, ascii_domain})


def _domain(domain: str) -> bool:
    literal = EMAIL_LITERAL.match(domain)
    if literal is None:
        return bool(EMAIL_DOMAIN.match(domain))
    try:
        ipaddress.ip_address(literal[1])
        return True
    except ValueError:
        return False


def parse_datetime(text: str) -> datetime:
    """Django 4+ ``parse_datetime`` (H7): naive means UTC, aware is converted to UTC."""
    try:
        parsed = _from_iso(text.strip())
    except ValueError:
        raise Invalid([f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMAT}."]) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC (DRF's enforce_timezone)
        raise Invalid(["Datetime value out of range."]) from None


# Django's fallback when fromisoformat refuses a value: one-digit fields, "," fractions, a space before the zone.
DJANGO_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$")


def _from_iso(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        match = DJANGO_DATETIME.match(text)
        if match is None:
            raise
    parts = match.groupdict()
    zone = parts.pop("tzinfo")
    fields = {k: int(v.ljust(6, "0") if k == "microsecond" else v) for k, v in parts.items() if v}
    tz = None
    if zone == "Z":
        tz = UTC
    elif zone:
        minutes = int(zone[1:3]) * 60 + (int(zone[-2:]) if len(zone) > 3 else 0)
        tz = timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))
    return datetime(**fields, tzinfo=tz)  # a ValueError for 24:00 or 30 February
