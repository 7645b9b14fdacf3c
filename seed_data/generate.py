"""Rebuild mockserver/seed_data/<api>/*.json (the seed shipped in the package) deterministically.

    python seed_data/generate.py           # rewrite
    python seed_data/generate.py --check   # exit 1 if a file is out of date
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from mockserver import generated
from mockserver.contract import load
from mockserver.seedgen import hub, torrent

ROOT = Path(__file__).resolve().parent


def render() -> dict[str, str]:
    outputs: dict[str, str] = {}
    for api, rows_by_resource in (("torrent", torrent.generate(load("torrent"))), ("hub", hub.generate())):
        for resource, rows in rows_by_resource.items():
            text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
            outputs[f"mockserver/seed_data/{api}/{resource}.json"] = text
    return outputs


def main(argv: list[str] | None = None) -> int:
    return generated.main(__doc__.splitlines()[0], ROOT.parent, render, "python seed_data/generate.py", argv)


if __name__ == "__main__":
    sys.exit(main())
