"""``mockserver check``: load the contracts and the seed data, and report every mismatch between them."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .contract import load, resolve, resources
from .errors import MockServerError
from .schemas import to_json_schema
from .seeds import read_seed


def _hub_seed_map() -> tuple[dict[str, str | None], dict[str, tuple[str, ...]]]:
    from .seedgen import hub

    return {name: hub.contract_resource(name) for name in hub.generate()}, hub.STORE_ONLY_FIELDS


def _optional(node: Any, field: str) -> Any:
    """The schema with ``field`` dropped from every ``required`` list (seed rows leave out host-dependent links)."""
    if isinstance(node, list):
        return [_optional(item, field) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {k: _optional(v, field) for k, v in node.items()}
    if isinstance(copied.get("required"), list):
        copied["required"] = [name for name in copied["required"] if name != field]
    return copied


def _seed_validator(api: str, schema_name: str) -> Draft202012Validator:
    components = to_json_schema(load(api).get("components", {}))
    if api == "hub":
        components = _optional(components, "url")
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema_name}", "components": components})


def seed_problems(api: str, seeds: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every seed row that its contract schema rejects, or that carries a field the contract does not know."""
    document = load(api)
    declared = resources(document)
    mapping, store_only = _hub_seed_map() if api == "hub" else ({}, {})
    problems = []
    for name, rows in seeds.items():
        resource = mapping.get(name, name) if api == "hub" else name
        if resource is None:  # seed-only tables (e.g. per-site settings) have no schema of their own
            continue
        if resource not in declared:
            problems.append(f"{api}: seed file {name}.json names no resource of the contract")
            continue
        schema_name = declared[resource].get("schema")
        if not schema_name:
            continue
        schema = resolve(document, {"$ref": f"#/components/schemas/{schema_name}"})
        known = set(schema.get("properties", {})) | set(store_only.get(name, ()))
        check = _seed_validator(api, schema_name)
        for index, row in enumerate(rows):
            label = f"{api}: {name}.json row {index} (id {row.get('id', '?')})"
            unknown = sorted(set(row) - known)
            if unknown:
                problems.append(f"{label}: fields not in the contract: {', '.join(unknown)}")
            candidate = {k: v for k, v in row.items() if k not in store_only.get(name, ())}
            for error in check.iter_errors(candidate):
                where = "/".join(str(p) for p in error.absolute_path) or "(row)"
                problems.append(f"{label}: {where}: {error.message}")
    return problems


def run_check(apis: tuple[str, ...], seed_dir: Path | None = None, more: Iterable[str] = (),
              checked: str = "contracts and seed data") -> int:
    """Rows against the contracts, and the mock starts on them; ``more``: problems a caller found besides (a
    recording's dangling references). → 1 with every problem printed, else 0."""
    from .app import create_app
    from .config import Settings

    problems: list[str] = []
    for api in apis:
        problems += seed_problems(api, read_seed(api, seed_dir))
    problems += more
    try:
        create_app(Settings(apis=apis, seed_dir=seed_dir))
    except MockServerError as exc:
        problems.append(f"the mock does not start with this data: {exc}")
    for line in problems:
        print(line)
    if problems:
        print(f"check failed: {len(problems)} problem(s)")
        return 1
    print(f"check passed: {checked} of {', '.join(apis)} agree")
    return 0
