"""``mockserver seed --from-recording DIR --out SEED_DIR``: a proxy recording (``mockserver proxy --record``) →
a seed directory in the format ``--seed-dir`` loads, so the mock can serve a real server's estate.

From every successful answer that carries whole objects (details, creates, updates, and lists whose items are the
resource's own schema, not a summary) each object is kept in its latest representation, by its key (the resource's
lookup: id, username, name, key). Rows are host-independent: the DRF self link ``url`` goes (the mock renders its
own) and fields the recording masked (secrets) are left out. The seed is the base seed (``--base``; the shipped seed
by default) with the recorded objects in place of the base rows of the same key; a base row the recording did not
see stays, unless the recording saw it deleted or saw the whole unfiltered list without it (every page of one total,
no filter in the query), so the recorded objects' references and counts still find their rows. A recorded row keeps
the store-only fields (a Hub user's roles) of the base row it replaces. Credentials are never recorded: the seed's
users log in with the credentials the mock is configured with.

The result is checked as ``mockserver check`` checks seed data, and every reference the contract declares must name
a row the seed has (:mod:`.recording_refs`); the command exits 1 when either fails.
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
from .recording_refs import dangling_references

# Query parameters that page, order, format or authenticate a list but do not filter it (anything else might).
NOT_FILTERS = frozenset(("limit", "offset", "order_by", "format", "callback", "username", "api_key", "pluginresult",
                         "page", "page_size", "ordering"))
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
        self.deleted: dict[str, set[str]] = {}  # resource → keys the recording saw deleted
        self.listed: dict[str, dict[int, set[str]]] = {}  # resource → total → keys its unfiltered pages showed
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
            key = str(match.path_params.get(resource.lookup))
            self.objects.get(resource.name, OrderedDict()).pop(key, None)
            self.deleted.setdefault(resource.name, set()).add(key)
            return
        if kind == "list" and record["method"] == "GET":
            self._note_listed(resource, record.get("query") or [], body)
        if kind == "detail" and isinstance(body, dict):
            self._keep(resource, body, match.path_params.get(resource.lookup))
        elif kind == "list" and record["method"] == "GET" and self._lists_whole(match.operation, resource):
            items = body.get("objects", body.get("results")) if isinstance(body, dict) else body
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    self._keep(resource, item, None)
        elif kind == "list" and record["method"] == "POST" and isinstance(body, dict):
            self._keep(resource, body, None)

    def _note_listed(self, resource: Resource, query: list, body: Any) -> None:
        """The keys an unfiltered page shows, by the total its list reports: once the pages of one total show
        that many keys, the recording has seen the whole list, and a base row missing from it is gone."""
        if any(name not in NOT_FILTERS for name, _ in query):
            return
        items: Any
        total: Any
        if isinstance(body, list):  # a bare array (Hub: page_size=0, or a list that is never paged) is whole
            items, total = body, len(body)
        elif isinstance(body, dict):
            items = body.get("objects", body.get("results"))
            total = body.get("meta", {}).get("total_count") if "meta" in body else body.get("count")
        else:
            return
        if not isinstance(items, list) or not isinstance(total, int) or resource.lookup is None:
            return
        keys = self.listed.setdefault(resource.name, {}).setdefault(total, set())
        keys.update(str(item[resource.lookup]) for item in items
                    if isinstance(item, dict) and item.get(resource.lookup) is not None)

    def gone(self, resource: str) -> tuple[set[str], set[str] | None]:
        """``(keys seen deleted, keys of the whole list when the recording saw it whole, else None)``."""
        whole = [keys for total, keys in self.listed.get(resource, {}).items() if len(keys) >= total]
        return self.deleted.get(resource, set()), (set().union(*whole) if whole else None)

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

    def tables(self, base: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        """Seed file name → rows, ordered by key (numbers as numbers): the base seed's rows (``base``, by seed
        file name) with the recorded objects in place of those of the same key, less the rows the recording saw
        deleted or missing from a whole list (:meth:`gone`)."""
        tables = {}
        lookups = {resource.name: resource.lookup for resource in self.facts.resources}
        for resource in sorted(set(self.objects) | set(self.deleted) | set(self.listed)):
            lookup = lookups.get(resource)
            name = seed_file(self.api, resource)
            if lookup is None or name not in base:
                continue
            deleted, whole = self.gone(resource)
            recorded = self.objects.get(resource, OrderedDict())
            rows = {str(row[lookup]): row for row in base[name] if row.get(lookup) is not None}
            rows = {key: row for key, row in rows.items() if key not in deleted and (whole is None or key in whole)}
            if not recorded and len(rows) == len(base[name]):
                continue  # nothing of this resource changes
            kept = _with_base_fields(list(recorded.values()), base[name], self.store_only(name))
            rows.update({key: row for key, row in zip(recorded, kept)})
            tables[name] = [rows[key] for key in sorted(rows, key=_order)]
        return tables


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


def _resource_of(api: str, seed_name: str) -> str:
    """The contract resource of a seed file (the inverse of :func:`seed_file`)."""
    if api == "hub":
        from . import hub as hub_seed

        return hub_seed.CONTRACT_RESOURCES.get(seed_name, seed_name)
    return seed_name


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
        base_rows = {}
        for path in sorted(source.glob("*.json")):
            shutil.copyfile(path, target / path.name)
            base_rows[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        for resource, objects in estate.objects.items():
            if objects and seed_file(api, resource) not in base_rows:
                print(f"{api}: {len(objects)} recorded {resource} object(s) left out: the seed format has no "
                      f"{seed_file(api, resource)}.json")
        for name, table in estate.tables(base_rows).items():
            (target / f"{name}.json").write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
            count = len(estate.objects.get(_resource_of(api, name), {}))
            print(f"{api}: {name}.json ← {count} recorded object(s), {len(table)} row(s) in all")
    return check_seed(tuple(estates), out)


def check_seed(apis: tuple[str, ...], seed_dir: Path) -> int:
    """``mockserver check`` on the seed (rows against the contract; the mock starts on it), and every reference
    names a row the seed has (:mod:`.recording_refs`); → 1 with every problem printed, else 0."""
    from ..check import run_check

    dangling = [line for api in apis for line in dangling_references(api, seed_dir / api)]
    return run_check(apis, seed_dir, dangling, checked="contracts, seed data and its references")
