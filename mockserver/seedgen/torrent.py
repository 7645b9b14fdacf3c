"""Seed rows for the Torrent Suite resources, in API representation (exactly what the server returns).

Each resource holds its documented example object (verbatim) plus deterministic synthetic rows with higher
ids, so that the collection size equals the documented ``meta.total_count`` and
``GET <r>/?format=json&limit=1`` (ascending id) returns the documented example response.

    python -m mockserver.seedgen.torrent    # from the repository root: rewrites mockserver/seed_data/torrent/*.json

Rules: docs/behaviour/torrent.md.
"""
from __future__ import annotations

import copy
import json
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faker import Faker

SEED = 5_10_0  # Torrent Suite 5.10
CONTRACT = Path("mockserver/openapi/torrent.json")
OUTPUT_DIR = Path("mockserver/seed_data/torrent")
API_ROOT = "/rundb/api/v1/"


def render_datetime(moment: datetime) -> str:
    """The server's datetime form (T13): milliseconds in the microsecond slot, fraction dropped when zero."""
    millis = moment.microsecond // 1000
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{millis:06d}+00:00" if millis else f"{text}+00:00"


def _moments(fake: Faker, count: int, start: datetime, end: datetime) -> list[datetime]:
    """Ascending instants (ids grow with time); the first one has a whole second, so its fraction is omitted."""
    moments = sorted(fake.date_time_between(start_date=start, end_date=end, tzinfo=UTC) for _ in range(count))
    return [moments[0].replace(microsecond=0)] + moments[1:] if moments else []


def _uri(resource: str, pk: int) -> str:
    return f"{API_ROOT}{resource}/{pk}/"


# --- filemonitor -------------------------------------------------------------------------------------------------

FILE_STATUSES = ["Complete", "Complete", "Complete", "Downloading", "Starting", "Complete", "Error"]
AMPLISEQ_PANELS = ["OncomineFocus", "CancerHotspotV2", "InheritedDisease", "BRCA1_2", "Transcriptome_Human",
                   "CCP", "TP53"]


def _filemonitor(fake: Faker, ids: list[int]) -> list[dict]:
    moments = _moments(fake, len(ids), datetime(2014, 5, 9, tzinfo=UTC),
                       datetime(2014, 12, 20, tzinfo=UTC))
    rows = []
    for index, (pk, created, status) in enumerate(zip(ids, moments, FILE_STATUSES)):
        if index % 3 != 2:  # mostly AmpliSeq designs, every third a reference genome
            design = fake.random_int(10_000_000, 19_999_999)
            name = f"{fake.random_element(AMPLISEQ_PANELS)}.{created:%Y%m%d}.Results.zip"
            url, tags = f"https://ampliseq.com/ws/tmpldesign/{design}/download/results", "ampliseq_template"
        else:
            genome = fake.random_element(["hg19", "hg38", "ecoli_dh10b", "mm10"])
            name, tags = f"{genome}.zip", "reference"
            url = f"https://{fake.domain_name()}/reference/{genome}.zip"
        size = fake.random_int(1_000_000, 900_000_000)
        progress = {"Complete": size, "Downloading": fake.random_int(0, size), "Error": fake.random_int(0, size),
                    "Starting": 0}[status]
        rows.append({
            "status": status,
            "updated": render_datetime(created + timedelta(seconds=fake.random_int(5, 900),
                                                           milliseconds=fake.random_int(0, 999))),
            "name": name,
            "created": render_datetime(created),
            "url": url,
            "md5sum": fake.md5() if status == "Complete" and fake.boolean() else None,
            "celery_task_id": fake.uuid4(),
            "local_dir": f"/tmp/tmp{fake.pystr(min_chars=6, max_chars=6)}",
            "progress": str(progress),
            "size": None if status == "Starting" else str(size),
            "id": pk,
            "tags": tags,
            "resource_uri": _uri("filemonitor", pk),
        })
    return rows


# --- compositedatamanagement -----------------------------------------------------------------------------------

STATE_LABELS = {
    "L": "Local", "S": "Selected", "N": "Notified", "A": "Acknowledged", "SA": "Archive Pending",
    "SE": "Export Pending", "SD": "Delete Pending", "AG": "Archiving", "DG": "Deleting", "EG": "Exporting",
    "AD": "Archived", "DD": "Deleted", "IG": "Importing", "E": "Error",
}
DISPOSED = {"AG", "DG", "AD", "DD"}  # keep flag shown as null
IN_PROCESS = {"AG", "DG", "EG", "SA", "SE", "SD", "IG"}
PREFIXES = ("sigproc", "basecall", "output", "misc")

# Per synthetic row, each file set as (state code, keep flag) or None (missing); chosen so the seed covers
# kept and not-kept sigproc, disposed sets, missing sets, an in-process state and an error.
FILE_SET_PLANS: list[dict[str, tuple[str, bool] | None]] = [
    {"sigproc": ("L", False), "basecall": ("L", True), "output": ("L", False), "misc": ("L", False)},
    {"sigproc": ("AD", True), "basecall": ("DD", False), "output": ("L", True), "misc": ("DD", False)},
    {"sigproc": None, "basecall": None, "output": ("L", False), "misc": ("L", False)},
    {"sigproc": ("SA", True), "basecall": ("L", False), "output": ("AG", False), "misc": ("E", False)},
    {"sigproc": ("L", True), "basecall": ("S", False), "output": ("N", False), "misc": ("A", False)},
]
CHIPS = {"S5": ["510", "520", "530", "540"], "S5XL": ["530", "540"], "Proton": ["P1"], "PGM": ["314", "316", "318"]}
APPLICATIONS = ["AmpliSeqExome", "OncomineFocus", "Transcriptome", "16S_Metagenomics", "CCP", "WholeGenome"]


def _composite(fake: Faker, ids: list[int]) -> list[dict]:
    if len(ids) > len(FILE_SET_PLANS):
        raise ValueError(f"compositedatamanagement: {len(ids)} synthetic rows, {len(FILE_SET_PLANS)} plans")
    moments = _moments(fake, len(ids), datetime(2017, 3, 19, tzinfo=UTC),
                       datetime(2017, 9, 30, tzinfo=UTC))
    rows = []
    for pk, stamp, plan in zip(ids, moments, FILE_SET_PLANS):
        instrument = fake.random_element(sorted(CHIPS))
        application = fake.random_element(APPLICATIONS)
        run = f"{instrument}-{fake.random_int(1, 300)}"
        exp_name = f"R_{stamp:%Y_%m_%d_%H_%M_%S}_user_{run}-{fake.random_element(CHIPS[instrument])}_{application}"
        row: dict = {"expName": exp_name, "in_process": False}
        total = 0.0
        for prefix in PREFIXES:
            file_set = plan[prefix]
            if file_set is None:
                row.update({f"{prefix}_state": "Unknown", f"{prefix}_keep": None})
                continue
            code, keep = file_set
            space = None if code == "DD" else fake.pyfloat(right_digits=9, min_value=1, max_value=400_000)
            total += space or 0.0
            row.update({
                f"{prefix}_state": STATE_LABELS[code],
                f"{prefix}_keep": None if code in DISPOSED else keep,
                f"{prefix}_diskspace": space,
            })
            row["in_process"] = row["in_process"] or code in IN_PROCESS
        row.update({
            "timeStamp": render_datetime(stamp),
            "resultsName": f"Auto_user_{run}-{application}_{pk}",
            "diskusage": int(total) if fake.boolean(chance_of_getting_true=80) else None,
            "resource_uri": _uri("compositedatamanagement", pk),
            "expDir": f"/results/{instrument}_{fake.random_int(100, 999)}/{exp_name}",
            "id": pk,
        })
        rows.append(row)
    return rows


# --- PluginResultJob ---------------------------------------------------------------------------------------------

JOB_STATES = ["Completed", "Completed", "Completed", "Error", "Started", "Queued", "Pending", "Completed",
              "Cancelled", "Timed Out", "Completed", "Declined", "Started", "Completed"]
RUN_LEVELS = ["pre", "default", "block", "post", "separator", "last"]
RUNNING = {"Started", "Pending", "Queued"}


def _plugin_config(fake: Faker) -> dict:
    """Plugin settings as saved by TS plugin dialogs; fractional numbers come back as strings (T64)."""
    kind = fake.random_int(0, 3)
    if kind == 0:
        return {}
    if kind == 1:
        return {"librarytype": fake.random_element(["AmpliSeq", "WGNM", "TargetSeq"]),
                "barcodetargetregions": "", "sampleid": fake.random_element(["Yes", "No"]),
                "padtargets": fake.random_int(0, 100), "uniquemaps": fake.random_element(["Yes", "No"])}
    if kind == 2:
        return {"library_type": "AmpliSeq", "variation_type": fake.random_element(["Germline", "Somatic"]),
                "min_allele_freq": f"{fake.random_int(1, 30) / 100:.2f}", "meta": {"trimreads": True}}
    return {"compressedType": fake.random_element(["zip", "tar"]), "bamCreate": fake.random_element(["on", "off"]),
            "vcfCreate": fake.random_element(["on", "off"]), "select_dialog": ["run_name", "samplename"]}


def _plugin_result_job(fake: Faker, ids: list[int]) -> list[dict]:
    moments = _moments(fake, len(ids), datetime(2017, 8, 10, tzinfo=UTC),
                       datetime(2017, 12, 15, tzinfo=UTC))
    rows = []
    for index, (pk, start) in enumerate(zip(ids, moments)):
        state = JOB_STATES[index % len(JOB_STATES)]
        queued = state in ("Queued", "Pending")
        end = start + timedelta(seconds=fake.random_int(20, 7200), milliseconds=fake.random_int(0, 999))
        rows.append({
            "grid_engine_jobid": None if queued else (-1 if state not in RUNNING and fake.boolean()
                                                      else fake.random_int(1000, 99999)),
            "id": pk,
            "state": state,
            "starttime": None if queued else render_datetime(start),
            "endtime": None if state in RUNNING else render_datetime(end),
            "config": _plugin_config(fake),
            "run_level": fake.random_element(RUN_LEVELS),
            "resource_uri": _uri("PluginResultJob", pk),
        })
    return rows


# --- message -----------------------------------------------------------------------------------------------------

def _message_text(fake: Faker, kind: int, moment: datetime) -> tuple[str, str, int]:
    """(body, tags, level) of a banner message of one of the kinds TS posts."""
    if kind == 0:
        full = f"{fake.random_int(80, 99)}.{fake.random_int(0, 99):02d}"
        body = f"The /results partition is {full}% full.  <a href='/data/datamanagement/' >Manage data</a>"
        return body, "Home_disk_usage_warning", fake.random_element([30, 40])
    if kind == 1:
        plugin = fake.random_element(["coverageAnalysis", "variantCaller", "FileExporter", "sampleID"])
        version = f"5.10.{fake.random_int(0, 9)}.{fake.random_int(0, 9)}"
        return f"Plugin {plugin} was updated to version {version}", "plugin_update", 20
    if kind == 2:
        body = "A Torrent Suite software update is available. <a href='/admin/update/'>Update now</a>"
        return body, "new_software_available", fake.random_element([20, 25])
    run = f"R_{moment:%Y_%m_%d_%H_%M_%S}_user_{fake.user_name()}"
    return f"Run {run} completed.", "run_completed", 25


def _message(fake: Faker, ids: list[int]) -> list[dict]:
    moments = _moments(fake, len(ids), datetime(2017, 4, 6, tzinfo=UTC),
                       datetime(2017, 10, 31, tzinfo=UTC))
    first_kind = fake.random_int(0, 3)
    rows = []
    for index, (pk, moment) in enumerate(zip(ids, moments)):
        body, tags, level = _message_text(fake, (first_kind + index) % 4, moment)
        rows.append({
            "body": body,
            "status": fake.random_element(["unread", "unread", "read"]),
            "level": level,
            "route": fake.random_element(["", "", "_StaffOnly", "ionadmin"]),
            "expires": fake.random_element(["read", "read", "startup"]),
            "time": render_datetime(moment),
            "id": pk,
            "tags": tags,
            "resource_uri": _uri("message", pk),
        })
    return rows


MAKERS: dict[str, Callable[[Faker, list[int]], list[dict]]] = {
    "filemonitor": _filemonitor,
    "compositedatamanagement": _composite,
    "PluginResultJob": _plugin_result_job,
    "message": _message,
}


# --- assembly ----------------------------------------------------------------------------------------------------


def _in_example_order(row: dict, example: dict, resource: str) -> dict:
    extra = set(row) - set(example)
    if extra:
        raise ValueError(f"{resource}: synthetic row {row.get('id')} has keys the example lacks: {sorted(extra)}")
    return {key: row[key] for key in example if key in row}


def generate(document: dict) -> dict[str, list[dict]]:
    """Seed rows per resource, sorted by id, the documented example first."""
    seeds: dict[str, list[dict]] = {}
    for resource, info in document["x-resources"].items():
        example = copy.deepcopy(info["example"])
        fake = Faker("en_US")
        fake.seed_instance(SEED + zlib.crc32(resource.encode()))  # per resource: one change leaves others alone
        ids = list(range(example["id"] + 1, example["id"] + info["total_count"]))
        made = MAKERS[resource](fake, ids)
        rows = [example] + [_in_example_order(row, example, resource) for row in made]
        if len(rows) != info["total_count"]:
            raise ValueError(f"{resource}: {len(rows)} rows, the documented total_count is {info['total_count']}")
        seeds[resource] = sorted(rows, key=lambda row: row["id"])
    return seeds


def render(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for resource, rows in generate(document).items():
        path = OUTPUT_DIR / f"{resource}.json"
        path.write_text(render(rows), encoding="utf-8")
        print(f"wrote {path} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
