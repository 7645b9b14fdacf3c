"""Parse the Ngenea Hub reference ("8.9. API") into operation records.

The reference is a flat rendering of the Hub's OpenAPI schema: a heading ``- METHOD /path/¶``, an optional
docstring, then blocks (``- Parameters``, ``- Query Parameters``, ``- Request JSON Object``,
``- Status Codes``, ``- Response JSON Object``) of ``name (type) – description (read only)/(required)``
lines. Query-parameter descriptions wrap over several lines and the next parameter often starts in the
middle of a line (``…by default.path (string) – …``), so fields are found in the joined block text.

Some operations lost their heading: their blocks follow the previous operation's. A block that does not come
after the previous block in the order above starts such a headless operation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SECTIONS = ("Parameters", "Query Parameters", "Request JSON Object", "Status Codes", "Response JSON Object")
HEADING = re.compile(r"^- (GET|POST|PUT|PATCH|DELETE) (/\S*)¶$")
# A field starts a line; a parameter also may follow a full stop (wrapped text). The type is missing on a few.
BODY_FIELD = re.compile(r"^(?P<name>[A-Za-z_\[][\w\[\].]*) (?:\((?P<type>[a-z]+)\) )?– ?", re.M)
PARAM_FIELD = re.compile(r"(?:^|(?<=\.))(?P<name>[A-Za-z_]\w*) (?:\((?P<type>[a-z]+)\) )?– ?", re.M)
STATUS = re.compile(r"^(?P<code>\d{3}) (?P<reason>[^–]+?) –\s*(?P<text>.*)$")
FLAG = re.compile(r"\s*\((read only|required)\)\s*$")


@dataclass(frozen=True)
class Field:
    name: str  # as written: "results[].bucket.name", "[].clients[].hosts", "color[]"
    type: str | None  # string, integer, number, boolean, object, array; None when the reference omits it
    description: str
    read_only: bool
    required: bool


@dataclass
class Operation:
    method: str  # "" for a headless operation (and its path too), until D18 gives it both
    path: str
    description: str = ""
    params: list[Field] = field(default_factory=list)
    query: list[Field] = field(default_factory=list)
    request: list[Field] | None = None
    statuses: dict[int, str] = field(default_factory=dict)
    response: list[Field] | None = None
    sections: list[str] = field(default_factory=list)  # in the order met

    @property
    def headless(self) -> bool:
        return not self.method


def _collapse(text: str) -> str:
    return " ".join(text.split())


def parse_fields(text: str, pattern: re.Pattern = BODY_FIELD) -> list[Field]:
    matches = list(pattern.finditer(text))
    fields = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        description = _collapse(text[match.end():end])
        flags = set()
        while flag := FLAG.search(description):
            flags.add(flag.group(1))
            description = description[: flag.start()].rstrip()
        fields.append(
            Field(match["name"], match["type"], description, "read only" in flags, "required" in flags)
        )
    return fields


def parse_statuses(text: str) -> dict[int, str]:
    statuses = {}
    for line in text.splitlines():
        if match := STATUS.match(line.strip()):
            statuses[int(match["code"])] = _collapse(match["text"]) or match["reason"]
    return statuses


def _finish(op: Operation, blocks: dict[str, list[str]], description: list[str]) -> Operation:
    op.description = _collapse(" ".join(description))
    text = {name: "\n".join(lines) for name, lines in blocks.items()}
    op.params = parse_fields(text.get("Parameters", ""), PARAM_FIELD)
    op.query = parse_fields(text.get("Query Parameters", ""), PARAM_FIELD)
    if "Request JSON Object" in text:
        op.request = parse_fields(text["Request JSON Object"])
    op.statuses = parse_statuses(text.get("Status Codes", ""))
    if "Response JSON Object" in text:
        op.response = parse_fields(text["Response JSON Object"])
    return op


def parse_reference(text: str) -> list[Operation]:
    """Every operation of the reference, in its order; headless ones have ``method`` and ``path`` ""."""
    operations: list[Operation] = []
    current: Operation | None = None
    blocks: dict[str, list[str]] = {}
    description: list[str] = []
    section: str | None = None

    def close() -> None:
        if current is not None:
            operations.append(_finish(current, blocks, description))

    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            close()
            current, blocks, description, section = Operation(heading[1], heading[2]), {}, [], None
            continue
        if current is None:
            continue  # the page title
        name = line[2:] if line.startswith("- ") else None
        if name in SECTIONS:
            if section is not None and SECTIONS.index(name) <= SECTIONS.index(section):
                close()  # a block out of order: an operation whose heading was lost starts here
                current, blocks, description = Operation("", ""), {}, []
            section = name
            current.sections.append(name)
            blocks[name] = []
        elif section is None:
            description.append(line)
        else:
            blocks[section].append(line)
    close()
    return operations
