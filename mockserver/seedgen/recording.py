"""``mockserver seed --from-recording DIR --out SEED_DIR``: a proxy recording (``mockserver proxy --record``) →
a seed directory in the format ``--seed-dir`` loads, so the mock can serve a real server's estate.

From every successful answer that carries whole objects (details, creates, updates, and lists whose items are the
resource's own schema, not a summary) each object is kept in its latest representation, by its key (the resource's
lookup: id, username, name, key); an object the recording saw deleted is left out. Rows are host-independent: the
DRF self link ``url`` goes (the mock renders its own) and fields the recording masked (secrets) are left out. A
resource the recording did not see keeps the rows of the base seed (``--base``; the shipped seed by default), so the
mock starts with everything it needs, and a recorded row keeps the store-only fields (a Hub user's roles) of the
base row it replaces. Credentials are never recorded: the seed's users log in with the credentials the mock is
configured with.

The result is checked as ``mockserver check`` checks seed data; the command exits 1 when the check fails.
"""
from __future__ import annotations

import argparse
import json
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ..contract import load, resolve
from ..errors import MockServerError
from ..harness.facts import ApiFacts, Resource
from ..journal import MASK
from ..operations import Operations
from ..seeds import SEED_DIR

SELF_LINKS = {"hub": "url"}  # host-dependent: the mock renders its own (tastypie's resource_uri is a path)
Key = tuple[str, str]  # (resource, key as text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-recording", type=Path, required=True, metavar="DIR",
                        help="a directory written by mockserver proxy --record")
    parser.add_argument("--out", type=Path, required=True, metavar="SEED_DIR",
                        help="where to write the seed directory (<api>/<resource>.json), for --seed-dir")
    parser.add_argument("--base", type=Path, default=None, metavar="SEED_DIR",
                        help="seed the recording did not cover comes from here (default: the shipped seed)")


def read_recording(directory: Path) -> list[dict[str, Any]]:
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise MockServerError(f"--from-recording {directory}: no recording (*.jsonl) there")
    records = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                raise MockServerError(f"{path}:{number}: not a JSON line of a recording") from None
    return records


class Estate:
    """The objects of one API's recording, latest representation first-come ordered, by resource and key."""

    def __init__(self, api: str):
        self.api = api
        self.facts = ApiFacts(api, load(api))
        self.operations = Operations(api)
        self.document = load(api)
        self.objects: dict[str, OrderedDict[str, dict[str, Any]]] = {}
        self._whole: dict[str, bool] = {}

    def add(self, record: dict[str, Any]) -> None:
        match = self.operations.match(record["method"], record["path"])
        status, body = record.get("status") or 0, record.get("response_body")
        if match.operation is None or not 200 <= status < 300:
            return
        kind, resource = self.facts.locate(match.operation.template)
        if resource is None or resource.lookup is None:
            return
        if record["method"] == "DELETE" and kind == "detail":
            self.objects.get(resource.name, OrderedDict()).pop(str(match.path_params.get(resource.lookup)), None)
            return
        if kind == "detail" and isinstance(body, dict):
            self._keep(resource, body, match.path_params.get(resource.lookup))
        elif kind == "list" and record["method"] == "GET" and self._lists_whole(match.operation, resource):
            items = body.get("objects", body.get("results")) if isinstance(body, dict) else body
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    self._keep(resource, item, None)
        elif kind == "list" and record["method"] == "POST" and isinstance(body, dict):
            self._keep(resource, body, None)

    def _lists_whole(self, operation, resource: Resource) -> bool:
        """Whether the list shows each object whole (its items are the resource's own schema), not a summary
        (the Hub's ``SiteListItem``): summaries are no seed rows, and an object seen only in one is left out."""
        cached = self._whole.get(resource.name)
        if cached is None:
            schema = self.document["x-resources"][resource.name].get("schema")
            cached = self._whole[resource.name] = _item_schema(self.document, operation.spec) == schema
        return cached

    def _keep(self, resource: Resource, obj: dict[str, Any], key_from_path: str | None) -> None:
        if resource.lookup is None:  # the callers keep only objects of resources with a lookup
            return
        key = obj.get(resource.lookup, key_from_path)
        if key is None:
            return
        row = {name: value for name, value in obj.items() if value != MASK and name != SELF_LINKS.get(self.api)}
        if resource.lookup not in row and resource.lookup in self._store_only(resource):
            row[resource.lookup] = int(key) if str(key).isdigit() else key
        kept = self.objects.setdefault(resource.name, OrderedDict())
        kept[str(key)] = row

    def _store_only(self, resource: Resource) -> tuple[str, ...]:
        return self.store_only(seed_file(self.api, resource.name))

    def store_only(self, seed_name: str) -> tuple[str, ...]:
        """Fields a seed row carries that no answer shows (a Hub user's roles, D8): nothing records them."""
        if self.api != "hub":
            return ()
        from . import hub as hub_seed  # loads Faker: only when a seed is built

        return hub_seed.STORE_ONLY_FIELDS.get(seed_name, ())

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Seed file name → rows, ordered by key (numbers as numbers)."""
        return {seed_file(self.api, name): [rows[key] for key in sorted(rows, key=_order)]
                for name, rows in self.objects.items() if rows}


def _item_schema(document: dict[str, Any], operation: dict[str, Any]) -> str | None:
    """The component schema name of a list answer's items (tastypie ``objects``, DRF ``results`` or a bare array)."""
    answer = resolve(document, operation.get("responses", {}).get("200", {}))
    schema = resolve(document, answer.get("content", {}).get("application/json", {}).get("schema", {}))
    for branch in [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]:
        branch = resolve(document, branch)
        properties = branch.get("properties", {})
        items = (properties.get("objects") or properties.get("results") or branch).get("items")
        if isinstance(items, dict) and "$ref" in items:
            return items["$ref"].rsplit("/", 1)[-1]
    return None


def seed_file(api: str, resource: str) -> str:
    """The seed file (without ``.json``) of a contract resource."""
    if api == "hub":
        from . import hub as hub_seed

        return {contract: key for key, contract in hub_seed.CONTRACT_RESOURCES.items()}.get(resource, resource)
    return resource


def _with_base_fields(rows: list[dict[str, Any]], base: list[dict[str, Any]], fields: tuple[str, ...]):
    """Recorded rows keep the store-only fields of the base row they replace (the same id, else username)."""
    if not fields:
        return rows
    kept = []
    for row in rows:
        name = next((k for k in ("id", "username") if k in row), None)
        same = next((b for b in base if name is not None and b.get(name) == row[name]), None) or {}
        kept.append({**{f: same[f] for f in fields if f in same and f not in row}, **row})
    return kept


def _order(key: str) -> tuple[int, int, str]:
    return (0, int(key), "") if key.lstrip("-").isdigit() else (1, 0, key)


def build_seed(recording: Path, out: Path, base: Path | None = None) -> int:
    from ..check import run_check

    estates: dict[str, Estate] = {}
    for record in read_recording(recording):
        api = record.get("api")
        if api in ("torrent", "hub"):
            estates.setdefault(api, Estate(api)).add(record)
    if not estates:
        raise MockServerError(f"--from-recording {recording}: the recording holds no Torrent or Hub exchange")
    base = base or SEED_DIR
    for api, estate in estates.items():
        source, target = base / api, out / api
        if not source.is_dir():
            raise MockServerError(f"--base {base}: no seed data for {api} ({source} is not a directory)")
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.glob("*.json")):
            shutil.copyfile(path, target / path.name)
        for name, rows in estate.tables().items():
            if not (source / f"{name}.json").exists():
                print(f"{api}: {len(rows)} recorded {name} object(s) left out: the seed format has no {name}.json")
                continue
            rows = _with_base_fields(rows, json.loads((source / f"{name}.json").read_text(encoding="utf-8")),
                                     estate.store_only(name))
            (target / f"{name}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
            print(f"{api}: {name}.json ← {len(rows)} recorded object(s)")
    return run_check(tuple(estates), out)
