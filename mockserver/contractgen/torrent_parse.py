"""Parse a Torrent Suite reference page (one ``/rundb/api/v1/`` resource) into a :class:`Reference`.

A page is reStructuredText: the ``Resource URL``, a fields table (an RST simple table: field, help text,
default, nullable, readonly, blank, unique, type), an example response in a ``javascript`` code block, and
the ``Allowed HTTP methods`` as a list. Pages without a resource URL document something else and are skipped.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

RESOURCE_URL = re.compile(r"Resource URL:?\s*``https?://[^/]+/rundb/api/v1/(\w+)/``")


@dataclass(frozen=True)
class Row:
    """One fields-table row, cells as printed (strings)."""

    name: str
    help_text: str
    default: str
    nullable: str
    readonly: str
    blank: str
    unique: str
    type: str

    def flag(self, column: str) -> bool:
        return getattr(self, column) == "true"

    def raw(self) -> dict[str, str]:
        return {
            "field": self.name, "help text": self.help_text, "default": self.default, "nullable": self.nullable,
            "readonly": self.readonly, "blank": self.blank, "unique": self.unique, "type": self.type,
        }


@dataclass(frozen=True)
class Reference:
    """One reference page: the resource it documents, its fields table, example and allowed methods."""

    file: str
    title: str
    resource: str
    rows: list[Row]
    example_meta: dict
    example: dict  # the example's one object
    allowed_methods: list[str]


def _table_rows(text: str) -> list[Row]:
    """The fields table: an RST simple table whose columns are the runs of '=' in its border lines."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("=") and "field" in lines[i + 1])
    spans = [m.span() for m in re.finditer(r"=+", lines[start])]

    def cells(line: str) -> list[str]:
        ends = [s for s, _ in spans[1:]] + [len(line)]
        return [line[s:e].strip() for (s, _), e in zip(spans, ends)]

    header = cells(lines[start + 1])
    if header != ["field", "help text", "default", "nullable", "readonly", "blank", "unique", "type"]:
        raise ValueError(f"unexpected fields-table header: {header}")
    rows = []
    for line in lines[start + 3:]:
        if line.startswith("="):
            break
        if line.startswith("-") or not line.strip():
            continue
        name, *rest = cells(line)
        rows.append(Row(name.strip("*"), *rest))
    return rows


def _example(text: str) -> dict:
    """The JSON of the page's (only) javascript code block."""
    block = text.split(".. code-block:: javascript", 1)[1]
    body = []
    for line in block.splitlines()[1:]:
        if line.strip() and not line[0].isspace():
            break
        body.append(line)
    return json.loads("\n".join(body))


def _title(text: str) -> str:
    """The first RST section title (a line underlined with '=')."""
    lines = text.splitlines()
    return next(
        " ".join(line.split()) for line, under in zip(lines, lines[1:]) if line.strip() and re.fullmatch(r"=+", under)
    )


def _allowed_methods(text: str) -> list[str]:
    section = text.split("Allowed HTTP methods", 1)[1]
    return re.findall(r"^- (\w+)\s*$", section, flags=re.MULTILINE)


def parse_reference(path: Path) -> Reference | None:
    text = path.read_text(encoding="utf-8")
    match = RESOURCE_URL.search(text)
    if match is None:
        return None
    example = _example(text)
    (obj,) = example["objects"]
    return Reference(
        file=path.name,
        title=_title(text),
        resource=match.group(1),
        rows=_table_rows(text),
        example_meta=example["meta"],
        example=obj,
        allowed_methods=_allowed_methods(text),
    )


def read_references(source_dir: Path) -> list[Reference]:
    refs = [parse_reference(p) for p in sorted(source_dir.glob("*.txt"))]
    return [r for r in refs if r is not None]
