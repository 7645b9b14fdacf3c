"""Seed data: ``seed_data/<api>/<resource>.json`` (API representation) → rows for the store."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import MockServerError

SEED_DIR = Path(__file__).resolve().parent / "seed_data"


def read_seed(api: str, seed_dir: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every resource file of one API: ``{resource: [row, …]}``, in file order."""
    directory = (seed_dir or SEED_DIR) / api
    if not directory.is_dir():
        given = (f"--seed-dir {seed_dir} (or MOCKSERVER_SEED_DIR, or seed-dir in --config)" if seed_dir
                 else "the package")
        raise MockServerError(f"{given}: no seed data for API {api!r}, {directory} is not a directory; a seed "
                              f"directory holds one folder per API it serves (torrent/, hub/), as `mockserver seed "
                              f"--from-recording` writes it, or serve only the APIs it has (--api)")
    seeds: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise MockServerError(f"{path}: unreadable seed file ({exc})") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise MockServerError(f"{path}: a seed file holds a JSON array of objects")
        seeds[path.stem] = rows
    return seeds
