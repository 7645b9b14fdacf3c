"""What the Torrent behaviour spec (docs/behaviour/torrent.md) adds beyond the reference pages.

Section 4, T14, T55, T61, T63-T68: per resource, the Django model name, column lengths, the filtering and
ordering keys the server declares, server-set timestamps, required fields (checked against the tables), extra
filters, fields whose written value is ignored, and fields whose returned value differs from their table type
(:class:`Representation`). Everything else in the contract is parsed from the reference pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API = "torrent"
API_ROOT = "/rundb/api/v1/"
NO_DEFAULT = object()  # no default in the contract (None is a default: null)
INTEGER_TEXT_PATTERN = r"^-?[0-9]+$"
FILE_SET_PREFIXES = ("sigproc", "basecall", "output", "misc")


@dataclass(frozen=True)
class Representation:
    """A field whose returned value differs from its table type (or that the table lacks)."""

    schema: dict  # replaces the type part of the property schema
    write_schema: dict | None  # request-body type, None = not writable
    reference_says: str
    contract_chose: str
    default: Any = NO_DEFAULT  # as returned
    write_default: Any = NO_DEFAULT  # in request-body terms
    always_present: bool = True  # False: returned only in some states, so not required


@dataclass(frozen=True)
class ResourceFacts:
    model_name: str
    max_lengths: dict[str, int]
    filtering: list[str]
    ordering: list[str] | None
    server_set: dict[str, str] = field(default_factory=dict)  # field -> "create" | "write" (T14)
    required: list[str] = field(default_factory=list)  # T55, checked against the table rule
    extra_filters: dict[str, str] = field(default_factory=dict)
    write_ignored: dict[str, str] = field(default_factory=dict)  # writable in the table, value ignored
    representation: dict[str, Representation] = field(default_factory=dict)
    state_times: dict[str, list[str]] = field(default_factory=dict)  # T65: see STATE_TIMES
    file_sets: dict[str, Any] | None = None  # T66-T68: see FILE_SETS


def _integer_text(name: str, example: str) -> Representation:
    return Representation(
        schema={"type": "string", "pattern": INTEGER_TEXT_PATTERN},
        write_schema={"type": "integer"},
        reference_says=f'type string ("Unicode string data"), default {example}',
        contract_chose=f"a string holding an integer as returned (T63); writes of {name} must be integer-valued "
        "(JSON integer or digit string), the column being a 64-bit integer",
        default="0" if name == "progress" else NO_DEFAULT,
        write_default=0 if name == "progress" else NO_DEFAULT,
    )


def _keep_flag() -> Representation:
    return Representation(
        schema={"type": "boolean"},
        write_schema=None,
        reference_says="type string; the example returns a boolean",
        contract_chose="boolean or null, as returned (T66): null when the file set is missing or disposed",
    )


def _disk_space(prefix: str) -> Representation:
    return Representation(
        schema={"type": "number", "nullable": True, "readOnly": True,
                "description": f"Disk space of the {prefix} file set in MB (not in the reference's fields table)."},
        write_schema=None,
        reference_says="not in the fields table; the example returns it as a float",
        contract_chose="optional read-only number (MB) or null, present only when the file set exists (T66)",
        always_present=False,
    )


# T65 (TS models.PluginResultJob.save): a write that changes ``state`` to one of the listed values sets the field to
# the server's now.
STATE_TIMES = {
    "starttime": ["Started"],
    "endtime": ["Completed", "Error", "Declined", "Unknown", "Resource", "Timed Out", "Cancelled", "Archived"],
}

# T66-T68 (TS dmactions_types / DMFileStat): compositedatamanagement's four file sets, stored per report. Each
# state code has a label (what ``<prefix>_state`` renders); ``missing`` is the label of a set that does not exist;
# ``keep`` renders null in the ``disposed`` states; ``in_process`` is true when any set is in an ``in_process``
# state; the ``<prefix>_filter`` code P stands for the ``in_progress_filter`` codes and K for "kept".
FILE_SETS = {
    "prefixes": list(FILE_SET_PREFIXES),
    "states": {
        "L": "Local", "S": "Selected", "N": "Notified", "A": "Acknowledged", "SA": "Archive Pending",
        "SE": "Export Pending", "SD": "Delete Pending", "AG": "Archiving", "DG": "Deleting", "EG": "Exporting",
        "AD": "Archived", "DD": "Deleted", "IG": "Importing", "E": "Error",
    },
    "missing": "Unknown",
    "disposed": ["AG", "DG", "AD", "DD"],
    "in_process": ["AG", "DG", "EG", "SA", "SE", "SD", "IG"],
    "in_progress_filter": ["AG", "DG", "EG", "IG", "SA", "SE", "S", "N", "A"],
}

# T11 (TS fixtures/ionusers_group.json): the Django model names each group may add, change and delete; a
# superuser may change every model. Carried as the top-level ``x-group-permissions``. compositedatamanagement
# writes are authorised on the Results model, on which ionusers has add/change/delete (Torrent Suite, where the
# behaviour spec's D3/T11 say otherwise).
GROUP_PERMISSIONS = {"ionusers": ["message", "pluginresultjob", "results"]}

# D1: the Torrent Suite versions the mock can answer as (--torrent-version), with what differs between them:
# Basic's realm (TS 5.12's IonAuthentication names "Torrent Suite"; 5.10's Apache realm "Torrent Browser") and
# every list's default order ([field, descending] pairs: 5.10 ascending id, 5.12 newest first). The default is
# the seed data's era. Carried as the top-level ``x-versions``; a resource's own ``default_order`` is 5.10's.
VERSIONS = {
    "default": "5.10",
    "versions": {
        "5.10": {"realm": "Torrent Browser", "default_order": [["id", False]]},
        "5.12": {"realm": "Torrent Suite", "default_order": [["id", True]]},
    },
}

FILEMONITOR_KEYS = [
    "celery_task_id", "created", "id", "local_dir", "md5sum", "name", "progress", "referencegenome", "size",
    "status", "supportupload", "tags", "updated", "url",
]
COMPOSITE_KEYS = ["id", "resultsName", "timeStamp", "diskusage", "expDir", "expName"]
MESSAGE_KEYS = ["body", "expires", "id", "level", "route", "status", "tags", "time"]

SPEC: dict[str, ResourceFacts] = {
    "filemonitor": ResourceFacts(
        model_name="filemonitor",
        max_lengths={"celery_task_id": 60, "local_dir": 512, "md5sum": 32, "name": 255, "status": 60,
                     "tags": 1024, "url": 2000},
        filtering=FILEMONITOR_KEYS,
        ordering=FILEMONITOR_KEYS,
        server_set={"created": "create", "updated": "write"},
        required=["url"],
        representation={"size": _integer_text("size", "None"), "progress": _integer_text("progress", "0")},
    ),
    "compositedatamanagement": ResourceFacts(
        model_name="results",
        max_lengths={"resultsName": 512},
        filtering=COMPOSITE_KEYS,
        ordering=COMPOSITE_KEYS,
        server_set={"timeStamp": "create"},
        required=["resultsName"],
        extra_filters={
            "search_name": "regular expression matched case-insensitively against expName or resultsName",
            **{f"{p}_filter": f"comma list of state codes (K = kept, P = in progress) for the {p} file set"
               for p in FILE_SET_PREFIXES},
        },
        write_ignored={"in_process": "computed from the file-set states (T66); a written value is validated "
                                    "as a boolean and ignored (T59, T67)"},
        representation={
            **{f"{p}_keep": _keep_flag() for p in FILE_SET_PREFIXES},
            **{f"{p}_diskspace": _disk_space(p) for p in FILE_SET_PREFIXES},
        },
        file_sets=FILE_SETS,
    ),
    "PluginResultJob": ResourceFacts(
        model_name="pluginresultjob",
        max_lengths={"run_level": 20, "state": 20},
        filtering=["config", "endtime", "grid_engine_jobid", "id", "plugin_result", "run_level", "starttime",
                   "state"],
        ordering=None,
        required=["run_level", "state"],
        representation={"config": Representation(
            schema={"type": "object", "additionalProperties": True},
            write_schema={"type": "object", "additionalProperties": True},
            reference_says='type string, default "" (empty); the example returns an object',
            contract_chose="always a JSON object, {} when empty (T64); fractional numbers inside come back as "
            "strings; a string holding a JSON object is also accepted on write",
            default={},
            write_default={},
        )},
        state_times=STATE_TIMES,
    ),
    "message": ResourceFacts(
        model_name="message",
        max_lengths={},
        filtering=MESSAGE_KEYS,
        ordering=MESSAGE_KEYS,
        server_set={"time": "create"},
    ),
}
