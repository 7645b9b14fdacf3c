"""compositedatamanagement: a report with its four data-management file sets (T66–T68, section 4.3).

Stored row: ``id``, ``resultsName``, ``timeStamp``, ``diskusage``, ``expDir``, ``expName`` and ``filesets``:
``{prefix: {"state": code, "keep": bool, "diskspace": float | None}}`` for the sets that exist. Only seeds and
admin records set file-set data; the API's writes never touch it. The prefixes, state codes and their labels
come from the contract (``x-resources.compositedatamanagement.file_sets``).
Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

from typing import Any

from ..contract import load, resources
from ..dialects.tastypie import Behaviour
from ..dialects.tastypie.hooks import Row
from ..engine.query import register_lookup

API = "torrent"


class FileSets(Behaviour):
    def __init__(self, facts: dict[str, Any]):
        self.prefixes: tuple[str, ...] = tuple(facts["prefixes"])
        self.labels: dict[str, str] = dict(facts["states"])  # code → label
        self.codes = {label: code for code, label in self.labels.items()}
        self.missing: str = facts["missing"]  # the label of a set that does not exist
        self.disposed = frozenset(facts["disposed"])  # keep renders null
        self.in_process = frozenset(facts["in_process"])

    def represent(self, row: Row, obj: dict[str, Any]) -> None:
        sets = row.get("filesets") or {}
        for prefix in self.prefixes:
            fs = sets.get(prefix)
            if fs is None:
                obj[f"{prefix}_state"] = self.missing
                obj[f"{prefix}_keep"] = None
                obj.pop(f"{prefix}_diskspace", None)
                continue
            obj[f"{prefix}_state"] = self.labels[fs["state"]]
            obj[f"{prefix}_keep"] = None if fs["state"] in self.disposed else bool(fs["keep"])
            obj[f"{prefix}_diskspace"] = fs.get("diskspace")
        obj["in_process"] = any(fs["state"] in self.in_process for fs in sets.values())

    def from_api(self, obj: dict[str, Any], row: Row) -> None:
        for name in ("expDir", "expName"):
            value = obj.get(name, "")
            if not isinstance(value, str):
                raise ValueError(f"The '{name}' field takes a string, not {value!r}.")
            row[name] = value
        row["filesets"] = {}
        for prefix in self.prefixes:
            fs = self._file_set(obj, prefix)
            if fs is not None:
                row["filesets"][prefix] = fs

    def on_create(self, row: Row) -> None:
        row.setdefault("expDir", "")
        row.setdefault("expName", "")
        row.setdefault("filesets", {})

    def _file_set(self, obj: dict[str, Any], prefix: str) -> dict[str, Any] | None:
        label = obj.get(f"{prefix}_state", self.missing)
        if label == self.missing:
            return None
        if label not in self.codes:
            raise ValueError(f"The '{prefix}_state' field takes a state label ({', '.join(self.codes)} or "
                             f"{self.missing}), not {label!r}.")
        keep = obj.get(f"{prefix}_keep")
        if keep is not None and not isinstance(keep, bool):
            raise ValueError(f"The '{prefix}_keep' field takes true, false or null, not {keep!r}.")
        space = obj.get(f"{prefix}_diskspace")
        if space is not None and (isinstance(space, bool) or not isinstance(space, (int, float))):
            raise ValueError(f"The '{prefix}_diskspace' field takes a number of MB or null, not {space!r}.")
        return {"state": self.codes[label], "keep": bool(keep), "diskspace": space}


def _in_progress() -> frozenset[str]:
    """The codes the "P" filter code stands for (every resource with file sets declares the same)."""
    return frozenset(code for facts in resources(load(API)).values() if "file_sets" in facts
                     for code in facts["file_sets"]["in_progress_filter"])


def fileset_state(row: Row, field: str, codes: list[str]) -> bool:
    """T68, the contract's ``fileset_state`` lookup on ``filesets.<prefix>``: the set exists; kept if K is
    listed; its state among the other codes (P adds the busy ones)."""
    kept = "K" in codes
    states = {c for c in codes if c not in ("K", "P")}
    if "P" in codes:
        states.update(IN_PROGRESS)
    fs = (row.get("filesets") or {}).get(field.partition(".")[2])
    if fs is None or (kept and not fs["keep"]):
        return False
    return not states or fs["state"] in states


IN_PROGRESS = _in_progress()
register_lookup("fileset_state", fileset_state)
