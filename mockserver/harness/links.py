"""The contract's links: what each one is, and the values its runtime expressions take from a source's answer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .suite import Suite


@dataclass(frozen=True)
class Link:
    source: Any  # schemathesis APIOperation
    status: int
    name: str
    target: Any
    parameters: dict[str, str]

    @property
    def label(self) -> str:  # schemathesis' name for a transition
        return f"{self.source.label} -> [{self.status}] {self.name} -> {self.target.label}"


def contract_link_labels(api: str, selected: set[str] | None = None) -> list[str]:
    """Every link the contract declares (between ``selected`` operations), named as schemathesis names a
    transition — without building a suite, so that tests can be parametrized by link."""
    from ..contract import load

    document = load(api)
    by_id = {op.get("operationId"): f"{method.upper()} {path}" for path, item in document["paths"].items()
             for method, op in item.items() if isinstance(op, dict)}
    labels = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            source = f"{method.upper()} {path}"
            if not isinstance(operation, dict) or (selected is not None and source not in selected):
                continue
            for status, response in operation.get("responses", {}).items():
                for name, link in response.get("links", {}).items():
                    target = by_id.get(link.get("operationId"))
                    if target is not None and (selected is None or target in selected):
                        labels.append(f"{source} -> [{status}] {name} -> {target}")
    return labels


def contract_links(suite: Suite) -> list[Link]:
    operations = {}
    for result in suite.schema.get_all_operations():
        operation = result.ok()
        if operation is not None:
            operations[operation.label] = operation
    by_id = {op.definition.raw.get("operationId"): op for op in operations.values()}
    links = []
    for operation in operations.values():
        for status, response in operation.definition.raw.get("responses", {}).items():
            for name, link in response.get("links", {}).items():
                target = by_id.get(link.get("operationId"))
                if target is not None:
                    links.append(Link(operation, int(status), name, target, dict(link.get("parameters", {}))))
    return links


def extract(link: Link, source, response) -> dict[str, Any] | None:
    """The target's path parameters from the link's runtime expressions; None when one cannot be evaluated."""
    values = {}
    for parameter, expression in link.parameters.items():
        name = parameter.split(".", 1)[-1]
        value = _evaluate(expression, source, response)
        if value is None:
            return None
        values[name] = value
    return values


def _evaluate(expression: str, source, response) -> Any:
    if expression.startswith("$request.path."):
        return source.path_parameters.get(expression[len("$request.path."):])
    if expression.startswith("$response.body#"):
        try:
            node: Any = response.json()
        except ValueError:
            return None
        for part in expression[len("$response.body#/"):].split("/"):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        return node
    if expression.startswith("$response.header."):
        name, _, pattern = expression[len("$response.header."):].partition("#regex:")
        value = (response.headers.get(name.lower()) or [None])[0]
        match = re.search(pattern, value) if value and pattern else None
        return match.group(1) if match else value if not pattern else None
    return None
