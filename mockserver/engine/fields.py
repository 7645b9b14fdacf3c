"""Field rules read from a contract's schemas, and the checks any API runs on a body's values with them.

A :class:`FieldRule` holds what the contract says of one field (read-only, nullable, blank, required, default,
type, length, range, choices, pattern). A refused value is a neutral :class:`FieldError` — (field, code,
params), e.g. ``("name", "blank", {})`` or ``("bandwidth", "max_value", {"limit": 2147483647})`` — which each
dialect words in its vendor's messages and envelope.

How a value is read differs per framework (tastypie stores ``false`` given to a string as ``"False"``; DRF reads
``"false"`` as False for a boolean), so type coercion is the dialect's: a :data:`Coercer` it passes in, refusing
with the same neutral errors. What is checked, and in which order, is here.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Codes of the neutral errors. Coercers add their own ("invalid" with the expected kind, "range" …).
NULL = "null"
BLANK = "blank"
REQUIRED = "required"
MAX_LENGTH = "max_length"
MIN_VALUE = "min_value"
MAX_VALUE = "max_value"
PATTERN = "pattern"
CHOICE = "choice"
UNIQUE = "unique"
INVALID = "invalid"
READ_ONLY = "read_only"


class FieldError(ValueError):
    """One field refused one value: ``code`` says which rule, ``params`` what the message needs."""

    def __init__(self, field: str, code: str, params: Mapping[str, Any] | None = None):
        super().__init__(field, code, dict(params or {}))
        self.field = field
        self.code = code
        self.params: dict[str, Any] = dict(params or {})

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {self.code!r}, {self.params!r})"


@dataclass(frozen=True)
class FieldRule:
    name: str
    # string | integer | integer_text (an integer rendered as a string) | datetime | boolean | object | float
    # (the contract's type and format, read together)
    kind: str
    writable: bool = True  # in the write schema: a client value is read (the rest is dropped)
    ignored: bool = False  # validated, then dropped (x-write-ignored)
    nullable: bool = False
    blank: bool = True  # an empty (whitespace-only) text is accepted
    required: bool = False
    has_default: bool = False
    default: Any = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    pattern_message: str | None = None  # the vendor's message for a pattern mismatch, when the contract has one
    server_set: str | None = None  # "create": now on every create; "write": now on every write
    format: str | None = None


Coercer = Callable[[FieldRule, Any], Any]  # a non-null body value → its stored form, or FieldError


def json_type(schema: Mapping[str, Any]) -> str | None:
    """A property's JSON type; a request schema that also takes the lenient forms a server reads (``anyOf``,
    the field's own type first) has the type of its first alternative."""
    chosen = schema if "type" in schema or "anyOf" not in schema else schema["anyOf"][0]
    kind = chosen.get("type")
    return kind if isinstance(kind, str) else None


def kind_of(read: Mapping[str, Any], write: Mapping[str, Any] | None = None) -> str:
    """The field's kind from its read schema and (when it is written) its write schema."""
    kind = json_type(read)
    if kind == "string" and read.get("format") == "date-time":
        return "datetime"
    if kind == "string" and write is not None and json_type(write) == "integer":
        return "integer_text"
    if kind == "number":
        return "float"
    if kind in ("integer", "boolean"):
        return str(kind)
    if kind == "object":
        return "object"
    return "string"


_RULES: dict[tuple[str, int, bool, bool | None], tuple[Mapping[str, Any], FieldRule]] = {}
MAX_RULES = 4096


def rule_of(name: str, schema: Mapping[str, Any], required: bool = False, blank: bool | None = None) -> FieldRule:
    """The rule of one property schema (write side). ``blank`` None: the contract's ``x-blank``, else allowed.
    Worked out once per schema object: the contract's schemas never change while the mock runs."""
    key = (name, id(schema), required, blank)
    kept = _RULES.get(key)
    if kept is not None and kept[0] is schema:
        return kept[1]
    if len(_RULES) >= MAX_RULES:  # only if a caller builds schemas per request: stay bounded
        _RULES.clear()
    rule = _make_rule(name, schema, required, blank)
    _RULES[key] = (schema, rule)  # the schema is held, so its id is not reused meanwhile
    return rule


def _make_rule(name: str, schema: Mapping[str, Any], required: bool, blank: bool | None) -> FieldRule:
    return FieldRule(
        name=name,
        kind=kind_of(schema, schema),
        writable=not schema.get("readOnly", False),
        nullable=bool(schema.get("nullable")),
        blank=bool(schema.get("x-blank", True)) if blank is None else blank,
        required=required,
        has_default="default" in schema,
        default=schema.get("default"),
        max_length=schema.get("maxLength"),
        minimum=schema.get("minimum"),
        maximum=schema.get("maximum"),
        enum=tuple(schema["enum"]) if "enum" in schema else None,
        pattern=schema.get("pattern"),
        pattern_message=schema.get("x-pattern-message"),
        format=schema.get("format"),
    )


def resource_rules(read: Mapping[str, Any], write: Mapping[str, Any]) -> dict[str, FieldRule]:
    """Every field of a resource's representation (``read``, in its order) with the rules of its write schema:
    a field the write schema lacks is read-only; lengths are the stored column's (``x-max-length``)."""
    writes = write.get("properties", {})
    required = set(write.get("required", ()))
    rules = {}
    for name, prop in read.get("properties", {}).items():
        written = writes.get(name)
        source = written if written is not None else prop
        rules[name] = FieldRule(
            name=name,
            kind=kind_of(prop, written),
            writable=written is not None,
            ignored=bool(prop.get("x-write-ignored")),
            nullable=bool(source.get("nullable")),
            blank=bool(prop.get("x-blank", True)),
            required=name in required,
            has_default="default" in source,
            default=source.get("default"),
            max_length=prop.get("x-max-length"),
            server_set=prop.get("x-server-set"),
            format=prop.get("format"),
        )
    return rules


# -- the checks -----------------------------------------------------------------------------------------------------


def check_null(rule: FieldRule) -> None:
    if not rule.nullable:
        raise FieldError(rule.name, NULL)


def check_blank(rule: FieldRule, text: str) -> None:
    if not rule.blank and text.strip() == "":
        raise FieldError(rule.name, BLANK)


def check_choice(rule: FieldRule, value: Any) -> Any:
    """The contract's choice the value names (compared as text, as a form field compares), or FieldError."""
    for choice in rule.enum or ():
        if choice is not None and str(value) == str(choice):
            return choice
    raise FieldError(rule.name, CHOICE, {"value": value})


def limits(rule: FieldRule, value: Any) -> list[FieldError]:
    """Every length, range and pattern rule the stored value breaks, pattern first (a model validator before the
    field's own). Texts have pattern and length; numbers have range."""
    errors = []
    if isinstance(value, str):
        if rule.pattern is not None and value and not re.search(rule.pattern, value):
            errors.append(FieldError(rule.name, PATTERN, {"message": rule.pattern_message}))
        if rule.max_length is not None and len(value) > rule.max_length:
            errors.append(FieldError(rule.name, MAX_LENGTH, {"limit": rule.max_length, "length": len(value)}))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if rule.minimum is not None and value < rule.minimum:
            errors.append(FieldError(rule.name, MIN_VALUE, {"limit": rule.minimum}))
        if rule.maximum is not None and value > rule.maximum:
            errors.append(FieldError(rule.name, MAX_VALUE, {"limit": rule.maximum}))
    return errors


def check_in_phases(rules: Mapping[str, FieldRule], body: Mapping[str, Any], coerce: Coercer,
                    creating: bool, checks: Iterable[str] = (MAX_LENGTH,)) -> dict[str, Any]:
    """A body's writable values in stored form, or the first FieldError. The checks run in phases — type, null,
    the limits named in ``checks``, then (``creating``) required — each over the body's fields in name order, so
    the same body always meets the same first refusal. Read-only and unknown keys are dropped; so are ignored
    fields, after their checks."""
    present = sorted(name for name in body if name in rules and rules[name].writable)
    values: dict[str, Any] = {}
    for name in present:
        if body[name] is not None:
            values[name] = coerce(rules[name], body[name])
    for name in present:
        if body[name] is None:
            check_null(rules[name])
            values[name] = None
    wanted = set(checks)
    for name in present:
        for error in limits(rules[name], values[name]):
            if error.code in wanted:
                raise error
    if creating:
        for rule in sorted((r for r in rules.values() if r.writable), key=lambda r: r.name):
            if rule.required and rule.name not in body:
                raise FieldError(rule.name, REQUIRED)
    return {name: value for name, value in values.items() if not rules[name].ignored}


def defaults(rules: Mapping[str, FieldRule], coerce: Coercer) -> dict[str, Any]:
    """A created row's values for the writable fields a body leaves out: the contract default (in stored form),
    else null."""
    row: dict[str, Any] = {}
    for rule in rules.values():
        if not rule.writable or rule.ignored or rule.name == "id":
            continue
        default = rule.default if rule.has_default else None
        row[rule.name] = coerce(rule, default) if default is not None else None
    return row
