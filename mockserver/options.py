"""Serve options from three places: the command line, then ``MOCKSERVER_*`` environment variables, then a TOML file.

Nothing here lists the options. Each one is read off the serve parser's argparse actions, so an option added to the
parser has its environment variable and its TOML key with no other change:

- ``--job-start-delay`` is ``MOCKSERVER_JOB_START_DELAY`` and ``job-start-delay = 0.5`` (``job_start_delay`` is the
  same key); a flag takes ``true``/``false`` (``1``/``0``, ``yes``/``no``, ``on``/``off`` in the environment);
- a repeatable option takes comma-separated values in the environment and an array (or that string) in the file;
- a value from either goes through the option's own ``type`` and ``choices``, so it is checked exactly as on the
  command line, and a bad one is an :class:`OptionError` naming the variable or key and what it takes;
- a relative path in the file is relative to the file (one in the environment, to the working directory): an
  option takes a path when its ``type`` is :class:`~pathlib.Path` or is marked with :func:`takes_path`;
- a ``MOCKSERVER_*`` variable that names no option is reported by :func:`unknown_variables` with the closest name.
"""
from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "MOCKSERVER_"
NOT_LAYERED = ("help", "version")
NOT_IN_FILE = ("config",)  # the file is named on the command line or by MOCKSERVER_CONFIG, not by another file
# MOCKSERVER_* variables read by other parts of the package, not serve options
OTHER_VARIABLES = ("MOCKSERVER_CONTRACT_", "MOCKSERVER_HOLD_WRITES", "MOCKSERVER_BENCH_")
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class OptionError(ValueError):
    """A value from the environment or the file that the option refuses; the message says which and why."""


def takes_path(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """Mark an option ``type`` whose value is a path, so that the file's relative paths are taken from the file's
    directory before the type checks them (that the file exists, say)."""
    convert.takes_path = True  # type: ignore[attr-defined]
    return convert


@dataclass(frozen=True)
class Option:
    action: argparse.Action
    name: str  # the long option without its dashes: "job-start-delay"

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper().replace("-", "_")

    @property
    def key(self) -> str:
        return self.name

    @property
    def flag(self) -> bool:
        return self.action.nargs == 0

    @property
    def repeatable(self) -> bool:
        return isinstance(self.action, argparse._AppendAction | argparse._ExtendAction) or self.action.nargs in (
            "*", "+")


def _takes_path(option: Option) -> bool:
    return option.action.type is Path or bool(getattr(option.action.type, "takes_path", False))


def options(parser: argparse.ArgumentParser, *, layered_only: bool = True) -> list[Option]:
    """Every long option of ``parser`` (those taken from the environment and file unless ``layered_only=False``)."""
    found = []
    for action in parser._actions:
        long = [s for s in action.option_strings if s.startswith("--")]
        if not long:
            continue
        option = Option(action, max(long, key=len)[2:])
        if not (layered_only and (option.name in NOT_LAYERED or isinstance(action, argparse._HelpAction))):
            found.append(option)
    return found


@contextmanager
def _defaults_suppressed(parser: argparse.ArgumentParser) -> Iterator[None]:
    saved = [(action, action.default) for action in parser._actions]
    try:
        for action, _ in saved:
            action.default = argparse.SUPPRESS
        yield
    finally:
        for action, default in saved:
            action.default = default


def given_on_command_line(parser: argparse.ArgumentParser, argv: list[str]) -> set[str]:
    """The ``dest`` of each option ``argv`` sets (``argv`` already parsed once, so it holds no error)."""
    with _defaults_suppressed(parser):
        namespace, _ = parser.parse_known_args(argv)
    return {option.action.dest for option in options(parser, layered_only=False)} & set(vars(namespace))


def from_environment(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> dict[str, Any]:
    """``{dest: value}`` of every option whose ``MOCKSERVER_*`` variable is set (an empty one counts as unset)."""
    values = {}
    for option in options(parser):
        raw = environ.get(option.env, "")
        if raw.strip():
            values[option.action.dest] = _from_text(option, raw, option.env)
    return values


def unknown_variables(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> list[str]:
    """One warning per ``MOCKSERVER_*`` variable that names no serve option (a typo would otherwise be silently
    ignored), with the closest variable there is."""
    known = [option.env for option in options(parser)]
    warnings = []
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name in known or name.startswith(OTHER_VARIABLES):
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        warnings.append(f"{name} is not a serve option's variable and is ignored; {hint}"
                        "the variables are MOCKSERVER_ and an option's name in capitals (mockserver serve --help)")
    return warnings


def from_mapping(parser: argparse.ArgumentParser, data: Mapping[str, Any], where: str,
                 base: Path | None = None) -> dict[str, Any]:
    """``{dest: value}`` of the TOML keys in ``data`` (``where`` names the file in messages; relative paths are
    taken from ``base``). A key that is no option is an error that lists the keys there are."""
    known = {option.key: option for option in options(parser) if option.key not in NOT_IN_FILE}
    values: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for key, value in data.items():
        name = key.replace("_", "-")
        option = known.get(name)
        if option is None:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise OptionError(f"{where}: unknown key {key!r}; {hint}the keys are the serve options' names: "
                              + ", ".join(sorted(known)))
        if name in seen:
            raise OptionError(f"{where}: {seen[name]!r} and {key!r} are the same key; keep one")
        seen[name] = key
        source = f"{where}: {key}"
        values[option.action.dest] = _from_toml(option, value, source, base)
    return values


def _from_text(option: Option, raw: str, source: str) -> Any:
    if option.flag:
        word = raw.strip().lower()
        if word not in TRUE + FALSE:
            raise OptionError(f"{source}: takes true or false (1/0, yes/no, on/off), not {raw!r}")
        return _flag(option, word in TRUE)
    if option.repeatable:
        return [_one(option, item.strip(), source) for item in raw.split(",") if item.strip()]
    return _one(option, raw.strip(), source)


def _from_toml(option: Option, value: Any, source: str, base: Path | None) -> Any:
    if option.flag:
        if not isinstance(value, bool):
            raise OptionError(f"{source}: takes true or false, not {value!r}")
        return _flag(option, value)
    if isinstance(value, bool | dict):
        raise OptionError(f"{source}: takes {_takes(option)}, not {value!r}")
    if option.repeatable:
        items = value if isinstance(value, list) else str(value).split(",")
        return [_one(option, _scalar(option, item, source).strip(), source, base) for item in items
                if str(item).strip()]
    return _one(option, _scalar(option, value, source), source, base)


def _scalar(option: Option, value: Any, source: str) -> str:
    if isinstance(value, bool | dict | list):
        raise OptionError(f"{source}: takes {_takes(option)}, not {value!r}")
    return str(value)


def _flag(option: Option, on: bool) -> Any:
    const = option.action.const
    return const if on else (not const if isinstance(const, bool) else option.action.default)


def _takes(option: Option) -> str:
    if option.action.choices:
        return "one of " + ", ".join(map(str, option.action.choices))
    what = option.action.metavar or option.name.upper().replace("-", "_")
    return f"a list of {what}" if option.repeatable else str(what)


def _one(option: Option, raw: str, source: str, base: Path | None = None) -> Any:
    """One value through the option's ``type`` and ``choices``, as argparse would take it (a relative path first
    taken from ``base``, the directory of the file it was read from)."""
    action = option.action
    if base is not None and raw and _takes_path(option) and not Path(raw).is_absolute():
        raw = str(base / raw)
    convert = action.type if callable(action.type) else (lambda text: text)
    try:
        value = convert(raw)
    except argparse.ArgumentTypeError as exc:
        raise OptionError(f"{source}: {exc}") from None
    except (TypeError, ValueError):
        kind = getattr(action.type, "__name__", "")
        raise OptionError(f"{source}: takes {'a whole number' if kind == 'int' else _takes(option)}, "
                          f"not {raw!r}") from None
    if action.choices is not None and value not in action.choices:
        raise OptionError(f"{source}: takes {_takes(option)}, not {raw!r}")
    return value
