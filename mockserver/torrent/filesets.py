"""compositedatamanagement: a report with its four data-management file sets (T66–T68, section 4.3).

Stored row: ``id``, ``resultsName``, ``timeStamp``, ``diskusage``, ``expDir``, ``expName`` and ``filesets``:
``{prefix: {"state": code, "keep": bool, "diskspace": float | None}}`` for the sets that exist. Only seeds and
admin records set file-set data; the API's writes never touch it. The prefixes, state codes and their labels
come from the contract (``x-resources.compositedatamanagement.file_sets``).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..dialects.tastypie import Behaviour
from ..dialects.tastypie.hooks import Row


class FileSets(Behaviour):
    def __init__(self, facts: dict[str, Any]):
        self.prefixes: tuple[str, ...] = tuple(facts["prefixes"])
        self.labels: dict[str, str] = dict(facts["states"])  # code → label
        self.codes = {label: code for code, label in self.labels.items()}
        self.missing: str = facts["missing"]  # the label of a set that does not exist
        self.disposed = frozenset(facts["disposed"])  # keep renders null
        self.in_process = frozenset(facts["in_process"])
        self.in_progress_filter = tuple(facts["in_progress_filter"])  # what the "P" filter code stands for

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

    def extra_filter(self, query) -> Callable[[Row], bool] | None:
        tests: list[Callable[[Row], bool]] = []
        name = query.get("search_name")
        if name is not None:
            try:
                pattern = re.compile(name, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"Invalid regular expression for 'search_name': {exc}") from None
            tests.append(lambda r: bool(pattern.search(r.get("expName") or "")
                                        or pattern.search(r.get("resultsName") or "")))
        for prefix in self.prefixes:
            codes = query.get(f"{prefix}_filter")
            if codes:
                tests.append(self._state_filter(prefix, codes.split(",")))
        if not tests:
            return None
        return lambda row: all(test(row) for test in tests)

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

    def _state_filter(self, prefix: str, codes: list[str]) -> Callable[[Row], bool]:
        """T68: the set exists; kept if K is listed; its state among the other codes (P adds the busy ones)."""
        kept = "K" in codes
        states = {c for c in codes if c not in ("K", "P")}
        if "P" in codes:
            states.update(self.in_progress_filter)

        def test(row: Row) -> bool:
            fs = (row.get("filesets") or {}).get(prefix)
            if fs is None or (kept and not fs["keep"]):
                return False
            return not states or fs["state"] in states

        return test
